from rest_framework.routers import SimpleRouter

from dancoso.units.api import HouseholdViewSet, UnitViewSet

router = SimpleRouter()
router.register("units", UnitViewSet, basename="unit")
router.register("households", HouseholdViewSet, basename="household")

urlpatterns = router.urls
