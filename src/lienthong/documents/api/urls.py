from rest_framework.routers import SimpleRouter

from .views import AttachmentVersionViewSet, DocumentTypeViewSet, DocumentViewSet, RegisterViewSet

router = SimpleRouter()
router.register("documents", DocumentViewSet, basename="document")
router.register("attachment-versions", AttachmentVersionViewSet, basename="attachment-version")
router.register("registers", RegisterViewSet, basename="register")
router.register("document-types", DocumentTypeViewSet, basename="document-type")

urlpatterns = router.urls
