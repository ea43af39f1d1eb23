from rest_framework.routers import SimpleRouter

from .views import SignatureViewSet

router = SimpleRouter()
router.register("signatures", SignatureViewSet, basename="signature")

urlpatterns = router.urls
