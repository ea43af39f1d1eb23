"""Jitsi Meet with token authentication (prosody's `token` authentication, `mod_auth_token`):
the platform signs, for each user joining a room, a JWT (HS256 with the deployment's app secret)
whose claims prosody checks — `iss` (the app id), `aud` (an accepted audience: the app id),
`sub` (the deployment's domain), `room` (the room name), `exp`/`nbf`, and `context.user`
(id, name, e-mail) with `moderator` for the chair."""

from __future__ import annotations

import time
from typing import Self
from urllib.parse import quote

import jwt
from django.conf import settings

from .base import JoinUser, Recording, VideoError, VideoProviderClient


class JitsiMeet(VideoProviderClient):
    def __init__(
        self, *, base_url: str, app_id: str, secret: str, domain: str, token_minutes: int = 10
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.app_id = app_id
        self.secret = secret
        self.domain = domain
        self.token_minutes = token_minutes

    @classmethod
    def from_settings(cls) -> Self:
        return cls(
            base_url=settings.LIENTHONG_JITSI_URL,
            app_id=settings.LIENTHONG_JITSI_APP_ID,
            secret=settings.LIENTHONG_JITSI_APP_SECRET,
            domain=settings.LIENTHONG_JITSI_DOMAIN,
            token_minutes=settings.LIENTHONG_JITSI_TOKEN_MINUTES,
        )

    def token(self, *, room: str, user: JoinUser, now: float | None = None) -> str:
        if not self.secret:
            raise VideoError("Jitsi is not configured (LIENTHONG_JITSI_APP_SECRET).")
        now = time.time() if now is None else now
        claims = {
            "iss": self.app_id,
            "aud": self.app_id,
            "sub": self.domain,
            "room": room,
            "iat": int(now),
            "nbf": int(now) - 10,
            "exp": int(now) + self.token_minutes * 60,
            "moderator": user.moderator,
            "context": {
                "user": {
                    "id": str(user.id),
                    "name": user.name,
                    "email": user.email,
                    "moderator": "true" if user.moderator else "false",
                }
            },
        }
        return jwt.encode(claims, self.secret, algorithm="HS256")

    def ensure_room(self, *, room: str, title: str) -> None:
        """Jitsi makes a room when its first (authorised) user arrives."""

    def join_url(self, *, room: str, user: JoinUser) -> str:
        return f"{self.base_url}/{quote(room)}?jwt={self.token(room=room, user=user)}"

    def end(self, *, room: str) -> None:
        """A Jitsi room ends when the last participant leaves; nothing to call."""

    def recordings(self, *, room: str) -> list[Recording]:
        return []  # Jibri uploads recordings to storage of its own; not listed here
