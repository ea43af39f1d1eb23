"""Who may do what: a deputy assigns under the leader's delegation only within its period (both
recorded); a specialist cannot assign; an officer of another agency gets 404 everywhere; a
refused action changes nothing."""

from datetime import UTC, date, datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lienthong.accounts import services as account_services
from lienthong.accounts.constants import Role
from lienthong.documents.constants import Confidentiality
from lienthong.workflows import services
from lienthong.workflows.constants import AssignmentRole
from lienthong.workflows.models import Assignment, ProcessingEntry
from lienthong.workflows.permissions import access_assignment, access_incoming
from lienthong.workflows.services import Assignee
from tests.workflows.conftest import VN, official

LEAD, SUPPORT = AssignmentRole.LEAD, AssignmentRole.SUPPORT


@pytest.fixture
def delegation(people):
    """The director authorises the deputy from Mon 09/02 to Fri 13/02/2026 (before Tết)."""
    return account_services.create_delegation(
        actor=people.leader,
        delegator=people.leader,
        delegate=people.deputy,
        starts_at=datetime(2026, 2, 9, 7, 0, tzinfo=VN),
        ends_at=datetime(2026, 2, 13, 17, 0, tzinfo=VN),
        scope="Giải quyết văn bản đến",
        legal_basis="05/GUQ-STP",
    )


def test_deputy_assigns_for_the_leader_within_the_delegation(
    clock, people, incoming, delegation, sent
) -> None:
    doc = incoming()
    (lead,) = services.assign(
        actor=people.deputy,
        document=doc,
        assignees=[Assignee(role=LEAD, unit=people.legal)],
        instruction="Giao phòng XDKTVB",
        working_days=5,
    )
    assert lead.assigned_by == people.deputy and lead.on_behalf_of == people.leader
    entry = ProcessingEntry.objects.get(assignment=lead)
    assert entry.actor == people.deputy and entry.on_behalf_of == people.leader
    # A return goes to both the deputy who assigned and the leader they acted for.
    services.return_document(actor=people.legal_head, assignment=lead, reason="Sai đơn vị")
    assert sent.notified("returned") == [{"phogiamdoc", "giamdoc"}]


@pytest.mark.parametrize(
    "moment",
    [
        datetime(2026, 2, 6, 9, 0, tzinfo=VN),  # before it starts
        datetime(2026, 2, 13, 17, 0, tzinfo=VN),  # the moment it ends
        datetime(2026, 2, 23, 9, 0, tzinfo=VN),  # after Tết
    ],
)
def test_deputy_is_refused_outside_the_delegation_period(
    clock, people, incoming, delegation, moment, db_snapshot
) -> None:
    clock.set(datetime(2026, 2, 5, 9, 0, tzinfo=VN))
    doc = incoming()
    clock.set(moment)
    before = db_snapshot()
    with pytest.raises(PermissionDenied):
        services.assign(
            actor=people.deputy, document=doc, assignees=[Assignee(role=LEAD, unit=people.legal)]
        )
    assert db_snapshot() == before


def test_a_revoked_delegation_gives_nothing(clock, people, incoming, delegation) -> None:
    doc = incoming()
    account_services.revoke_delegation(actor=people.leader, delegation=delegation)
    with pytest.raises(PermissionDenied):
        services.assign(
            actor=people.deputy, document=doc, assignees=[Assignee(role=LEAD, unit=people.legal)]
        )


def test_deputy_of_two_leaders_must_say_for_whom(clock, people, incoming, delegation) -> None:
    second = official(people.agency, Role.AGENCY_LEADER, "phogiamdoc1", "Bùi Văn Nhất")
    account_services.create_delegation(
        actor=second,
        delegator=second,
        delegate=people.deputy,
        starts_at=datetime(2026, 2, 9, 7, 0, tzinfo=VN),
        ends_at=datetime(2026, 2, 13, 17, 0, tzinfo=VN),
        scope="Giải quyết văn bản đến",
    )
    doc = incoming()
    with pytest.raises(ValidationError, match="several"):
        services.assign(
            actor=people.deputy, document=doc, assignees=[Assignee(role=LEAD, unit=people.legal)]
        )
    (lead,) = services.assign(
        actor=people.deputy,
        document=doc,
        assignees=[Assignee(role=LEAD, unit=people.legal)],
        on_behalf_of=second,
    )
    assert lead.on_behalf_of == second


def delegate_the_unit(people) -> None:
    """The head of the legal unit authorises specialist2 for Thursday 12/02/2026."""
    account_services.create_delegation(
        actor=people.legal_head,
        delegator=people.legal_head,
        delegate=people.specialist2,
        starts_at=datetime(2026, 2, 12, 7, 0, tzinfo=VN),
        ends_at=datetime(2026, 2, 12, 17, 0, tzinfo=VN),
        scope="Phân công xử lý văn bản đến của phòng",
    )


def test_a_deputy_unit_leader_hands_on_under_delegation(clock, people, incoming) -> None:
    delegate_the_unit(people)
    (lead,) = services.assign(
        actor=people.leader, document=incoming(), assignees=[Assignee(role=LEAD, unit=people.legal)]
    )
    (mine,) = services.reassign(
        actor=people.specialist2,
        assignment=lead,
        assignees=[Assignee(role=LEAD, user=people.specialist)],
    )
    assert mine.on_behalf_of == people.legal_head


@pytest.mark.parametrize("who", ["specialist", "legal_head", "clerk"])
def test_only_leaders_assign(clock, people, incoming, who, db_snapshot) -> None:
    doc = incoming()
    before = db_snapshot()
    with pytest.raises(PermissionDenied):
        services.assign(
            actor=getattr(people, who),
            document=doc,
            assignees=[Assignee(role=LEAD, unit=people.legal)],
        )
    assert db_snapshot() == before


def test_handlers_only_act_on_their_own_work(clock, people, incoming, db_snapshot) -> None:
    p = people
    (lead, support) = services.assign(
        actor=p.leader,
        document=incoming(),
        assignees=[Assignee(role=LEAD, unit=p.legal), Assignee(role=SUPPORT, unit=p.admin_unit)],
    )
    (mine,) = services.reassign(
        actor=p.legal_head, assignment=lead, assignees=[Assignee(role=LEAD, user=p.specialist)]
    )
    before = db_snapshot()
    refused = [
        lambda: services.reassign(
            actor=p.admin_head, assignment=lead, assignees=[Assignee(role=LEAD, user=p.specialist2)]
        ),
        lambda: services.reassign(
            actor=p.specialist, assignment=lead, assignees=[Assignee(role=LEAD, user=p.specialist2)]
        ),
        lambda: services.record_progress(actor=p.specialist2, assignment=mine, note="x"),
        lambda: services.complete(actor=p.legal_head, assignment=mine),
        lambda: services.return_document(actor=p.leader, assignment=support, reason="x"),
        lambda: services.present_to_leader(
            actor=p.specialist, document=lead.document, leader=p.leader
        ),
    ]
    for action in refused:
        with pytest.raises(PermissionDenied):
            action()
    assert db_snapshot() == before


def test_another_agency_sees_nothing(clock, people, incoming, web, api, db_snapshot) -> None:
    p = people
    doc = incoming()
    (lead,) = services.assign(
        actor=p.leader, document=doc, assignees=[Assignee(role=LEAD, unit=p.legal)]
    )
    with pytest.raises(Http404):
        access_incoming(p.outsider, doc.pk)
    with pytest.raises(Http404):
        access_assignment(p.outsider, lead.pk)
    client, rest = web(p.outsider), api(p.outsider)
    before = db_snapshot()
    for name in ("document", "slip"):
        assert client.get(reverse(f"workflows:{name}", args=[doc.pk])).status_code == 404
    for name in ("assign", "present"):
        assert client.post(reverse(f"workflows:{name}", args=[doc.pk]), {}).status_code == 404
    for name in ("reassign", "progress", "complete", "return"):
        url = reverse(f"workflows:{name}", args=[lead.pk])
        assert client.post(url, {"note": "x", "reason": "x"}).status_code == 404
    assert rest.get(f"/api/v1/assignments/{lead.pk}/").status_code == 404
    assert rest.get("/api/v1/processing-history/", {"document": doc.pk}).status_code == 404
    assign = {"document": doc.pk, "assignees": [{"role": "lead", "unit": p.legal.pk}]}
    assert rest.post("/api/v1/assignments/", assign, format="json").status_code == 404
    for name in ("reassign", "progress", "complete", "return"):
        url = f"/api/v1/assignments/{lead.pk}/{name}/"
        assert rest.post(url, {"note": "x", "reason": "x"}, format="json").status_code == 404
    assert rest.get("/api/v1/assignments/", {"scope": "given"}).json()["results"] == []
    assert doc.subject not in client.get(reverse("workflows:queue")).content.decode()
    assert db_snapshot() == before


def test_a_handler_opens_a_confidential_document_through_the_assignment(
    clock, people, incoming
) -> None:
    doc = incoming(confidentiality=Confidentiality.CONFIDENTIAL)
    with pytest.raises(Http404):
        access_incoming(people.specialist, doc.pk)
    (lead,) = services.assign(
        actor=people.leader, document=doc, assignees=[Assignee(role=LEAD, unit=people.legal)]
    )
    services.reassign(
        actor=people.legal_head,
        assignment=lead,
        assignees=[Assignee(role=LEAD, user=people.specialist)],
    )
    assert access_incoming(people.specialist, doc.pk) == doc
    assert access_incoming(people.legal_head, doc.pk) == doc
    with pytest.raises(Http404):
        access_incoming(people.specialist2, doc.pk)
    assert Assignment.objects.visible_to(people.specialist2).count() == 0


def test_unknown_and_malformed_ids_are_404(people) -> None:
    for value in (999_999, "abc", None):
        with pytest.raises(Http404):
            access_incoming(people.leader, value)
        with pytest.raises(Http404):
            access_assignment(people.leader, value)


def test_deadline_uses_the_leaders_day_in_vietnam(clock, people, incoming) -> None:
    # 23:30 UTC on Wednesday 11/02 is already Thursday 12/02, 06:30, in Vietnam.
    clock.set(datetime(2026, 2, 11, 23, 30, tzinfo=UTC))
    doc = incoming()
    (lead,) = services.assign(
        actor=people.leader,
        document=doc,
        assignees=[Assignee(role=LEAD, unit=people.legal)],
        working_days=10,
    )
    assert lead.deadline == date(2026, 3, 5)


def test_own_work_is_what_visibility_and_handling_give_together(clock, people, incoming) -> None:
    """`work_of` (the queue's and the dashboard's rows) drops the per-document visibility test
    as redundant: it must give exactly visible_to(user).handled_by(user), confidential work
    included, and nothing of an agency the user has left."""
    plain = incoming()
    secret = incoming(confidentiality=Confidentiality.CONFIDENTIAL)
    for doc in (plain, secret):
        (lead,) = services.assign(
            actor=people.leader, document=doc, assignees=[Assignee(role=LEAD, unit=people.legal)]
        )
        services.reassign(
            actor=people.legal_head,
            assignment=lead,
            assignees=[Assignee(role=LEAD, user=people.specialist)],
        )
    everyone = [
        people.leader, people.legal_head, people.admin_head, people.specialist,
        people.specialist2, people.clerk, people.outsider, people.other_specialist,
    ]  # fmt: skip
    for user in everyone:
        expected = set(Assignment.objects.visible_to(user).handled_by(user))
        assert set(Assignment.objects.work_of(user)) == expected, user.username
    assert Assignment.objects.work_of(people.specialist).count() == 2
    assert Assignment.objects.work_of(people.legal_head).count() == 2

    other_unit = account_services.create_unit(
        actor=None, agency=people.other_agency, name="Phòng Công chức", abbreviation="CC"
    )
    account_services.move_user(actor=None, user=people.specialist, unit=other_unit, position=None)
    account_services.set_roles(actor=None, user=people.specialist, roles=[Role.SPECIALIST])
    people.specialist.refresh_from_db()
    assert Assignment.objects.handled_by(people.specialist).count() == 2  # still named on them
    assert not Assignment.objects.work_of(people.specialist).exists()
    assert not Assignment.objects.visible_to(people.specialist).handled_by(people.specialist)


def _tab_keys(response) -> list[str]:
    assert response.status_code == 200, (response.status_code, response.get("Location"))
    return [key for key, _label, _count in response.context["tabs"]]


def _scope_keys(response) -> list[str]:
    return [key for key, _label in response.context["scopes"]]


def test_a_deputy_sees_the_leaders_tray_on_their_pages_within_the_period(
    clock, people, delegation, web
) -> None:
    """The signed-in user is read with whether any delegation to them exists
    (accounts.querysets.may_act_for_others); its period is still checked on the app's clock."""
    client = web(people.deputy)
    assert "awaiting" in _tab_keys(client.get(reverse("workflows:queue")))
    clock.set(datetime(2026, 2, 16, 9, 0, tzinfo=VN))  # after the period (signed in again)
    assert "awaiting" not in _tab_keys(web(people.deputy).get(reverse("workflows:queue")))
    clock.set(datetime(2026, 2, 12, 9, 0, tzinfo=VN))
    client = web(people.deputy)
    account_services.revoke_delegation(actor=people.leader, delegation=delegation)
    assert "awaiting" not in _tab_keys(client.get(reverse("workflows:queue")))


def test_a_deputy_unit_leader_sees_the_units_work_on_their_pages(clock, people, web) -> None:
    client = web(people.specialist2)
    assert "unit" not in _scope_keys(client.get(reverse("workflows:queue")))
    delegate_the_unit(people)
    assert "unit" in _scope_keys(client.get(reverse("workflows:queue")))


def test_pages_of_an_official_nobody_delegated_to_read_no_delegation(people, web) -> None:
    client = web(people.specialist)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("workflows:queue")).status_code == 200
    # The user's own query asks EXISTS (any delegation to them); nothing else reads delegations.
    sqls = [q["sql"] for q in captured.captured_queries]
    assert any('"accounts_delegation"' in sql and "EXISTS" in sql for sql in sqls)
    assert [sql for sql in sqls if '"accounts_delegation"' in sql and "EXISTS" not in sql] == []
