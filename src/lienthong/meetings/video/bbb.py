"""BigBlueButton's API: every call is `<api>/<call>?<query>&checksum=<hash>` where the hash
(sha1, sha256, sha384 or sha512, as the server allows) is of the call name, the query string
and the shared secret joined without separators. Webhook callbacks (bbb-webhooks) carry a
checksum of the callback URL, the body and the secret."""

from __future__ import annotations

import hashlib
import hmac
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from typing import Any, Self
from urllib.parse import urlencode

from defusedxml.ElementTree import fromstring
from django.conf import settings

from .base import JoinUser, Recording, VideoError, VideoProviderClient

ALGORITHMS = {"sha1", "sha256", "sha384", "sha512"}


def checksum(call: str, query: str, secret: str, algorithm: str = "sha1") -> str:
    if algorithm not in ALGORITHMS:
        raise ValueError(f"unknown checksum algorithm {algorithm!r}")
    return hashlib.new(algorithm, (call + query + secret).encode()).hexdigest()


def webhook_checksum(url: str, body: bytes, secret: str, algorithm: str = "sha1") -> str:
    return hashlib.new(algorithm, url.encode() + body + secret.encode()).hexdigest()


class BigBlueButton(VideoProviderClient):
    def __init__(self, *, api_url: str, secret: str, algorithm: str = "sha256") -> None:
        self.api_url = api_url.rstrip("/")
        self.secret = secret
        self.algorithm = algorithm

    @classmethod
    def from_settings(cls) -> Self:
        return cls(
            api_url=settings.LIENTHONG_BBB_URL,
            secret=settings.LIENTHONG_BBB_SECRET,
            algorithm=settings.LIENTHONG_BBB_CHECKSUM,
        )

    def signed_url(self, call: str, params: dict[str, str]) -> str:
        if not self.secret:
            raise VideoError("BigBlueButton is not configured (LIENTHONG_BBB_SECRET).")
        query = urlencode(params)
        digest = checksum(call, query, self.secret, self.algorithm)
        return f"{self.api_url}/{call}?{query}&checksum={digest}"

    def _call(self, call: str, params: dict[str, str]) -> ET.Element:
        try:
            with urllib.request.urlopen(self.signed_url(call, params), timeout=15) as response:  # noqa: S310
                body = response.read(1_000_000)
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise VideoError(f"BigBlueButton unreachable: {exc}") from exc
        try:
            root: ET.Element = fromstring(body)
        except Exception as exc:  # defusedxml's refusals and parse errors alike
            raise VideoError(f"BigBlueButton answered something unreadable: {exc}") from exc
        if (root.findtext("returncode") or "") != "SUCCESS":
            raise VideoError(
                f"BigBlueButton refused {call}: {root.findtext('messageKey')} "
                f"{root.findtext('message')}"
            )
        return root

    def ensure_room(self, *, room: str, title: str) -> None:
        self._call("create", {"name": title[:200], "meetingID": room, "record": "true"})

    def join_url(self, *, room: str, user: JoinUser) -> str:
        return self.signed_url(
            "join",
            {
                "fullName": user.name,
                "meetingID": room,
                "role": "MODERATOR" if user.moderator else "VIEWER",
                "userID": str(user.id),
            },
        )

    def end(self, *, room: str) -> None:
        self._call("end", {"meetingID": room})

    def recordings(self, *, room: str) -> list[Recording]:
        """getRecordings for the room: each recording with its first playback format."""
        root = self._call("getRecordings", {"meetingID": room})
        found = []
        for item in root.iter("recording"):
            playback = item.find("playback/format")
            length = (playback.findtext("length") if playback is not None else "") or ""
            found.append(
                Recording(
                    record_id=item.findtext("recordID") or "",
                    url=(playback.findtext("url") if playback is not None else "") or "",
                    started_at=item.findtext("startTime") or "",
                    length_minutes=int(length) if length.isdigit() else 0,
                    playback_format=(playback.findtext("type") if playback is not None else "")
                    or "",
                    published=(item.findtext("published") or "true") == "true",
                )
            )
        return found

    def hook_call(self, *, callback_url: str) -> str:
        """The signed hooks/create call that registers our callback with bbb-webhooks."""
        return self.signed_url("hooks/create", {"callbackURL": callback_url})

    def register_hook(self, *, callback_url: str) -> str:
        """Register the callback (bbb-webhooks' hooks/create); returns the hook's number."""
        root = self._call("hooks/create", {"callbackURL": callback_url})
        return root.findtext("hookID") or ""

    def verify_webhook(self, *, url: str, body: bytes, params: dict[str, Any]) -> bool:
        given = str(params.get("checksum", ""))
        expected = webhook_checksum(url, body, self.secret, self.algorithm)
        return bool(given) and hmac.compare_digest(given, expected)
