from rest_framework.routers import SimpleRouter

from .views import CaseFileViewSet, FileCatalogViewSet, RetentionPeriodViewSet

router = SimpleRouter()
router.register("case-files", CaseFileViewSet, basename="case-file")
router.register("file-catalogs", FileCatalogViewSet, basename="file-catalog")
router.register("retention-periods", RetentionPeriodViewSet, basename="retention-period")

urlpatterns = router.urls
