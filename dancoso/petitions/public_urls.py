"""URL patterns (public_urls)."""

app_name = "petitions_public"

urlpatterns: list = []
