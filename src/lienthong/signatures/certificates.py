"""What a certificate says, in the words of the Vietnamese UI: its holder's name (CN),
organisation (O), unit (OU), province or city (ST/L), country, serial number, validity, the
organisation that issued it and what its key may be used for (key usage, extended key usage).

`CertificateDetails` is built from an X.509 certificate, kept as plain data in a verification
report (`as_dict`/`from_dict`), and shown by `signatures/_certificate.html`; nothing here reads
the database. The labels of usages are gettext messages, so nothing English reaches the page."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from asn1crypto import x509
from django.utils.translation import pgettext_lazy

# Key usage bits (RFC 5280 §4.2.1.3), as asn1crypto names them.
KEY_USAGES = {
    "digital_signature": pgettext_lazy("key usage", "Digital signature"),
    "non_repudiation": pgettext_lazy("key usage", "Non-repudiation (content commitment)"),
    "key_encipherment": pgettext_lazy("key usage", "Key encipherment"),
    "data_encipherment": pgettext_lazy("key usage", "Data encipherment"),
    "key_agreement": pgettext_lazy("key usage", "Key agreement"),
    "key_cert_sign": pgettext_lazy("key usage", "Signing certificates"),
    "crl_sign": pgettext_lazy("key usage", "Signing revocation lists"),
    "encipher_only": pgettext_lazy("key usage", "Encipher only"),
    "decipher_only": pgettext_lazy("key usage", "Decipher only"),
}

# Extended key usages (RFC 5280 §4.2.1.12 and the document-signing purposes in use), by
# asn1crypto's name or by dotted OID when asn1crypto has no name for it.
EXTENDED_KEY_USAGES = {
    "server_auth": pgettext_lazy("key usage", "Server authentication"),
    "client_auth": pgettext_lazy("key usage", "Client authentication"),
    "code_signing": pgettext_lazy("key usage", "Code signing"),
    "email_protection": pgettext_lazy("key usage", "E-mail protection"),
    "time_stamping": pgettext_lazy("key usage", "Time-stamping"),
    "ocsp_signing": pgettext_lazy("key usage", "Signing OCSP responses"),
    "any_extended_key_usage": pgettext_lazy("key usage", "Any purpose"),
    "1.3.6.1.5.5.7.3.36": pgettext_lazy("key usage", "Document signing"),  # RFC 9336
    "1.3.6.1.4.1.311.10.3.12": pgettext_lazy("key usage", "Document signing"),  # Microsoft
    "1.2.840.113583.1.1.5": pgettext_lazy(
        "key usage", "Document signing"
    ),  # Adobe Authentic Documents Trust
}

_NAME_KEYS = (
    "common_name",
    "organization_name",
    "organizational_unit_name",
    "state_or_province_name",
    "locality_name",
    "country_name",
)


def _name_fields(name: x509.Name) -> dict[str, str]:
    native = name.native
    out: dict[str, str] = {}
    for key in _NAME_KEYS:
        value = native.get(key, "")
        text = ", ".join(map(str, value)) if isinstance(value, list) else str(value or "")
        if text:
            out[key] = text
    return out


@dataclass(frozen=True)
class DistinguishedName:
    """The parts of a subject or issuer name the UI shows."""

    common_name: str = ""
    organization_name: str = ""
    organizational_unit_name: str = ""
    state_or_province_name: str = ""
    locality_name: str = ""
    country_name: str = ""

    @property
    def place(self) -> str:
        """Tỉnh/Thành phố: the locality and the province, when given."""
        parts = [self.locality_name, self.state_or_province_name]
        return ", ".join(dict.fromkeys(p for p in parts if p))

    @property
    def label(self) -> str:
        """Name and organisation, as one line (the organisation alone when they are the same)."""
        parts = [self.common_name, self.organization_name]
        return " — ".join(dict.fromkeys(p for p in parts if p))

    def __str__(self) -> str:
        return self.label


@dataclass(frozen=True)
class CertificateDetails:
    subject: DistinguishedName
    issuer: DistinguishedName
    serial: str
    not_before: datetime | None
    not_after: datetime | None
    fingerprint: str = ""
    key_usage: list[str] = field(default_factory=list)
    extended_key_usage: list[str] = field(default_factory=list)

    @classmethod
    def from_certificate(cls, cert: x509.Certificate) -> CertificateDetails:
        validity = cert["tbs_certificate"]["validity"]
        key_usage = sorted(cert.key_usage_value.native) if cert.key_usage_value else []
        eku = []
        if cert.extended_key_usage_value is not None:
            for purpose in cert.extended_key_usage_value:
                eku.append(str(purpose.native))
        return cls(
            subject=DistinguishedName(**_name_fields(cert.subject)),
            issuer=DistinguishedName(**_name_fields(cert.issuer)),
            serial=format(cert.serial_number, "X"),
            not_before=validity["not_before"].native,
            not_after=validity["not_after"].native,
            fingerprint=str(cert.sha256.hex()),
            key_usage=key_usage,
            extended_key_usage=eku,
        )

    @classmethod
    def from_der(cls, der: bytes) -> CertificateDetails:
        return cls.from_certificate(x509.Certificate.load(bytes(der)))

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CertificateDetails:
        def when(value: Any) -> datetime | None:
            return datetime.fromisoformat(str(value)) if value else None

        def name(value: Any) -> DistinguishedName:
            value = value if isinstance(value, dict) else {}
            return DistinguishedName(**{k: str(value[k]) for k in _NAME_KEYS if value.get(k)})

        return cls(
            subject=name(data.get("subject")),
            issuer=name(data.get("issuer")),
            serial=str(data.get("serial", "")),
            not_before=when(data.get("not_before")),
            not_after=when(data.get("not_after")),
            fingerprint=str(data.get("fingerprint", "")),
            key_usage=[str(u) for u in data.get("key_usage", [])],
            extended_key_usage=[str(u) for u in data.get("extended_key_usage", [])],
        )

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        for key in ("not_before", "not_after"):
            value = data[key]
            data[key] = value.isoformat() if value else None
        return data

    @property
    def usage_labels(self) -> list[str]:
        """Mục đích sử dụng, in words; an unknown purpose by its OID."""
        labels = [str(KEY_USAGES.get(u, u)) for u in self.key_usage]
        labels += [str(EXTENDED_KEY_USAGES.get(u, u)) for u in self.extended_key_usage]
        return list(dict.fromkeys(labels))


def certificate_label(cert: x509.Certificate) -> str:
    """The one-line name of a certificate kept with the rows that hold one (no English
    attribute names): its holder and organisation."""
    return DistinguishedName(**_name_fields(cert.subject)).label or format(cert.serial_number, "X")


def issuer_label(cert: x509.Certificate) -> str:
    return DistinguishedName(**_name_fields(cert.issuer)).label
