"""URL patterns (staff_urls)."""

urlpatterns: list = []
