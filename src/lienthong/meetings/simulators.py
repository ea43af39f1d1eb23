"""Local simulators of the two video engines, checking what the real ones check.

- `JitsiSimulator`: a room address `/<room>?jwt=<token>` is let in only with a token that
  prosody's token authentication would accept: an HS256 signature with the app secret, `iss`
  the app id, `aud` an accepted audience (the app id), `sub` the domain, `room` this room (or
  `*`), `exp` not past and `nbf` reached, and a `context.user` with a name. The chair is a
  moderator when the token says so.
- `BBBSimulator`: every API call `/bigbluebutton/api/<call>?…&checksum=` is refused with
  `checksumError` unless the checksum is the hash (sha1 or sha256) of the call name, the query
  string (without the checksum) and the shared secret; `create`, `join`, `end`,
  `getRecordings` and `hooks/create` answer as the engine does (a room created with
  `record=true` has a published recording once ended), and a join, a leave and a published
  recording (`rap-publish-ended`) are sent to the registered callbacks (bbb-webhooks) with their
  own checksum.

Both are plain WSGI applications (no Django), computing everything independently of the
platform's clients, so a mistake on one side shows as a refusal on the other. They run beside
the platform (`lienthong jitsi_simulator`, `lienthong bbb_simulator`) or inside a test.
"""

from __future__ import annotations

import hashlib
import hmac
import html
import json
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, unquote, urlencode

import jwt

from lienthong.core.simulators import ServedSimulator

StartResponse = Callable[[str, list[tuple[str, str]]], Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], list[bytes]]


def _respond(start: StartResponse, status: str, body: str, kind: str = "text/html") -> list[bytes]:
    data = body.encode()
    start(status, [("Content-Type", f"{kind}; charset=utf-8"), ("Content-Length", str(len(data)))])
    return [data]


# --- Jitsi Meet ----------------------------------------------------------------------------------


@dataclass
class JitsiSimulator:
    app_id: str
    secret: str
    domain: str
    # Who is in each room: room -> {user id: (name, moderator)}
    rooms: dict[str, dict[str, tuple[str, bool]]] = field(default_factory=dict)
    refused: list[str] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def check(self, token: str, room: str) -> dict[str, Any]:
        """The claims, if prosody would let this token into `room`; otherwise raises
        jwt.InvalidTokenError."""
        claims: dict[str, Any] = jwt.decode(
            token,
            self.secret,
            algorithms=["HS256"],
            audience=self.app_id,
            issuer=self.app_id,
            options={"require": ["exp", "nbf", "iss", "aud", "sub", "room"]},
        )
        if claims["sub"] not in (self.domain, "*"):
            raise jwt.InvalidTokenError(f"sub {claims['sub']!r} is not the domain {self.domain!r}")
        if claims["room"] not in (room, "*"):
            raise jwt.InvalidTokenError(f"the token is for room {claims['room']!r}, not {room!r}")
        user = (claims.get("context") or {}).get("user")
        if not isinstance(user, dict) or not user.get("name"):
            raise jwt.InvalidTokenError("context.user with a name is required")
        return claims

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> list[bytes]:
        path = unquote(environ.get("PATH_INFO", "")).strip("/")
        params = dict(parse_qsl(environ.get("QUERY_STRING", "")))
        if path.startswith("participants/"):
            room = path.split("/", 1)[1]
            with self._lock:
                people = [
                    {"id": uid, "name": name, "moderator": mod}
                    for uid, (name, mod) in self.rooms.get(room, {}).items()
                ]
            return _respond(start_response, "200 OK", json.dumps(people), "application/json")
        if not path or "/" in path:
            return _respond(start_response, "404 Not Found", "No such room")
        try:
            claims = self.check(params.get("jwt", ""), path)
        except jwt.InvalidTokenError as exc:
            with self._lock:
                self.refused.append(str(exc))
            return _respond(
                start_response,
                "403 Forbidden",
                f"<h1>Not allowed</h1><p>{html.escape(str(exc))}</p>",
            )
        user = claims["context"]["user"]
        moderator = str(user.get("moderator", claims.get("moderator", ""))).lower() == "true"
        with self._lock:
            self.rooms.setdefault(path, {})[str(user.get("id", user["name"]))] = (
                user["name"],
                moderator,
            )
        role = "moderator" if moderator else "participant"
        return _respond(
            start_response,
            "200 OK",
            f"<h1>Jitsi Meet: {html.escape(path)}</h1>"
            f'<p id="joined">{html.escape(user["name"])} joined as {role}</p>',
        )


# --- BigBlueButton -------------------------------------------------------------------------------

API_PREFIX = "/bigbluebutton/api/"


def _xml(returncode: str, **fields: str) -> str:
    inner = "".join(f"<{k}>{html.escape(v)}</{k}>" for k, v in fields.items())
    return f"<response><returncode>{returncode}</returncode>{inner}</response>"


@dataclass
class BBBSimulator:
    secret: str
    algorithms: tuple[str, ...] = ("sha1", "sha256")
    meetings: dict[str, dict[str, Any]] = field(default_factory=dict)
    hooks: list[str] = field(default_factory=list)
    sent: list[tuple[str, int]] = field(default_factory=list)
    # Callbacks are posted at once (as bbb-webhooks does) unless `deliver_now` is off: then they
    # wait in `outbox` until `deliver_pending()` posts them (a test delivers them in its thread).
    deliver_now: bool = True
    outbox: list[tuple[str, str, bytes]] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def valid(self, call: str, query: str) -> bool:
        pairs = query.split("&") if query else []
        given = ""
        kept = []
        for pair in pairs:
            if pair.startswith("checksum="):
                given = pair[len("checksum=") :]
            else:
                kept.append(pair)
        rest = "&".join(kept)
        for algorithm in self.algorithms:
            expected = hashlib.new(algorithm, (call + rest + self.secret).encode()).hexdigest()
            if given and hmac.compare_digest(given, expected):
                return True
        return False

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> list[bytes]:
        path = environ.get("PATH_INFO", "")
        query = environ.get("QUERY_STRING", "")
        params = dict(parse_qsl(query))
        if path == "/simulator/leave":  # stands for a user closing the tab (not an API call)
            self.emit("user-left", params.get("meetingID", ""), params.get("userID", ""), "")
            return _respond(start_response, "200 OK", "left")
        if not path.startswith(API_PREFIX):
            return _respond(start_response, "404 Not Found", "Not found")
        call = path[len(API_PREFIX) :].strip("/")
        if not self.valid(call, query):
            return _respond(
                start_response,
                "200 OK",
                _xml("FAILED", messageKey="checksumError", message="Checksums do not match"),
                "text/xml",
            )
        return self._api(call, params, start_response)

    def _api(self, call: str, params: dict[str, str], start: StartResponse) -> list[bytes]:
        room = params.get("meetingID", "")
        ready = ""
        with self._lock:
            meeting = self.meetings.get(room)
            if call == "create":
                if not room or not params.get("name"):
                    return _respond(
                        start, "200 OK", _xml("FAILED", messageKey="missingParam"), "text/xml"
                    )
                self.meetings.setdefault(
                    room,
                    {
                        "name": params["name"],
                        "users": {},
                        "ended": False,
                        "record": params.get("record", "false"),
                        "created": int(time.time() * 1000),
                    },
                )
                return _respond(start, "200 OK", _xml("SUCCESS", meetingID=room), "text/xml")
            if call == "hooks/create":
                return self._hook_create(params.get("callbackURL", ""), start)
            if call == "getRecordings":
                return _respond(start, "200 OK", self._recordings(room), "text/xml")
            if meeting is None:
                return _respond(start, "200 OK", _xml("FAILED", messageKey="notFound"), "text/xml")
            if call == "end":
                meeting["ended"] = True
                if meeting.get("record") == "true" and not meeting.get("recordings"):
                    # Processed and published at once (rap-publish-ended).
                    ready = f"{hashlib.sha1(room.encode()).hexdigest()}-{meeting['created']}"  # noqa: S324
                    meeting["recordings"] = [
                        {
                            "recordID": ready,
                            "startTime": str(meeting["created"]),
                            "endTime": str(int(time.time() * 1000)),
                        }
                    ]
            elif call != "join":
                return _respond(
                    start, "200 OK", _xml("FAILED", messageKey="unsupported"), "text/xml"
                )
            elif (
                meeting["ended"]
                or not params.get("fullName")
                or params.get("role") not in ("MODERATOR", "VIEWER")
            ):
                return _respond(
                    start, "200 OK", _xml("FAILED", messageKey="invalidJoin"), "text/xml"
                )
            else:
                meeting["users"][params.get("userID", "")] = (params["fullName"], params["role"])
        if call == "end":  # outside the lock: the callback may call us back
            if ready:
                self.emit_recording_ready(room, ready)
            return _respond(
                start, "200 OK", _xml("SUCCESS", messageKey="sentEndMeetingRequest"), "text/xml"
            )
        self.emit("user-joined", room, params.get("userID", ""), params["fullName"])
        return _respond(
            start,
            "200 OK",
            f'<h1>BigBlueButton</h1><p id="joined">{html.escape(params["fullName"])} joined as '
            f"{params['role'].lower()}</p>",
        )

    def _hook_create(self, url: str, start: StartResponse) -> list[bytes]:
        """bbb-webhooks' hooks/create (called with the lock held)."""
        if not url.startswith(("http://", "https://")):
            return _respond(
                start, "200 OK", _xml("FAILED", messageKey="missingParamURL"), "text/xml"
            )
        if url in self.hooks:  # bbb-webhooks keeps one hook per address
            return _respond(
                start,
                "200 OK",
                _xml(
                    "SUCCESS",
                    hookID=str(self.hooks.index(url) + 1),
                    messageKey="duplicateWarning",
                ),
                "text/xml",
            )
        self.hooks.append(url)
        return _respond(
            start,
            "200 OK",
            _xml("SUCCESS", hookID=str(len(self.hooks)), permanentHook="false"),
            "text/xml",
        )

    def _recordings(self, room: str) -> str:
        """getRecordings as BigBlueButton answers it: `meetingID` may list several rooms
        separated by commas; without recordings, SUCCESS with the messageKey noRecordings."""
        wanted = set(filter(None, room.split(",")))
        items = []
        for mid, meeting in self.meetings.items():
            if wanted and mid not in wanted:
                continue
            for rec in meeting.get("recordings", []):
                length = max(1, (int(rec["endTime"]) - int(rec["startTime"])) // 60000)
                url = f"https://bbb.local/playback/presentation/2.3/{rec['recordID']}"
                items.append(
                    "<recording>"
                    f"<recordID>{rec['recordID']}</recordID>"
                    f"<meetingID>{html.escape(mid)}</meetingID>"
                    f"<internalMeetingID>{rec['recordID']}</internalMeetingID>"
                    f"<name>{html.escape(meeting['name'])}</name>"
                    "<isBreakout>false</isBreakout><published>true</published>"
                    "<state>published</state>"
                    f"<startTime>{rec['startTime']}</startTime><endTime>{rec['endTime']}</endTime>"
                    f"<participants>{len(meeting['users'])}</participants>"
                    "<metadata/>"
                    "<playback><format><type>presentation</type>"
                    f"<url>{html.escape(url)}</url><processingTime>7177</processingTime>"
                    f"<length>{length}</length></format></playback>"
                    "</recording>"
                )
        if not items:
            return (
                "<response><returncode>SUCCESS</returncode><recordings/>"
                "<messageKey>noRecordings</messageKey>"
                "<message>There are no recordings for the meeting(s).</message></response>"
            )
        return (
            "<response><returncode>SUCCESS</returncode>"
            f"<recordings>{''.join(items)}</recordings></response>"
        )

    def emit(self, event: str, room: str, user_id: str, name: str) -> None:
        """A user joined or left: sent to every registered callback."""
        self._post(
            {
                "type": "event",
                "id": event,
                "attributes": {
                    "meeting": {"external-meeting-id": room},
                    "user": {"external-user-id": user_id, "name": name},
                },
                "event": {"ts": int(time.time() * 1000)},
            }
        )

    def emit_recording_ready(self, room: str, record_id: str) -> None:
        """The recording is published: bbb-webhooks' rap-publish-ended event."""
        self._post(
            {
                "type": "event",
                "id": "rap-publish-ended",
                "attributes": {
                    "meeting": {"internal-meeting-id": record_id, "external-meeting-id": room},
                    "record-id": record_id,
                    "success": True,
                },
                "event": {"ts": int(time.time() * 1000)},
            }
        )

    def _post(self, data: dict[str, Any]) -> None:
        """As bbb-webhooks does: a form body `event=<JSON>&timestamp=…`, the checksum of
        URL + body + secret in the URL."""
        body = urlencode(
            {"event": json.dumps([{"data": data}]), "timestamp": str(int(time.time() * 1000))}
        ).encode()
        for url in list(self.hooks):
            digest = hashlib.new(self.algorithms[0], url.encode() + body + self.secret.encode())
            target = url + ("&" if "?" in url else "?") + "checksum=" + digest.hexdigest()
            self.outbox.append((str(data["id"]), target, body))
        if self.deliver_now:
            self.deliver_pending()

    def deliver_pending(self, post: Callable[[str, bytes], int] | None = None) -> None:
        """Post the waiting callbacks (with `post(url, body) -> status` if given)."""
        while self.outbox:
            event, url, body = self.outbox.pop(0)
            self.sent.append((event, (post or _http_post)(url, body)))


def _http_post(url: str, body: bytes) -> int:
    request = urllib.request.Request(  # noqa: S310 - the callback registered with us
        url,
        data=body,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)
    except OSError:
        return 0


# --- Running one ---------------------------------------------------------------------------------


RunningSimulator = ServedSimulator
