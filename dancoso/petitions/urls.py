"""Staff pages of reception and petitions, under /staff/petitions/ (namespace "petitions")."""

from dancoso.petitions import reception_urls, staff_urls

app_name = "petitions"

urlpatterns = [*staff_urls.urlpatterns, *reception_urls.urlpatterns]
