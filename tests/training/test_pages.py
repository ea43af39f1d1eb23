from __future__ import annotations

import io
import re

from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from lienthong.training.models import Attendance, Certificate, Enrolment


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_class_walk_through_pages_and_public_verification(
    training_class, clerk, officials, organiser, user_factory, other_agency
) -> None:
    page = reverse("training:class", args=[training_class.pk])
    nominator, runner, trainee = _client(clerk), _client(organiser), _client(officials[0])
    # The clerk nominates two of the agency's officials; a trainee cannot nominate.
    assert nominator.get(page).status_code == 200
    body = {"officials": [officials[0].pk, officials[1].pk]}
    assert (
        trainee.post(reverse("training:nominate", args=[training_class.pk]), body).status_code
        == 404
    )
    nominator.post(reverse("training:nominate", args=[training_class.pk]), body)
    first, second = Enrolment.objects.order_by("pk")
    # Only the organiser decides.
    assert (
        nominator.post(
            reverse("training:decide", args=[first.pk]), {"decision": "approve"}
        ).status_code
        == 404
    )
    for enrolment in (first, second):
        runner.post(reverse("training:decide", args=[enrolment.pk]), {"decision": "approve"})
    assert set(Enrolment.objects.values_list("status", flat=True)) == {"approved"}
    # A third nomination cannot be approved: the page says the class is full.
    nominator.post(
        reverse("training:nominate", args=[training_class.pk]), {"officials": [officials[2].pk]}
    )
    third = Enrolment.objects.get(official=officials[2])
    answer = runner.post(
        reverse("training:decide", args=[third.pk]), {"decision": "approve"}, follow=True
    )
    assert "2 of 2" in answer.content.decode() or "2/2" in answer.content.decode()
    assert Enrolment.objects.get(pk=third.pk).status == "nominated"
    # Attendance and results.
    session = training_class.sessions.first()
    url = reverse("training:attendance", args=[session.pk])
    assert nominator.get(url).status_code == 404
    assert runner.get(url).status_code == 200
    runner.post(url, {"present": [first.pk, second.pk]})
    assert Attendance.objects.filter(present=True).count() == 2
    refused = nominator.post(
        reverse("training:result", args=[first.pk]), {"result": "failed", "score": "1"}
    )
    assert refused.status_code == 404 and Enrolment.objects.get(pk=first.pk).result == "pending"
    runner.post(reverse("training:result", args=[first.pk]), {"result": "passed", "score": "9"})
    runner.post(reverse("training:result", args=[second.pk]), {"result": "passed", "score": "7.5"})
    runner.post(reverse("training:issue", args=[training_class.pk]))
    assert Certificate.objects.count() == 2
    certificate = Certificate.objects.get(enrolment=first)
    # The PDF carries the public verification URL (the QR code encodes it).
    pdf = trainee.get(reverse("training:certificate", args=[certificate.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert certificate.code in re.sub(r"\s", "", text)
    other = _client(user_factory(other_agency))
    assert other.get(reverse("training:certificate", args=[certificate.pk])).status_code == 404
    # Anyone verifies it, signed in or not; a revoked or unknown code says so.
    public = Client()
    answer = public.get(reverse("training:verify", args=[certificate.code]))
    assert answer.status_code == 200 and officials[0].full_name in answer.content.decode()
    assert certificate.number in answer.content.decode()
    runner.post(reverse("training:revoke", args=[certificate.pk]), {"reason": "Sai thông tin"})
    answer = public.get(reverse("training:verify", args=[certificate.code]))
    assert (
        "revoked" in answer.content.decode().lower() or "thu hồi" in answer.content.decode().lower()
    )
    assert public.get(reverse("training:verify", args=["khong-co-ma-nay"])).status_code == 404
    # The official's record, the plan and the statistics.
    record = trainee.get(reverse("training:my-record"))
    assert training_class.title in record.content.decode()
    assert nominator.get(reverse("training:record", args=[officials[0].pk])).status_code == 200
    assert other.get(reverse("training:record", args=[officials[0].pk])).status_code == 404
    stats_page = runner.get(reverse("training:stats") + "?nam=2012")
    assert stats_page.context["totals"] == {
        "classes_held": 1,
        "officials_trained": 2,
        "training_hours": 80,
    }
    assert trainee.get(reverse("training:stats")).status_code == 404
    assert nominator.get(reverse("training:plan") + "?nam=2012").status_code == 200
    assert nominator.get(reverse("training:guide")).status_code == 200
