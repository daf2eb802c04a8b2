"""Staff pages of reports under /staff/reports/ (namespace "reports")."""

from django.urls import path

from dancoso.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.report_list, name="list"),
    path("tracker/", views.tracker, name="tracker"),
    path("generate/", views.generate, name="generate"),
    path("generate/<uuid:job_id>/", views.generate_job, name="generate_job"),
    path("generate/<uuid:job_id>/download/", views.generate_download, name="generate_download"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/sections/<slug:key>/text/", views.save_text, name="save_text"),
    path("<int:pk>/sections/<slug:key>/figures/", views.save_manual, name="save_manual"),
    path("<int:pk>/sections/<slug:key>/import/", views.import_manual, name="import_manual"),
    path("<int:pk>/document/", views.save_document, name="save_document"),
    path("<int:pk>/refresh/", views.refresh, name="refresh"),
    path("<int:pk>/submit/", views.submit, name="submit"),
    path("<int:pk>/decide/", views.decide, name="decide"),
    path("<int:pk>/revise/", views.revise, name="revise"),
    path("<int:pk>/figures/<str:key>/", views.breakdown, name="breakdown"),
    path("<int:pk>/figures/<str:key>/units/<int:unit_pk>/", views.figure_rows, name="rows"),
    path("<int:pk>/download.<str:file_format>", views.download, name="download"),
]
