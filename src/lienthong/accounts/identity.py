"""Who may say who someone is: the identity providers a person signs in through.

Each provider is a class named in `LIENTHONG_IDENTITY_PROVIDERS` (dotted paths, in the order the
sign-in page offers them). Two kinds fit the interface:

- a *form* provider checks what the person types on our own sign-in page (`LocalAccounts`: the
  platform's own accounts and passwords);
- a *redirect* provider sends the person to another site and is told, on the way back, who they
  are: the national single sign-on (VNeID, the national public-service portal's SSO) over OpenID
  Connect plugs in this way (docs/identity.md says how).

Whatever the provider, the person is then one of our `User` rows: citizens and businesses are
found by their personal identification number or enterprise code (`User.identifier`), which is
also what the national SSO asserts; officials by their user name."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import ClassVar

from django.conf import settings
from django.contrib.auth import authenticate
from django.http import HttpRequest, HttpResponse
from django.utils.module_loading import import_string

from .models import User
from .validators import is_applicant_identifier, normalise_identifier


@dataclass(frozen=True)
class Identity:
    """What a redirect provider asserts about the person who came back from it."""

    identifier: str  # personal identification number or enterprise code
    full_name: str = ""
    email: str = ""


class IdentityProvider:
    """One way to sign in. `key` names it in URLs and the audit log; `label` is what the
    sign-in page shows."""

    key: ClassVar[str]
    label: ClassVar[str]
    # "form": `authenticate` checks what was typed on our page. "redirect": `begin` sends the
    # browser away and `complete` reads the answer when it comes back.
    kind: ClassVar[str] = "form"

    def authenticate(self, request: HttpRequest, login: str, password: str) -> User | None:
        raise NotImplementedError

    def begin(self, request: HttpRequest, *, next_url: str) -> HttpResponse:
        raise NotImplementedError

    def complete(self, request: HttpRequest) -> Identity | None:
        raise NotImplementedError


class LocalAccounts(IdentityProvider):
    """The platform's own accounts: a citizen or business types the personal identification
    number or enterprise code, an official the user name (which always holds a letter, so the
    shape of what was typed says which). Through Django's `authenticate`, so the sign-in limits
    (accounts.signin, django-axes) count every try against the account's user name."""

    key = "local"
    label = "lienthong"

    def authenticate(self, request: HttpRequest, login: str, password: str) -> User | None:
        username = resolve_login(login)
        user = authenticate(request, username=username, password=password)
        return user if isinstance(user, User) else None


def resolve_login(login: str) -> str:
    """The user name of the account that `login` (an identifier or a user name) names, or what
    was typed when none does: an unknown identifier fails like a wrong password, after the same
    work, and counts against itself."""
    login = login.strip()
    identifier = normalise_identifier(login)
    if not is_applicant_identifier(identifier):
        return login
    username = User.objects.filter(identifier=identifier).values_list("username", flat=True)
    return next(iter(username), identifier)


@cache
def _load(paths: tuple[str, ...]) -> tuple[IdentityProvider, ...]:
    providers = tuple(import_string(path)() for path in paths)
    keys = [provider.key for provider in providers]
    if len(set(keys)) != len(keys):
        raise ValueError(f"LIENTHONG_IDENTITY_PROVIDERS: two providers share a key: {keys}")
    return providers


def providers() -> tuple[IdentityProvider, ...]:
    """The configured providers, in the setting's order."""
    return _load(tuple(settings.LIENTHONG_IDENTITY_PROVIDERS))


def form_provider() -> IdentityProvider | None:
    """The provider that checks the sign-in form (the first of kind "form"), if any."""
    return next((p for p in providers() if p.kind == "form"), None)


def redirect_providers() -> list[IdentityProvider]:
    return [p for p in providers() if p.kind == "redirect"]


def provider(key: str) -> IdentityProvider | None:
    return next((p for p in providers() if p.key == key), None)
