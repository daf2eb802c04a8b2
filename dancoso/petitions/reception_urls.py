"""URL patterns (reception_urls)."""

urlpatterns: list = []
