"""Petitions in the REST API, included inside /api/v1/ (namespace "api")."""

from rest_framework.routers import SimpleRouter

from dancoso.petitions.api import PetitionViewSet, QueuedPetitionViewSet

router = SimpleRouter()
router.register("petitions/queued", QueuedPetitionViewSet, basename="queued-petition")
router.register("petitions", PetitionViewSet, basename="petition")

urlpatterns = router.urls
