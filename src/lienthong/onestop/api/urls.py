from django.urls import path
from rest_framework.routers import SimpleRouter

from .views import DossierViewSet, track

router = SimpleRouter()
router.register("dossiers", DossierViewSet, basename="dossier")

urlpatterns = [*router.urls, path("tracking/", track, name="tracking")]
