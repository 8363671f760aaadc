from rest_framework.routers import SimpleRouter

from motcua.procedures.api.views import FieldViewSet, ProcedureViewSet

router = SimpleRouter(trailing_slash=False)
router.register("fields", FieldViewSet, basename="field")
router.register("procedures", ProcedureViewSet, basename="procedure")
urlpatterns = router.urls
