"""Staff pages of petitions under /staff/petitions/ (namespace "petitions", shared with reception_urls)."""

from django.urls import path

from dancoso.petitions import export_views, views

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("new/", views.create, name="create"),
    path("export.xlsx", views.export, name="export"),
    path("exports/<uuid:job_id>/", export_views.job, name="export_job"),
    path("exports/<uuid:job_id>/download/", export_views.download, name="export_download"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/reveal/", views.reveal, name="reveal"),
    path("attachments/<int:pk>/", views.attachment, name="attachment"),
    *(
        path(f"<int:pk>/{name.replace('_', '-')}/", views.petition_action, {"action": name}, name=name)
        for name in views.ACTIONS
    ),
]
