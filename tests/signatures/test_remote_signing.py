"""Remote signing (ký số từ xa) the way SmartCA / MySign work, against the provider simulator
run as a real process: only the hash leaves, the draft waits for the signer's confirmation on
the "phone" (the simulator's page), and completes by callback or by polling; a refusal, a
timeout or a cancellation leaves it signable again; a forged callback is refused."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone
from pyhanko.pdf_utils.reader import PdfFileReader

from lienthong.core import periodic
from lienthong.core.models import AuditEvent
from lienthong.drafting import services as drafting
from lienthong.drafting.constants import DraftState, EventKind
from lienthong.drafting.models import Draft, DraftEvent
from lienthong.signatures import engine, remote
from lienthong.signatures import services as signatures
from lienthong.signatures.constants import AGENCY_FIELD, PERSONAL_FIELD, KeySource
from lienthong.signatures.models import RemoteSignature
from tests.conftest import free_port
from tests.drafting.conftest import upload

from . import pki as pki_module

PROVIDER = "smartca-thu"
USER_ID = "079085001234"  # the director's ID number, as SmartCA knows him
CREDENTIAL_ID = "cred-giamdoc-01"
WEBHOOK_SECRET = "bi-mat-webhook"


def _request(url: str, **kwargs: object) -> urllib.request.Request:
    return urllib.request.Request(url, **kwargs)  # type: ignore[arg-type]  # noqa: S310 (http test servers)


def _open(request: urllib.request.Request | str, timeout: float) -> Any:
    return urllib.request.urlopen(request, timeout=timeout)  # noqa: S310 (http test servers)


@dataclass
class Simulator:
    url: str
    process: subprocess.Popen[bytes]

    def requests(self) -> list[dict[str, object]]:
        with _open(f"{self.url}/_requests", timeout=5) as r:
            return json.loads(r.read())

    def page(self, transaction_id: str) -> str:
        with _open(f"{self.url}/xac-nhan/{transaction_id}", timeout=5) as r:
            return r.read().decode()

    def decide(self, transaction_id: str, action: str) -> str:
        body = urllib.parse.urlencode({"action": action}).encode()
        request = _request(f"{self.url}/xac-nhan/{transaction_id}", data=body, method="POST")
        with _open(request, timeout=60) as r:
            return r.read().decode()


@pytest.fixture(scope="module")
def simulator(pki, tmp_path_factory) -> Iterator[Simulator]:
    key_pem = (Path(pki.keydir) / "director.key.pem").read_text()
    stranger_key = (Path(pki.keydir) / "stranger.key.pem").read_text()
    config = {
        "client_id": "lienthong",
        "client_secret": "bi-mat-client",
        "webhook_secret": WEBHOOK_SECRET,
        "timeout_seconds": 300,
        "users": [
            {
                "user_id": USER_ID,
                "credential_id": CREDENTIAL_ID,
                "key_pem": key_pem,
                "certificates_pem": (pki.pem("director") + pki.pem("interm")).decode(),
            },
            {
                "user_id": "someone-else",
                "credential_id": "cred-nguoi-khac",
                "key_pem": stranger_key,
                "certificates_pem": pki.pem("stranger").decode(),
            },
        ],
    }
    path = tmp_path_factory.mktemp("simulator") / "simulator.json"
    path.write_text(json.dumps(config))
    port = free_port()
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "lienthong", "remote_signing_simulator"),
            *("--config", str(path), "--port", str(port)),
        ],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "lienthong.conf.test"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120  # a Django start-up on a busy shared machine
    while True:
        try:
            _open(f"{url}/_requests", timeout=2).close()
            break
        except (urllib.error.URLError, OSError):
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                output = process.stdout.read().decode() if process.stdout else ""
                raise RuntimeError(f"the simulator did not start: {output}") from None
            time.sleep(0.2)
    yield Simulator(url, process)
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def provider(settings, simulator, live_server) -> str:
    settings.LIENTHONG_REMOTE_SIGNING_PROVIDERS = {
        PROVIDER: {
            "url": simulator.url,
            "client_id": "lienthong",
            "client_secret": "bi-mat-client",
            "webhook_secret": WEBHOOK_SECRET,
        }
    }
    settings.LIENTHONG_SITE_URL = live_server.url
    return PROVIDER


@pytest.fixture
def remote_credential(provider, org, trusted):
    return signatures.register_remote_credential(
        actor=None,
        agency=org.stp,
        user=org.director,
        provider=provider,
        provider_user_id=USER_ID,
        credential_id=CREDENTIAL_ID,
        image=pki_module.signature_png(),
    )


def _to_signer(org, make_draft) -> Draft:
    draft = make_draft(
        upload=upload(pki_module.decision_pdf(), "quyet-dinh.pdf"), file_name="quyet-dinh.pdf"
    )
    drafting.submit_for_review(actor=org.specialist, draft=draft, comment="Kính trình")
    drafting.review(actor=org.unit_leader, draft=draft, decision="approve")
    drafting.send_to_signer(actor=org.unit_leader, draft=draft)
    return Draft.objects.get(pk=draft.pk)


def _read(blob) -> bytes:
    with default_storage.open(blob.storage_name, "rb") as f:
        return f.read()


def _started(org, make_draft) -> tuple[Draft, RemoteSignature]:
    draft = _to_signer(org, make_draft)
    drafting.start_remote_signing(actor=org.director, draft=draft, comment="Đồng ý ban hành")
    draft = Draft.objects.get(pk=draft.pk)
    assert draft.state == DraftState.AWAITING_SIGNATURE_CONFIRMATION
    return draft, RemoteSignature.objects.get(object_id=draft.pk, status="pending")


# --- Registering the credential --------------------------------------------------------------


def test_the_remote_credential_carries_the_certificate_the_provider_gives(remote_credential, pki):
    assert remote_credential.source == KeySource.REMOTE
    assert remote_credential.remote_user_id == USER_ID
    assert remote_credential.remote_key_id == CREDENTIAL_ID
    assert bytes(remote_credential.certificate) == pki.cert("director").dump()
    assert signatures.remote_personal_credential(remote_credential.user) == remote_credential


def test_a_credential_of_another_user_at_the_provider_is_refused(provider, org, trusted):
    with pytest.raises(ValidationError) as caught:
        signatures.register_remote_credential(
            actor=None,
            agency=org.stp,
            user=org.director,
            provider=provider,
            provider_user_id=USER_ID,
            credential_id="cred-nguoi-khac",
        )
    assert "does not belong" in str(caught.value)
    assert not org.director.signing_credentials.exists()


# --- The full path: callback --------------------------------------------------------------------


def test_signed_on_the_phone_the_callback_approves_the_draft_with_a_valid_signature(
    remote_credential, simulator, org, make_draft, pki
):
    before = len(simulator.requests())
    draft, pending = _started(org, make_draft)
    original = _read(draft.versions.get(number=1).blob)

    # Only the hash left: no request to the provider carried the PDF or anything like its size.
    sent = simulator.requests()[before:]
    sign_hash = [r for r in sent if r["path"] == "/csc/v2/signatures/signHash"]
    assert len(sign_hash) == 1
    body = json.loads(str(sign_hash[0]["body"]))
    assert base64.b64decode(body["hashes"][0]).hex() == pending.hash_sent
    assert body["callbackURL"].endswith(
        reverse("signatures:remote-callback", kwargs={"provider": PROVIDER})
    )
    for request in sent:
        assert int(str(request["bytes"])) < 2000 < len(original)
        assert "%PDF" not in str(request["body"])
    # The hash sent is of the signed attributes, which hold the digest of the kept bytes.
    assert hashlib.sha256(bytes(pending.signed_attributes)).hexdigest() == pending.hash_sent
    assert bytes.fromhex(pending.document_digest) in bytes(pending.signed_attributes)

    assert pending.hash_sent in simulator.page(pending.transaction_id)
    answer = simulator.decide(pending.transaction_id, "confirm")
    assert 'data-testid="callback">200<' in answer  # the platform accepted the callback

    draft = Draft.objects.get(pk=draft.pk)
    assert draft.state == DraftState.APPROVED
    assert draft.signed_by == org.director
    assert draft.signed_version.number == 2
    signed = _read(draft.signed_version.blob)
    # The signature went into exactly the bytes prepared: they are the signed file's start.
    prepared = bytes(pending.prepared_pdf)
    assert signed[: pending.reserved_start] == prepared[: pending.reserved_start]
    assert signed[pending.reserved_end :] == prepared[pending.reserved_end :]
    sigs = PdfFileReader(io.BytesIO(signed)).embedded_signatures
    assert [s.field_name for s in sigs] == [PERSONAL_FIELD]
    assert sigs[0].signer_cert.dump() == pki.cert("director").dump()
    # The seal's place is reserved over the image, as when signing on the server.
    assert engine.reserved_field(engine.open_pdf(signed), AGENCY_FIELD) is not None
    report = signatures.verify_pdf(signed)
    assert report.status == "valid", report.as_dict()
    assert report.signatures[0].timestamp_time is not None  # B-T with the test TSA

    assert RemoteSignature.objects.get(pk=pending.pk).status == "completed"
    kinds = list(DraftEvent.objects.filter(draft=draft).values_list("kind", flat=True))
    assert kinds[-2:] == [EventKind.REMOTE_SIGNING_STARTED, EventKind.SIGNED]
    assert AuditEvent.objects.filter(action="signature.remote_completed").count() == 1

    # The clerk issues it as any approved draft: sealed on top of the remote signature.


# --- Polling ------------------------------------------------------------------------------------


def test_without_a_callback_the_periodic_poll_completes_it(
    remote_credential, simulator, org, make_draft, run_tasks, settings
):
    # The callback cannot reach the platform (as when it is behind a firewall).
    settings.LIENTHONG_SITE_URL = "http://127.0.0.1:1"
    draft, pending = _started(org, make_draft)
    answer = simulator.decide(pending.transaction_id, "confirm")
    assert "error" in answer
    assert Draft.objects.get(pk=draft.pk).state == DraftState.AWAITING_SIGNATURE_CONFIRMATION

    poll = periodic.registered()["signatures.poll_remote_signatures"]  # run by the scheduler
    assert poll() == 1
    run_tasks()
    draft = Draft.objects.get(pk=draft.pk)
    assert draft.state == DraftState.APPROVED
    assert signatures.verify_pdf(_read(draft.signed_version.blob)).status == "valid"


# --- Refusal, timeout, cancellation -------------------------------------------------------------


def test_refused_on_the_phone_the_draft_can_be_signed_again(
    remote_credential, simulator, org, make_draft
):
    draft, pending = _started(org, make_draft)
    answer = simulator.decide(pending.transaction_id, "refuse")
    assert 'data-testid="callback">200<' in answer
    draft = Draft.objects.get(pk=draft.pk)
    assert draft.state == DraftState.AWAITING_SIGNATURE
    assert draft.signed_version is None
    assert RemoteSignature.objects.get(pk=pending.pk).status == "refused"
    last = DraftEvent.objects.filter(draft=draft).last()
    assert last.kind == EventKind.REMOTE_SIGNING_ENDED
    assert last.from_state == DraftState.AWAITING_SIGNATURE_CONFIRMATION
    assert AuditEvent.objects.filter(action="draft.remote_signing_ended").exists()

    # Signable again: a second request, this time confirmed.
    drafting.start_remote_signing(actor=org.director, draft=draft)
    again = RemoteSignature.objects.get(object_id=draft.pk, status="pending")
    simulator.decide(again.transaction_id, "confirm")
    assert Draft.objects.get(pk=draft.pk).state == DraftState.APPROVED


def test_not_confirmed_within_five_minutes_the_draft_can_be_signed_again(
    remote_credential, simulator, org, make_draft, run_tasks, settings
):
    assert settings.LIENTHONG_REMOTE_SIGNING_TIMEOUT_SECONDS == 300
    draft, pending = _started(org, make_draft)
    assert timedelta(seconds=299) < pending.expires_at - timezone.now() <= timedelta(seconds=300)
    signatures.poll_remote_signatures()
    run_tasks()  # still pending at the provider: nothing changes yet
    assert Draft.objects.get(pk=draft.pk).state == DraftState.AWAITING_SIGNATURE_CONFIRMATION

    RemoteSignature.objects.filter(pk=pending.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    signatures.poll_remote_signatures()
    run_tasks()
    assert RemoteSignature.objects.get(pk=pending.pk).status == "expired"
    assert Draft.objects.get(pk=draft.pk).state == DraftState.AWAITING_SIGNATURE
    # A confirmation arriving after the timeout changes nothing.
    simulator.decide(pending.transaction_id, "confirm")
    assert Draft.objects.get(pk=draft.pk).state == DraftState.AWAITING_SIGNATURE
    assert Draft.objects.get(pk=draft.pk).signed_version is None


def test_the_signer_may_stop_waiting_and_only_the_signer(
    remote_credential, simulator, org, make_draft
):
    draft, pending = _started(org, make_draft)
    with pytest.raises(PermissionDenied):
        drafting.abandon_remote_signing(actor=org.specialist, draft=draft)
    assert Draft.objects.get(pk=draft.pk).state == DraftState.AWAITING_SIGNATURE_CONFIRMATION
    drafting.abandon_remote_signing(actor=org.director, draft=draft)
    assert Draft.objects.get(pk=draft.pk).state == DraftState.AWAITING_SIGNATURE
    assert RemoteSignature.objects.get(pk=pending.pk).status == "abandoned"


# --- Forged callbacks and forged signatures ------------------------------------------------------


def _post(url: str, body: bytes, signature: str) -> int:
    request = _request(url, data=body, headers={"X-Signature": signature}, method="POST")
    try:
        with _open(request, timeout=30) as r:
            return r.status
    except urllib.error.HTTPError as exc:
        return exc.code


def test_a_forged_callback_is_refused_and_changes_nothing(
    remote_credential, simulator, org, make_draft, live_server
):
    draft, pending = _started(org, make_draft)
    url = live_server.url + reverse("signatures:remote-callback", kwargs={"provider": PROVIDER})
    body = json.dumps({"transactionID": pending.transaction_id, "status": "signed"}).encode()
    assert _post(url, body, "") == 403
    assert _post(url, body, remote.webhook_signature("doan-mo", body)) == 403
    other = json.dumps({"transactionID": pending.transaction_id, "status": "x"}).encode()
    assert _post(url, body, remote.webhook_signature(WEBHOOK_SECRET, other)) == 403
    assert RemoteSignature.objects.get(pk=pending.pk).status == "pending"
    assert Draft.objects.get(pk=draft.pk).state == DraftState.AWAITING_SIGNATURE_CONFIRMATION
    assert AuditEvent.objects.filter(action="signature.remote_callback_refused").count() == 3
    # An authentic callback for a transaction still pending at the provider changes nothing
    # either: the outcome is asked of the provider, not taken from the callback.
    assert _post(url, body, remote.webhook_signature(WEBHOOK_SECRET, body)) == 200
    assert Draft.objects.get(pk=draft.pk).state == DraftState.AWAITING_SIGNATURE_CONFIRMATION


def test_a_signature_value_that_does_not_verify_is_not_embedded(
    remote_credential, org, make_draft, pki
):
    draft, pending = _started(org, make_draft)
    cert = pki.cert("director")
    assert not remote.check_signature_value(cert, bytes(pending.signed_attributes), b"\0" * 256)


# --- The provider's own checks ------------------------------------------------------------------


def test_the_simulator_refuses_what_a_provider_refuses(provider, simulator, pki):
    client = remote.client_for(provider)
    good = {
        "user_id": USER_ID,
        "credential_id": CREDENTIAL_ID,
        "digest": b"\1" * 32,
        "hash_algorithm": remote.SHA256_OID,
        "sign_algorithm": remote.RSA_OID,
        "description": "thử",
        "callback_url": "",
    }
    assert client.sign_hash(**good)
    for change, code in [
        ({"user_id": "someone-else"}, "access_denied"),
        ({"credential_id": "no-such"}, "invalid_request"),
        ({"digest": b"\1" * 20}, "invalid_request"),
        ({"hash_algorithm": "1.3.14.3.2.26"}, "invalid_request"),
        ({"sign_algorithm": remote.EC_OID}, "invalid_request"),
    ]:
        with pytest.raises(remote.RemoteSigningError) as caught:
            client.sign_hash(**{**good, **change})
        assert caught.value.code == code
    wrong_secret = remote.CscHttpClient(url=simulator.url, client_id="lienthong", client_secret="x")
    with pytest.raises(remote.RemoteSigningError) as caught:
        wrong_secret.list_credentials(user_id=USER_ID)
    assert caught.value.code == "invalid_client"
    txn = client.sign_hash(**good)
    simulator.decide(txn, "refuse")
    with pytest.raises(urllib.error.HTTPError) as refused:
        simulator.decide(txn, "confirm")  # decided once only
    assert refused.value.code == 409
    assert client.transaction_status(transaction_id=txn).state == "refused"


# --- The draft's page ---------------------------------------------------------------------------


def test_the_signer_signs_remotely_from_the_draft_page(
    client, remote_credential, simulator, org, make_draft
):
    draft = _to_signer(org, make_draft)
    start = reverse("drafting:remote-sign", kwargs={"pk": draft.pk})

    client.force_login(org.snv_leader)  # another agency: the draft does not exist for him
    assert client.post(start).status_code == 404
    client.force_login(org.specialist)  # not the signer
    assert client.post(start).status_code == 403
    assert Draft.objects.get(pk=draft.pk).state == DraftState.AWAITING_SIGNATURE
    assert not RemoteSignature.objects.filter(object_id=draft.pk).exists()

    client.force_login(org.director)
    page = client.get(draft.get_absolute_url()).content.decode()
    assert 'data-testid="form-remote-sign"' in page
    # Approving is signing with the remote service: no PIN form to approve unsigned or otherwise.
    assert 'data-testid="approve-remote"' in page
    assert 'data-testid="form-approve"' not in page
    refused = client.post(
        reverse("drafting:sign", kwargs={"pk": draft.pk}),
        {"decision": "approve", "signing_secret": "123456"},
    )
    assert refused.status_code in (200, 302)
    assert Draft.objects.get(pk=draft.pk).state == DraftState.AWAITING_SIGNATURE
    response = client.post(start, {"comment": "Đồng ý"})
    assert response.status_code == 302
    assert Draft.objects.get(pk=draft.pk).state == DraftState.AWAITING_SIGNATURE_CONFIRMATION
    pending = RemoteSignature.objects.get(object_id=draft.pk, status="pending")
    page = client.get(draft.get_absolute_url()).content.decode()
    assert 'data-testid="remote-pending"' in page
    assert pending.transaction_id in page
    assert 'data-testid="form-remote-sign"' not in page

    simulator.decide(pending.transaction_id, "confirm")
    client.post(reverse("drafting:remote-refresh", kwargs={"pk": draft.pk}))
    assert Draft.objects.get(pk=draft.pk).state == DraftState.APPROVED


def test_cancelling_from_the_draft_page(client, remote_credential, simulator, org, make_draft):
    draft, pending = _started(org, make_draft)
    cancel = reverse("drafting:remote-abandon", kwargs={"pk": draft.pk})
    client.force_login(org.specialist)
    assert client.post(cancel).status_code == 403
    assert RemoteSignature.objects.get(pk=pending.pk).status == "pending"
    client.force_login(org.director)
    assert client.post(cancel).status_code == 302
    assert Draft.objects.get(pk=draft.pk).state == DraftState.AWAITING_SIGNATURE
    assert RemoteSignature.objects.get(pk=pending.pk).status == "abandoned"


class CorruptingClient(remote.CscHttpClient):
    """The real HTTP client, but the signature value it brings back is damaged on the way (as a
    broken or malicious provider would answer)."""

    def transaction_status(self, *, transaction_id: str) -> remote.TransactionStatus:
        status = super().transaction_status(transaction_id=transaction_id)
        if status.signature:
            return remote.TransactionStatus(status.state, bytes(len(status.signature)))
        return status


def test_a_signature_value_that_does_not_verify_leaves_the_draft_signable(
    remote_credential, simulator, org, make_draft, settings
):
    draft, pending = _started(org, make_draft)
    settings.LIENTHONG_REMOTE_SIGNING_PROVIDERS[PROVIDER]["client"] = (
        "tests.signatures.test_remote_signing.CorruptingClient"
    )
    simulator.decide(pending.transaction_id, "confirm")
    row = RemoteSignature.objects.get(pk=pending.pk)
    assert row.status == "failed"
    assert "does not verify" in row.failure
    draft = Draft.objects.get(pk=draft.pk)
    assert draft.state == DraftState.AWAITING_SIGNATURE
    assert draft.signed_version is None
    assert draft.versions.count() == 1


def test_a_draft_withdrawn_while_waiting_stays_withdrawn_when_confirmed(
    remote_credential, simulator, org, make_draft
):
    draft, pending = _started(org, make_draft)
    drafting.withdraw(actor=org.specialist, draft=draft, reason="Không ban hành nữa")
    simulator.decide(pending.transaction_id, "confirm")
    assert RemoteSignature.objects.get(pk=pending.pk).status == "failed"
    draft = Draft.objects.get(pk=draft.pk)
    assert draft.state == DraftState.WITHDRAWN
    assert draft.signed_version is None
