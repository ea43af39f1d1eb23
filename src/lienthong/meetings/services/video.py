"""Joining a meeting's video room, ending it, the engine's callbacks (join/leave, recording
ready) and their registration, and the meeting's recordings."""

from __future__ import annotations

import json
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lienthong.accounts.models import User
from lienthong.core.audit import record_event
from lienthong.notifications.constants import NotificationKind
from lienthong.notifications.services import notify

from ..constants import VideoProvider
from ..models import Meeting, VideoHook
from ..permissions import can_join_video, can_manage_video, can_organise, require
from ..video import VideoError, provider_for
from ..video.base import JoinUser, Recording
from ..video.bbb import BigBlueButton
from .meetings import video_presence

RECORDING_READY_EVENTS = ("rap-publish-ended", "rap-post-publish-ended")


def bbb_hook_url() -> str:
    """The callback address registered with BigBlueButton (and covered by its checksum)."""
    site = str(getattr(settings, "LIENTHONG_SITE_URL", "http://localhost:8000")).rstrip("/")
    return site + reverse("meetings:bbb-hook")


def bbb_client() -> BigBlueButton:
    provider = provider_for(VideoProvider.BBB)
    assert isinstance(provider, BigBlueButton)
    return provider


def register_bbb_hook(*, actor: User) -> VideoHook:
    """Register our callback with BigBlueButton's bbb-webhooks (hooks/create, checksum-signed):
    from then on it posts join/leave and recording-ready events to it."""
    require(can_manage_video(actor), _("You may not set up the video engine."))
    url = bbb_hook_url()
    try:
        hook_id = bbb_client().register_hook(callback_url=url)
    except VideoError as exc:
        raise ValidationError(
            _("The video conference engine refused: %(reason)s") % {"reason": exc}
        ) from exc
    with transaction.atomic():
        hook = VideoHook.objects.create(
            provider=VideoProvider.BBB, callback_url=url, hook_id=hook_id[:64], registered_by=actor
        )
        record_event(
            action="meetings.video_hook_registered",
            actor=actor,
            obj=hook,
            data={"provider": "bbb", "hook": hook.hook_id, "url": url},
        )
    return hook


def meeting_recordings(*, meeting: Meeting) -> list[Recording]:
    """The meeting's published recordings, asked of its engine (the caller has checked that
    the user may see the meeting). An engine that cannot be reached raises VideoError."""
    if not meeting.is_online or not meeting.video_room:
        return []
    found = provider_for(meeting.video_provider).recordings(room=meeting.video_room)
    return [r for r in found if r.published and r.url.startswith(("https://", "http://"))]


def _recording_ready(room: str) -> bool:
    meeting = (
        Meeting.objects.filter(video_room=room, video_provider=VideoProvider.BBB)
        .select_related("chair", "created_by")
        .first()
    )
    if meeting is None:
        return False
    with transaction.atomic():
        Meeting.objects.filter(pk=meeting.pk).update(recording_ready_at=timezone.now())
        record_event(action="meetings.recording_ready", actor=None, obj=meeting)
        notify(
            recipients={meeting.chair_id, meeting.created_by_id},
            kind=NotificationKind.NEW_ASSIGNMENT,
            title=_("The recording of the meeting is ready: %(title)s") % {"title": meeting.title},
            url=meeting.get_absolute_url(),
            actor=None,
        )
    return True


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
    """Apply BigBlueButton's `user-joined` / `user-left` events and the recording-ready one
    (`rap-publish-ended`) — the callback's `event` field, already authenticated by its
    checksum. Returns how many were applied."""
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
        attributes = data.get("attributes", {})
        if not isinstance(attributes, dict) or not isinstance(attributes.get("meeting"), dict):
            continue
        room = str(attributes.get("meeting", {}).get("external-meeting-id", ""))
        if kind in RECORDING_READY_EVENTS:
            applied += bool(room and _recording_ready(room))
            continue
        if kind not in ("user-joined", "user-left") or not isinstance(attributes.get("user"), dict):
            continue
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
