"""Failed sign-ins stop guessing without becoming a weapon (issue 15, finding 4): the lock is per
user name *and* address, a user name's failures add short delays, and neither strangers'
failures nor their address can keep the account's owner out."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lienthong.accounts import signin
from lienthong.accounts.constants import Role
from tests.conftest import PASSWORD

OFFICE = "203.0.113.10"  # the agency's address, shared by everyone working there
STRANGER = "198.51.100.66"


@pytest.fixture(autouse=True)
def _fresh_cache(db):
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def clock(monkeypatch):
    """The sign-in delays' clock, moved by hand (delays are never waited for in a test)."""

    class Clock:
        now = timezone.now()

        def advance(self, seconds: float) -> None:
            self.now += timedelta(seconds=seconds)

    c = Clock()
    monkeypatch.setattr(signin, "_now", lambda: c.now)
    return c


@pytest.fixture
def people(two_agencies, user_factory):
    agency = two_agencies[0]
    return {
        "clerk": user_factory(agency, [Role.CLERK], username="vanthu.stp"),
        "specialist": user_factory(agency, [Role.SPECIALIST], username="chuyenvien.stp"),
        "director": user_factory(agency, [Role.SPECIALIST], username="giamdoc.stp"),
    }


def _sign_in(client: Client, username: str, password: str) -> int:
    return client.post(reverse("login"), {"username": username, "password": password}).status_code


def test_five_wrong_passwords_lock_that_account_at_that_address_only(people, clock) -> None:
    office = Client(REMOTE_ADDR=OFFICE)
    statuses = [_sign_in(office, "vanthu.stp", "wrong-password") for _ in range(5)]
    assert statuses == [200, 200, 200, 200, 429]
    assert _sign_in(office, "vanthu.stp", PASSWORD) == 429  # that pair is locked
    # Another official behind the same address signs in.
    colleague = Client(REMOTE_ADDR=OFFICE)
    assert _sign_in(colleague, "chuyenvien.stp", PASSWORD) == 302
    assert "_auth_user_id" in colleague.session


def test_a_strangers_failures_do_not_keep_the_director_out(people, clock) -> None:
    director = Client(REMOTE_ADDR=OFFICE)
    assert _sign_in(director, "giamdoc.stp", PASSWORD) == 302  # signed in here before
    director.post(reverse("logout"))
    stranger = Client(REMOTE_ADDR=STRANGER)
    for _ in range(30):  # guessing as fast as it is answered, for half an hour
        _sign_in(stranger, "giamdoc.stp", "guess")
        clock.advance(60)
    # The guessing was slowed down: no more than one checked try a minute after the first five.
    assert _sign_in(stranger, "giamdoc.stp", "guess") == 429
    # The director signs in from his office...
    assert _sign_in(director, "giamdoc.stp", PASSWORD) == 302
    director.post(reverse("logout"))
    # ...and from a café, with the browser he used before (its device cookie).
    director.defaults["REMOTE_ADDR"] = "192.0.2.44"
    assert _sign_in(director, "giamdoc.stp", PASSWORD) == 302


def test_failures_from_the_directors_own_address_do_not_lock_his_browser_out(people, clock) -> None:
    director = Client(REMOTE_ADDR=OFFICE)
    assert _sign_in(director, "giamdoc.stp", PASSWORD) == 302
    director.post(reverse("logout"))
    colleague = Client(REMOTE_ADDR=OFFICE)  # same address, another browser
    for _ in range(6):
        _sign_in(colleague, "giamdoc.stp", "guess")
    assert _sign_in(colleague, "giamdoc.stp", PASSWORD) == 429  # locked at this address...
    assert _sign_in(director, "giamdoc.stp", PASSWORD) == 302  # ...but not for his browser


def test_a_user_names_failures_from_many_addresses_make_new_addresses_wait(people, clock) -> None:
    for n in range(5):  # five addresses, each under the per-address lock
        assert _sign_in(Client(REMOTE_ADDR=f"198.51.100.{n}"), "vanthu.stp", "guess") == 200
    newcomer = Client(REMOTE_ADDR="198.51.100.200")
    refused = newcomer.post(reverse("login"), {"username": "vanthu.stp", "password": PASSWORD})
    assert refused.status_code == 429
    assert 'data-testid="sign-in-wait"' in refused.content.decode()
    assert "_auth_user_id" not in newcomer.session
    clock.advance(2)  # the delay after five failures is one second
    assert _sign_in(newcomer, "vanthu.stp", PASSWORD) == 302


def test_a_device_cookie_stops_helping_after_failures_with_it(people, clock) -> None:
    browser = Client(REMOTE_ADDR=OFFICE)
    assert _sign_in(browser, "vanthu.stp", PASSWORD) == 302
    assert browser.cookies[signin.DEVICE_COOKIE].value
    browser.post(reverse("logout"))
    # A thief with the cookie guesses: five tries on the cookie's own count, then the cookie is
    # worth nothing and the tries count at the address as anyone's would.
    for _ in range(5 + 5):
        _sign_in(browser, "vanthu.stp", "guess")
    assert _sign_in(browser, "vanthu.stp", PASSWORD) == 429
