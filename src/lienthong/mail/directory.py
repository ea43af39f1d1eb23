"""The directory (danh bạ) of official addresses: every active agency and official of the org
tree with their e-mail, telephone, position and unit; exported as vCard 4.0 (RFC 6350) for
address books and as LDIF (RFC 2849) for the mail server's directory. What a viewer sees is
decided by `permissions.can_see_phone`: an official's own number only within their agency."""

from __future__ import annotations

import base64
import re
from typing import Any

from django.db.models import Q, QuerySet

from lienthong.accounts.constants import Role
from lienthong.accounts.models import Agency, User

from .permissions import can_see_directory, can_see_phone

BASE_DN = "ou=danhba,dc=lienthong"


def agencies(query: str = "") -> QuerySet[Agency]:
    found = Agency.objects.active().select_related("parent").order_by("name")
    if query:
        found = found.filter(
            Q(name__icontains=query) | Q(email__icontains=query) | Q(code__icontains=query)
        )
    return found


def people(query: str = "", viewer: Any = None) -> QuerySet[User]:
    """The officials in the directory; a search by telephone number finds only those whose
    number the viewer may see."""
    found: QuerySet[User] = (
        User.objects.active()
        .filter(agency__isnull=False, agency__is_active=True)
        .exclude(email="")
        .select_related("agency", "unit", "position")
        .order_by("agency__name", "unit__name", "full_name")
    )
    if query:
        found = found.filter(
            Q(full_name__icontains=query)
            | Q(email__icontains=query)
            | _phone_match(query, viewer)
            | Q(unit__name__icontains=query)
            | Q(position__name__icontains=query)
            | Q(agency__name__icontains=query)
        )
    return found


def _phone_match(query: str, viewer: Any) -> Q:
    if viewer is None or not can_see_directory(viewer):
        return Q(pk__in=[])
    if viewer.has_role(Role.SYSTEM_ADMIN):
        return Q(phone__icontains=query)
    return Q(phone__icontains=query, agency_id=viewer.agency_id)


def phone_for(viewer: Any, person: User) -> str:
    return person.phone if person.phone and can_see_phone(viewer, person) else ""


def _escape_vcard(value: str) -> str:
    return value.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;").replace("\n", "\\n")


def _fold(line: str) -> str:
    """Lines of at most 75 octets, continued with a space (RFC 6350 3.2), never inside a
    UTF-8 character."""
    out, current = [], ""
    for char in line:
        if len((current + char).encode()) > 75:
            out.append(current)
            current = " " + char
        else:
            current += char
    out.append(current)
    return "\r\n".join(out)


def vcards(viewer: Any) -> str:
    cards = []
    for agency in agencies():
        lines = ["BEGIN:VCARD", "VERSION:4.0", "KIND:org", f"FN:{_escape_vcard(agency.name)}"]
        lines.append(f"ORG:{_escape_vcard(agency.name)}")
        if agency.email:
            lines.append(f"EMAIL;TYPE=work:{agency.email}")
        if agency.phone:
            lines.append(f"TEL;TYPE=work,voice:{_escape_vcard(agency.phone)}")
        if agency.address:
            lines.append(f"ADR;TYPE=work:;;{_escape_vcard(agency.address)};;;;")
        lines.append(f"UID:urn:lienthong:agency:{agency.code}")
        lines.append("END:VCARD")
        cards.append("\r\n".join(_fold(line) for line in lines))
    for person in people(viewer=viewer):
        assert person.agency is not None
        org = _escape_vcard(person.agency.name)
        if person.unit is not None:
            org += ";" + _escape_vcard(person.unit.name)
        lines = [
            "BEGIN:VCARD",
            "VERSION:4.0",
            "KIND:individual",
            f"FN:{_escape_vcard(person.full_name)}",
            f"ORG:{org}",
            f"EMAIL;TYPE=work:{person.email}",
        ]
        if person.position is not None:
            lines.append(f"TITLE:{_escape_vcard(person.position.name)}")
        if phone := phone_for(viewer, person):
            lines.append(f"TEL;TYPE=work,voice:{_escape_vcard(phone)}")
        lines.append(f"UID:urn:lienthong:user:{person.pk}")
        lines.append("END:VCARD")
        cards.append("\r\n".join(_fold(line) for line in lines))
    return "\r\n".join(cards) + "\r\n" if cards else ""


_SAFE_LDIF = re.compile(
    r"^[\x01-\x09\x0b\x0c\x0e-\x1f\x21-\x39\x3b\x3d-\x7f][\x01-\x09\x0b\x0c\x0e-\x7f]*$"
)


def _attr(name: str, value: str) -> str:
    """`name: value`, or `name:: base64` when the value is not plain ASCII (RFC 2849)."""
    if value and _SAFE_LDIF.match(value) and not value.endswith(" "):
        return f"{name}: {value}"
    return f"{name}:: {base64.b64encode(value.encode()).decode()}"


def _dn_value(value: str) -> str:
    return re.sub(r'([,+"\\<>;=#])', r"\\\1", value)


def ldif(viewer: Any) -> str:
    """inetOrgPerson entries for officials, organization entries for agencies."""
    entries = []
    for agency in agencies():
        if not agency.email:
            continue
        entries.append(
            "\n".join(
                [
                    _attr("dn", f"mail={_dn_value(agency.email)},{BASE_DN}"),
                    "objectClass: top",
                    "objectClass: organization",
                    "objectClass: extensibleObject",
                    _attr("o", agency.name),
                    _attr("mail", agency.email),
                    *([_attr("telephoneNumber", agency.phone)] if agency.phone else []),
                ]
            )
        )
    for person in people(viewer=viewer):
        assert person.agency is not None
        parts = person.full_name.split()
        entries.append(
            "\n".join(
                [
                    _attr("dn", f"mail={_dn_value(person.email)},{BASE_DN}"),
                    "objectClass: top",
                    "objectClass: inetOrgPerson",
                    _attr("cn", person.full_name),
                    _attr("sn", parts[0] if parts else person.full_name),
                    _attr("givenName", parts[-1] if parts else person.full_name),
                    _attr("mail", person.email),
                    _attr("o", person.agency.name),
                    *([_attr("ou", person.unit.name)] if person.unit else []),
                    *([_attr("title", person.position.name)] if person.position else []),
                    *(
                        [_attr("telephoneNumber", phone)]
                        if (phone := phone_for(viewer, person))
                        else []
                    ),
                ]
            )
        )
    return "version: 1\n\n" + "\n\n".join(entries) + ("\n" if entries else "")
