"""The portal's own views next to Wagtail's pages: a published document of direction and its
signed PDF (public), the clerk's publish/withdraw buttons on an issued document; citizens'
feedback (the form, the public answers, tracking by code) and the officials' inbox and answer;
comments on a draft for consultation; the search; the open datasets."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from lienthong.catalogue.models import Procedure
from lienthong.core import ratelimit
from lienthong.core.http import form_errors
from lienthong.core.middleware import client_ip
from lienthong.documents.permissions import access_document

from . import opendata, services
from . import search as portal_search
from .forms import AnswerForm, CommentForm, FeedbackForm
from .models import ConsultationPage, Feedback, PortalHomePage, PublishedDocument
from .permissions import access_feedback, can_handle_feedback, feedback_visible_to


def _published(pk: int) -> PublishedDocument:
    try:
        return PublishedDocument.objects.live().select_related("document__agency").get(document=pk)
    except PublishedDocument.DoesNotExist:
        raise Http404(_("Not found.")) from None


def document(request: HttpRequest, pk: int) -> HttpResponse:
    publication = _published(pk)
    return render(
        request,
        "portal/document.html",
        {
            "publication": publication,
            "document": publication.document,
            "pdf": publication.signed_pdf(),
            "site_home": services.site_home_of(publication.document.agency),
            "page": None,
        },
    )


def document_file(request: HttpRequest, pk: int) -> FileResponse:
    version = _published(pk).signed_pdf()
    if version is None:
        raise Http404(_("Not found."))
    response = FileResponse(
        default_storage.open(version.blob.storage_name, "rb"),
        content_type="application/pdf",
        as_attachment=True,
        filename=version.original_name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@login_required
@require_POST
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    doc = access_document(request.user, pk)
    try:
        services.publish_document(actor=request.user, document=doc)  # type: ignore[arg-type]
    except PermissionDenied:
        raise Http404(_("Not found.")) from None
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Published on the agency's site."))
    return redirect("documents:detail", pk=doc.pk)


@login_required
@require_POST
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    doc = access_document(request.user, pk)
    publication = PublishedDocument.objects.filter(document=doc).first()
    if publication is None:
        raise Http404(_("Not found."))
    try:
        services.withdraw_document(actor=request.user, publication=publication)  # type: ignore[arg-type]
    except PermissionDenied:
        raise Http404(_("Not found.")) from None
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Withdrawn from the agency's site."))
    return redirect("documents:detail", pk=doc.pk)


# --- the portal's own public pages around Wagtail's, in the provincial portal's look ---


def _portal(
    request: HttpRequest, template: str, context: dict[str, Any], *, title: str
) -> HttpResponse:
    """A page of the portal's own, under the provincial portal's header (the head's title and
    Open Graph tags take `page.title`)."""
    home = PortalHomePage.objects.live().select_related("agency").first()
    page = SimpleNamespace(title=title, seo_title="", search_description="")
    return render(request, template, {"site_home": home, "page": page, **context})


def _limited(request: HttpRequest, scope: str, factor: int = 1) -> bool:
    """True when this client address went over its allowance of `scope`."""
    return not ratelimit.hit(
        f"portal-{scope}",
        client_ip(request) or "unknown",
        limit=settings.LIENTHONG_PORTAL_FEEDBACK_LIMIT * factor,
        window=settings.LIENTHONG_PORTAL_FEEDBACK_WINDOW_SECONDS,
    )


def feedback_new(request: HttpRequest) -> HttpResponse:
    """Gửi phản ánh, kiến nghị: the citizen's form; on success, the tracking code."""
    initial = {}
    if request.method == "GET" and request.GET.get("thu-tuc", "").isdigit():
        procedure = Procedure.objects.published().filter(pk=request.GET["thu-tuc"]).first()
        if procedure is not None:
            initial = {
                "procedure": procedure.pk,
                "agency": procedure.agency_id,
                "topic": "procedure",
            }
    form = FeedbackForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if _limited(request, "feedback"):
            form.add_error(None, _("Too many feedback messages from this address; try later."))
            status = 429
        elif form.is_valid():
            data = form.cleaned_data
            try:
                feedback = services.submit_feedback(
                    agency=data["agency"],
                    procedure=data["procedure"],
                    topic=data["topic"],
                    subject=data["subject"],
                    content=data["content"],
                    name=data["name"],
                    address=data["address"],
                    phone=data["phone"],
                    email=data["email"],
                    publish_consent=data["publish_consent"],
                )
            except ValidationError as exc:
                form_errors(form, exc)
            else:
                return _portal(
                    request,
                    "portal/feedback_sent.html",
                    {"feedback": feedback},
                    title=_("Feedback received"),
                )
        status = status if status != 200 else 400
    response = _portal(
        request,
        "portal/feedback_form.html",
        {"form": form, "days": settings.LIENTHONG_PORTAL_FEEDBACK_DAYS},
        title=_("Send feedback"),
    )
    response.status_code = status
    return response


def feedback_list(request: HttpRequest) -> HttpResponse:
    """The answered feedback made public: question and answer, never who asked."""
    items = Feedback.objects.public().select_related("agency", "procedure")
    agency = request.GET.get("co-quan", "")
    if agency.isdigit():
        items = items.filter(agency_id=int(agency))
    page = Paginator(items, 20).get_page(request.GET.get("trang"))
    return _portal(
        request, "portal/feedback_list.html", {"items": page}, title=_("Feedback and answers")
    )


def feedback_detail(request: HttpRequest, pk: int) -> HttpResponse:
    feedback = get_object_or_404(
        Feedback.objects.public().select_related("agency", "procedure"), pk=pk
    )
    return _portal(
        request, "portal/feedback_detail.html", {"feedback": feedback}, title=feedback.subject
    )


def feedback_track(request: HttpRequest) -> HttpResponse:
    """Tra cứu phản ánh: the state of one's feedback by its tracking code (the code is the
    secret: 10 characters out of 31; look-ups are limited per address)."""
    code = request.GET.get("ma", "").strip().upper()[:20]
    feedback = None
    limited = False
    if code:
        limited = _limited(request, "feedback-track", factor=10)
        if not limited:
            feedback = Feedback.objects.filter(code=code).select_related("agency").first()
    return _portal(
        request,
        "portal/feedback_track.html",
        {"code": code, "feedback": feedback, "limited": limited},
        title=_("Follow feedback"),
    )


@login_required
def feedback_inbox(request: HttpRequest) -> HttpResponse:
    """The agency's feedback: waiting first, by answer date."""
    if not can_handle_feedback(request.user):
        raise Http404(_("Not found."))
    items = (
        feedback_visible_to(request.user)
        .select_related("procedure")
        .order_by("-status", "due_on", "pk")
    )
    return render(
        request,
        "portal/feedback_inbox.html",
        {"items": Paginator(items, 50).get_page(request.GET.get("trang"))},
    )


@login_required
def feedback_answer(request: HttpRequest, pk: int) -> HttpResponse:
    feedback = access_feedback(request.user, pk)
    form = AnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.answer_feedback(
                actor=request.user,  # type: ignore[arg-type]
                feedback=feedback,
                answer=form.cleaned_data["answer"],
            )
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("The answer was recorded."))
            return redirect("portal:feedback-answer", pk=feedback.pk)
    return render(request, "portal/feedback_answer.html", {"feedback": feedback, "form": form})


@require_POST
def comment(request: HttpRequest, page_id: int) -> HttpResponse:
    """A comment on a draft put out for consultation; back to the draft's page."""
    page = get_object_or_404(ConsultationPage.objects.live().public(), pk=page_id)
    form = CommentForm(request.POST)
    if _limited(request, "comment"):
        return _portal(
            request,
            "portal/comment_result.html",
            {"target": page, "limited": True},
            title=page.title,
        )
    if form.is_valid():
        try:
            services.comment_on_draft(page=page, **form.cleaned_data)
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            return _portal(
                request,
                "portal/comment_result.html",
                {"target": page, "sent": True},
                title=page.title,
            )
    return _portal(
        request, "portal/comment_result.html", {"target": page, "form": form}, title=page.title
    )


def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:200]
    results = portal_search.search(query) if query else None
    return _portal(
        request,
        "portal/search.html",
        {"query": query, "results": results},
        title=_("Search the portal"),
    )


def open_data(request: HttpRequest) -> HttpResponse:
    return _portal(
        request,
        "portal/open_data.html",
        {
            "datasets": opendata.DATASETS.values(),
            "licence": opendata.LICENCE,
            "licence_url": opendata.LICENCE_URL,
        },
        title=_("Open data"),
    )


def dataset(request: HttpRequest, slug: str) -> HttpResponse:
    """A dataset's page: its metadata and data dictionary, links to its files."""
    found = opendata.DATASETS.get(slug)
    if found is None:
        raise Http404(_("Not found."))
    return _portal(
        request,
        "portal/dataset.html",
        {"dataset": found, "licence": opendata.LICENCE, "licence_url": opendata.LICENCE_URL},
        title=str(found.title),
    )


def dataset_file(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    found = opendata.DATASETS.get(slug)
    if found is None or fmt not in opendata.FORMATS:
        raise Http404(_("Not found."))
    response = HttpResponse(opendata.RENDER[fmt](found), content_type=opendata.FORMATS[fmt])
    if fmt != "json":
        response["Content-Disposition"] = f'attachment; filename="{slug}.{fmt}"'
    response["Access-Control-Allow-Origin"] = "*"  # open data: any web page may read it
    return response


@require_GET
def language(request: HttpRequest, code: str) -> HttpResponse:
    """The portal's language links (Tiếng Việt / English): the language cookie the platform's
    own switcher sets, then back to the page. Links, not the platform's POST form: a form's CSRF
    token would keep every page out of the anonymous cache (and choosing a language changes
    nothing but the visitor's own cookie)."""
    if code not in dict(settings.LANGUAGES):
        raise Http404(_("Not found."))
    target = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    response = redirect(target)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response
