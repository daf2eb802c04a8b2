"""Disclosures in the REST API, included inside /api/v1/ (namespace "api")."""

from rest_framework.routers import SimpleRouter

from dancoso.disclosure.api import PublicationViewSet

router = SimpleRouter()
router.register("disclosures", PublicationViewSet, basename="disclosure")

urlpatterns = router.urls
