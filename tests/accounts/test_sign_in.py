import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from lienthong.accounts.constants import Role
from lienthong.core.models import AuditEvent
from tests.conftest import PASSWORD


@pytest.fixture
def officer(two_agencies, user_factory):
    return user_factory(two_agencies[0], [Role.CLERK], username="vanthu.stp")


def test_sign_in_and_out_are_audited(officer) -> None:
    client = Client()
    response = client.post(reverse("login"), {"username": "vanthu.stp", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("dashboard")
    assert client.get(reverse("dashboard")).status_code == 200
    client.post(reverse("logout"))
    actions = list(AuditEvent.objects.order_by("sequence").values_list("action", flat=True))
    assert actions[-2:] == ["security.login", "security.logout"]
    assert AuditEvent.objects.filter(action="security.login").get().ip_address == "127.0.0.1"


def test_wrong_password_gets_a_clear_error_and_no_session(officer, db_snapshot) -> None:
    client = Client()
    before = db_snapshot()
    response = client.post(reverse("login"), {"username": "vanthu.stp", "password": "wrong-one"})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="login-error"' in page
    assert "_auth_user_id" not in client.session
    after = db_snapshot()
    assert (
        after.pop("core_auditevent") == before.pop("core_auditevent") + 1
    )  # the failure is audited
    assert after == before


def test_lockout_after_repeated_failures(officer) -> None:
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert (
            client.post(reverse("login"), {"username": "vanthu.stp", "password": "x"}).status_code
            == 200
        )
    locked = client.post(reverse("login"), {"username": "vanthu.stp", "password": "x"})
    assert locked.status_code == 429
    # Even the right password is refused while locked.
    again = client.post(reverse("login"), {"username": "vanthu.stp", "password": PASSWORD})
    assert again.status_code == 429 and "_auth_user_id" not in client.session
    assert 'data-testid="locked-out"' in again.content.decode()
    assert AuditEvent.objects.filter(action="security.locked_out").exists()


def test_forged_csrf_token_is_refused_and_changes_nothing(officer, db_snapshot) -> None:
    client = Client(enforce_csrf_checks=True)
    client.get(reverse("login"))
    before = db_snapshot()
    response = client.post(
        reverse("login"),
        {"username": "vanthu.stp", "password": PASSWORD, "csrfmiddlewaretoken": "forged" * 8},
    )
    assert response.status_code == 403
    assert "CSRF" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert db_snapshot() == before


def test_security_headers_and_csp(db) -> None:
    response = Client().get(reverse("login"))
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "object-src 'none'" in csp
    assert "unsafe-inline" not in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "SAMEORIGIN"


def test_session_cookie_is_http_only_and_expires(officer) -> None:
    client = Client()
    client.post(reverse("login"), {"username": "vanthu.stp", "password": PASSWORD})
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE and settings.SESSION_COOKIE_AGE <= 12 * 3600
