"""URL patterns (open311_urls)."""

app_name = "open311"

urlpatterns: list = []
