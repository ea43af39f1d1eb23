from rest_framework.routers import SimpleRouter

from .views import DraftVersionViewSet, DraftViewSet

router = SimpleRouter()
router.register("drafts", DraftViewSet, basename="draft")
router.register("draft-versions", DraftVersionViewSet, basename="draft-version")

urlpatterns = router.urls
