"""Pages of work schedules and meetings. Thin: parse input, check access, call one service,
render."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any, TypeVar

from csp.decorators import csp_update
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db.models import Prefetch, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from lienthong.accounts.models import Agency
from lienthong.core.http import form_errors, official_or_404

from . import ical, services
from .constants import MeetingDraftKind, MeetingState, ScheduleState, VideoProvider
from .forms import (
    AgendaForm,
    AttendanceForm,
    BookForm,
    CancelForm,
    EntryForm,
    InviteForm,
    ReplyForm,
    ReturnForm,
    RoomForm,
    WeekForm,
)
from .models import (
    AgendaItem,
    CalendarToken,
    Meeting,
    MeetingDraft,
    Participant,
    Room,
    Schedule,
    ScheduleEntry,
    VideoHook,
)
from .permissions import (
    access_meeting,
    access_schedule,
    can_approve_schedule,
    can_book,
    can_edit_schedule,
    can_join_video,
    can_keep_schedule,
    can_manage_video,
    can_organise,
    can_read_item,
    can_reply,
    is_named_insider,
)
from .querysets import AGENCY_REPLY_ROLES
from .video import Recording, VideoError

logger = logging.getLogger(__name__)
T = TypeVar("T")

FEED_WEEKS_BACK = 4
FEED_WEEKS_AHEAD = 12


def _agency_id(user: Any) -> int:
    agency_id: int | None = user.agency_id
    if agency_id is None:
        raise Http404
    return agency_id


def _days(
    schedule: Schedule, entries: list[ScheduleEntry]
) -> list[tuple[date, list[ScheduleEntry]]]:
    days = [schedule.week_start + timedelta(days=n) for n in range(7)]
    by_day: dict[date, list[ScheduleEntry]] = {day: [] for day in days}
    for entry in entries:
        by_day.setdefault(timezone.localtime(entry.starts_at).date(), []).append(entry)
    return [(day, by_day[day]) for day in days if by_day[day] or day.weekday() < 5]


# --- Home ----------------------------------------------------------------------------------------


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = official_or_404(request)
    now = timezone.now()
    visible = Meeting.objects.visible_to(user).select_related("room", "chair", "agency")
    this_week = services.week_start_of(timezone.localdate())
    return render(
        request,
        "meetings/home.html",
        {
            "upcoming": visible.filter(ends_at__gte=now)
            .exclude(state=MeetingState.CANCELLED)
            .order_by("starts_at")[:50],
            "past": visible.filter(ends_at__lt=now).order_by("-starts_at")[:20],
            "awaiting_reply": Participant.objects.filter(
                meeting__in=visible.filter(state=MeetingState.PLANNED), reply="pending"
            )
            .filter(_my_invitations(user))
            .select_related("meeting", "agency", "user"),
            "this_week": Schedule.objects.filter(
                agency_id=_agency_id(user), week_start=this_week
            ).first(),
            "week_start": this_week,
            "can_book": can_book(user),
            "can_keep": can_keep_schedule(user),
            "can_manage_video": can_manage_video(user),
        },
    )


def _my_invitations(user: Any) -> Any:
    mine = Q(user_id=user.pk)
    if any(user.has_role(role) for role in AGENCY_REPLY_ROLES):
        mine |= Q(user__isnull=True, agency_id=user.agency_id)
    return mine


# --- Weekly schedules ----------------------------------------------------------------------------


@login_required
def schedules(request: HttpRequest) -> HttpResponse:
    user = official_or_404(request)
    agency_id = _agency_id(user)
    with contextlib.suppress(ValueError):
        agency_id = int(request.GET.get("co-quan") or agency_id)
    agency = get_object_or_404(Agency, pk=agency_id)
    form = WeekForm(
        initial={"week_start": services.week_start_of(timezone.localdate() + timedelta(days=7))}
    )
    if request.method == "POST":
        form = WeekForm(request.POST)
        if form.is_valid():
            try:
                schedule = services.create_schedule(
                    actor=user, week_start=form.cleaned_data["week_start"]
                )
                return redirect(schedule)
            except ValidationError as exc:
                form_errors(form, exc)
    listed = Schedule.objects.visible_to(user).filter(agency=agency).order_by("-week_start")[:30]
    return render(
        request,
        "meetings/schedules.html",
        {
            "agency": agency,
            "schedules": listed,
            "form": form if can_keep_schedule(user) and agency.pk == user.agency_id else None,
            "feed_url": request.build_absolute_uri(
                reverse("meetings:agency-feed", args=[agency.pk])
            ),
            "agencies": Agency.objects.filter(schedules__state=ScheduleState.PUBLISHED).distinct(),
        },
    )


@login_required
def schedule_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = official_or_404(request)
    schedule = access_schedule(user, pk)
    entries = list(schedule.entries.select_related("chair").order_by("starts_at", "pk"))
    editable = can_edit_schedule(user, schedule)
    form = EntryForm(agency_id=schedule.agency_id)
    if request.method == "POST":
        form = EntryForm(request.POST, agency_id=schedule.agency_id)
        if form.is_valid():
            try:
                services.add_entry(actor=user, schedule=schedule, **form.cleaned_data)
                messages.success(request, _("The entry was added."))
                return redirect(schedule)
            except ValidationError as exc:
                form_errors(form, exc)
    return render(
        request,
        "meetings/schedule.html",
        {
            "schedule": schedule,
            "days": _days(schedule, entries),
            "form": form if editable else None,
            "can_edit": editable,
            "can_submit": can_keep_schedule(user, schedule.agency_id)
            and schedule.state == ScheduleState.DRAFT,
            "can_approve": can_approve_schedule(user, schedule),
            "can_book": can_book(user) and user.agency_id == schedule.agency_id,
            "return_form": ReturnForm() if can_approve_schedule(user, schedule) else None,
        },
    )


@login_required
def edit_entry(request: HttpRequest, pk: int) -> HttpResponse:
    user = official_or_404(request)
    entry = get_object_or_404(ScheduleEntry.objects.select_related("schedule"), pk=pk)
    schedule = access_schedule(user, entry.schedule_id)
    if not can_edit_schedule(user, schedule):
        raise Http404
    initial = {name: getattr(entry, name) for name in services.schedules.ENTRY_FIELDS}
    initial["starts_at"] = timezone.localtime(entry.starts_at)
    initial["ends_at"] = timezone.localtime(entry.ends_at)
    form = EntryForm(initial=initial, agency_id=schedule.agency_id)
    if request.method == "POST":
        form = EntryForm(request.POST, agency_id=schedule.agency_id)
        if form.is_valid():
            try:
                services.update_entry(actor=user, entry=entry, **form.cleaned_data)
                messages.success(request, _("The entry was changed."))
                return redirect(schedule)
            except ValidationError as exc:
                form_errors(form, exc)
    return render(
        request, "meetings/entry_form.html", {"form": form, "entry": entry, "schedule": schedule}
    )


@login_required
@require_POST
def cancel_entry(request: HttpRequest, pk: int) -> HttpResponse:
    user = official_or_404(request)
    entry = get_object_or_404(ScheduleEntry.objects.select_related("schedule"), pk=pk)
    schedule = access_schedule(user, entry.schedule_id)
    services.cancel_entry(actor=user, entry=entry)
    messages.success(request, _("The entry was cancelled."))
    return redirect(schedule)


@login_required
@require_POST
def schedule_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    user = official_or_404(request)
    schedule = access_schedule(user, pk)
    try:
        if action == "trinh":
            services.submit_schedule(actor=user, schedule=schedule)
            messages.success(request, _("The schedule was submitted for approval."))
        elif action == "duyet":
            services.approve_schedule(actor=user, schedule=schedule)
            messages.success(request, _("The schedule was approved and published."))
        elif action == "tra-lai":
            services.return_schedule(
                actor=user, schedule=schedule, comment=request.POST.get("comment", "")
            )
            messages.success(request, _("The schedule was returned to the office."))
        else:
            raise Http404
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(schedule)


def agency_feed(request: HttpRequest, agency_pk: int) -> HttpResponse:
    """The public iCalendar feed of an agency's published schedules (a few weeks around now)."""
    agency = get_object_or_404(Agency, pk=agency_pk, is_active=True)
    today = timezone.localdate()
    entries = (
        ScheduleEntry.objects.published()
        .filter(
            schedule__agency=agency,
            schedule__week_start__gte=today - timedelta(weeks=FEED_WEEKS_BACK),
            schedule__week_start__lte=today + timedelta(weeks=FEED_WEEKS_AHEAD),
        )
        .select_related("schedule")
    )
    body = ical.feed(_("Work schedule: %(agency)s") % {"agency": agency.name}, entries=entries)
    return _ics(body, f"lich-cong-tac-{agency.pk}.ics")


def _ics(body: bytes, name: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- Personal feed -------------------------------------------------------------------------------


@login_required
def my_calendar(request: HttpRequest) -> HttpResponse:
    user = official_or_404(request)
    if request.method == "POST":
        services.rotate_calendar_token(actor=user)
        messages.success(
            request, _("Your calendar has a new private address; the old one no longer works.")
        )
        return redirect("meetings:my-calendar")
    token = CalendarToken.objects.filter(user=user).first()
    return render(
        request,
        "meetings/my_calendar.html",
        {
            "feed_url": request.build_absolute_uri(reverse("meetings:feed", args=[token.token]))
            if token
            else "",
        },
    )


def personal_feed(request: HttpRequest, token: str) -> HttpResponse:
    """A user's meetings and their agency's published schedule, behind their private token."""
    found = CalendarToken.objects.select_related("user").filter(token=token).first()
    if found is None or not found.user.is_active or not found.user.agency_id:
        raise Http404
    user = found.user
    since = timezone.now() - timedelta(weeks=FEED_WEEKS_BACK)
    meetings = (
        Meeting.objects.of_user(user)
        .filter(starts_at__gte=since)
        .select_related("room", "chair")
        .prefetch_related(
            Prefetch("participants", queryset=Participant.objects.select_related("user"))
        )
    )
    entries = (
        ScheduleEntry.objects.published()
        .filter(schedule__agency_id=_agency_id(user), starts_at__gte=since)
        .select_related("schedule")
    )
    site = str(getattr(settings, "LIENTHONG_SITE_URL", "")).rstrip("/")
    body = ical.feed(
        _("Meetings of %(name)s") % {"name": user.full_name},
        entries=entries,
        meetings=meetings,
        url_of=lambda meeting: site + meeting.get_absolute_url(),
    )
    return _ics(body, "lich-cua-toi.ics")


# --- Rooms and booking ---------------------------------------------------------------------------


@login_required
def rooms(request: HttpRequest) -> HttpResponse:
    user = official_or_404(request)
    form = RoomForm()
    if request.method == "POST":
        form = RoomForm(request.POST)
        if form.is_valid():
            try:
                services.create_room(actor=user, **form.cleaned_data)
                messages.success(request, _("The room was added."))
                return redirect("meetings:rooms")
            except ValidationError as exc:
                form_errors(form, exc)
    now = timezone.now()
    listed = Room.objects.filter(agency_id=_agency_id(user)).prefetch_related(
        Prefetch(
            "meetings",
            queryset=Meeting.objects.overlapping(now, now + timedelta(days=14)).order_by(
                "starts_at"
            ),
            to_attr="coming",
        )
    )
    return render(
        request,
        "meetings/rooms.html",
        {"rooms": listed, "form": form if can_book(user) else None},
    )


def _entry_to_book(user: Any, raw: str | None) -> ScheduleEntry | None:
    """The schedule entry a meeting is booked from (`?entry=`), of the user's agency, still
    without its meeting; anything else is a 404."""
    if not raw:
        return None
    if not raw.isdigit():
        raise Http404
    return get_object_or_404(
        ScheduleEntry.objects.select_related("schedule", "chair"),
        pk=int(raw),
        schedule__agency_id=_agency_id(user),
        meeting__isnull=True,
        cancelled=False,
    )


@login_required
def book(request: HttpRequest) -> HttpResponse:
    user = official_or_404(request)
    if not can_book(user):
        raise Http404
    entry = _entry_to_book(user, request.GET.get("entry") or request.POST.get("entry"))
    initial: dict[str, Any] = {"chair": None}
    if entry is not None:
        initial = {
            "title": entry.content[:500],
            "starts_at": timezone.localtime(entry.starts_at).strftime("%Y-%m-%dT%H:%M"),
            "ends_at": timezone.localtime(entry.ends_at).strftime("%Y-%m-%dT%H:%M"),
            "chair": entry.chair_id,
        }
    form = BookForm(agency_id=_agency_id(user), initial=initial)
    if request.method == "POST":
        form = BookForm(request.POST, agency_id=_agency_id(user))
        if form.is_valid():
            data = form.cleaned_data
            booking = {
                "actor": user,
                "title": data["title"],
                "starts_at": data["starts_at"],
                "ends_at": data["ends_at"],
                "chair": data["chair"],
                "room": data["room"],
                "video_provider": data["video_provider"] or "",
                "users": data["users"],
                "agencies": data["agencies"],
            }
            try:
                if entry is not None:
                    meeting = services.book_from_entry(entry=entry, **booking)
                else:
                    meeting = services.book_meeting(**booking)
                messages.success(request, _("The meeting was booked."))
                return redirect(meeting)
            except ValidationError as exc:
                form_errors(form, exc)
    return render(request, "meetings/book.html", {"form": form, "entry": entry})


@login_required
@require_POST
def put_in_schedule(request: HttpRequest, pk: int) -> HttpResponse:
    user = official_or_404(request)
    meeting = access_meeting(user, pk)
    try:
        entry = services.put_in_schedule(actor=user, meeting=meeting)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(meeting)
    messages.success(request, _("The meeting was added to the week's schedule."))
    return redirect(entry.schedule)


# --- A meeting -----------------------------------------------------------------------------------


def _task_url(document_id: int) -> str:
    """The tasks capability's "create a task" page for a conclusion, when it is installed."""
    try:
        return reverse("tasks:create") + f"?document={document_id}"
    except NoReverseMatch:
        return ""


@login_required
# django-csp types its decorators for views taking the request only.
@csp_update({"form-action": settings.LIENTHONG_VIDEO_FORM_ACTIONS})  # type: ignore[arg-type]
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = official_or_404(request)
    meeting = access_meeting(user, pk)
    participants = list(meeting.participants.select_related("user", "agency", "replied_by"))
    insider = is_named_insider(user, meeting)
    agenda = [
        item for item in meeting.agenda.select_related("blob") if insider or not item.confidential
    ]
    organiser = can_organise(user, meeting)
    drafts = list(meeting.drafts.select_related("draft", "draft__document"))
    for link in drafts:
        document = link.draft.document
        link.task_url = (  # type: ignore[attr-defined]
            _task_url(document.pk)
            if link.kind == MeetingDraftKind.CONCLUSION
            and document is not None
            and document.status == "issued"
            else ""
        )
    made = {link.kind for link in drafts}
    recordings: list[Recording] = []
    recordings_error = ""
    if meeting.video_provider == VideoProvider.BBB and (
        meeting.recording_ready_at or meeting.state == MeetingState.HELD
    ):
        recordings, recordings_error = _ask_engine(
            lambda: services.meeting_recordings(meeting=meeting),
            list[Recording](),
            failure=_("The video engine cannot be reached: recordings not listed."),
        )
    return render(
        request,
        "meetings/detail.html",
        {
            "meeting": meeting,
            "participants": participants,
            "connected": [p for p in participants if p.is_connected],
            "replies": [(p, ReplyForm()) for p in participants if can_reply(user, p)],
            "agenda": agenda,
            "hidden_items": 0 if insider else meeting.agenda.filter(confidential=True).count(),
            "drafts": drafts,
            "recordings": recordings,
            "recordings_error": recordings_error,
            "schedule_entry": ScheduleEntry.objects.filter(meeting=meeting)
            .select_related("schedule")
            .first(),
            "can_put_in_schedule": organiser and can_keep_schedule(user, meeting.agency_id),
            "can_organise": organiser,
            "can_join": can_join_video(user, meeting),
            "invite_form": InviteForm(agency_id=meeting.agency_id)
            if organiser and meeting.state == MeetingState.PLANNED
            else None,
            "agenda_form": AgendaForm() if organiser else None,
            "attendance_form": AttendanceForm(
                choices=[(p.pk, str(p)) for p in participants],
                initial={"present": [p.pk for p in participants if p.attended]},
            )
            if organiser and meeting.state != MeetingState.CANCELLED
            else None,
            "can_draft": [
                (kind, label)
                for kind, label in MeetingDraftKind.choices
                if organiser
                and kind not in made
                and (kind == MeetingDraftKind.INVITATION or meeting.state == MeetingState.HELD)
            ],
            "cancel_form": CancelForm()
            if organiser and meeting.state == MeetingState.PLANNED
            else None,
        },
    )


@login_required
@require_POST
def invite(request: HttpRequest, pk: int) -> HttpResponse:
    user = official_or_404(request)
    meeting = access_meeting(user, pk)
    form = InviteForm(request.POST, agency_id=meeting.agency_id)
    if not form.is_valid():
        messages.error(request, _("Choose officials or agencies to invite."))
        return redirect(meeting)
    try:
        services.invite(actor=user, meeting=meeting, **form.cleaned_data)
        messages.success(request, _("The invitations were added."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(meeting)


@login_required
@require_POST
def reply(request: HttpRequest, pk: int, participant_pk: int) -> HttpResponse:
    user = official_or_404(request)
    meeting = access_meeting(user, pk)
    participant = get_object_or_404(
        Participant.objects.select_related("meeting"), pk=participant_pk, meeting=meeting
    )
    form = ReplyForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a reply."))
        return redirect(meeting)
    try:
        services.reply(actor=user, participant=participant, **form.cleaned_data)
        messages.success(request, _("Your reply was recorded."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(meeting)


@login_required
@require_POST
def add_agenda(request: HttpRequest, pk: int) -> HttpResponse:
    user = official_or_404(request)
    meeting = access_meeting(user, pk)
    form = AgendaForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Give the agenda item a title."))
        return redirect(meeting)
    upload = form.cleaned_data["file"]
    try:
        services.add_agenda_item(
            actor=user,
            meeting=meeting,
            title=form.cleaned_data["title"],
            presenter=form.cleaned_data["presenter"],
            confidential=form.cleaned_data["confidential"],
            upload=upload,
            file_name=upload.name if upload else "",
        )
        messages.success(request, _("The agenda item was added."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(meeting)


@login_required
def agenda_file(request: HttpRequest, pk: int, item_pk: int) -> FileResponse:
    user = official_or_404(request)
    meeting = access_meeting(user, pk)
    item = get_object_or_404(
        AgendaItem.objects.select_related("blob", "meeting"), pk=item_pk, meeting=meeting
    )
    if item.blob is None or not can_read_item(user, item):
        raise Http404
    inline = item.blob.content_type == "application/pdf" and request.GET.get("download") is None
    response = FileResponse(
        default_storage.open(item.blob.storage_name, "rb"),
        content_type=item.blob.content_type,
        as_attachment=not inline,
        filename=item.file_name or "tai-lieu",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = (
        "default-src 'none'; object-src 'self'" if inline else "default-src 'none'; sandbox"
    )
    return response


@login_required
@require_POST
def attendance(request: HttpRequest, pk: int) -> HttpResponse:
    user = official_or_404(request)
    meeting = access_meeting(user, pk)
    participants = meeting.participants.all()
    form = AttendanceForm(request.POST, choices=[(p.pk, str(p)) for p in participants])
    if not form.is_valid():
        messages.error(request, _("Tick who attended."))
        return redirect(meeting)
    try:
        services.record_attendance(
            actor=user, meeting=meeting, present=form.cleaned_data["present"]
        )
        messages.success(request, _("The attendance was recorded; the meeting is held."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(meeting)


@login_required
@require_POST
def draft_document(request: HttpRequest, pk: int) -> HttpResponse:
    user = official_or_404(request)
    meeting = access_meeting(user, pk)
    kind = request.POST.get("kind", "")
    if kind not in MeetingDraftKind.values:
        messages.error(request, _("Unknown kind of meeting document."))
        return redirect(meeting)
    try:
        draft = services.draft_meeting_document(actor=user, meeting=meeting, kind=kind)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(meeting)
    messages.success(
        request, _("The draft was started from the meeting; complete it and submit it.")
    )
    return redirect("drafting:detail", draft.pk)


@login_required
@require_POST
def document_pdf(request: HttpRequest, pk: int, link_pk: int) -> HttpResponse:
    """The drafter edited the DOCX: make the PDF to sign from it again."""
    user = official_or_404(request)
    meeting = access_meeting(user, pk)
    link = get_object_or_404(
        MeetingDraft.objects.select_related("draft"), pk=link_pk, meeting=meeting
    )
    try:
        services.pdf_from_latest_docx(actor=user, link=link)
        messages.success(request, _("The PDF to sign was made from the latest DOCX."))
    except (ValidationError, PermissionDenied) as exc:
        messages.error(
            request,
            " ".join(exc.messages)
            if isinstance(exc, ValidationError)
            else _("You may not add a version to this draft now."),
        )
    return redirect(meeting)


@login_required
@require_POST
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    user = official_or_404(request)
    meeting = access_meeting(user, pk)
    try:
        services.cancel_meeting(actor=user, meeting=meeting, reason=request.POST.get("reason", ""))
        messages.success(request, _("The meeting was cancelled."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(meeting)


@login_required
@require_POST
def join(request: HttpRequest, pk: int) -> HttpResponse:
    user = official_or_404(request)
    meeting = access_meeting(user, pk)
    try:
        url = services.join_video(actor=user, meeting=meeting)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(meeting)
    return redirect(url)


@login_required
@require_POST
def end_video(request: HttpRequest, pk: int) -> HttpResponse:
    user = official_or_404(request)
    meeting = access_meeting(user, pk)
    try:
        services.end_video(actor=user, meeting=meeting)
        messages.success(request, _("The video room was ended."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(meeting)


bbb_hook_url = services.bbb_hook_url


def _ask_engine(call: Callable[[], T], fallback: T, *, failure: str) -> tuple[T, str]:
    """Ask the video engine for what a page shows: its answer, or — when the engine is not
    configured or cannot be reached — the fallback and the message the user reads (the page
    still opens; the engine's own reason goes to the log for the administrator)."""
    try:
        return call(), ""
    except VideoError as exc:
        logger.warning("video engine: %s", exc)
        return fallback, failure


@login_required
def video_setup(request: HttpRequest) -> HttpResponse:
    """For the agency's administrator or schedule officer: the callback BigBlueButton posts to
    (join/leave, recording ready), the signed hooks/create call that registers it, and the
    registrations made."""
    user = official_or_404(request)
    if not can_manage_video(user):
        raise Http404
    if request.method == "POST":
        try:
            hook = services.register_bbb_hook(actor=user)
            messages.success(
                request,
                _("The callback was registered with BigBlueButton (hook %(id)s).")
                % {"id": hook.hook_id},
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect("meetings:video-setup")
    callback = services.bbb_hook_url()
    client = services.bbb_client()
    signed, engine_error = _ask_engine(
        lambda: client.hook_call(callback_url=callback),
        "",
        failure=_(
            "BigBlueButton is not configured (LIENTHONG_BBB_URL, LIENTHONG_BBB_SECRET): the "
            "callback cannot be registered."
        ),
    )
    return render(
        request,
        "meetings/video_setup.html",
        {
            "callback": callback,
            "signed_call": signed,
            "engine_error": engine_error,
            "checksum": signed.rsplit("checksum=", 1)[-1] if signed else "",
            "api_url": client.api_url,
            "algorithm": client.algorithm,
            "hooks": VideoHook.objects.filter(provider=VideoProvider.BBB).select_related(
                "registered_by"
            )[:20],
        },
    )


@csrf_exempt
@require_POST
def bbb_hook(request: HttpRequest) -> HttpResponse:
    """BigBlueButton's join/leave callbacks: refused unless their checksum is right."""
    provider = services.bbb_client()
    if not provider.verify_webhook(
        url=bbb_hook_url(), body=request.body, params=request.GET.dict()
    ):
        return HttpResponse("checksum", status=403, content_type="text/plain")
    try:
        applied = services.bbb_events(request.POST.get("event", ""))
    except ValidationError:
        return HttpResponse("bad event", status=400, content_type="text/plain")
    return HttpResponse(f"applied {applied}", content_type="text/plain")
