"""Who finds a request received over the axis (a recall, update or replacement waiting for an
answer): the chokepoint `access_request` / `requests_answerable_by`, used by the page and the
API alike. Another agency's clerk, an officer who is not a clerk, and an id that is not a
request get 404, and nothing changes."""

from datetime import date

import pytest
from django.contrib.messages import constants as levels
from django.contrib.messages import get_messages
from django.http import Http404
from django.urls import reverse

from lienthong.accounts.constants import Role
from lienthong.exchange.constants import BusinessType, RequestAnswer
from lienthong.exchange.models import AxisReceipt
from lienthong.exchange.permissions import access_request, requests_answerable_by


def receipt(agency, key, *, answer=RequestAnswer.PENDING, kind=BusinessType.REVOKE):
    return AxisReceipt.objects.create(
        document_key=key,
        business_type=kind,
        agency=agency,
        sender_code="000.00.00.G01",
        sender_name="Bộ Thử nghiệm",
        signature="valid",
        answer=answer,
        proposed={"reason": "Sai thể thức"},
    )


@pytest.fixture
def specialist(two_agencies, user_factory):
    return user_factory(two_agencies[0], [Role.SPECIALIST], username="chuyenvien.stp")


@pytest.fixture
def requests(two_agencies):
    ours, theirs = two_agencies
    return {
        "ours": receipt(ours, "A,2027/01/01,1/X"),
        "answered": receipt(ours, "A,2027/01/01,2/X", answer=RequestAnswer.AGREED),
        "plain": receipt(
            ours, "A,2027/01/01,3/X", answer=RequestAnswer.NONE, kind=BusinessType.NEW
        ),
        "theirs": receipt(theirs, "A,2027/01/01,4/X"),
    }


def test_only_the_receiving_agencys_clerk_finds_a_request(requests, clerk, other_clerk, specialist):
    assert list(requests_answerable_by(clerk)) == [requests["ours"]]
    update = requests["ours"]
    update.proposed = {"due_date": "2027-01-21"}  # the page shows it as 21/01/2027
    assert (
        update.proposed_due_date == date(2027, 1, 21)
        and requests["theirs"].proposed_due_date is None
    )
    assert list(requests_answerable_by(other_clerk)) == [requests["theirs"]]
    assert list(requests_answerable_by(specialist)) == []
    assert access_request(clerk, requests["ours"].pk) == requests["ours"]
    assert access_request(clerk, str(requests["answered"].pk)) == requests["answered"]
    for user, key in [
        (other_clerk, requests["ours"].pk),  # another agency's
        (specialist, requests["ours"].pk),  # not a clerk
        (clerk, requests["theirs"].pk),
        (clerk, requests["plain"].pk),  # a document received, not a request
        (clerk, "abc"),
        (clerk, None),
    ]:
        with pytest.raises(Http404):
            access_request(user, key)


def test_another_agencys_clerk_answering_gets_404_and_changes_nothing(
    requests, clerk, other_clerk, client
):
    ours = requests["ours"]
    client.force_login(other_clerk)
    page = client.post(reverse("exchange:axis-requests"), {"receipt": ours.pk, "agree": "1"})
    assert page.status_code == 404
    api = client.post(
        f"/api/v1/axis/requests/{ours.pk}/answer/", {"agree": True}, content_type="application/json"
    )
    assert api.status_code == 404
    ours.refresh_from_db()
    assert ours.answer == RequestAnswer.PENDING and ours.answered_by is None
    # The receiving clerk is told why a request already answered takes no second answer.
    client.force_login(clerk)
    again = client.post(
        reverse("exchange:axis-requests"),
        {"receipt": requests["answered"].pk, "agree": "0", "reason": "x"},
    )
    assert again.status_code == 302
    assert [m.level for m in get_messages(again.wsgi_request)] == [levels.ERROR]
    assert AxisReceipt.objects.get(pk=requests["answered"].pk).answer == RequestAnswer.AGREED
