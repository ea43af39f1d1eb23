from rest_framework.routers import SimpleRouter

from .views import DirectoryAgencyViewSet, DirectoryPersonViewSet

router = SimpleRouter()
router.register("directory/agencies", DirectoryAgencyViewSet, basename="directory-agency")
router.register("directory/people", DirectoryPersonViewSet, basename="directory-person")

urlpatterns = router.urls
