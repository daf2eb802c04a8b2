"""Staff pages of disclosure compliance under /staff/disclosure/compliance/ (namespace "disclosure_compliance")."""

from django.urls import path

from dancoso.disclosure import compliance_views as views

app_name = "disclosure_compliance"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("<int:pk>/", views.unit_page, name="unit"),
]
