"""The current PDF files of a document, for the inline viewer of pages that show the document
(the processing page). Only for pages whose view has already checked access to the document;
the file view checks it again for every download."""

from __future__ import annotations

from django import template

from lienthong.documents.models import Attachment, AttachmentVersion, Document

register = template.Library()


@register.simple_tag
def current_pdfs(document: Document) -> list[AttachmentVersion]:
    """The newest version of each attachment of ``document`` that is a PDF, in attachment order."""
    attachments = Attachment.objects.filter(document=document).prefetch_related("versions__blob")
    versions = [a.current for a in attachments]
    return [v for v in versions if v is not None and v.blob.content_type == "application/pdf"]
