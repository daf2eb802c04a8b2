from django.urls import path

from dancoso.accounts.api import MembershipListView, MeView

urlpatterns = [
    path("me/", MeView.as_view(), name="me"),
    path("memberships/", MembershipListView.as_view(), name="membership-list"),
]
