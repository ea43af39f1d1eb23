"""Demo applicants' accounts (a citizen and a business) for trying on-line filing."""

from __future__ import annotations

from lienthong.accounts.constants import DEMO_PASSWORD
from lienthong.accounts.models import User

from . import services

DEMO_APPLICANTS = [
    (
        "congdan.demo",
        services.Applicant(
            kind="citizen",
            name="Nguyễn Văn An",
            id_number="096085000123",
            phone="0913000123",
            email="an.nguyen@example.vn",
            address="Phường 7, thành phố Cà Mau",
        ),
        "",
    ),
    (
        "doanhnghiep.demo",
        services.Applicant(
            kind="business",
            name="Trần Thị Bích",
            id_number="2000123456",
            phone="02903834567",
            email="lienhe@muicamau.example.vn",
            address="Đường Trần Hưng Đạo, Phường 5, thành phố Cà Mau",
        ),
        "Công ty TNHH Chuyển phát Mũi Cà Mau",
    ),
]


def load_demo_applicants() -> list[str]:
    """Create the demo applicants that do not exist yet; returns the usernames created."""
    created = []
    for username, applicant, organisation in DEMO_APPLICANTS:
        if User.objects.filter(username__iexact=username).exists():
            continue
        services.sign_up_applicant(
            username=username,
            password=DEMO_PASSWORD,
            applicant=applicant,
            organisation_name=organisation,
        )
        created.append(username)
    return created
