"""The certificate as a PDF (WeasyPrint) with a QR code (segno) pointing to its public
verification page, `LIENTHONG_SITE_URL` + /dao-tao/xac-minh/<code>/."""

from __future__ import annotations

from typing import Any

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import mark_safe

from .models import Certificate


def verification_url(certificate: Certificate) -> str:
    path = reverse("training:verify", args=[certificate.code])
    return settings.LIENTHONG_SITE_URL.rstrip("/") + path


def render_pdf(certificate: Certificate) -> bytes:
    url = verification_url(certificate)
    qr = segno.make(url, error="m").svg_inline(scale=3, border=1)
    with translation.override("vi"):  # the certificate is printed in Vietnamese
        html = render_to_string(
            "training/certificate_print.html",
            {
                "certificate": certificate,
                "enrolment": certificate.enrolment,
                "training_class": certificate.enrolment.training_class,
                "url": url,
                "qr": mark_safe(qr),  # noqa: S308 (segno's own SVG markup)
            },
        )
    return _pdf(html)


def _pdf(html: str) -> bytes:
    # Deliberately lazy: WeasyPrint loads Pango and its fonts on import; only PDFs need it.
    from weasyprint import HTML, URLFetcher  # noqa: PLC0415

    document: Any = HTML(string=html, base_url=None, url_fetcher=URLFetcher(allowed_protocols=()))
    pdf = document.write_pdf()
    assert isinstance(pdf, bytes)
    return pdf
