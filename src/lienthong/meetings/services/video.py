"""Joining a meeting's video room, ending it, and the engine's join/leave events."""

from __future__ import annotations

import json
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lienthong.accounts.models import User
from lienthong.core.audit import record_event

from ..constants import VideoProvider
from ..models import Meeting
from ..permissions import can_join_video, can_organise, require
from ..video import VideoError, provider_for
from ..video.base import JoinUser
from .meetings import video_presence


def join_video(*, actor: User, meeting: Meeting) -> str:
    """The signed address that lets the actor into the meeting's room (the chair moderates).
    With Jitsi, which sends no events, asking for it counts as joining."""
    require(can_join_video(actor, meeting), _("You may not join this meeting's video room."))
    provider = provider_for(meeting.video_provider)
    try:
        provider.ensure_room(room=meeting.video_room, title=meeting.title)
        url = provider.join_url(
            room=meeting.video_room,
            user=JoinUser(
                id=actor.pk,
                name=actor.full_name or actor.username,
                email=actor.email,
                moderator=actor.pk == meeting.chair_id,
            ),
        )
    except VideoError as exc:
        raise ValidationError(
            _("The video conference engine refused: %(reason)s") % {"reason": exc}
        ) from exc
    with transaction.atomic():
        record_event(action="meetings.video_joined", actor=actor, obj=meeting)
        if meeting.video_provider == VideoProvider.JITSI:
            video_presence(meeting=meeting, user_id=actor.pk, joined=True, at=timezone.now())
    return url


@transaction.atomic
def end_video(*, actor: User, meeting: Meeting) -> None:
    require(can_organise(actor, meeting) and meeting.is_online, _("You may not end this room."))
    try:
        provider_for(meeting.video_provider).end(room=meeting.video_room)
    except VideoError as exc:
        raise ValidationError(str(exc)) from exc
    record_event(action="meetings.video_ended", actor=actor, obj=meeting)


def bbb_events(payload: str, *, at: datetime | None = None) -> int:
    """Apply BigBlueButton's `user-joined` / `user-left` events (the callback's `event` field,
    already authenticated by its checksum). Returns how many were applied."""
    try:
        events = json.loads(payload)
    except ValueError:
        raise ValidationError(_("The event is not JSON.")) from None
    if not isinstance(events, list):
        raise ValidationError(_("The events are a list."))
    applied = 0
    for item in events:
        data = item.get("data", {}) if isinstance(item, dict) else {}
        kind = data.get("id")
        if kind not in ("user-joined", "user-left"):
            continue
        attributes = data.get("attributes", {})
        room = str(attributes.get("meeting", {}).get("external-meeting-id", ""))
        user_id = str(attributes.get("user", {}).get("external-user-id", ""))
        if not room or not user_id.isdigit():
            continue
        meeting = Meeting.objects.filter(video_room=room, video_provider=VideoProvider.BBB).first()
        if meeting is None:
            continue
        if video_presence(
            meeting=meeting,
            user_id=int(user_id),
            joined=kind == "user-joined",
            at=at or timezone.now(),
        ):
            applied += 1
    return applied
