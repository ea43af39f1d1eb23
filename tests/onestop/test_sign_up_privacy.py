"""The sign-up page tells nobody which officials' user names exist, and is rate-limited per
address in the shared cache (issue 15, finding 5)."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from lienthong.accounts import services as account_services
from lienthong.accounts.constants import Role
from lienthong.accounts.models import User
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def _sign_up(client: Client, id_number: str, username: str = "", phone: str = "0945111222"):
    data = {
        "password": PASSWORD,
        "password2": PASSWORD,
        "kind": "citizen",
        "name": "Nguyễn Thị Lan",
        "id_number": id_number,
        "phone": phone,
    }
    if username:
        data["username"] = username  # what an enumerating client would try
    return client.post(reverse("citizen:sign-up"), data)


def _page(response) -> str:
    html = response.content.decode()
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def test_sign_up_cannot_tell_whether_an_officials_user_name_exists(two_agencies, user_factory):
    user_factory(two_agencies[0], [Role.AGENCY_LEADER], username="giamdoc.stp")
    # Asking for the director's user name is no different from asking for a free one: the
    # user name is the ID number, whatever else is sent.
    taken = _sign_up(Client(REMOTE_ADDR="198.51.100.1"), "096199001234", "giamdoc.stp")
    free = _sign_up(Client(REMOTE_ADDR="198.51.100.2"), "096199005678", "khongco.stp")
    assert taken.status_code == free.status_code == 302
    assert User.objects.filter(username="096199001234", agency=None).exists()
    assert User.objects.get(username="giamdoc.stp").agency == two_agencies[0]
    # An ID number already signed up gets one answer, naming no account.
    again = _sign_up(Client(REMOTE_ADDR="198.51.100.3"), "096199001234")
    assert again.status_code == 200
    assert "giamdoc" not in _page(again) and "096199001234" not in re.sub(
        r'value="096199001234"', "", _page(again)
    )
    assert "Có thể đã có tài khoản với số giấy tờ này" in _page(again)


def test_an_official_can_never_hold_a_user_name_a_sign_up_could_take(two_agencies) -> None:
    for username in ("096199001234", "0312345678-001"):
        with pytest.raises(ValidationError) as refused:
            account_services.create_user(
                actor=None,
                username=username,
                full_name="Trần Văn B",
                password=PASSWORD,
                agency=two_agencies[0],
                roles=[Role.SPECIALIST],
            )
        assert "username" in refused.value.message_dict
    assert not User.objects.filter(username__in=["096199001234", "0312345678-001"]).exists()


def test_sign_up_is_limited_per_address(settings) -> None:
    settings.LIENTHONG_SIGN_UP_LIMIT = 3
    statuses = [
        _sign_up(Client(REMOTE_ADDR="198.51.100.7"), f"09619900{n:04d}").status_code
        for n in range(3)
    ]
    assert statuses == [302, 302, 302]
    before = User.objects.count()
    refused = _sign_up(Client(REMOTE_ADDR="198.51.100.7"), "096199009999")
    assert refused.status_code == 429 and 'data-testid="limited"' in _page(refused)
    assert User.objects.count() == before
    # Another address is not affected.
    assert _sign_up(Client(REMOTE_ADDR="198.51.100.8"), "096199008888").status_code == 302
