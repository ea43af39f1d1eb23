from rest_framework.routers import SimpleRouter

from .views import ProcedureViewSet, SectorViewSet

router = SimpleRouter()
router.register("catalogue/sectors", SectorViewSet, basename="catalogue-sector")
router.register("catalogue/procedures", ProcedureViewSet, basename="catalogue-procedure")

urlpatterns = router.urls
