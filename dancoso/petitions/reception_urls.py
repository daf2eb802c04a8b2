"""Staff pages of citizen reception, mounted under /staff/petitions/ in namespace "petitions"; every route
name starts with "reception_" so it cannot collide with the petitions pages."""

from django.urls import path

from dancoso.petitions import reception_views as views

urlpatterns = [
    path("reception/", views.book, name="reception_book"),
    path("reception/export.xlsx", views.book_export, name="reception_export"),
    path("reception/import/", views.book_import, name="reception_import"),
    path("reception/schedule/", views.schedule_list, name="reception_schedules"),
    path("reception/schedule/new/", views.schedule_add, name="reception_schedule_add"),
    path("reception/schedule/<int:pk>/edit/", views.schedule_edit, name="reception_schedule_edit"),
    path("reception/schedule/<int:pk>/end/", views.schedule_end, name="reception_schedule_end"),
    path("reception/sessions/", views.session_list, name="reception_sessions"),
    path("reception/sessions/new/", views.session_add, name="reception_session_add"),
    path("reception/sessions/<int:pk>/", views.session_detail, name="reception_session_detail"),
    path("reception/sessions/<int:pk>/edit/", views.session_edit, name="reception_session_edit"),
    path("reception/sessions/<int:session_pk>/visits/new/", views.visit_add, name="reception_visit_add"),
    path("reception/visits/<int:pk>/", views.visit_detail, name="reception_visit_detail"),
    path("reception/visits/<int:pk>/edit/", views.visit_edit, name="reception_visit_edit"),
    path("reception/visits/<int:pk>/answer/", views.visit_answer, name="reception_visit_answer"),
    path("reception/visits/<int:pk>/petition/", views.visit_petition, name="reception_visit_petition"),
    path("reception/visits/<int:pk>/reveal/", views.visit_reveal, name="reception_visit_reveal"),
]
