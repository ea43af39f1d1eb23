"""Rooms and meetings: booking (refusing a room, a chair or a required participant booked
twice), participants, replies, agenda documents, attendance."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import datetime
from typing import IO

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from lienthong.accounts.models import Agency, User
from lienthong.core.audit import record_event
from lienthong.documents.uploads import check_upload, store_blob
from lienthong.notifications.constants import NotificationKind
from lienthong.notifications.services import notify

from ..constants import MeetingState, Reply, RoomKind, VideoProvider
from ..models import AgendaItem, Meeting, Participant, Room
from ..permissions import can_book, can_organise, can_reply, require
from ..tasks import send_invitation_email


def _when(moment: datetime) -> str:
    local = timezone.localtime(moment)
    return local.strftime("%H:%M %d/%m/%Y")


@transaction.atomic
def create_room(
    *,
    actor: User,
    name: str,
    kind: RoomKind | str,
    capacity: int = 0,
    equipment: str = "",
    location: str = "",
) -> Room:
    require(can_book(actor), _("Only the agency's schedule officer manages its rooms."))
    agency_id = actor.agency_id
    assert agency_id is not None  # can_book
    name = name.strip()
    errors: dict[str, list[str]] = {}
    if not name or len(name) > 200:
        errors["name"] = [_("Give the room a name (at most 200 characters).")]
    elif Room.objects.filter(agency_id=agency_id, name=name).exists():
        errors["name"] = [_("The agency already has a room of this name.")]
    if kind not in RoomKind.values:
        errors["kind"] = [_("Unknown kind of room.")]
    if not 0 <= capacity <= 5000:
        errors["capacity"] = [_("Seats are between 0 and 5000.")]
    if errors:
        raise ValidationError(errors)
    room = Room.objects.create(
        agency_id=agency_id,
        name=name,
        kind=kind,
        capacity=capacity,
        equipment=equipment.strip()[:500],
        location=location.strip()[:300],
    )
    record_event(action="meetings.room_created", actor=actor, obj=room)
    return room


def _clashes_of(
    *,
    starts_at: datetime,
    ends_at: datetime,
    room: Room | None,
    chair: User,
    required_users: Iterable[User],
    excluding: int | None = None,
) -> list[str]:
    """Every double booking, each named: the room, the chair, a required participant."""
    others = Meeting.objects.overlapping(starts_at, ends_at).select_related("room", "chair")
    if excluding is not None:
        others = others.exclude(pk=excluding)
    clashes: list[str] = []

    def span(meeting: Meeting) -> str:
        return _("“%(title)s” from %(start)s to %(end)s") % {
            "title": meeting.title,
            "start": _when(meeting.starts_at),
            "end": _when(meeting.ends_at),
        }

    if room is not None and room.kind == RoomKind.PHYSICAL:
        for meeting in others.filter(room=room):
            clashes.append(
                _("The room %(room)s is already booked for %(meeting)s.")
                % {"room": room.name, "meeting": span(meeting)}
            )
    people = [chair, *[user for user in required_users if user.pk != chair.pk]]
    for person in people:
        busy = others.filter(
            Q(chair_id=person.pk)
            | Q(participants__user_id=person.pk, participants__required=True)
            & ~Q(participants__reply=Reply.DECLINE)
        ).distinct()
        for meeting in busy:
            role = _("The chair") if person.pk == chair.pk else _("The participant")
            clashes.append(
                _("%(role)s %(person)s is already in %(meeting)s.")
                % {"role": role, "person": person.full_name, "meeting": span(meeting)}
            )
    return clashes


def _send_invitations(meeting: Meeting, users: Iterable[User]) -> None:
    """The .ics invitation by e-mail to each official with an address (a job each, written in
    the booking's transaction)."""
    for user in users:
        if user.email:
            send_invitation_email.enqueue(meeting.pk, user.pk, False)


@transaction.atomic
def book_meeting(
    *,
    actor: User,
    title: str,
    starts_at: datetime,
    ends_at: datetime,
    chair: User,
    room: Room | None = None,
    video_provider: VideoProvider | str = VideoProvider.NONE,
    users: Iterable[User] = (),
    agencies: Iterable[Agency] = (),
) -> Meeting:
    """Book a meeting, refusing any double booking with a message naming each clash."""
    require(can_book(actor), _("Only the agency's schedule officer books meetings."))
    agency_id = actor.agency_id
    assert agency_id is not None  # can_book
    users, agencies = list(users), list(agencies)
    errors: dict[str, list[str]] = {}
    title = title.strip()
    if not title or len(title) > 500:
        errors["title"] = [_("Give the meeting a title (at most 500 characters).")]
    if ends_at <= starts_at:
        errors["ends_at"] = [_("The end must come after the start.")]
    if room is not None and (room.agency_id != actor.agency_id or not room.is_active):
        errors["room"] = [_("Choose a room of your agency in use.")]
    if str(video_provider) not in VideoProvider.values:
        errors["video_provider"] = [_("Unknown video conference engine.")]
    if room is None and not video_provider:
        errors["room"] = [_("Choose a room, a video conference, or both.")]
    if chair.agency_id != actor.agency_id or not chair.is_active:
        errors["chair"] = [_("The chair is an active official of your agency.")]
    if any(a.pk == actor.agency_id for a in agencies):
        errors["agencies"] = [_("Invite your own agency's officials by name.")]
    if room is not None and room.capacity and len(users) + len(agencies) + 1 > room.capacity:
        errors["room"] = [
            _("The room seats %(seats)s; %(count)s are invited.")
            % {"seats": room.capacity, "count": len(users) + len(agencies) + 1}
        ]
    if errors:
        raise ValidationError(errors)
    # Lock the room (and the chair) so that two bookings at once cannot both pass the check.
    if room is not None:
        Room.objects.select_for_update(of=("self",)).get(pk=room.pk)
    User.objects.select_for_update(of=("self",)).filter(
        pk__in=[chair.pk, *(u.pk for u in users)]
    ).count()
    clashes = _clashes_of(
        starts_at=starts_at, ends_at=ends_at, room=room, chair=chair, required_users=users
    )
    if clashes:
        raise ValidationError(clashes, code="conflict")
    meeting = Meeting.objects.create(
        agency_id=agency_id,
        title=title,
        starts_at=starts_at,
        ends_at=ends_at,
        room=room,
        chair=chair,
        video_provider=str(video_provider),
        video_room=f"lienthong-{secrets.token_hex(8)}" if video_provider else "",
        created_by=actor,
    )
    Participant.objects.bulk_create(
        [Participant(meeting=meeting, user=user) for user in users]
        + [Participant(meeting=meeting, agency=agency) for agency in agencies]
    )
    _send_invitations(meeting, [chair, *users])
    record_event(
        action="meetings.meeting_booked",
        actor=actor,
        obj=meeting,
        data={"users": [u.pk for u in users], "agencies": [a.pk for a in agencies]},
    )
    notify(
        recipients=[chair, *users],
        kind=NotificationKind.NEW_ASSIGNMENT,
        title=_("Meeting %(when)s: %(title)s") % {"when": _when(starts_at), "title": title},
        url=meeting.get_absolute_url(),
        actor=actor,
    )
    return meeting


@transaction.atomic
def invite(
    *,
    actor: User,
    meeting: Meeting,
    users: Iterable[User] = (),
    agencies: Iterable[Agency] = (),
    required: bool = True,
) -> list[Participant]:
    meeting = Meeting.objects.select_for_update(of=("self",)).get(pk=meeting.pk)
    require(can_organise(actor, meeting), _("You may not change this meeting."))
    present_users = set(meeting.participants.values_list("user_id", flat=True))
    present_agencies = set(
        meeting.participants.filter(user__isnull=True).values_list("agency_id", flat=True)
    )
    users = [u for u in users if u.pk not in present_users and u.pk != meeting.chair_id]
    agencies = [a for a in agencies if a.pk not in present_agencies]
    if any(a.pk == meeting.agency_id for a in agencies):
        raise ValidationError({"agencies": [_("Invite your own agency's officials by name.")]})
    if required and users:
        clashes = _clashes_of(
            starts_at=meeting.starts_at,
            ends_at=meeting.ends_at,
            room=None,
            chair=meeting.chair,
            required_users=users,
            excluding=meeting.pk,
        )
        clashes = [c for c in clashes if meeting.chair.full_name not in c]
        if clashes:
            raise ValidationError(clashes, code="conflict")
    created = Participant.objects.bulk_create(
        [Participant(meeting=meeting, user=u, required=required) for u in users]
        + [Participant(meeting=meeting, agency=a, required=required) for a in agencies]
    )
    _send_invitations(meeting, users)
    record_event(
        action="meetings.participants_invited",
        actor=actor,
        obj=meeting,
        data={"users": [u.pk for u in users], "agencies": [a.pk for a in agencies]},
    )
    notify(
        recipients=users,
        kind=NotificationKind.NEW_ASSIGNMENT,
        title=_("Meeting %(when)s: %(title)s")
        % {"when": _when(meeting.starts_at), "title": meeting.title},
        url=meeting.get_absolute_url(),
        actor=actor,
    )
    return created


@transaction.atomic
def reply(
    *,
    actor: User,
    participant: Participant,
    answer: Reply | str,
    deputy_name: str = "",
    reason: str = "",
) -> Participant:
    """Attend, send a deputy (named), or decline (with a reason)."""
    participant = (
        Participant.objects.select_for_update(of=("self",))
        .select_related("meeting")
        .get(pk=participant.pk)
    )
    require(can_reply(actor, participant), _("You may not reply to this invitation."))
    deputy_name, reason = deputy_name.strip(), reason.strip()
    if answer not in (Reply.ATTEND, Reply.DEPUTY, Reply.DECLINE):
        raise ValidationError({"answer": [_("Choose attend, send a deputy or decline.")]})
    if answer == Reply.DEPUTY and not deputy_name:
        raise ValidationError({"deputy_name": [_("Name the deputy who will attend.")]})
    if answer == Reply.DECLINE and not reason:
        raise ValidationError({"reason": [_("Give the reason for declining.")]})
    if len(deputy_name) > 200 or len(reason) > 500:
        raise ValidationError(_("The deputy's name or the reason is too long."))
    participant.reply = answer
    participant.deputy_name = deputy_name if answer == Reply.DEPUTY else ""
    participant.reason = reason
    participant.replied_by = actor
    participant.replied_at = timezone.now()
    participant.save()
    record_event(
        action="meetings.invitation_replied",
        actor=actor,
        obj=participant.meeting,
        data={"participant": participant.pk, "reply": str(answer), "deputy": deputy_name},
    )
    meeting = participant.meeting
    notify(
        recipients=[meeting.created_by],
        kind=NotificationKind.ASSIGNMENT_COMPLETED,
        title=_("%(who)s replied to “%(title)s”: %(reply)s")
        % {"who": participant, "title": meeting.title, "reply": participant.get_reply_display()},
        url=meeting.get_absolute_url(),
        actor=actor,
    )
    return participant


@transaction.atomic
def add_agenda_item(
    *,
    actor: User,
    meeting: Meeting,
    title: str,
    presenter: str = "",
    confidential: bool = False,
    upload: IO[bytes] | None = None,
    file_name: str = "",
) -> AgendaItem:
    meeting = Meeting.objects.select_for_update(of=("self",)).get(pk=meeting.pk)
    require(can_organise(actor, meeting), _("You may not change this meeting."))
    title = title.strip()
    if not title or len(title) > 500:
        raise ValidationError({"title": [_("Give the agenda item a title.")]})
    blob = None
    if upload is not None:
        checked = check_upload(upload, file_name)
        blob, _created = store_blob(upload, checked)
    last = meeting.agenda.order_by("-ordinal").values_list("ordinal", flat=True).first() or 0
    item = AgendaItem.objects.create(
        meeting=meeting,
        ordinal=last + 1,
        title=title,
        presenter=presenter.strip()[:200],
        confidential=confidential,
        blob=blob,
        file_name=file_name[:255] if blob else "",
    )
    record_event(
        action="meetings.agenda_item_added",
        actor=actor,
        obj=meeting,
        data={"item": item.pk, "confidential": confidential, "file": blob.sha256 if blob else ""},
    )
    return item


@transaction.atomic
def record_attendance(*, actor: User, meeting: Meeting, present: Iterable[int]) -> Meeting:
    """The organiser ticks who attended (participants by id); the meeting is then held."""
    meeting = Meeting.objects.select_for_update(of=("self",)).get(pk=meeting.pk)
    require(can_organise(actor, meeting), _("You may not change this meeting."))
    ids = set(present)
    participants = list(meeting.participants.all())
    unknown = ids - {p.pk for p in participants}
    if unknown:
        raise ValidationError(_("Some of those ticked are not participants of this meeting."))
    for participant in participants:
        participant.attended = participant.pk in ids or participant.joined_at is not None
    Participant.objects.bulk_update(participants, ["attended"])
    meeting.state = MeetingState.HELD
    meeting.save(update_fields=["state", "updated_at"])
    record_event(
        action="meetings.attendance_recorded",
        actor=actor,
        obj=meeting,
        data={"present": sorted(ids)},
    )
    return meeting


@transaction.atomic
def cancel_meeting(*, actor: User, meeting: Meeting, reason: str) -> Meeting:
    meeting = Meeting.objects.select_for_update(of=("self",)).get(pk=meeting.pk)
    require(
        can_organise(actor, meeting) and meeting.state == MeetingState.PLANNED,
        _("You may not cancel this meeting."),
    )
    if not reason.strip():
        raise ValidationError({"reason": [_("Give the reason for cancelling.")]})
    meeting.state = MeetingState.CANCELLED
    meeting.save(update_fields=["state", "updated_at"])
    record_event(
        action="meetings.meeting_cancelled", actor=actor, obj=meeting, data={"reason": reason}
    )
    notify(
        recipients=[
            meeting.chair_id,
            *meeting.participants.filter(user__isnull=False).values_list("user_id", flat=True),
        ],
        kind=NotificationKind.RETURNED,
        title=_("Meeting cancelled: %(title)s") % {"title": meeting.title},
        url=meeting.get_absolute_url(),
        actor=actor,
    )
    return meeting


@transaction.atomic
def video_presence(*, meeting: Meeting, user_id: int, joined: bool, at: datetime) -> bool:
    """A join or leave event of the video engine for one of our users (webhook, or our own
    join page). Returns False when the user is not a participant (the event is ignored)."""
    participant = (
        Participant.objects.select_for_update(of=("self",))
        .filter(meeting=meeting)
        .filter(Q(user_id=user_id) | Q(user__isnull=True, agency__users__pk=user_id))
        .first()
    )
    if participant is None:
        if meeting.chair_id != user_id:
            return False
        participant, _created = Participant.objects.get_or_create(
            meeting=meeting, user_id=user_id, defaults={"reply": Reply.ATTEND}
        )
    if joined:
        participant.joined_at = at
        participant.attended = True
    else:
        participant.left_at = at
    participant.save(update_fields=["joined_at", "left_at", "attended", "updated_at"])
    record_event(
        action="meetings.video_presence",
        actor_username=f"user:{user_id}",
        obj=meeting,
        data={"participant": participant.pk, "joined": joined},
    )
    return True
