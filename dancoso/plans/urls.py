"""Staff pages of plans under /staff/plans/ (namespace "plans")."""

from django.urls import path

from dancoso.plans import views

app_name = "plans"

urlpatterns = [
    path("", views.plan_list, name="list"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/issue/", views.issue, name="issue"),
    path("<int:pk>/indicators/", views.indicator_add, name="indicator_add"),
    path("<int:pk>/tasks/", views.task_add, name="task_add"),
    path("indicators/<int:pk>/", views.indicator, name="indicator"),
    path("indicators/<int:pk>/snapshot/", views.snapshot, name="snapshot"),
    path("tasks/<int:pk>/", views.task, name="task"),
]
