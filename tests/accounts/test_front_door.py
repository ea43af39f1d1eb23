"""The front door (issue 14): the public home, citizens signing in with their personal
identification number or enterprise code through the identity providers, a menu without staff
items, and "forgotten password" by e-mail: single use, expiring, rate-limited, telling nobody
whether an account exists."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.apps import apps
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from lienthong.accounts import identity
from lienthong.accounts.models import User
from lienthong.accounts.validators import validate_applicant_identifier
from lienthong.catalogue.models import Procedure
from lienthong.onestop import services as onestop
from tests.conftest import PASSWORD
from tests.notifications.conftest import smtp_server as smtp_server  # a real SMTP server
from tests.onestop.conftest import CITIZEN, filed_online, world  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


# --- Identifiers --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value", ["096188000123", "001203012345", "079099000001", "0100109106", "0100109106-001"]
)
def test_plausible_identifiers_are_taken(value: str) -> None:
    validate_applicant_identifier(value)


@pytest.mark.parametrize(
    ("value", "why"),
    [
        ("123456789", "12 chữ số"),  # an old 9-digit identity card number
        ("003188000123", "mã tỉnh"),  # 003 is no province
        ("097188000123", "mã tỉnh"),
        ("096299000123", "tương lai"),  # born in 2099
        ("0100109106-000", "10-3"),
        ("01001091061", "12 chữ số"),
        ("09618800012a", "12 chữ số"),
    ],
)
def test_implausible_identifiers_are_refused_with_a_clear_message(value: str, why: str) -> None:
    with pytest.raises(ValidationError) as refused:
        validate_applicant_identifier(value)
    assert why in " ".join(refused.value.messages)


def test_sign_up_refuses_an_old_identity_card_number_and_keeps_the_identifier() -> None:
    old = onestop.Applicant(**{**CITIZEN.__dict__, "id_number": "381234567"})
    with pytest.raises(ValidationError) as refused:
        onestop.sign_up_applicant(password=PASSWORD, applicant=old)
    assert "id_number" in refused.value.message_dict
    assert not User.objects.filter(username="381234567").exists()
    user = onestop.sign_up_applicant(password=PASSWORD, applicant=CITIZEN)
    assert user.identifier == "096188000123" and user.is_applicant
    # The same number again, under another user name: one account per number.
    with pytest.raises(ValidationError):
        onestop.sign_up_applicant(username="mai2", password=PASSWORD, applicant=CITIZEN)
    assert User.objects.filter(identifier="096188000123").count() == 1


def test_existing_citizen_accounts_get_their_identifier_from_the_migration(world) -> None:  # noqa: F811
    from importlib import import_module

    migration = import_module("lienthong.accounts.migrations.0003_user_identifier")
    signed_up = onestop.sign_up_applicant(
        password=PASSWORD,
        applicant=onestop.Applicant(**{**CITIZEN.__dict__, "id_number": "096190000555"}),
    )
    User.objects.update(identifier="")  # as before the migration
    migration.fill_identifiers(apps, None)
    assert User.objects.get(pk=world.citizen.pk).identifier == "096188000123"  # its profile's
    assert User.objects.get(pk=signed_up.pk).identifier == "096190000555"  # its user name
    assert not User.objects.exclude(agency=None).exclude(identifier="").exists()


# --- Signing in ------------------------------------------------------------------------------


def _sign_in(client: Client, login: str, password: str = PASSWORD, name: str = "login") -> Any:
    return client.post(reverse(name), {"username": login, "password": password})


def test_a_citizen_signs_in_with_the_identifier_not_the_user_name(world) -> None:  # noqa: F811
    assert world.citizen.username == "mai"
    client = Client()
    wrong = _sign_in(client, "096188000123", "not-the-password")
    assert wrong.status_code == 200 and "_auth_user_id" not in client.session
    assert "Số định danh (hoặc tên đăng nhập) hoặc mật khẩu không đúng" in wrong.content.decode()
    response = _sign_in(client, "0961 8800 0123")  # spaces as people type them
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(world.citizen.pk)
    # Signed in, the citizen's start page is their dossiers, not an official's dashboard.
    assert client.get("/")["Location"] == reverse("citizen:my-dossiers")
    assert client.get(reverse("dashboard"))["Location"] == reverse("citizen:my-dossiers")


def test_officials_sign_in_with_their_user_name_at_their_own_door(world) -> None:  # noqa: F811
    client = Client()
    page = client.get(reverse("staff-login")).content.decode()
    assert "Tên đăng nhập" in page and "Số định danh cá nhân" not in page
    response = _sign_in(client, "vanthu", name="staff-login")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(world.clerk.pk)
    assert client.get("/")["Location"] == reverse("dashboard")


def test_an_unknown_identifier_fails_like_a_wrong_password(world) -> None:  # noqa: F811
    assert identity.resolve_login("096188000999") == "096188000999"
    assert identity.resolve_login("096188000123") == "mai"
    assert identity.resolve_login("vanthu") == "vanthu"
    unknown = _sign_in(Client(), "096188000999")
    wrong = _sign_in(Client(), "096188000123", "not-the-password")
    assert unknown.status_code == wrong.status_code == 200


class RefusingProvider(identity.IdentityProvider):
    key = "refusing"
    label = "Nobody"

    def authenticate(self, request: Any, login: str, password: str) -> User | None:
        return None


def test_sign_in_goes_through_the_configured_identity_providers(world, settings) -> None:  # noqa: F811
    assert [p.key for p in identity.providers()] == ["local"]
    settings.LIENTHONG_IDENTITY_PROVIDERS = [f"{__name__}.RefusingProvider"]
    client = Client()
    assert _sign_in(client, "096188000123").status_code == 200
    assert "_auth_user_id" not in client.session
    settings.LIENTHONG_IDENTITY_PROVIDERS = [
        f"{__name__}.RefusingProvider",
        f"{__name__}.RefusingProvider",
    ]
    with pytest.raises(ValueError, match="share a key"):
        identity.providers()


# --- The public home and the menus -----------------------------------------------------------


def test_the_anonymous_home_offers_search_tracking_sign_in_up_and_the_officials_door(
    world,  # noqa: F811
) -> None:
    Procedure.objects.create(
        national_code="T-CMU-BC-02",
        name="Áp dụng thử",  # sorts first by name
        sector=world.procedure.sector,
        agency=world.dept,
        level_2011=2,
        processing_days=1,
        is_published=True,
    )
    Procedure.objects.create(
        national_code="T-CMU-BC-03",
        name="An unpublished procedure",
        sector=world.procedure.sector,
        agency=world.dept,
        level_2011=2,
        processing_days=1,
        is_published=False,
    )
    filed_online(world)
    response = Client().get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'action="{reverse("catalogue:home")}"' in html
    assert f'action="{reverse("citizen:track")}"' in html
    for name in ("login", "citizen:sign-up", "password-reset", "staff-login"):
        assert f'href="{reverse(name)}"' in html, name
    assert "Nộp hồ sơ trực tuyến" in html and "Dành cho cán bộ" in html
    popular = re.search(r'data-testid="popular-procedures">(.*?)</ul>', html, re.S)
    assert popular is not None
    names = re.findall(r">([^<]+)</a>", popular.group(1))
    assert names == ["Cấp giấy phép bưu chính nội tỉnh", "Áp dụng thử"]  # the filed one first


def _menu(html: str) -> str:
    found = re.search(r'data-testid="main-menu">(.*?)</nav>', html, re.S)
    assert found is not None
    return found.group(1)


def test_the_citizens_menu_holds_no_staff_items_and_officials_keep_theirs(world) -> None:  # noqa: F811
    citizen = Client()
    citizen.force_login(world.citizen)
    menu = _menu(citizen.get(reverse("citizen:my-dossiers")).content.decode())
    assert reverse("citizen:my-dossiers") in menu
    for name in ("dashboard", "api-docs", "admin:index", "workflows:queue", "onestop:queue"):
        assert f'href="{reverse(name)}"' not in menu, name
    official = Client()
    official.force_login(world.counter)
    menu = _menu(official.get(reverse("dashboard")).content.decode())
    for name in ("dashboard", "api-docs", "onestop:queue"):
        assert f'href="{reverse(name)}"' in menu, name
    assert reverse("citizen:my-dossiers") not in menu


# --- Forgotten passwords ------------------------------------------------------------------------


def _ask_reset(client: Client, email: str) -> Any:
    return client.post(reverse("password-reset"), {"email": email})


def _link_path(mail: Any) -> str:
    found = re.search(r"https?://[^/\s]+(/quen-mat-khau/\S+/)", mail.body)
    assert found is not None, mail.body
    return found.group(1)


def test_a_reset_link_by_e_mail_works_once(world, smtp_server, run_tasks) -> None:  # noqa: F811
    response = _ask_reset(Client(), "MAI@example.vn")
    assert response["Location"] == reverse("password-reset-sent")
    run_tasks()
    [mail] = smtp_server.messages
    assert mail.to == ["mai@example.vn"] and mail.subject == "Đặt mật khẩu mới"
    link = _link_path(mail)
    client = Client()
    form_page = client.get(link, follow=True)
    assert 'data-testid="set-password"' in form_page.content.decode()
    new = "Mk-moi-2026-rat-dai"
    done = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new}
    )
    assert done["Location"] == reverse("password-reset-complete")
    world.citizen.refresh_from_db()
    assert world.citizen.check_password(new)
    assert _sign_in(Client(), "096188000123", new).status_code == 302
    # Used once, the link is spent.
    again = Client().get(link, follow=True).content.decode()
    assert 'data-testid="invalid-link"' in again and 'name="new_password1"' not in again


def test_a_reset_link_expires(world, smtp_server, run_tasks, settings, time_machine) -> None:  # noqa: F811
    settings.PASSWORD_RESET_TIMEOUT = 3600
    # In the process's own time zone (the token counts in local time).
    time_machine.move_to(timezone.localtime(), tick=False)
    _ask_reset(Client(), "mai@example.vn")
    run_tasks()
    link = _link_path(smtp_server.messages[0])
    time_machine.shift(timedelta(minutes=59))
    assert 'data-testid="set-password"' in Client().get(link, follow=True).content.decode()
    time_machine.shift(timedelta(minutes=2))
    page = Client().get(link, follow=True).content.decode()
    assert 'data-testid="invalid-link"' in page
    world.citizen.refresh_from_db()
    assert world.citizen.check_password(PASSWORD)


def test_the_answer_is_the_same_whether_or_not_an_account_exists(
    world,  # noqa: F811
    smtp_server,
    run_tasks,
) -> None:
    User.objects.filter(pk=world.clerk.pk).update(email="vanthu@camau.gov.vn")
    answers = [
        _ask_reset(Client(), email)
        for email in ("mai@example.vn", "nobody@example.vn", "vanthu@camau.gov.vn")
    ]
    assert {(r.status_code, r["Location"]) for r in answers} == {
        (302, reverse("password-reset-sent"))
    }
    run_tasks()
    # Only the citizen's account takes a reset by e-mail: officials ask their administrator.
    assert [mail.to for mail in smtp_server.messages] == [["mai@example.vn"]]


def test_reset_requests_are_rate_limited(world, settings) -> None:  # noqa: F811
    settings.LIENTHONG_PASSWORD_RESET_LIMIT = 2
    client = Client(REMOTE_ADDR="198.51.100.7")
    assert [_ask_reset(client, "mai@example.vn").status_code for _ in range(2)] == [302, 302]
    queued = DBTaskResult.objects.count()
    refused = _ask_reset(client, "mai@example.vn")
    assert refused.status_code == 429 and 'data-testid="limited"' in refused.content.decode()
    assert DBTaskResult.objects.count() == queued
    # Another address, the same mailbox: the mailbox's own limit holds.
    assert _ask_reset(Client(REMOTE_ADDR="198.51.100.8"), "mai@example.vn").status_code == 429
    assert DBTaskResult.objects.count() == queued
