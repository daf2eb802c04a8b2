"""Petitions in the REST API, included inside /api/v1/ (namespace "api")."""

from rest_framework.routers import SimpleRouter

from dancoso.petitions.api import PetitionViewSet

router = SimpleRouter()
router.register("petitions", PetitionViewSet, basename="petition")

urlpatterns = router.urls
