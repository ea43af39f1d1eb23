"""The people of Sở Tư pháp who draft, review, comment on, sign and issue documents, and an
official of Sở Nội vụ who must see none of it."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from lienthong.accounts import services as account_services
from lienthong.accounts.constants import Role
from lienthong.accounts.models import Agency, Delegation, Position, Unit, User
from lienthong.documents.models import DocumentType
from lienthong.drafting import services
from lienthong.drafting.constants import SigningAuthority
from lienthong.drafting.models import Draft
from tests.documents import files

# The rest of the documents fixtures (clerk, run_tasks...) are shared.
from tests.documents.conftest import run_tasks  # noqa: F401


@dataclass
class Notice:
    recipients: list[User]
    kind: str
    title: str
    url: str


@dataclass
class Org:
    stp: Agency
    snv: Agency
    office: Unit  # Văn phòng Sở
    legal: Unit  # Phòng Hành chính tư pháp: the drafting unit
    outreach: Unit  # Phòng Phổ biến giáo dục pháp luật
    support: Unit  # Phòng Bổ trợ tư pháp
    specialist: User
    other_specialist: User
    unit_leader: User
    outreach_leader: User
    support_leader: User
    director: User
    deputy: User
    chief_of_office: User
    clerk: User
    snv_leader: User
    snv_clerk: User
    extra: dict[str, Any] = field(default_factory=dict)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path) -> Any:
    """Files in a temporary directory; a fast password hasher for the many test officials."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def notices(monkeypatch) -> list[Notice]:
    """Every notification the drafting services send (the notifications app is separate)."""
    sent: list[Notice] = []

    def record(*, recipients, kind, title, url="", actor=None) -> None:
        sent.append(Notice(list(recipients), str(kind), title, url))

    monkeypatch.setattr("lienthong.notifications.services.notify", record)
    return sent


def _position(name: str, rank: int, leadership: bool) -> Position:
    position, _ = Position.objects.get_or_create(
        name=name, defaults={"rank": rank, "is_leadership": leadership}
    )
    return position


@pytest.fixture
def org(two_agencies, user_factory) -> Org:
    stp, snv = two_agencies

    def unit(name: str, abbreviation: str, agency: Agency = stp) -> Unit:
        return account_services.create_unit(
            actor=None, agency=agency, name=name, abbreviation=abbreviation
        )

    office = unit("Văn phòng Sở", "VP")
    legal = unit("Phòng Hành chính tư pháp", "HCTP")
    outreach = unit("Phòng Phổ biến giáo dục pháp luật", "PBGDPL")
    support = unit("Phòng Bổ trợ tư pháp", "BTTP")
    snv_office = unit("Văn phòng Sở Nội vụ", "VP", snv)

    def person(
        username: str,
        roles: list[Role],
        unit: Unit | None,
        position: Position | None = None,
        agency: Agency = stp,
    ) -> User:
        user = user_factory(agency, roles, unit=unit, username=username)
        if position is not None:
            user.position = position
            user.save(update_fields=["position"])
        return User.objects.select_related("position").get(pk=user.pk)

    director_p = _position("Giám đốc", 10, True)
    deputy_p = _position("Phó Giám đốc", 20, True)
    head_p = _position("Trưởng phòng", 40, True)
    chief_p = _position("Chánh Văn phòng", 30, True)
    staff_p = _position("Chuyên viên", 90, False)
    # These tests are about the drafting route, not signing: Sở Tư pháp also issues on paper,
    # so its drafts may be approved and issued without digital signatures (tests/drafting/
    # test_signing_policy.py tests the default, electronic policy).
    stp = account_services.set_issuing_policy(actor=None, agency=stp, issues_on_paper=True)
    return Org(
        stp=stp,
        snv=snv,
        office=office,
        legal=legal,
        outreach=outreach,
        support=support,
        specialist=person("chuyenvien", [Role.SPECIALIST], legal, staff_p),
        other_specialist=person("chuyenvien2", [Role.SPECIALIST], legal, staff_p),
        unit_leader=person("truongphong", [Role.UNIT_LEADER], legal, head_p),
        outreach_leader=person("truongphong.pbgdpl", [Role.UNIT_LEADER], outreach, head_p),
        support_leader=person("truongphong.bttp", [Role.UNIT_LEADER], support, head_p),
        director=person("giamdoc", [Role.AGENCY_LEADER], None, director_p),
        deputy=person("phogiamdoc", [Role.AGENCY_LEADER], None, deputy_p),
        chief_of_office=person("chanhvanphong", [Role.UNIT_LEADER], office, chief_p),
        clerk=person("vanthu", [Role.CLERK], office, staff_p),
        snv_leader=person("giamdoc.snv", [Role.AGENCY_LEADER], snv_office, director_p, snv),
        snv_clerk=person("vanthu.snv", [Role.CLERK], snv_office, staff_p, snv),
    )


def upload(content: bytes, name: str = "du-thao.docx") -> io.BytesIO:
    file = io.BytesIO(content)
    file.name = name
    return file


def docx(text: str) -> bytes:
    return files.docx(text)


def doc_type(name: str = "Quyết định") -> DocumentType:
    return DocumentType.objects.get(name=name)


def delegation(
    delegator: User, delegate: User, *, starts: timedelta, ends: timedelta
) -> Delegation:
    now = timezone.now()
    return account_services.create_delegation(
        actor=None,
        delegator=delegator,
        delegate=delegate,
        starts_at=now + starts,
        ends_at=now + ends,
        scope="Ký các văn bản hành chính thay Giám đốc",
        legal_basis="05/GUQ-STP",
    )


@pytest.fixture
def make_draft(org) -> Callable[..., Draft]:
    """A draft of the specialist with a first version, signed by the director by default."""
    counter = iter(range(1, 1000))

    def make(**overrides: Any) -> Draft:
        n = next(counter)
        values: dict[str, Any] = {
            "actor": org.specialist,
            "document_type": doc_type(),
            "subject": f"Quyết định ban hành Quy chế văn thư, lưu trữ số {n}",
            "signer": org.director,
            "signing_authority": SigningAuthority.NONE,
            "recipient_agencies": [org.snv],
            "external_recipients": "Các phòng, đơn vị thuộc Sở",
            "upload": upload(docx(f"Dự thảo quyết định số {n}, bản 1")),
            "file_name": f"du-thao-{n}.docx",
        }
        values.update(overrides)
        return services.create_draft(**values)

    return make


def reload(draft: Draft) -> Draft:
    return Draft.objects.get(pk=draft.pk)


@pytest.fixture(autouse=True)
def _messages_in_english() -> Iterator[None]:
    """These tests read service messages in English (the msgids); the UI default stays vi."""
    from django.utils import translation

    with translation.override("en"):
        yield
