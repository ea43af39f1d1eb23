# ruff: noqa: E501
"""A small PKI built on the fly with certomancer: a root and an intermediate CA, a TSA and an
OCSP responder, the director's and the agency's certificates, an expired one, a revoked one,
one without the signing key usage, and a second root nobody trusts with its own signer. The
TSA, OCSP and CRLs are served over HTTP on a free port by certomancer's own WSGI app."""

from __future__ import annotations

import io
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from asn1crypto import x509
from certomancer.integrations.animator import Animator, AnimatorArchStore
from certomancer.registry import ArchLabel, CertLabel, CertomancerConfig, KeyLabel
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from PIL import Image, ImageDraw
from werkzeug.serving import make_server

KEYS = [
    "root",
    "interm",
    "interm-ocsp",
    "tsa",
    "director",
    "agency",
    "expired",
    "revoked",
    "nosign",
    "other-root",
    "stranger",
]
LONG = {"valid-from": "2020-01-01T00:00:00+0000", "valid-to": "2100-01-01T00:00:00+0000"}


def _ku(*usages: str) -> dict[str, Any]:
    return {
        "id": "key_usage",
        "critical": True,
        "smart-value": {"schema": "key-usage", "params": list(usages)},
    }


REVOCATION_INFO = [
    {
        "id": "crl_distribution_points",
        "smart-value": {"schema": "crl-dist-url", "params": {"crl-repo-names": ["interm"]}},
    },
    {
        "id": "authority_information_access",
        "smart-value": {"schema": "aia-urls", "params": {"ocsp-responder-names": ["interm"]}},
    },
]


def _config(keydir: Path, url: str) -> dict[str, Any]:
    ca_ext = [
        {"id": "basic_constraints", "critical": True, "value": {"ca": True}},
        _ku("digital_signature", "key_cert_sign", "crl_sign"),
    ]
    signer_ext = [_ku("digital_signature", "non_repudiation"), *REVOCATION_INFO]
    return {
        "external-url-prefix": url,
        "keysets": {
            "lt": {"path-prefix": str(keydir), "keys": {k: {"path": f"{k}.key.pem"} for k in KEYS}}
        },
        "pki-architectures": {
            "testing-ca": {
                "keyset": "lt",
                "entity-defaults": {
                    "country-name": "VN",
                    "organization-name": "Ban Cơ yếu Chính phủ (thử nghiệm)",
                },
                "entities": {
                    "root": {"common-name": "Root CA Thử Nghiệm"},
                    "interm": {"common-name": "CA Chuyên dùng Thử Nghiệm"},
                    "interm-ocsp": {"common-name": "OCSP Thử Nghiệm"},
                    "tsa": {"common-name": "TSA Thử Nghiệm"},
                    "director": {
                        "organization-name": "Sở Tư pháp tỉnh Cà Mau",
                        "common-name": "Nguyễn Văn Giám",
                    },
                    "agency": {
                        "organization-name": "Sở Tư pháp tỉnh Cà Mau",
                        "common-name": "Sở Tư pháp tỉnh Cà Mau",
                    },
                    "expired": {"common-name": "Trần Văn Hết Hạn"},
                    "revoked": {"common-name": "Lê Văn Thu Hồi"},
                    "nosign": {"common-name": "Phạm Văn Mã Hóa"},
                    "other-root": {"organization-name": "CA Lạ", "common-name": "Root CA Lạ"},
                    "stranger": {"organization-name": "CA Lạ", "common-name": "Người Lạ"},
                },
                "certs": {
                    "root": {
                        "subject": "root",
                        "issuer": "root",
                        "validity": LONG,
                        "extensions": ca_ext,
                    },
                    "interm": {
                        "issuer": "root",
                        "validity": LONG,
                        "extensions": [
                            *ca_ext,
                            {
                                "id": "crl_distribution_points",
                                "smart-value": {
                                    "schema": "crl-dist-url",
                                    "params": {"crl-repo-names": ["root"]},
                                },
                            },
                        ],
                    },
                    "interm-ocsp": {
                        "issuer": "interm",
                        "validity": LONG,
                        "extensions": [
                            _ku("digital_signature"),
                            {
                                "id": "extended_key_usage",
                                "critical": True,
                                "value": ["ocsp_signing"],
                            },
                            {"id": "ocsp_no_check"},
                        ],
                    },
                    "tsa": {
                        "issuer": "root",
                        "validity": LONG,
                        "extensions": [
                            _ku("digital_signature"),
                            {
                                "id": "extended_key_usage",
                                "critical": True,
                                "value": ["time_stamping"],
                            },
                        ],
                    },
                    "director": {"issuer": "interm", "validity": LONG, "extensions": signer_ext},
                    "agency": {"issuer": "interm", "validity": LONG, "extensions": signer_ext},
                    "expired": {
                        "issuer": "interm",
                        "validity": {
                            "valid-from": "2020-01-01T00:00:00+0000",
                            "valid-to": "2025-01-01T00:00:00+0000",
                        },
                        "extensions": signer_ext,
                    },
                    "revoked": {
                        "issuer": "interm",
                        "validity": LONG,
                        "extensions": signer_ext,
                        "revocation": {
                            "revoked-since": "2026-01-01T00:00:00+0000",
                            "reason": "key_compromise",
                        },
                    },
                    "nosign": {
                        "issuer": "interm",
                        "validity": LONG,
                        "extensions": [_ku("key_encipherment"), *REVOCATION_INFO],
                    },
                    "other-root": {
                        "subject": "other-root",
                        "issuer": "other-root",
                        "validity": LONG,
                        "extensions": ca_ext,
                    },
                    "stranger": {
                        "issuer": "other-root",
                        "validity": LONG,
                        "extensions": [_ku("digital_signature", "non_repudiation")],
                    },
                },
                "services": {
                    "ocsp": {
                        "interm": {
                            "for-issuer": "interm",
                            "responder-cert": "interm-ocsp",
                            "signing-key": "interm-ocsp",
                        }
                    },
                    "crl-repo": {
                        "root": {
                            "for-issuer": "root",
                            "signing-key": "root",
                            "simulated-update-schedule": "P90D",
                        },
                        "interm": {
                            "for-issuer": "interm",
                            "signing-key": "interm",
                            "simulated-update-schedule": "P30D",
                        },
                    },
                    "time-stamping": {"tsa": {"signing-key": "tsa", "signing-cert": "tsa"}},
                },
            }
        },
    }


@dataclass
class Pki:
    url: str
    arch: Any
    server: Any
    keydir: Path

    @property
    def tsa_url(self) -> str:
        return f"{self.url}/testing-ca/tsa/tsa"

    def cert(self, label: str) -> x509.Certificate:
        return self.arch.get_cert(CertLabel(label))

    def pem(self, label: str) -> bytes:
        from asn1crypto import pem

        return pem.armor("CERTIFICATE", self.cert(label).dump())

    def pkcs12(self, label: str, passphrase: str) -> bytes:
        return self.arch.package_pkcs12(
            CertLabel(label), certs_to_embed=[CertLabel("interm")], password=passphrase.encode()
        )

    def private_key_der(self, label: str) -> bytes:
        return self.arch.key_set.get_private_key(KeyLabel(label)).dump()

    def stop(self) -> None:
        self.server.shutdown()


def start(tmp: Path, port: int) -> Pki:
    keydir = tmp / "keys"
    keydir.mkdir(parents=True, exist_ok=True)
    for label in KEYS:
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        (keydir / f"{label}.key.pem").write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
    url = f"http://127.0.0.1:{port}"
    config = CertomancerConfig(_config(keydir, url), key_search_dir=str(keydir))
    app = Animator(AnimatorArchStore(config.pki_archs), with_web_ui=False)
    server = make_server("127.0.0.1", port, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return Pki(
        url=url, arch=config.get_pki_arch(ArchLabel("testing-ca")), server=server, keydir=keydir
    )


def signature_png(color: tuple[int, int, int] = (20, 40, 200)) -> bytes:
    """A handwritten-looking signature: a blue stroke on a transparent background."""
    image = Image.new("RGBA", (400, 160), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    points = [(20, 120), (80, 30), (120, 130), (180, 40), (230, 120), (300, 50), (380, 90)]
    draw.line(points, fill=(*color, 255), width=10, joint="curve")
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def seal_png() -> bytes:
    """A red round seal on a transparent background."""
    image = Image.new("RGBA", (400, 400), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((10, 10, 390, 390), outline=(220, 20, 20, 255), width=18)
    draw.ellipse((70, 70, 330, 330), outline=(220, 20, 20, 255), width=8)
    draw.regular_polygon((200, 200, 60), 5, fill=(220, 20, 20, 255))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def decision_pdf(*, position: str = "GIÁM ĐỐC", name: str = "Nguyễn Văn Giám") -> bytes:
    """A Quyết định laid out as Phụ lục I: number and date left blank for the clerk, the
    signature block at the bottom right (position, space for the signature, name)."""
    from weasyprint import HTML

    html = f"""<html lang="vi"><head><style>
    @page {{ size: A4; margin: 20mm 15mm 20mm 30mm; }}
    body {{ font-family: 'Noto Serif'; font-size: 13pt; }}
    table {{ width: 100%; }} td {{ vertical-align: top; text-align: center; }}
    .sign {{ margin-left: 50%; text-align: center; }}
    </style></head><body>
    <table><tr><td>UBND TỈNH CÀ MAU<br><b>SỞ TƯ PHÁP</b><br>Số: &nbsp;&nbsp;&nbsp;&nbsp;&nbsp;/QĐ-STP</td>
    <td><b>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</b><br><b>Độc lập - Tự do - Hạnh phúc</b><br>
    <i>Cà Mau, ngày &nbsp;&nbsp;&nbsp; tháng &nbsp;&nbsp;&nbsp; năm 2026</i></td></tr></table>
    <h3 style="text-align:center">QUYẾT ĐỊNH<br>Ban hành Quy chế văn thư, lưu trữ</h3>
    <p>Điều 1. Ban hành kèm theo Quyết định này Quy chế văn thư, lưu trữ của Sở Tư pháp.</p>
    <p>Điều 2. Quyết định có hiệu lực kể từ ngày ký.</p>
    <div class="sign"><b>{position}</b><div style="height: 32mm"></div><b>{name}</b></div>
    </body></html>"""
    return HTML(string=html).write_pdf()
