from rest_framework.routers import DefaultRouter

from .views import AgencyViewSet, UnitViewSet, UserViewSet

router = DefaultRouter()
router.register("agencies", AgencyViewSet, basename="agency")
router.register("units", UnitViewSet, basename="unit")
router.register("users", UserViewSet, basename="user")

urlpatterns = router.urls
