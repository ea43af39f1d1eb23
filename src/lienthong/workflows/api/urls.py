from rest_framework.routers import SimpleRouter

from .views import AssignmentViewSet, ProcessingEntryViewSet

router = SimpleRouter()
router.register("assignments", AssignmentViewSet, basename="assignment")
router.register("processing-history", ProcessingEntryViewSet, basename="processing-history")

urlpatterns = router.urls
