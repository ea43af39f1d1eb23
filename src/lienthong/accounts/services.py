"""State-changing use cases of the organisation model. Views, the API, the admin and
management commands all call these; each validates, changes and audits in one transaction."""

from __future__ import annotations

import base64
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.models import Device
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex
from rest_framework.authtoken.models import Token

from lienthong.core import ratelimit
from lienthong.core.audit import record_event

from . import tasks
from .constants import AgencyKind, Role
from .models import Agency, Delegation, Position, RoleGrant, Unit, User
from .permissions import require_manage_agency, require_system_admin, two_factor_required
from .querysets import UserQuerySet
from .validators import (
    normalise_identifier,
    validate_applicant_identifier,
    validate_child_agency_code,
    validate_official_username,
)

AGENCY_FIELDS = {
    "code",
    "code_is_official",
    "name",
    "short_name",
    "abbreviation",
    "kind",
    "parent",
    "governing_body_name",
    "place_name",
    "address",
    "phone",
    "email",
    "website",
    "is_active",
}


def check_agency_tree(agency: Agency) -> None:
    if agency.parent is None:
        return
    node: Agency | None = agency.parent
    while node is not None:
        if agency.pk is not None and node.pk == agency.pk:
            raise ValidationError({"parent": _("An agency cannot be placed under itself.")})
        node = node.parent
    try:
        validate_child_agency_code(agency.code, agency.parent.code)
    except ValidationError as exc:
        raise ValidationError({"code": exc.messages}) from exc


@transaction.atomic
def create_agency(
    *,
    actor: User | None,
    code: str,
    name: str,
    abbreviation: str,
    kind: AgencyKind | str,
    place_name: str,
    parent: Agency | None = None,
    **fields: Any,
) -> Agency:
    require_system_admin(actor)
    unknown = set(fields) - AGENCY_FIELDS
    if unknown:
        raise TypeError(f"unknown agency fields: {sorted(unknown)}")
    agency = Agency(
        code=code.strip(),
        name=name.strip(),
        abbreviation=abbreviation.strip(),
        kind=kind,
        place_name=place_name.strip(),
        parent=parent,
        **fields,
    )
    agency.full_clean()
    check_agency_tree(agency)
    agency.save()
    record_event(action="agency.created", actor=actor, obj=agency, data={"code": agency.code})
    return agency


def _apply_changes(obj: Model, changes: dict[str, Any], *, strip: bool = True) -> dict[str, str]:
    """Set the changed fields on `obj` (text stripped unless told not to); the values before,
    as the audit event records them."""
    before = {field: str(getattr(obj, field)) for field in changes}
    for field, value in changes.items():
        setattr(obj, field, value.strip() if strip and isinstance(value, str) else value)
    return before


def _record_changes(*, actor: User | None, obj: Model, action: str, before: dict[str, str]) -> None:
    """The audit event of an edit: each changed field before and after."""
    after = {field: str(getattr(obj, field)) for field in before}
    record_event(action=action, actor=actor, obj=obj, data={"before": before, "after": after})


@transaction.atomic
def update_agency(*, actor: User | None, agency: Agency, **changes: Any) -> Agency:
    agency = Agency.objects.select_for_update().get(pk=agency.pk)
    require_manage_agency(actor, agency)
    unknown = set(changes) - AGENCY_FIELDS
    if unknown:
        raise TypeError(f"unknown agency fields: {sorted(unknown)}")
    if {"code", "parent", "kind", "code_is_official"} & set(changes):
        require_system_admin(actor)
    before = _apply_changes(agency, changes, strip=False)
    agency.full_clean()
    check_agency_tree(agency)
    agency.save()
    _record_changes(actor=actor, obj=agency, action="agency.updated", before=before)
    return agency


@transaction.atomic
def set_issuing_policy(*, actor: User | None, agency: Agency, issues_on_paper: bool) -> Agency:
    """The agency's issuing policy, set by its administrator: whether it also issues its
    documents on paper (then a document whose electronic copy is unsigned may be issued, and
    says so), or issues electronically only (then a document delivered to another agency must
    carry the signer's and the agency's digital signatures)."""
    agency = Agency.objects.select_for_update().get(pk=agency.pk)
    require_manage_agency(actor, agency)
    before = agency.issues_on_paper
    if before == issues_on_paper:
        return agency
    agency.issues_on_paper = issues_on_paper
    agency.save(update_fields=["issues_on_paper", "updated_at"])
    record_event(
        action="agency.issuing_policy_changed",
        actor=actor,
        obj=agency,
        data={"issues_on_paper": {"before": before, "after": issues_on_paper}},
    )
    return agency


@transaction.atomic
def create_unit(
    *,
    actor: User | None,
    agency: Agency,
    name: str,
    abbreviation: str,
    parent: Unit | None = None,
) -> Unit:
    require_manage_agency(actor, agency)
    if parent is not None and parent.agency_id != agency.pk:
        raise ValidationError({"parent": _("The parent unit belongs to another agency.")})
    unit = Unit(agency=agency, name=name.strip(), abbreviation=abbreviation.strip(), parent=parent)
    unit.full_clean()
    unit.save()
    record_event(action="unit.created", actor=actor, obj=unit, data={"agency": agency.code})
    return unit


# ASCII letters, digits, dot, dash and underscore: no look-alike (homoglyph) or invisible
# characters that would make one account pass for another in every list.
USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,149}$")


def _check_username_free(username: str, exclude_pk: int | None = None) -> None:
    if not USERNAME.match(username):
        raise ValidationError(
            {
                "username": _(
                    "A username has only unaccented letters, digits, dots, dashes and "
                    "underscores, and starts with a letter or digit."
                )
            }
        )
    taken = User.objects.filter(username__iexact=username)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    if taken.exists():
        raise ValidationError(
            {
                "username": _("The username “%(username)s” is already taken.")
                % {"username": username}
            }
        )


def _check_roles(roles: Iterable[Role | str], agency: Agency | None) -> list[str]:
    clean: list[str] = []
    for role in roles:
        value = str(role)
        if value not in Role.values:
            raise ValidationError({"roles": _("Unknown role “%(role)s”.") % {"role": value}})
        if value != Role.SYSTEM_ADMIN and agency is None:
            raise ValidationError({"roles": _("Only a system administrator may have no agency.")})
        if value not in clean:
            clean.append(value)
    return clean


@transaction.atomic
def create_user(
    *,
    actor: User | None,
    username: str,
    full_name: str,
    password: str | None,
    agency: Agency | None,
    unit: Unit | None = None,
    position: Position | None = None,
    roles: Iterable[Role | str] = (),
    email: str = "",
    phone: str = "",
    identifier: str = "",
) -> User:
    """Create an official's account, or (no agency, no roles, an `identifier`) a citizen's or
    business's, who signs in with that personal identification number or enterprise code.
    `password=None` creates an account that cannot sign in until a password is set (e.g. by the
    reset flow)."""
    role_values = _check_roles(roles, agency)
    identifier = normalise_identifier(identifier)
    if identifier:
        if agency is not None or role_values:
            raise ValidationError({"identifier": _("Officials sign in with a user name.")})
        try:
            validate_applicant_identifier(identifier)
        except ValidationError as exc:
            raise ValidationError({"identifier": exc.messages}) from exc
        if User.objects.filter(identifier=identifier).exists():
            raise ValidationError(
                {"identifier": _("An account may already exist for this number.")},
                code="taken",
            )
    if Role.SYSTEM_ADMIN in role_values:
        require_system_admin(actor)
    require_manage_agency(actor, agency)
    if unit is not None and (agency is None or unit.agency_id != agency.pk):
        raise ValidationError({"unit": _("The unit belongs to another agency.")})
    username = username.strip()
    if agency is not None or role_values:
        try:
            validate_official_username(username)
        except ValidationError as exc:
            raise ValidationError({"username": exc.messages}) from exc
    _check_username_free(username)
    user = User(
        username=username,
        identifier=identifier,
        full_name=full_name.strip(),
        email=email.strip(),
        phone=phone.strip(),
        agency=agency,
        unit=unit,
        position=position,
        is_staff=Role.SYSTEM_ADMIN in role_values or Role.AGENCY_ADMIN in role_values,
    )
    if password is None:
        user.set_unusable_password()
    else:
        validate_password(password, user)
        user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    RoleGrant.objects.bulk_create([RoleGrant(user=user, role=role) for role in role_values])
    record_event(
        action="user.created",
        actor=actor,
        obj=user,
        data={"agency": agency.code if agency else None, "roles": role_values},
    )
    return user


@transaction.atomic
def set_roles(*, actor: User | None, user: User, roles: Iterable[Role | str]) -> User:
    user = User.objects.select_for_update().get(pk=user.pk)
    role_values = _check_roles(roles, user.agency)
    before = sorted(user.role_grants.values_list("role", flat=True))
    if Role.SYSTEM_ADMIN in role_values or Role.SYSTEM_ADMIN in before:
        require_system_admin(actor)
    require_manage_agency(actor, user.agency)
    user.role_grants.exclude(role__in=role_values).delete()
    existing = set(user.role_grants.values_list("role", flat=True))
    RoleGrant.objects.bulk_create(
        [RoleGrant(user=user, role=role) for role in role_values if role not in existing]
    )
    user.is_staff = Role.SYSTEM_ADMIN in role_values or Role.AGENCY_ADMIN in role_values
    user.save(update_fields=["is_staff"])
    record_event(
        action="security.roles_changed",
        actor=actor,
        obj=user,
        data={"before": before, "after": sorted(role_values)},
    )
    return user


@transaction.atomic
def move_user(*, actor: User | None, user: User, unit: Unit, position: Position | None) -> User:
    """Move an official to another unit. Moving to another agency drops every agency-scoped
    role and ends the delegations they gave or received: access follows the agency at once."""
    user = User.objects.select_for_update().get(pk=user.pk)
    require_manage_agency(actor, unit.agency)
    if user.agency is not None and user.agency_id != unit.agency_id:
        require_manage_agency(actor, user.agency)
    old_agency_id = user.agency_id
    changed_agency = old_agency_id != unit.agency_id
    user.unit = unit
    user.agency = unit.agency
    user.position = position
    dropped: list[str] = []
    if changed_agency:
        dropped = sorted(
            user.role_grants.exclude(role=Role.SYSTEM_ADMIN).values_list("role", flat=True)
        )
        user.role_grants.exclude(role=Role.SYSTEM_ADMIN).delete()
        user.is_staff = user.role_grants.filter(role=Role.SYSTEM_ADMIN).exists()
        # In force or yet to start: a delegation between two agencies' officials never begins.
        now = timezone.now()
        Delegation.objects.filter(
            Q(delegator=user) | Q(delegate=user), ends_at__gt=now, revoked_at__isnull=True
        ).update(revoked_at=now)
        end_sessions(user)
    user.save(update_fields=["unit", "agency", "position", "is_staff"])
    record_event(
        action="security.user_moved",
        actor=actor,
        obj=user,
        data={"from_agency": old_agency_id, "to_agency": unit.agency_id, "roles_dropped": dropped},
    )
    return user


def end_sessions(user: User) -> int:
    """Sign the user out everywhere: delete their browser sessions and their API token (a new
    token is issued when they next ask for one). Returns how many sessions ended."""
    Token.objects.filter(user=user).delete()
    ended = [
        session.pk
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk)
    ]
    Session.objects.filter(pk__in=ended).delete()
    return len(ended)


@transaction.atomic
def deactivate_user(*, actor: User | None, user: User) -> User:
    user = User.objects.select_for_update().get(pk=user.pk)
    require_manage_agency(actor, user.agency)
    user.is_active = False
    user.save(update_fields=["is_active"])
    end_sessions(user)
    record_event(action="security.user_deactivated", actor=actor, obj=user)
    return user


@transaction.atomic
def create_delegation(
    *,
    actor: User | None,
    delegator: User,
    delegate: User,
    starts_at: datetime,
    ends_at: datetime,
    scope: str,
    legal_basis: str = "",
) -> Delegation:
    """Ủy quyền for a period. The delegator (or an administrator of their agency) grants it;
    the delegate must be an active official of the same agency, and cannot pass it on."""
    if actor is not None and actor.pk != delegator.pk:
        require_manage_agency(actor, delegator.agency)
    if delegator.pk == delegate.pk:
        raise ValidationError({"delegate": _("A user cannot delegate to themselves.")})
    if delegator.agency_id is None or delegator.agency_id != delegate.agency_id:
        raise ValidationError({"delegate": _("The delegate must belong to the same agency.")})
    if not delegate.is_active:
        raise ValidationError({"delegate": _("The delegate's account is not active.")})
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": _("The end must be after the start.")})
    if Delegation.objects.filter(
        delegate=delegator, revoked_at__isnull=True, starts_at__lt=ends_at, ends_at__gt=starts_at
    ).exists():
        raise ValidationError(
            {"delegator": _("Authority received by delegation cannot be delegated again.")}
        )
    delegation = Delegation(
        delegator=delegator,
        delegate=delegate,
        starts_at=starts_at,
        ends_at=ends_at,
        scope=scope.strip(),
        legal_basis=legal_basis.strip(),
    )
    delegation.full_clean()
    delegation.save()
    record_event(
        action="security.delegation_created",
        actor=actor,
        obj=delegation,
        data={
            "delegator": delegator.pk,
            "delegate": delegate.pk,
            "starts_at": starts_at.isoformat(),
            "ends_at": ends_at.isoformat(),
        },
    )
    return delegation


@transaction.atomic
def revoke_delegation(*, actor: User | None, delegation: Delegation) -> Delegation:
    delegation = Delegation.objects.select_for_update().get(pk=delegation.pk)
    if actor is None or actor.pk != delegation.delegator_id:
        require_manage_agency(actor, delegation.delegator.agency)
    if delegation.revoked_at is None:
        delegation.revoked_at = timezone.now()
        delegation.save(update_fields=["revoked_at"])
        record_event(action="security.delegation_revoked", actor=actor, obj=delegation)
    return delegation


@transaction.atomic
def create_agency_admin(
    *,
    actor: User | None,
    agency: Agency,
    username: str,
    full_name: str,
    password: str,
    email: str = "",
) -> User:
    return create_user(
        actor=actor,
        username=username,
        full_name=full_name,
        password=password,
        agency=agency,
        roles=[Role.AGENCY_ADMIN],
        email=email,
    )


# --- Two-factor sign-in (TOTP authenticator app + one-time backup codes, django-otp) -----------


def new_totp_key() -> str:
    """A fresh TOTP secret (20 random bytes, hex), kept in the session until it is confirmed."""
    key: str = random_hex(20)
    return key


def totp_secret_text(key: str) -> str:
    """The secret as an authenticator app asks for it when typed in: base32, in groups of 4."""
    secret = base64.b32encode(bytes.fromhex(key)).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def totp_config_url(*, user: User, key: str) -> str:
    """The otpauth:// address the QR code carries."""
    return str(TOTPDevice(user=user, key=key, name="").config_url)


def _normalised_code(code: str) -> str:
    return "".join(str(code).split()).lower()


def _replace_backup_codes(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="backup", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(settings.LIENTHONG_2FA_BACKUP_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


@dataclass(frozen=True)
class Enrolment:
    device: TOTPDevice
    backup_codes: list[str]  # shown once; only django-otp's rows keep them


@transaction.atomic
def enrol_totp(*, user: User, key: str, code: str) -> Enrolment:
    """Confirm an authenticator app: the first code it shows must match the secret `key` (read
    from the QR code or typed in). Replaces any earlier unconfirmed device and hands out a new
    set of one-time backup codes."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        raise ValidationError({"code": _("Two-factor sign-in is already set up for this account.")})
    device = TOTPDevice(user=user, key=key, name="authenticator", confirmed=True)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    code = _normalised_code(code)
    if not (code.isdigit() and len(code) == device.digits and totp.verify(int(code), 1)):
        raise ValidationError(
            {
                "code": _(
                    "This code does not match. Check the time on your phone and enter the "
                    "6-digit code the app shows now."
                )
            }
        )
    device.last_t = totp.t()
    TOTPDevice.objects.filter(user=user).delete()
    device.save()
    codes = _replace_backup_codes(user)
    record_event(
        action="security.two_factor_enrolled",
        actor=user,
        obj=user,
        data={"backup_codes": len(codes)},
    )
    return Enrolment(device=device, backup_codes=codes)


@transaction.atomic
def regenerate_backup_codes(*, user: User) -> list[str]:
    """A new set of one-time backup codes; the old ones stop working."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        raise ValidationError(_("Set up two-factor sign-in first."))
    codes = _replace_backup_codes(user)
    record_event(
        action="security.two_factor_backup_codes_generated",
        actor=user,
        obj=user,
        data={"backup_codes": len(codes)},
    )
    return codes


def turn_off_two_factor(*, user: User, password: str, code: str) -> int:
    """The official turns off the two-factor sign-in they turned on themselves, confirming with
    their password and a current code of the authenticator app (or a backup code): the app and
    the backup codes are removed. Refused, with a clear message, while one of their roles
    requires it (`LIENTHONG_2FA_REQUIRED_ROLES`). A wrong password or code counts as a failure
    of the app's throttle (as at sign-in) and is audited; that is why this is not one atomic
    block: the failure is committed, then the error raised. Returns how many devices were
    removed."""
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if two_factor_required(user):
            raise ValidationError(
                _(
                    "Your role requires two-factor sign-in, so it cannot be turned off. "
                    "If you lost your phone, ask your agency administrator to reset it."
                )
            )
        totp = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
        if totp is None:
            raise ValidationError(_("Two-factor sign-in is not on for this account."))
        allowed, info = totp.verify_is_allowed()
        if not allowed:
            locked_until = _record_throttled(user, totp, info, turning_off=True) or timezone.now()
            seconds = max(1, int((locked_until - timezone.now()).total_seconds()) + 1)
            error = ValidationError(
                {
                    "code": _("Too many wrong codes. Wait %(seconds)s seconds, then try again.")
                    % {"seconds": seconds}
                }
            )
        else:
            refusal = _turn_off_or_error(user=user, totp=totp, password=password, code=code)
            if refusal is not None:
                error = refusal
            else:
                removed: int = (
                    TOTPDevice.objects.filter(user=user).delete()[1].get(TOTPDevice._meta.label, 0)
                )
                removed += (
                    StaticDevice.objects.filter(user=user)
                    .delete()[1]
                    .get(StaticDevice._meta.label, 0)
                )
                record_event(
                    action="security.two_factor_turned_off",
                    actor=user,
                    obj=user,
                    data={"devices_removed": removed},
                )
                return removed
    raise error


def _record_throttled(
    user: User, totp: TOTPDevice, info: dict[str, Any] | None, **data: Any
) -> datetime | None:
    """Audit a code refused unread because of too many wrong ones; returns when the wait ends."""
    record_event(
        action="security.two_factor_throttled",
        actor=user,
        obj=user,
        data={"failures": totp.throttling_failure_count, **data},
    )
    return (info or {}).get("locked_until")


def _code_accepted(user: User, totp: TOTPDevice, code: str) -> Device | None:
    """The device that accepts `code`: the authenticator app for its digits, else one of the
    backup codes (used up by this). A wrong code counts on the app's throttle; a right one
    resets it."""
    code = _normalised_code(code)
    if code.isdigit() and len(code) == totp.digits:
        return totp if totp.verify_token(code) else None  # verify_token keeps the throttle
    backup = StaticDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
    if code and backup is not None and backup.verify_token(code):
        totp.throttle_reset()
        return backup
    totp.throttle_increment()
    return None


def _turn_off_or_error(
    *, user: User, totp: TOTPDevice, password: str, code: str
) -> ValidationError | None:
    """None when the password and the code are right; else the error, after counting the
    failure on the app's throttle and auditing it."""
    wrong: str | None = None
    if not user.check_password(password):
        wrong = "password"
        totp.throttle_increment()
    elif _code_accepted(user, totp, code) is None:
        wrong = "code"
    if wrong is None:
        return None
    record_event(
        action="security.two_factor_failed",
        actor=user,
        obj=user,
        data={"failures": totp.throttling_failure_count, "turning_off": True, "wrong": wrong},
    )
    if wrong == "password":
        return ValidationError({"password": _("The password is not right.")})
    return ValidationError({"code": _("The code is not right. Try again.")})


@dataclass(frozen=True)
class SecondFactorCheck:
    device: Device | None  # the device that accepted the code; None: refused
    locked_until: datetime | None = None  # refused without trying: too many wrong codes
    backup_codes_left: int | None = None  # when a backup code was used


@transaction.atomic
def verify_second_factor(*, user: User, code: str) -> SecondFactorCheck:
    """Check the code given after the password: the authenticator app's current code or one of
    the backup codes (used up by this). Wrong codes are throttled on the TOTP device (django-otp:
    each failure doubles the wait); every failure and every refusal while throttled is audited.
    Never raises for a wrong code, so the failure count and the audit entry are kept."""
    totp = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
    if totp is None:
        return SecondFactorCheck(device=None)
    allowed, info = totp.verify_is_allowed()
    if not allowed:
        return SecondFactorCheck(device=None, locked_until=_record_throttled(user, totp, info))
    device = _code_accepted(user, totp, code)
    if device is totp:
        record_event(
            action="security.two_factor_verified", actor=user, obj=user, data={"by": "totp"}
        )
        return SecondFactorCheck(device=totp)
    if isinstance(device, StaticDevice):
        left = device.token_set.count()
        record_event(
            action="security.two_factor_verified",
            actor=user,
            obj=user,
            data={"by": "backup_code", "backup_codes_left": left},
        )
        return SecondFactorCheck(device=device, backup_codes_left=left)
    record_event(
        action="security.two_factor_failed",
        actor=user,
        obj=user,
        data={"failures": totp.throttling_failure_count},
    )
    return SecondFactorCheck(device=None)


@transaction.atomic
def reset_two_factor(*, actor: User | None, user: User) -> int:
    """An administrator removes an official's authenticator app and backup codes (a lost or
    replaced phone) and signs them out everywhere; at the next sign-in they enrol again (if
    their role requires it). Only a system administrator resets a system administrator's.
    Returns how many devices were removed."""
    user = User.objects.select_for_update().get(pk=user.pk)
    require_manage_agency(actor, user.agency)
    if user.is_system_admin:
        require_system_admin(actor)
    removed: int = TOTPDevice.objects.filter(user=user).delete()[1].get(TOTPDevice._meta.label, 0)
    removed += StaticDevice.objects.filter(user=user).delete()[1].get(StaticDevice._meta.label, 0)
    end_sessions(user)
    record_event(
        action="security.two_factor_reset", actor=actor, obj=user, data={"devices_removed": removed}
    )
    return removed


# --- Forgotten passwords (citizens' and businesses' accounts) ---------------------------------


def password_reset_accounts(email: str) -> UserQuerySet:
    """The accounts a reset for `email` reaches: active citizens' and businesses' accounts with
    that address and a password. Officials' passwords are reset by their agency's
    administrator, never by a link sent to a mailbox."""
    accounts: UserQuerySet = User.objects.filter(
        email__iexact=email.strip(),
        is_active=True,
        agency=None,
        is_staff=False,
        is_superuser=False,
        role_grants=None,
    ).exclude(password__startswith=UNUSABLE_PASSWORD_PREFIX)
    return accounts


@transaction.atomic
def request_password_reset(*, email: str, client: str) -> bool:
    """Queue the reset link for every account `password_reset_accounts(email)` finds. False when
    the client address or the e-mail address asked too often in the window (nothing sent). The
    answer, and the time it takes, are the same whether or not an account exists: the mail
    leaves from a job."""
    limit = settings.LIENTHONG_PASSWORD_RESET_LIMIT
    window = settings.LIENTHONG_PASSWORD_RESET_WINDOW_SECONDS
    email = email.strip()
    if not ratelimit.hit("password-reset", client, limit=limit, window=window):
        return False
    if not ratelimit.hit("password-reset-email", email.lower(), limit=limit, window=window):
        return False
    for user in password_reset_accounts(email):
        record_event(action="user.password_reset_requested", obj=user)
        tasks.send_password_reset.enqueue(user.pk)
    return True


@transaction.atomic
def reset_password(*, user: User, password: str) -> User:
    """Set the password chosen through a reset link (the link checked by the caller: Django's
    token, which this change spends, since the token covers the password's hash)."""
    user = User.objects.select_for_update().get(pk=user.pk)
    validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    record_event(action="user.password_reset", actor=user, obj=user)
    return user


# --- Particulars and status of units and accounts (the Django admin calls these too) ----------

UNIT_FIELDS = {"name", "abbreviation", "parent", "is_active"}
USER_FIELDS = {"username", "full_name", "email", "phone", "is_superuser"}


@transaction.atomic
def update_unit(*, actor: User | None, unit: Unit, **changes: Any) -> Unit:
    """A unit's name, abbreviation, parent unit or status. A unit never changes agency: its
    officials, registers and documents stay where they are."""
    unknown = set(changes) - UNIT_FIELDS
    if unknown:
        raise TypeError(f"unknown unit fields: {sorted(unknown)}")
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    require_manage_agency(actor, unit.agency)
    parent = changes.get("parent", unit.parent)
    node: Unit | None = parent
    while node is not None:
        if node.agency_id != unit.agency_id:
            raise ValidationError({"parent": _("The parent unit belongs to another agency.")})
        if node.pk == unit.pk:
            raise ValidationError({"parent": _("A unit cannot be placed under itself.")})
        node = node.parent
    before = _apply_changes(unit, changes)
    unit.full_clean()
    unit.save()
    _record_changes(actor=actor, obj=unit, action="unit.updated", before=before)
    return unit


@transaction.atomic
def update_user(*, actor: User | None, user: User, **changes: Any) -> User:
    """An account's particulars: user name, full name, e-mail, telephone, and (a system
    administrator only) the superuser flag. The agency, unit and position change through
    `move_user`, the roles through `set_roles`, the status through `deactivate_user` and
    `reactivate_user`, the password through `set_user_password`."""
    unknown = set(changes) - USER_FIELDS
    if unknown:
        raise TypeError(f"unknown user fields: {sorted(unknown)}")
    user = User.objects.select_for_update().get(pk=user.pk)
    require_manage_agency(actor, user.agency)
    if "is_superuser" in changes or user.is_system_admin:
        require_system_admin(actor)
    if "username" in changes:
        changes["username"] = str(changes["username"]).strip()
        if user.agency_id is not None or user.role_grants.exists():
            try:
                validate_official_username(changes["username"])
            except ValidationError as exc:
                raise ValidationError({"username": exc.messages}) from exc
        _check_username_free(changes["username"], exclude_pk=user.pk)
    before = _apply_changes(user, changes)
    user.full_clean(exclude=["password"])
    user.save(update_fields=sorted(changes))
    _record_changes(actor=actor, obj=user, action="user.updated", before=before)
    return user


@transaction.atomic
def reactivate_user(*, actor: User | None, user: User) -> User:
    """Let a deactivated account sign in again (with the roles it still holds)."""
    user = User.objects.select_for_update().get(pk=user.pk)
    require_manage_agency(actor, user.agency)
    if user.is_system_admin:
        require_system_admin(actor)
    if not user.is_active:
        user.is_active = True
        user.save(update_fields=["is_active"])
        record_event(action="security.user_reactivated", actor=actor, obj=user)
    return user


@transaction.atomic
def set_user_password(*, actor: User | None, user: User, password: str | None) -> User:
    """An administrator sets an account's password (`None`: the account can no longer sign in
    with a password). The account is signed out everywhere."""
    user = User.objects.select_for_update().get(pk=user.pk)
    require_manage_agency(actor, user.agency)
    if user.is_system_admin:
        require_system_admin(actor)
    if password is None:
        user.set_unusable_password()
    else:
        validate_password(password, user)
        user.set_password(password)
    user.save(update_fields=["password"])
    end_sessions(user)
    record_event(
        action="security.password_set",
        actor=actor,
        obj=user,
        data={"usable": password is not None},
    )
    return user
