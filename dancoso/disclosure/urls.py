"""Staff pages of disclosure under /staff/disclosure/ (namespace "disclosure")."""

from django.urls import path

from dancoso.disclosure import views

app_name = "disclosure"

urlpatterns = [
    path("", views.publication_list, name="list"),
    path("new/", views.create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/publish/", views.publish, name="publish"),
    path("<int:pk>/revise/", views.revise, name="revise"),
    path("<int:pk>/postings/", views.add_posting, name="add_posting"),
    path("<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("<int:pk>/plan-item/", views.link_plan, name="link_plan"),
    path("postings/<int:pk>/confirm/", views.confirm_posting, name="confirm_posting"),
    path("postings/<int:pk>/taken-down/", views.end_posting, name="end_posting"),
    path("files/<int:pk>/", views.attachment, name="attachment"),
    # The yearly plan (Art. 14) and the quarterly list (Art. 13.2).
    path("plan/", views.plan, name="plan"),
    path("plan/new/", views.plan_create, name="plan_create"),
    path("plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/items/", views.plan_item_add, name="plan_item_add"),
    path("plans/<int:pk>/approve/", views.plan_approve, name="plan_approve"),
    path("plan-items/<int:pk>/", views.plan_item_edit, name="plan_item_edit"),
    path("plan-items/<int:pk>/remove/", views.plan_item_remove, name="plan_item_remove"),
    path("quarterly/", views.quarterly, name="quarterly"),
    # Internal items (Art. 46, 64) for every member of the unit, whatever the role.
    path("internal/", views.internal_list, name="internal"),
    path("internal/<int:pk>/", views.internal_detail, name="internal_detail"),
    path("internal/files/<int:pk>/", views.internal_attachment, name="internal_attachment"),
]
