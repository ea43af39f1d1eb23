"""The agencies and officials of a generated province.

Agencies are the demo province's (Cà Mau 2012, `accounts.demo`: the same codes and units, made
through the services if missing, but not its demo officials): the
provincial People's Committee and its office, then departments, districts and communes taken in
turn. Each chosen agency gets its officials through `accounts.services.create_user` (so their
audit events are the real ones), with deterministic usernames:

    g01.vanthu          clerk (văn thư)                 unit: the office (VP)
    g01.lanhdao         agency leader                   no unit
    g01.truongphong1    unit leader of working unit 1 (also a specialist)
    g01.chuyenvien1     specialists, two per working unit (1, 2 in unit 1; 3, 4 in unit 2...)
    g01.motcua          one-stop officer                unit: Bộ phận Một cửa (MC)
    g01.quantri         agency administrator

`g01` is the agency's place in the generator's order (g01 is the provincial People's
Committee). Every generated official gets the same password, hashed once."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import transaction

from lienthong.accounts import services as accounts
from lienthong.accounts.constants import AgencyKind, Role
from lienthong.accounts.models import Agency, Position, Unit, User
from lienthong.catalogue.demo import load_demo_catalogue
from lienthong.catalogue.models import Procedure
from lienthong.demo.province import (
    COMMUNE_UNITS,
    DEPARTMENT_UNITS,
    DEPARTMENTS,
    DISTRICT_UNITS,
    DISTRICTS,
    POSITIONS,
    PROVINCE,
    _lower_kind,
)
from lienthong.onestop.constants import ApplicantKind
from lienthong.onestop.services import Applicant, sign_up_applicant

from . import vocabulary
from .vocabulary import FAMILY_NAMES, GIVEN_NAMES, MIDDLE_NAMES

DEFAULT_PASSWORD = "camau-tinh-2026"  # noqa: S105  (documented: generated test data only)
# Working units that receive documents to handle (not the office, not the one-stop counter).
WORKING_UNITS_PER_AGENCY = 3
SPECIALISTS_PER_UNIT = 2
ONESTOP_UNIT = "MC"
OFFICE_UNITS = ("VP", "TH", "HCTC")


@dataclass
class Staff:
    """One generated agency and its officials."""

    index: int  # 1-based place in the generator's order
    agency: Agency
    clerk: User
    leader: User
    admin: User
    onestop_officer: User
    working_units: list[Unit]
    unit_leaders: dict[int, User]  # unit pk → its leader
    specialists: dict[int, list[User]]  # unit pk → its specialists
    onestop_unit: Unit | None = None
    weight: int = 1  # relative share of the province's documents
    users: list[User] = field(default_factory=list)

    @property
    def tag(self) -> str:
        return f"g{self.index:02d}"


def agency_order() -> list[Agency]:
    """Every agency of the province in the generator's order: the People's Committee, its office,
    then one department, one district and one commune in turn."""
    agencies = list(Agency.objects.filter(is_active=True).order_by("code"))
    by_kind: dict[str, list[Agency]] = {}
    for agency in agencies:
        by_kind.setdefault(agency.kind, []).append(agency)
    order = by_kind.get(AgencyKind.PROVINCIAL_COMMITTEE, [])[:1]
    order += by_kind.get(AgencyKind.COMMITTEE_OFFICE, [])
    # Departments whose procedures are in the catalogue first: their counters get dossiers.
    with_procedures = set(
        Procedure.objects.filter(is_published=True).values_list("agency_id", flat=True)
    )
    departments = sorted(
        by_kind.get(AgencyKind.DEPARTMENT, []), key=lambda a: (a.pk not in with_procedures, a.code)
    )
    streams = [
        departments,
        by_kind.get(AgencyKind.DISTRICT_COMMITTEE, []),
        by_kind.get(AgencyKind.COMMUNE_COMMITTEE, []),
    ]
    while any(streams):
        for stream in streams:
            if stream:
                order.append(stream.pop(0))
    return order


def _agency(code: str, units: list[tuple[str, str]], **fields: Any) -> Agency:
    agency = Agency.objects.filter(code=code).first()
    if agency is None:
        agency = accounts.create_agency(actor=None, code=code, code_is_official=False, **fields)
    for name, abbreviation in units:
        if not Unit.objects.filter(agency=agency, abbreviation=abbreviation).exists():
            accounts.create_unit(actor=None, agency=agency, name=name, abbreviation=abbreviation)
    return agency


def ensure_province() -> None:
    """The demo province's agencies and units (`accounts.demo`, the same codes and names), without
    its demo officials: agencies already there are kept."""
    for name, rank, leadership in POSITIONS:
        Position.objects.get_or_create(
            name=name, defaults={"rank": rank, "is_leadership": leadership}
        )
    province = _agency(
        PROVINCE,
        [("Lãnh đạo UBND tỉnh", "LĐ"), ("Phòng Kinh tế", "KT"), ("Phòng Văn hóa - Xã hội", "VX"),
         ("Phòng Nội chính", "NC"), ("Phòng Tổng hợp", "TH")],
        name="Ủy ban nhân dân tỉnh Cà Mau",
        short_name="UBND tỉnh Cà Mau",
        abbreviation="UBND",
        kind=AgencyKind.PROVINCIAL_COMMITTEE,
        place_name="Cà Mau",
    )  # fmt: skip
    for suffix, name, abbreviation, kind, units in DEPARTMENTS:
        _agency(
            f"000.00.{suffix}.H12",
            units or DEPARTMENT_UNITS,
            name=name,
            abbreviation=abbreviation,
            kind=kind,
            parent=province,
            governing_body_name="UBND TỈNH CÀ MAU",
            place_name="Cà Mau",
        )
    for suffix, kind_word, name, place, communes in DISTRICTS:
        district = _agency(
            f"000.00.{suffix}.H12",
            DISTRICT_UNITS,
            name=f"Ủy ban nhân dân {kind_word} {name}",
            short_name=f"UBND {kind_word} {name}",
            abbreviation="UBND",
            kind=AgencyKind.DISTRICT_COMMITTEE,
            parent=province,
            place_name=place,
        )
        for index, commune in enumerate(communes, start=1):
            _agency(
                f"000.{index:02d}.{suffix}.H12",
                COMMUNE_UNITS,
                name=f"Ủy ban nhân dân {_lower_kind(commune)}",
                short_name=f"UBND {commune}",
                abbreviation="UBND",
                kind=AgencyKind.COMMUNE_COMMITTEE,
                parent=district,
                place_name=commune,
                governing_body_name=f"UBND {kind_word.upper()} {name.upper()}",
            )


def _weight(agency: Agency) -> int:
    return {
        AgencyKind.PROVINCIAL_COMMITTEE: 4,
        AgencyKind.COMMITTEE_OFFICE: 4,
        AgencyKind.DEPARTMENT: 3,
        AgencyKind.DISTRICT_COMMITTEE: 3,
    }.get(AgencyKind(agency.kind), 1)


def person(rng: random.Random) -> tuple[str, str]:
    """(honorific, full name) of a Vietnamese person."""
    honorific = rng.choice(("ông", "bà"))
    name = " ".join(
        (
            rng.choice(FAMILY_NAMES),
            rng.choice(MIDDLE_NAMES[honorific]),
            rng.choice(GIVEN_NAMES[honorific]),
        )
    )
    return honorific, name


def _full_name(rng: random.Random) -> str:
    return person(rng)[1]


def _user(
    username: str,
    *,
    rng: random.Random,
    agency: Agency,
    unit: Unit | None,
    position: Position | None,
    roles: list[Role],
) -> User:
    full_name = _full_name(rng)  # drawn even when the user exists: the sequence stays the same
    existing = User.objects.select_related("position").filter(username=username).first()
    if existing is not None:
        return existing
    return accounts.create_user(
        actor=None,
        username=username,
        full_name=full_name,
        password=None,
        agency=agency,
        unit=unit,
        position=position,
        roles=roles,
        email=f"{username}@sinh-du-lieu.invalid",
    )


@transaction.atomic
def ensure_staff(*, agencies: int, seed: int, password_hash: str) -> list[Staff]:
    """The first `agencies` agencies of the province with their officials (created once; a
    second run finds them). Sets every generated official's password to `password_hash`."""
    ensure_province()
    if not Procedure.objects.exists():
        load_demo_catalogue()
    order = agency_order()
    if agencies > len(order):
        raise ValueError(f"the province has {len(order)} agencies; asked for {agencies}")
    positions = {p.name: p for p in Position.objects.all()}
    staff_list = []
    for index, agency in enumerate(order[:agencies], start=1):
        rng = random.Random(f"{seed}:staff:{agency.code}")  # noqa: S311  (data, not secrets)
        tag = f"g{index:02d}"
        units = list(Unit.objects.filter(agency=agency, is_active=True).order_by("pk"))
        if not units:
            units = [
                accounts.create_unit(
                    actor=None, agency=agency, name="Văn phòng", abbreviation="VP"
                ),
                accounts.create_unit(
                    actor=None, agency=agency, name="Bộ phận Một cửa", abbreviation=ONESTOP_UNIT
                ),
            ]
        onestop_unit = next((u for u in units if u.abbreviation == ONESTOP_UNIT), None)
        office = next((u for u in units if u.abbreviation in OFFICE_UNITS), units[0])
        working = [u for u in units if u.abbreviation not in (ONESTOP_UNIT, "LĐ")]
        working = [u for u in working if u != office][:WORKING_UNITS_PER_AGENCY] or [office]
        leader_position = "Chủ tịch" if "committee" in agency.kind else "Giám đốc"
        clerk = _user(
            f"{tag}.vanthu",
            rng=rng,
            agency=agency,
            unit=office,
            position=positions.get("Văn thư"),
            roles=[Role.CLERK],
        )
        leader = _user(
            f"{tag}.lanhdao",
            rng=rng,
            agency=agency,
            unit=None,
            position=positions.get(leader_position),
            roles=[Role.AGENCY_LEADER],
        )
        admin = _user(
            f"{tag}.quantri",
            rng=rng,
            agency=agency,
            unit=office,
            position=positions.get("Quản trị hệ thống"),
            roles=[Role.AGENCY_ADMIN],
        )
        onestop_officer = _user(
            f"{tag}.motcua",
            rng=rng,
            agency=agency,
            unit=onestop_unit or office,
            position=positions.get("Công chức Một cửa"),
            roles=[Role.ONESTOP_OFFICER],
        )
        unit_leaders: dict[int, User] = {}
        specialists: dict[int, list[User]] = {}
        number = 0
        for unit_number, unit in enumerate(working, start=1):
            unit_leaders[unit.pk] = _user(
                f"{tag}.truongphong{unit_number}",
                rng=rng,
                agency=agency,
                unit=unit,
                position=positions.get("Trưởng phòng"),
                roles=[Role.UNIT_LEADER, Role.SPECIALIST],
            )
            specialists[unit.pk] = []
            for _ in range(SPECIALISTS_PER_UNIT):
                number += 1
                specialists[unit.pk].append(
                    _user(
                        f"{tag}.chuyenvien{number}",
                        rng=rng,
                        agency=agency,
                        unit=unit,
                        position=positions.get("Chuyên viên"),
                        roles=[Role.SPECIALIST],
                    )
                )
        staff = Staff(
            index=index,
            agency=agency,
            clerk=clerk,
            leader=leader,
            admin=admin,
            onestop_officer=onestop_officer,
            working_units=working,
            unit_leaders=unit_leaders,
            specialists=specialists,
            onestop_unit=onestop_unit,
            weight=_weight(agency),
        )
        staff.users = [
            clerk,
            leader,
            admin,
            onestop_officer,
            *unit_leaders.values(),
            *(s for group in specialists.values() for s in group),
        ]
        staff_list.append(staff)
    # One hash for everybody: hashing per user (argon2) would cost seconds each.
    User.objects.filter(pk__in=[u.pk for s in staff_list for u in s.users]).update(
        password=password_hash
    )
    return staff_list


def hash_password(password: str) -> str:
    return make_password(password)


CITIZENS = 6


def ensure_citizens(*, seed: int, password: str, password_hash: str) -> list[User]:
    """A few citizens and businesses with on-line accounts (`congdan01`…, signed up through the
    one-stop service), who file some of the dossiers on-line."""
    citizens = []
    for number in range(1, CITIZENS + 1):
        rng = random.Random(f"{seed}:citizen:{number}")  # noqa: S311  (data, not secrets)
        username = f"congdan{number:02d}"
        _, name = person(rng)
        district = rng.choice(list(vocabulary.DISTRICTS))
        applicant = Applicant(
            kind=ApplicantKind.CITIZEN,
            name=name,
            id_number=f"0960{rng.randrange(10**8):08d}",
            phone=rng.choice(vocabulary.PHONE_PREFIXES) + f"{rng.randrange(10**7):07d}",
            email=f"{username}@sinh-du-lieu.invalid",
            address=f"Số {rng.randint(1, 300)} đường {rng.choice(vocabulary.STREETS)}, {district}",
        )
        user = User.objects.select_related("applicant_profile").filter(username=username).first()
        if user is None:
            sign_up_applicant(username=username, password=password, applicant=applicant)
            user = User.objects.select_related("applicant_profile").get(username=username)
        citizens.append(user)
    User.objects.filter(pk__in=[u.pk for u in citizens]).update(password=password_hash)
    return citizens
