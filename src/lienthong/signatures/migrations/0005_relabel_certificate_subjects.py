"""Certificates on file were labelled with asn1crypto's English rendering of their subject
("Common Name: …, Organization: …"); label them with the holder's name and organisation, as
new ones are (certificates.certificate_label). The reverse leaves the new labels."""

from asn1crypto import x509
from django.db import migrations


def _label(name):
    native = name.native
    parts = []
    for key in ("common_name", "organization_name"):
        value = native.get(key, "")
        text = ", ".join(map(str, value)) if isinstance(value, list) else str(value or "")
        if text and text not in parts:
            parts.append(text)
    return " — ".join(parts)


def relabel(apps, schema_editor):
    TrustedCertificate = apps.get_model("signatures", "TrustedCertificate")
    SigningCredential = apps.get_model("signatures", "SigningCredential")
    for row in TrustedCertificate.objects.all():
        cert = x509.Certificate.load(bytes(row.certificate))
        old = row.subject
        row.subject = (_label(cert.subject) or old)[:500]
        if row.name == old:
            row.name = row.subject[:200]
        row.save(update_fields=["subject", "name"])
    for row in SigningCredential.objects.all():
        cert = x509.Certificate.load(bytes(row.certificate))
        row.subject = (_label(cert.subject) or row.subject)[:500]
        row.issuer = (_label(cert.issuer) or row.issuer)[:500]
        row.save(update_fields=["subject", "issuer"])


class Migration(migrations.Migration):
    dependencies = [("signatures", "0004_verification_untrusted_state_and_recheck")]

    operations = [migrations.RunPython(relabel, migrations.RunPython.noop)]
