"""The video engines: our Jitsi tokens pass the checks of prosody's token authentication (the
simulator verifies them with PyJWT) and a forged or expired one is refused; BigBlueButton's
checksums match the worked examples of its documentation, the simulator refuses a wrong one,
and its join/leave callbacks are accepted only with their checksum."""

from __future__ import annotations

import hashlib
import json
import time
import urllib.error
import urllib.request
from urllib.parse import urlencode

import jwt
import pytest
from django.urls import reverse

from lienthong.meetings.constants import VideoProvider
from lienthong.meetings.simulators import BBBSimulator, JitsiSimulator, RunningSimulator
from lienthong.meetings.video.base import JoinUser
from lienthong.meetings.video.bbb import BigBlueButton, checksum
from lienthong.meetings.video.jitsi import JitsiMeet
from lienthong.meetings.views import bbb_hook_url
from tests.conftest import free_port

SECRET = "jitsi-test-secret-0123456789abcdef"
CHAIR = JoinUser(id=7, name="Nguyễn Văn Hùng", email="hung@camau.gov.vn", moderator=True)


def _jitsi(**overrides) -> JitsiMeet:
    values = {
        "base_url": "http://x",
        "app_id": "lienthong",
        "secret": SECRET,
        "domain": "meet.camau.gov.vn",
    }
    values.update(overrides)
    return JitsiMeet(**values)


def _simulator() -> JitsiSimulator:
    return JitsiSimulator(app_id="lienthong", secret=SECRET, domain="meet.camau.gov.vn")


def test_a_jitsi_token_carries_prosodys_claims_and_passes_its_checks() -> None:
    token = _jitsi().token(room="lienthong-abc", user=CHAIR)
    claims = _simulator().check(token, "lienthong-abc")
    assert claims["iss"] == claims["aud"] == "lienthong" and claims["sub"] == "meet.camau.gov.vn"
    assert claims["room"] == "lienthong-abc" and claims["nbf"] <= time.time() < claims["exp"]
    assert claims["context"]["user"] == {
        "id": "7",
        "name": "Nguyễn Văn Hùng",
        "email": "hung@camau.gov.vn",
        "moderator": "true",
    }


@pytest.mark.parametrize(
    ("token", "reason"),
    [
        (
            lambda: _jitsi(secret="forged-secret-forged-secret-forged").token(room="r", user=CHAIR),
            "Signature",
        ),
        (lambda: _jitsi().token(room="r", user=CHAIR, now=time.time() - 3600), "expired"),
        (lambda: _jitsi().token(room="r", user=CHAIR, now=time.time() + 3600), "not yet valid"),
        (lambda: _jitsi().token(room="another-room", user=CHAIR), "room"),
        (lambda: _jitsi(domain="evil.example").token(room="r", user=CHAIR), "sub"),
        (lambda: _jitsi(app_id="other-app").token(room="r", user=CHAIR), "issuer|audience"),
        (
            lambda: jwt.encode(
                {"room": "r", "iss": "lienthong", "aud": "lienthong", "sub": "meet.camau.gov.vn"},
                SECRET,
                "HS256",
            ),
            "exp",
        ),
    ],
    ids=["forged", "expired", "not-yet", "other-room", "other-domain", "other-app", "no-exp"],
)
def test_the_jitsi_simulator_refuses_what_prosody_refuses(token, reason) -> None:
    with pytest.raises(jwt.InvalidTokenError, match=reason):
        _simulator().check(token(), "r")


def test_the_chair_joins_the_jitsi_room_and_is_shown_connected(org, book, client, settings) -> None:
    port = free_port()
    settings.LIENTHONG_JITSI_URL = f"http://127.0.0.1:{port}"
    settings.LIENTHONG_JITSI_APP_SECRET = SECRET
    settings.LIENTHONG_JITSI_DOMAIN = "meet.camau.gov.vn"
    meeting = book(room=None, video_provider=VideoProvider.JITSI)
    simulator = _simulator()
    with RunningSimulator(simulator, port):
        client.force_login(org.chairman)
        response = client.post(reverse("meetings:join", args=[meeting.pk]))
        assert response.status_code == 302 and response.url.startswith(settings.LIENTHONG_JITSI_URL)
        with urllib.request.urlopen(response.url, timeout=5) as joined:  # noqa: S310
            assert "joined as moderator" in joined.read().decode()
        forged = _jitsi(secret="forged-secret-forged-secret-forged").join_url(
            room=meeting.video_room, user=CHAIR
        )
        forged = forged.replace("http://x", settings.LIENTHONG_JITSI_URL)
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(forged, timeout=5)  # noqa: S310
        assert refused.value.code == 403
    assert list(simulator.rooms[meeting.video_room].values()) == [(org.chairman.full_name, True)]
    page = client.get(meeting.get_absolute_url()).content.decode()
    connected = page.split('data-testid="connected"', 1)[1].split("</ul>", 1)[0]
    assert org.chairman.full_name in connected
    client.force_login(org.district_specialist)  # not invited: no room for them
    assert client.post(reverse("meetings:join", args=[meeting.pk])).status_code == 404


def test_bbb_checksums_match_the_documentations_worked_examples() -> None:
    # docs.bigbluebutton.org, API Reference, "Usage": create with this query and secret.
    query = "name=Test+Meeting&meetingID=abc123&attendeePW=111222&moderatorPW=333444"
    secret = "639259d4-9dd8-4b25-bf01-95f9567eaf4b"
    assert checksum("create", query, secret) == "1fcbb0c4fc1f039f73aa6d697d2db9ba7f803f17"
    # The same rule with SHA-256 (a worked example of bbbserver.com's API guide).
    query = (
        "name=Demo&meetingID=replace-with-meeting-id&attendeePW=replace-with-password"
        "&moderatorPW=replace-with-password"
    )
    assert checksum("create", query, "replace-with-secret", "sha256") == (
        "7e5a0a48f1542462e56ca034dc83d741bff1deb5feab0cd9ef74fa6e009fe1fd"
    )
    assert BBBSimulator(secret=secret).valid(
        "create",
        "name=Test+Meeting&meetingID=abc123&attendeePW=111222&moderatorPW=333444&checksum=1fcbb0c4fc1f039f73aa6d697d2db9ba7f803f17",
    )


def test_bbb_client_against_the_simulator_and_a_wrong_secret_refused() -> None:
    port = free_port()
    simulator = BBBSimulator(secret="bbb-shared-secret")
    api = f"http://127.0.0.1:{port}/bigbluebutton/api"
    with RunningSimulator(simulator, port):
        client = BigBlueButton(api_url=api, secret="bbb-shared-secret", algorithm="sha256")
        client.ensure_room(room="hop-1", title="Họp trực tuyến")
        with urllib.request.urlopen(client.join_url(room="hop-1", user=CHAIR), timeout=5) as page:  # noqa: S310
            assert "joined as moderator" in page.read().decode()
        assert client.recordings(room="hop-1") == []  # noRecordings until it ends
        client.end(room="hop-1")
        (recording,) = client.recordings(room="hop-1")
        # BigBlueButton's record id: sha1 of the meeting id, a dash, the start in milliseconds.
        digest = hashlib.sha1(b"hop-1").hexdigest()  # noqa: S324 - BBB's internal meeting id
        assert recording.record_id.startswith(digest + "-") and recording.published
        assert recording.url.endswith("/playback/presentation/2.3/" + recording.record_id)
        assert recording.playback_format == "presentation" and recording.started is not None
        from lienthong.meetings.video import VideoError

        with pytest.raises(VideoError, match="checksumError"):
            BigBlueButton(api_url=api, secret="wrong").ensure_room(room="hop-2", title="x")
    assert "hop-2" not in simulator.meetings and simulator.meetings["hop-1"]["ended"]


def test_bbb_join_and_leave_callbacks_record_presence_only_with_their_checksum(
    org, book, client, settings
) -> None:
    settings.LIENTHONG_BBB_SECRET = "bbb-shared-secret"
    settings.LIENTHONG_BBB_CHECKSUM = "sha1"
    meeting = book(room=None, video_provider=VideoProvider.BBB)
    url = bbb_hook_url()

    def post(event: str, secret: str = "bbb-shared-secret"):  # noqa: S107 - the test secret
        data = [
            {
                "data": {
                    "type": "event",
                    "id": event,
                    "attributes": {
                        "meeting": {"external-meeting-id": meeting.video_room},
                        "user": {"external-user-id": str(org.specialist.pk), "name": "x"},
                    },
                }
            }
        ]
        body = urlencode({"event": json.dumps(data), "timestamp": "1"})
        digest = hashlib.sha1((url + body + secret).encode()).hexdigest()  # noqa: S324 - BBB's rule
        return client.post(
            reverse("meetings:bbb-hook") + f"?checksum={digest}",
            body,
            content_type="application/x-www-form-urlencoded",
        )

    assert post("user-joined", secret="forged").status_code == 403
    participant = meeting.participants.get(user=org.specialist)
    participant.refresh_from_db()
    assert participant.joined_at is None
    assert post("user-joined").status_code == 200
    participant.refresh_from_db()
    assert participant.is_connected and participant.attended
    assert post("user-left").status_code == 200
    participant.refresh_from_db()
    assert not participant.is_connected


def test_the_bbb_callback_is_registered_from_its_page_and_the_recording_shown(
    org, book, client, settings
) -> None:
    from urllib.parse import urlsplit

    from lienthong.meetings.models import VideoHook

    port = free_port()
    settings.LIENTHONG_BBB_URL = f"http://127.0.0.1:{port}/bigbluebutton/api"
    settings.LIENTHONG_BBB_SECRET = "bbb-shared-secret"
    settings.LIENTHONG_BBB_CHECKSUM = "sha256"
    simulator = BBBSimulator(secret="bbb-shared-secret", algorithms=("sha256",), deliver_now=False)
    meeting = book(room=None, video_provider=VideoProvider.BBB)
    setup = reverse("meetings:video-setup")

    def deliver(url: str, body: bytes) -> int:  # the simulator's callbacks, into our site
        parts = urlsplit(url)
        return client.post(
            f"{parts.path}?{parts.query}", body, content_type="application/x-www-form-urlencoded"
        ).status_code

    client.force_login(org.district_specialist)  # neither administrator nor schedule officer
    assert client.get(setup).status_code == 404
    client.force_login(org.officer)
    url = bbb_hook_url()
    with RunningSimulator(simulator, port):
        page = client.get(setup).content.decode()
        signed = checksum(
            "hooks/create", urlencode({"callbackURL": url}), "bbb-shared-secret", "sha256"
        )
        assert url in page and signed in page.split('data-testid="hook-checksum"', 1)[1]
        assert client.post(setup).status_code == 302
        assert simulator.hooks == [url] and VideoHook.objects.get().hook_id == "1"
        assert url in client.get(setup).content.decode().split('data-testid="hooks"', 1)[1]

        # The chair joins (the server calls back: joined), then ends the room: the recording
        # is published and the server calls back again (rap-publish-ended).
        client.force_login(org.chairman)
        joined = client.post(reverse("meetings:join", args=[meeting.pk]))
        with urllib.request.urlopen(joined.url, timeout=5) as answer:  # noqa: S310
            assert "joined as moderator" in answer.read().decode()
        page = client.get(meeting.get_absolute_url()).content.decode()
        assert "bbb.local/playback" not in page  # nothing recorded yet, engine not asked
        assert client.post(reverse("meetings:end-video", args=[meeting.pk])).status_code == 302
        simulator.deliver_pending(deliver)
        assert simulator.sent == [("user-joined", 200), ("rap-publish-ended", 200)]
        meeting.refresh_from_db()
        assert meeting.recording_ready_at is not None
        recordings = client.get(meeting.get_absolute_url()).content.decode()
        recordings = recordings.split('data-testid="recordings"', 1)[1].split("</ul>", 1)[0]
        (record_id,) = [r["recordID"] for r in simulator.meetings[meeting.video_room]["recordings"]]
        assert f"https://bbb.local/playback/presentation/2.3/{record_id}" in recordings
        client.force_login(org.district_specialist)  # may not see the meeting: 404, no list
        assert client.get(meeting.get_absolute_url()).status_code == 404
        # A forged recording-ready callback changes nothing.
        simulator.secret = "forged"
        simulator.emit_recording_ready(meeting.video_room, "x")
        simulator.deliver_pending(deliver)
        assert simulator.sent[-1] == ("rap-publish-ended", 403)
    client.force_login(org.chairman)  # the engine gone: the page says so, and still opens
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "cannot be reached" in page or "Không kết nối" in page
    # A refused registration (wrong secret) stores nothing.
    settings.LIENTHONG_BBB_SECRET = "wrong"
    with RunningSimulator(BBBSimulator(secret="bbb-shared-secret"), port):
        client.force_login(org.officer)
        client.post(setup)
    assert VideoHook.objects.count() == 1
    # No shared secret: the set-up page opens and says why nothing can be registered.
    settings.LIENTHONG_BBB_SECRET = ""
    page = client.get(setup).content.decode()
    assert 'data-testid="engine-error"' in page and "LIENTHONG_BBB_SECRET" in page
    assert 'data-testid="register-hook"' not in page
