"""Applicants' accounts: a citizen's or business's sign-up, and the identity data that
fills in their dossiers."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from lienthong.accounts import services as account_services
from lienthong.accounts.models import User
from lienthong.accounts.validators import validate_applicant_identifier
from lienthong.core.audit import record_event

from ..constants import (
    ApplicantKind,
)
from ..models import (
    ApplicantProfile,
)

PHONE_RE = re.compile(r"^0\d{9,10}$")


ID_RE = re.compile(r"^(\d{9}|\d{12}|\d{10}|\d{10}-\d{3})$")


@dataclass(frozen=True)
class Applicant:
    kind: str
    name: str
    id_number: str
    phone: str
    email: str = ""
    address: str = ""


def check_applicant(applicant: Applicant) -> Applicant:
    errors: dict[str, list[str]] = {}
    if applicant.kind not in ApplicantKind.values:
        errors["kind"] = [_("Choose citizen or business.")]
    if not applicant.name.strip() or len(applicant.name.strip()) > 200:
        errors["name"] = [_("Give the applicant's name (at most 200 characters).")]
    if not ID_RE.fullmatch(applicant.id_number.strip()):
        errors["id_number"] = [
            _(
                "An ID number has 9 or 12 digits (identity card) or a tax code 10 or 13 digits "
                "(0123456789-001)."
            )
        ]
    if not PHONE_RE.fullmatch(applicant.phone.strip().replace(" ", "")):
        errors["phone"] = [_("A telephone number has 10 or 11 digits and starts with 0.")]
    if len(applicant.address) > 300:
        errors["address"] = [_("At most %(limit)d characters, please.") % {"limit": 300}]
    if applicant.email:
        try:
            validate_email(applicant.email.strip())
        except ValidationError:
            errors["email"] = [_("Enter a valid e-mail address.")]
    if errors:
        raise ValidationError(errors)
    return Applicant(
        kind=applicant.kind,
        name=applicant.name.strip(),
        id_number=applicant.id_number.strip(),
        phone=applicant.phone.strip().replace(" ", ""),
        email=applicant.email.strip(),
        address=applicant.address.strip(),
    )


@transaction.atomic
def sign_up_applicant(
    *,
    password: str,
    applicant: Applicant,
    organisation_name: str = "",
    username: str | None = None,
) -> User:
    """A citizen's or business's account: a user with no agency and no roles, with the
    identity data used to fill in dossiers. The user name is the ID number or tax code (the
    public sign-up page gives no other): officials' user names always contain a letter, so a
    sign-up never meets an official's account, and an ID number already signed up gets one
    answer whichever account holds it. `username` is for the demo province's named accounts."""
    applicant = check_applicant(applicant)
    if applicant.kind == ApplicantKind.BUSINESS and not organisation_name.strip():
        raise ValidationError({"organisation_name": _("Give the business's name.")})
    try:  # an account is for a 12-digit personal identification number or an enterprise code
        validate_applicant_identifier(applicant.id_number)
    except ValidationError as exc:
        raise ValidationError({"id_number": exc.messages}) from exc
    username = applicant.id_number if username is None else username
    if User.objects.filter(
        Q(username__iexact=username) | Q(identifier=applicant.id_number)
    ).exists():
        raise ValidationError(
            {
                "id_number": _(
                    "An account may already exist for this ID number: sign in with it, or ask "
                    "the one-stop office for help."
                )
            },
            code="taken",
        )
    user = account_services.create_user(
        actor=None,
        username=username,
        full_name=applicant.name,
        password=password,
        agency=None,
        roles=[],
        email=applicant.email,
        phone=applicant.phone,
        identifier=applicant.id_number,
    )
    ApplicantProfile.objects.create(
        user=user,
        kind=applicant.kind,
        id_number=applicant.id_number,
        phone=applicant.phone,
        address=applicant.address,
        organisation_name=organisation_name.strip()[:300],
    )
    record_event(action="applicant.signed_up", actor=user, obj=user)
    return user


def applicant_of(user: User) -> Applicant:
    profile = ApplicantProfile.objects.get(user=user)
    name = profile.organisation_name or user.full_name
    return Applicant(
        kind=profile.kind,
        name=name,
        id_number=profile.id_number,
        phone=profile.phone,
        email=user.email,
        address=profile.address,
    )
