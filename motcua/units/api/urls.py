from rest_framework.routers import SimpleRouter

from motcua.units.api.views import UnitViewSet

router = SimpleRouter(trailing_slash=False)
router.register("units", UnitViewSet, basename="unit")
urlpatterns = router.urls
