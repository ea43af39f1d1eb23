"""The portal's content (pages, images, documents, tags) is edited in the Wagtail admin
(/quan-tri/cong/), by each agency's portal editors; the platform's admin does not list it twice."""

from django.contrib import admin
from taggit.models import Tag
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

for model in (Tag, get_document_model(), get_image_model()):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
