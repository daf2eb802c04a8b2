from django.urls import path

from dancoso.units import views

app_name = "units"
urlpatterns = [
    path("", views.unit_tree, name="tree"),
    path("<int:pk>/", views.unit_tree, name="unit_tree"),
    path("households/", views.household_list, name="household_list"),
    path("households/new/", views.household_create, name="household_create"),
    path("households/import/", views.household_import, name="household_import"),
    path("households/export.xlsx", views.household_export, name="household_export"),
    path("households/<int:pk>/edit/", views.household_edit, name="household_edit"),
    path("households/<int:pk>/deactivate/", views.household_deactivate, name="household_deactivate"),
    path("households/<int:pk>/reactivate/", views.household_reactivate, name="household_reactivate"),
]
