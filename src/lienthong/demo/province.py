"""The demo province: Cà Mau as the 2012 article describes it (three tiers: the provincial
People's Committee and its office, the departments, Cà Mau city and eight districts, a few
communes each), with demo officials for every role in several agencies.

Identifier codes follow the QCVN 102 structure but, except where noted in
docs/demo-province.md, are placeholders: every agency is loaded with `code_is_official=False`
and the UI marks its code as a demo code. Loading is idempotent."""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from lienthong.accounts import services
from lienthong.accounts.constants import DEMO_PASSWORD, AgencyKind, Role
from lienthong.accounts.models import Agency, Position, Unit, User
from lienthong.accounts.permissions import two_factor_required

__all__ = ["DEMO_BACKUP_CODES_LOW", "DEMO_PASSWORD", "demo_backup_codes", "load_demo_province"]
PROVINCE = "000.00.00.H12"

POSITIONS = [
    ("Chủ tịch", 10, True),
    ("Phó Chủ tịch", 20, True),
    ("Giám đốc", 10, True),
    ("Phó Giám đốc", 20, True),
    ("Chánh Văn phòng", 30, True),
    ("Chánh Thanh tra", 10, True),
    ("Trưởng ban", 10, True),
    ("Trưởng phòng", 40, True),
    ("Phó Trưởng phòng", 50, True),
    ("Chuyên viên", 80, False),
    ("Văn thư", 90, False),
    ("Công chức Một cửa", 85, False),
    ("Quản trị hệ thống", 95, False),
    ("Công chức Tư pháp - Hộ tịch", 80, False),
]

# (code suffix cấp 2, name, abbreviation, units)
DEPARTMENT_UNITS = [
    ("Văn phòng Sở", "VP"),
    ("Phòng Kế hoạch - Tài chính", "KHTC"),
    ("Bộ phận Một cửa", "MC"),
]
DEPARTMENTS = [
    (
        "01",
        "Văn phòng Ủy ban nhân dân tỉnh Cà Mau",
        "VP",
        AgencyKind.COMMITTEE_OFFICE,
        [
            ("Phòng Hành chính - Tổ chức", "HCTC"),
            ("Phòng Kinh tế", "KT"),
            ("Phòng Văn hóa - Xã hội", "VX"),
            ("Phòng Nội chính", "NC"),
            ("Trung tâm Công báo - Tin học", "CBTH"),
        ],
    ),
    ("02", "Sở Nội vụ", "SNV", AgencyKind.DEPARTMENT, None),
    ("03", "Sở Tài chính", "STC", AgencyKind.DEPARTMENT, None),
    (
        "04",
        "Sở Kế hoạch và Đầu tư",
        "SKHĐT",
        AgencyKind.DEPARTMENT,
        [*DEPARTMENT_UNITS, ("Phòng Đăng ký kinh doanh", "ĐKKD")],
    ),
    (
        "05",
        "Sở Tư pháp",
        "STP",
        AgencyKind.DEPARTMENT,
        [
            ("Văn phòng Sở", "VP"),
            ("Phòng Hành chính tư pháp", "HCTP"),
            ("Phòng Bổ trợ tư pháp", "BTTP"),
            ("Bộ phận Một cửa", "MC"),
        ],
    ),
    ("06", "Sở Công Thương", "SCT", AgencyKind.DEPARTMENT, None),
    ("07", "Sở Nông nghiệp và Phát triển nông thôn", "SNN", AgencyKind.DEPARTMENT, None),
    ("08", "Sở Giao thông vận tải", "SGTVT", AgencyKind.DEPARTMENT, None),
    ("09", "Sở Xây dựng", "SXD", AgencyKind.DEPARTMENT, None),
    ("10", "Sở Tài nguyên và Môi trường", "STNMT", AgencyKind.DEPARTMENT, None),
    (
        "11",
        "Sở Thông tin và Truyền thông",
        "STTTT",
        AgencyKind.DEPARTMENT,
        [
            ("Văn phòng Sở", "VP"),
            ("Phòng Công nghệ thông tin", "CNTT"),
            ("Phòng Bưu chính - Viễn thông", "BCVT"),
            ("Phòng Thông tin - Báo chí - Xuất bản", "TTBCXB"),
            ("Bộ phận Một cửa", "MC"),
        ],
    ),
    ("12", "Sở Lao động - Thương binh và Xã hội", "SLĐTBXH", AgencyKind.DEPARTMENT, None),
    ("13", "Sở Văn hóa, Thể thao và Du lịch", "SVHTTDL", AgencyKind.DEPARTMENT, None),
    ("14", "Sở Khoa học và Công nghệ", "SKHCN", AgencyKind.DEPARTMENT, None),
    ("15", "Sở Giáo dục và Đào tạo", "SGDĐT", AgencyKind.DEPARTMENT, None),
    ("16", "Sở Y tế", "SYT", AgencyKind.DEPARTMENT, None),
    ("17", "Thanh tra tỉnh Cà Mau", "TTr", AgencyKind.DEPARTMENT, None),
    ("18", "Ban Dân tộc tỉnh Cà Mau", "BDT", AgencyKind.DEPARTMENT, None),
    ("19", "Ban Quản lý Khu kinh tế tỉnh Cà Mau", "BQLKKT", AgencyKind.DEPARTMENT, None),
]
DISTRICT_UNITS = [
    ("Văn phòng HĐND và UBND", "VP"),
    ("Phòng Nội vụ", "NV"),
    ("Phòng Tư pháp", "TP"),
    ("Phòng Tài chính - Kế hoạch", "TCKH"),
    ("Bộ phận Một cửa", "MC"),
]
COMMUNE_UNITS = [
    ("Văn phòng - Thống kê", "VP"),
    ("Tư pháp - Hộ tịch", "TPHT"),
    ("Bộ phận Một cửa", "MC"),
]
# (code suffix cấp 2, kind word, name, place name, communes)
DISTRICTS = [
    (
        "30",
        "thành phố",
        "Cà Mau",
        "Thành phố Cà Mau",
        ["Phường 1", "Phường 5", "Xã An Xuyên", "Xã Tắc Vân"],
    ),
    (
        "31",
        "huyện",
        "Trần Văn Thời",
        "Trần Văn Thời",
        ["Thị trấn Trần Văn Thời", "Thị trấn Sông Đốc", "Xã Khánh Bình", "Xã Trần Hợi"],
    ),
    ("32", "huyện", "Thới Bình", "Thới Bình", ["Thị trấn Thới Bình", "Xã Biển Bạch", "Xã Tân Lộc"]),
    ("33", "huyện", "U Minh", "U Minh", ["Thị trấn U Minh", "Xã Khánh An", "Xã Nguyễn Phích"]),
    (
        "34",
        "huyện",
        "Cái Nước",
        "Cái Nước",
        ["Thị trấn Cái Nước", "Xã Hưng Mỹ", "Xã Lương Thế Trân"],
    ),
    ("35", "huyện", "Đầm Dơi", "Đầm Dơi", ["Thị trấn Đầm Dơi", "Xã Tạ An Khương", "Xã Trần Phán"]),
    ("36", "huyện", "Năm Căn", "Năm Căn", ["Thị trấn Năm Căn", "Xã Hàm Rồng", "Xã Tam Giang"]),
    ("37", "huyện", "Phú Tân", "Phú Tân", ["Thị trấn Cái Đôi Vàm", "Xã Phú Mỹ", "Xã Tân Hưng Tây"]),
    ("38", "huyện", "Ngọc Hiển", "Ngọc Hiển", ["Xã Đất Mũi", "Xã Tân Ân", "Xã Viên An"]),
]


@dataclass(frozen=True)
class DemoLogin:
    username: str
    full_name: str
    agency: str
    role: str


# Demo officials: (agency code, username tag, [(role, full name, position, unit abbr)])
_STAFF = [
    (
        PROVINCE,
        "ubndtinh",
        [
            (Role.AGENCY_LEADER, "Nguyễn Văn Hùng", "Chủ tịch", None),
            (Role.UNIT_LEADER, "Trần Thị Thu Hà", "Trưởng phòng", "VX"),
            (Role.SPECIALIST, "Lê Minh Tâm", "Chuyên viên", "VX"),
            (Role.CLERK, "Phạm Thị Lan", "Văn thư", "TH"),
            (Role.AGENCY_ADMIN, "Võ Thanh Sơn", "Quản trị hệ thống", "TH"),
            (Role.PORTAL_EDITOR, "Lê Thị Hồng Nhung", "Chuyên viên", "TH"),
            (Role.SCHEDULE_OFFICER, "Phan Thị Mai", "Chuyên viên", "TH"),
            (Role.REPORT_OFFICER, "Trương Văn Lộc", "Chuyên viên", "TH"),
        ],
    ),
    (
        "000.00.11.H12",
        "stttt",
        [
            (Role.AGENCY_LEADER, "Võ Quốc Việt", "Giám đốc", None),
            (Role.UNIT_LEADER, "Huỳnh Ngọc Anh", "Trưởng phòng", "CNTT"),
            (Role.SPECIALIST, "Đặng Thị Kim Oanh", "Chuyên viên", "CNTT"),
            (Role.CLERK, "Ngô Thị Mỹ Linh", "Văn thư", "VP"),
            (Role.ONESTOP_OFFICER, "Châu Văn Phúc", "Công chức Một cửa", "MC"),
            (Role.AGENCY_ADMIN, "Lâm Quốc Bảo", "Quản trị hệ thống", "CNTT"),
            (Role.PORTAL_EDITOR, "Nguyễn Thị Bích Trâm", "Chuyên viên", "VP"),
            (Role.TRAINING_ORGANISER, "Lưu Văn Đạt", "Chuyên viên", "CNTT"),
            (Role.QUALITY_OFFICER, "Hồ Thị Diễm", "Chuyên viên", "VP"),
            (Role.REPORT_OFFICER, "Tạ Minh Luân", "Chuyên viên", "KHTC"),
        ],
    ),
    (
        "000.00.05.H12",
        "stp",
        [
            (Role.AGENCY_LEADER, "Dương Văn Thắng", "Giám đốc", None),
            (Role.UNIT_LEADER, "Tô Thị Hồng", "Trưởng phòng", "HCTP"),
            (Role.SPECIALIST, "Quách Minh Đức", "Chuyên viên", "HCTP"),
            (Role.CLERK, "Lý Thị Ngọc Trâm", "Văn thư", "VP"),
            (Role.ONESTOP_OFFICER, "Tạ Văn Lợi", "Công chức Một cửa", "MC"),
        ],
    ),
    (
        "000.00.30.H12",
        "tpcamau",
        [
            (Role.AGENCY_LEADER, "Phan Thanh Tùng", "Chủ tịch", None),
            (Role.UNIT_LEADER, "Mai Thị Xuân", "Trưởng phòng", "NV"),
            (Role.SPECIALIST, "Trương Công Định", "Chuyên viên", "NV"),
            (Role.CLERK, "Hồ Thị Bích Ngọc", "Văn thư", "VP"),
            (Role.ONESTOP_OFFICER, "Kiều Văn Nam", "Công chức Một cửa", "MC"),
            (Role.AGENCY_ADMIN, "Đoàn Minh Khoa", "Quản trị hệ thống", "VP"),
            (Role.PORTAL_EDITOR, "Vương Thị Thảo", "Chuyên viên", "VP"),
            (Role.REPORT_OFFICER, "Lạc Văn Trí", "Chuyên viên", "VP"),
        ],
    ),
    (
        "000.00.31.H12",
        "tranvanthoi",
        [
            (Role.AGENCY_LEADER, "Lưu Văn Bình", "Chủ tịch", None),
            (Role.SPECIALIST, "Cao Thị Diễm", "Chuyên viên", "TP"),
            (Role.CLERK, "Thái Thị Nhung", "Văn thư", "VP"),
            (Role.ONESTOP_OFFICER, "La Văn Đông", "Công chức Một cửa", "MC"),
        ],
    ),
    (
        "000.03.31.H12",
        "khanhbinh",
        [
            (Role.AGENCY_LEADER, "Nguyễn Văn Út", "Chủ tịch", None),
            (Role.CLERK, "Trần Thị Mai", "Văn thư", "VP"),
            (Role.ONESTOP_OFFICER, "Lê Văn Tư", "Công chức Một cửa", "MC"),
        ],
    ),
    # The agencies a demo procedure also passes through (catalogue/demo.py): Sở Kế hoạch và Đầu
    # tư receives and decides its own procedure; Sở Lao động - Thương binh và Xã hội decides the
    # inter-agency (liên thông) one the district receives.
    (
        "000.00.04.H12",
        "skhdt",
        [
            (Role.AGENCY_LEADER, "Bùi Văn Chiến", "Giám đốc", None),
            (Role.CLERK, "Lê Thị Thảo", "Văn thư", "VP"),
            (Role.ONESTOP_OFFICER, "Nguyễn Thị Hằng", "Công chức Một cửa", "MC"),
        ],
    ),
    (
        "000.00.12.H12",
        "sldtbxh",
        [
            (Role.AGENCY_LEADER, "Huỳnh Văn Sáu", "Giám đốc", None),
            (Role.CLERK, "Phạm Thị Hoa", "Văn thư", "VP"),
        ],
    ),
]
# Every specialised unit of an agency with demo officials (every unit a demo procedure's step
# names, every unit a demo leader may assign as lead or supporting unit, "chủ trì" / "phối hợp")
# has a head who assigns and a specialist who handles, so every path of the demo can be walked
# (the office and the one-stop unit have their clerk and one-stop officer): (agency code, agency
# tag, unit, head, head's position, specialist or None, specialist's position). Usernames:
# truongphong.<unit>.<tag>, chuyenvien.<unit>.<tag>.
_UNIT_STAFF: list[tuple[str, str, str, str, str, str | None, str]] = [
    (PROVINCE, "ubndtinh", "KT", "Lê Hoàng Nam", "Trưởng phòng", "Dương Thị Thanh", "Chuyên viên"),
    (PROVINCE, "ubndtinh", "NC", "Phạm Quốc Huy", "Trưởng phòng", "Trần Thị Yến", "Chuyên viên"),
    (
        "000.00.11.H12",
        "stttt",
        "TTBCXB",
        "Nguyễn Thanh Phong",
        "Trưởng phòng",
        "Lê Thị Hồng Nhung",
        "Chuyên viên",
    ),
    (
        "000.00.11.H12",
        "stttt",
        "BCVT",
        "Trần Văn Lực",
        "Trưởng phòng",
        "Phạm Minh Thư",
        "Chuyên viên",
    ),
    (
        "000.00.05.H12",
        "stp",
        "BTTP",
        "Nguyễn Văn Thành",
        "Trưởng phòng",
        "Huỳnh Thị Mỹ",
        "Chuyên viên",
    ),
    (
        "000.00.04.H12",
        "skhdt",
        "KHTC",
        "Trương Văn Toàn",
        "Trưởng phòng",
        "Lâm Thị Diệu",
        "Chuyên viên",
    ),
    (
        "000.00.12.H12",
        "sldtbxh",
        "KHTC",
        "Châu Thị Bé",
        "Trưởng phòng",
        "Võ Văn Hiếu",
        "Chuyên viên",
    ),
    (
        "000.00.30.H12",
        "tpcamau",
        "TP",
        "Nguyễn Thị Kiều",
        "Trưởng phòng",
        "Hà Văn Quang",
        "Chuyên viên",
    ),
    (
        "000.00.30.H12",
        "tpcamau",
        "TCKH",
        "Đặng Văn Tài",
        "Trưởng phòng",
        "Lê Thị Ánh",
        "Chuyên viên",
    ),
    # Trần Văn Thời's Phòng Tư pháp has its specialist already (chuyenvien.tranvanthoi).
    ("000.00.31.H12", "tranvanthoi", "TP", "Tô Văn Mười", "Trưởng phòng", None, "Chuyên viên"),
    (
        "000.00.04.H12",
        "skhdt",
        "ĐKKD",
        "Võ Thị Kim Ngân",
        "Trưởng phòng",
        "Đỗ Văn Khải",
        "Chuyên viên",
    ),
    (
        "000.00.31.H12",
        "tranvanthoi",
        "NV",
        "Phan Văn Hải",
        "Trưởng phòng",
        "Ngô Thị Cẩm",
        "Chuyên viên",
    ),
    (
        "000.00.31.H12",
        "tranvanthoi",
        "TCKH",
        "Đinh Văn Lâm",
        "Trưởng phòng",
        "Tăng Thị Ngọc",
        "Chuyên viên",
    ),
    (
        "000.03.31.H12",
        "khanhbinh",
        "TPHT",
        "Trần Văn Bảy",
        "Phó Chủ tịch",
        "Lý Thị Thu",
        "Công chức Tư pháp - Hộ tịch",
    ),
]
# Deputies beside an agency's leader: (agency code, username, full name, position). The deputy
# director of Sở TT&TT also signs (in the demo he signs remotely, signatures/demo.py).
_DEPUTIES = [("000.00.11.H12", "phogiamdoc.stttt", "Trịnh Minh Khôi", "Phó Giám đốc")]
_ROLE_PREFIX = {
    Role.AGENCY_LEADER: "lanhdao",
    Role.UNIT_LEADER: "truongphong",
    Role.SPECIALIST: "chuyenvien",
    Role.CLERK: "vanthu",
    Role.ONESTOP_OFFICER: "motcua",
    Role.AGENCY_ADMIN: "quantri",
    Role.PORTAL_EDITOR: "bientap",
    Role.SCHEDULE_OFFICER: "thuky",
    Role.REPORT_OFFICER: "baocao",
    Role.TRAINING_ORGANISER: "daotao",
    Role.QUALITY_OFFICER: "iso",
}


@dataclass(frozen=True)
class _DemoPerson:
    """One demo official (or the system administrator) to create, and where their login is
    listed: at the end, or right after the last login `listed_after` accepts."""

    agency_code: str | None
    username: str
    full_name: str
    role: Role
    roles: list[Role]
    position: str | None
    unit: str | None
    listed_after: Callable[[str], bool] | None = None


def _in_agency(tag: str) -> Callable[[str], bool]:
    return lambda username: username.endswith(f".{tag}")


def _exactly(wanted: str) -> Callable[[str], bool]:
    return lambda username: username == wanted


def _demo_people() -> Iterator[_DemoPerson]:
    """The tables above as one list of people, in the order their logins are listed: each
    agency's staff (a unit leader also handles, as a specialist), each specialised unit's head
    and specialist after their agency's staff, the deputies after their leader, then the
    system administrator."""
    for code, tag, staff in _STAFF:
        for role, full_name, position, unit in staff:
            roles: list[Role] = [role, Role.SPECIALIST] if role == Role.UNIT_LEADER else [role]
            username = f"{_ROLE_PREFIX[role]}.{tag}"
            yield _DemoPerson(code, username, full_name, role, roles, position, unit)
    for code, tag, unit, head, head_position, specialist, specialist_position in _UNIT_STAFF:
        unit_tag = unit.replace("Đ", "D").lower()
        for role, roles, person, position in (
            (Role.UNIT_LEADER, [Role.UNIT_LEADER, Role.SPECIALIST], head, head_position),
            (Role.SPECIALIST, [Role.SPECIALIST], specialist, specialist_position),
        ):
            if person is not None:
                username = f"{_ROLE_PREFIX[role]}.{unit_tag}.{tag}"
                yield _DemoPerson(
                    code, username, person, role, roles, position, unit, _in_agency(tag)
                )
    # The chief of the provincial committee's office approves the weekly work schedule and
    # reviews the meetings' papers (meetings/demo.py).
    yield _DemoPerson(
        PROVINCE,
        "chanhvanphong.ubndtinh",
        "Huỳnh Văn Phước",
        Role.UNIT_LEADER,
        [Role.UNIT_LEADER, Role.SPECIALIST],
        "Chánh Văn phòng",
        "TH",
        _in_agency("ubndtinh"),
    )
    for code, username, full_name, position in _DEPUTIES:
        leader = f"{_ROLE_PREFIX[Role.AGENCY_LEADER]}.{username.split('.')[1]}"
        role = Role.AGENCY_LEADER
        yield _DemoPerson(code, username, full_name, role, [role], position, None, _exactly(leader))
    yield _DemoPerson(
        None,
        "quantri.hethong",
        "Quản trị hệ thống tỉnh",
        Role.SYSTEM_ADMIN,
        [Role.SYSTEM_ADMIN],
        None,
        None,
    )


def _demo_password_hash() -> str:
    """The demo password hashed once per set of hashers: every demo account shares it (and it is
    published), so one slow hash (Argon2, about a second each) serves them all. Keyed by the
    hashers in force, so a hash made under other settings is never reused."""
    return _hash_for(tuple(settings.PASSWORD_HASHERS))


@functools.cache
def _hash_for(hashers: tuple[str, ...]) -> str:
    return make_password(DEMO_PASSWORD)


def _create_demo_user(**fields: Any) -> User:
    user = services.create_user(actor=None, password=None, **fields)
    user.password = _demo_password_hash()
    user.save(update_fields=["password"])
    return user


def _lower_kind(name: str) -> str:
    """“Xã Khánh Bình” → “xã Khánh Bình”; numbered wards keep their full name (“Phường 5”)."""
    for kind in ("Thị trấn", "Xã", "Phường"):
        rest = name.removeprefix(kind + " ")
        if rest != name and not rest.isdigit():
            return f"{kind.lower()} {rest}"
    return name


def _agency(code: str, **fields: object) -> Agency:
    existing = Agency.objects.filter(code=code).first()
    if existing is not None:
        return existing
    return services.create_agency(actor=None, code=code, code_is_official=False, **fields)  # type: ignore[arg-type]


def _units(agency: Agency, units: list[tuple[str, str]]) -> None:
    for name, abbreviation in units:
        if not Unit.objects.filter(agency=agency, abbreviation=abbreviation).exists():
            services.create_unit(actor=None, agency=agency, name=name, abbreviation=abbreviation)


@transaction.atomic
def load_demo_province() -> list[DemoLogin]:
    """Create (or complete) the demo province; return the demo logins."""
    for name, rank, leadership in POSITIONS:
        Position.objects.get_or_create(
            name=name, defaults={"rank": rank, "is_leadership": leadership}
        )

    province = _agency(
        PROVINCE,
        name="Ủy ban nhân dân tỉnh Cà Mau",
        short_name="UBND tỉnh Cà Mau",
        abbreviation="UBND",
        kind=AgencyKind.PROVINCIAL_COMMITTEE,
        place_name="Cà Mau",
        address="Số 02 Hùng Vương, Phường 5, thành phố Cà Mau",
        phone="0290 3831 200",
        email="ubnd@demo-camau.invalid",
    )
    _units(
        province,
        [
            ("Lãnh đạo UBND tỉnh", "LĐ"),
            ("Phòng Kinh tế", "KT"),
            ("Phòng Văn hóa - Xã hội", "VX"),
            ("Phòng Nội chính", "NC"),
            ("Phòng Tổng hợp", "TH"),
        ],
    )
    for suffix, name, abbreviation, kind, units in DEPARTMENTS:
        agency = _agency(
            f"000.00.{suffix}.H12",
            name=name,
            abbreviation=abbreviation,
            kind=kind,
            parent=province,
            governing_body_name="UBND TỈNH CÀ MAU",
            place_name="Cà Mau",
        )
        _units(agency, units or DEPARTMENT_UNITS)
    for suffix, kind_word, name, place, communes in DISTRICTS:
        district = _agency(
            f"000.00.{suffix}.H12",
            name=f"Ủy ban nhân dân {kind_word} {name}",
            short_name=f"UBND {kind_word} {name}",
            abbreviation="UBND",
            kind=AgencyKind.DISTRICT_COMMITTEE,
            parent=province,
            place_name=place,
        )
        _units(district, DISTRICT_UNITS)
        for index, commune in enumerate(communes, start=1):
            agency = _agency(
                f"000.{index:02d}.{suffix}.H12",
                name=f"Ủy ban nhân dân {_lower_kind(commune)}",
                short_name=f"UBND {commune}",
                abbreviation="UBND",
                kind=AgencyKind.COMMUNE_COMMITTEE,
                parent=district,
                place_name=commune,
                governing_body_name=f"UBND {kind_word.upper()} {name.upper()}",
            )
            _units(agency, COMMUNE_UNITS)

    positions = {p.name: p for p in Position.objects.all()}
    logins: list[DemoLogin] = []
    for person in _demo_people():
        member_of = Agency.objects.get(code=person.agency_code) if person.agency_code else None
        if not User.objects.filter(username=person.username).exists():
            _create_demo_user(
                username=person.username,
                full_name=person.full_name,
                agency=member_of,
                unit=(
                    Unit.objects.filter(agency=member_of, abbreviation=person.unit).first()
                    if person.unit
                    else None
                ),
                position=positions[person.position] if person.position else None,
                roles=person.roles,
                email=f"{person.username}@demo-camau.invalid",
            )
        login = DemoLogin(
            person.username,
            person.full_name,
            member_of.name if member_of else "—",
            str(Role(person.role).label),
        )
        if person.listed_after is None:
            logins.append(login)
        else:
            after = max(i for i, shown in enumerate(logins) if person.listed_after(shown.username))
            logins.insert(after + 1, login)
    return logins


# Fewer unused backup codes than this left on a demo account: `demo_backup_codes` makes a new set.
DEMO_BACKUP_CODES_LOW = 3


def demo_backup_codes(usernames: Iterable[str]) -> dict[str, list[str]]:
    """Two-factor sign-in stays on in the demo, without anybody's phone: each of these demo
    accounts that must give a second factor (`two_factor_required`) is enrolled with an
    authenticator whose secret stays in the database, and its unused one-time backup codes are
    returned (the same ones on every call, until fewer than DEMO_BACKUP_CODES_LOW are left: then
    a new set). Accounts that need no second factor are left out."""
    codes: dict[str, list[str]] = {}
    for user in User.objects.filter(username__in=list(usernames), is_active=True):
        if not two_factor_required(user):
            continue
        if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            key = services.new_totp_key()
            totp = TOTP(bytes.fromhex(key), step=30, t0=0, digits=6)
            totp.time = time.time()
            services.enrol_totp(user=user, key=key, code=f"{totp.token():06d}")
        left = list(
            StaticToken.objects.filter(device__user=user, device__confirmed=True)
            .order_by("pk")
            .values_list("token", flat=True)
        )
        if len(left) < DEMO_BACKUP_CODES_LOW:
            left = services.regenerate_backup_codes(user=user)
        codes[user.username] = left
    return codes
