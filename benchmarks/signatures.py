#!/usr/bin/env python
"""Benchmark of digital signatures: signatures per second and verifications per second through
lienthong's services, beside pyHanko doing the same work directly in the same run.

    .venv/bin/python benchmarks/signatures.py [--n 20] [--no-tsa] [--json out.json]

The script starts from an empty SQLite database in a temporary folder (`lienthong.conf.test`
with LIENTHONG_DATA_DIR pointing there), migrates, creates Sở Tư pháp with its director and
clerk through the accounts services, builds the test PKI of tests/signatures/pki.py with
certomancer and serves its TSA, OCSP and CRLs on a free local port, and puts the director's and
the agency's PKCS#12 files on file with `signatures.services.register_credential`.

What is timed, on the same 1-page Quyết định (WeasyPrint, Noto Serif):
- raw pyHanko: `PdfSigner.sign_pdf` with a SimpleSigner already loaded, the same image stamp and
  the same timestamper (B-T; `--no-tsa`: B-B): the floor;
- `sign_personal`: credential lookup, PKCS#12 unsealed and opened with the passphrase, signing
  order checks, the image placed between position and name (pdftotext), signing, audit entry;
- `apply_agency_signature`: the personal signature verified first, number and date stamped in,
  the seal placed over a third of the signature, signing, audit entry;
- raw `validate_pdf_signature` of the two-signature PDF vs `verify_pdf` (trust roots from the
  database, revocation fetched from the local OCSP/CRL, report built).
Each is run `--warmup` times untimed, then `--n` times; the figure is operations per second
(median of the per-operation times), with the service/raw ratio. The temporary folder and the
server are removed at the end, also on failure.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))
PASS = "mật-khẩu"


def _timed(label: str, work: Callable[[], object], n: int, warmup: int) -> dict[str, Any]:
    for _ in range(warmup):
        work()
    times = []
    for _ in range(n):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    median = statistics.median(times)
    return {"what": label, "n": n, "median_ms": median * 1000, "per_second": 1 / median}


def _profile(out: Path, works: dict[str, Callable[[], object]], n: int) -> None:
    """cProfile of each service operation run `n` times: the 25 costliest calls (cumulative)
    printed, the full statistics written to `out`/<operation>.prof (snakeviz, pstats)."""
    import cProfile
    import pstats

    out.mkdir(parents=True, exist_ok=True)
    for name, work in works.items():
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(n):
            work()
        profiler.disable()
        profiler.dump_stats(out / f"{name}.prof")
        print(f"--- {name} x{n} ---")
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)


def run(n: int, warmup: int, tsa: bool, profile: Path | None = None) -> dict[str, Any]:
    import logging

    import django

    logging.disable(logging.INFO)  # fontTools, WeasyPrint and the PKI server talk a lot

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)

    from django.conf import settings
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign import signers
    from pyhanko.sign.fields import SigFieldSpec, SigSeedSubFilter, append_signature_field
    from pyhanko.sign.timestamps import HTTPTimeStamper
    from pyhanko.sign.validation import validate_pdf_signature
    from tests.conftest import free_port
    from tests.signatures import pki as pki_module

    from lienthong.accounts import services as accounts
    from lienthong.accounts.constants import AgencyKind, Role
    from lienthong.signatures import engine, services
    from lienthong.signatures.constants import CredentialKind, KeySource

    tmp = Path(os.environ["LIENTHONG_DATA_DIR"])
    pki = pki_module.start(tmp / "pki", free_port())
    try:
        settings.LIENTHONG_TSA_URL = pki.tsa_url if tsa else ""
        province = accounts.create_agency(
            actor=None, code="000.00.00.H12", name="Ủy ban nhân dân tỉnh Cà Mau",
            abbreviation="UBND", kind=AgencyKind.PROVINCIAL_COMMITTEE, place_name="Cà Mau",
        )  # fmt: skip
        stp = accounts.create_agency(
            actor=None, code="000.00.01.H12", name="Sở Tư pháp", abbreviation="STP",
            kind=AgencyKind.DEPARTMENT, place_name="Cà Mau", parent=province,
        )  # fmt: skip
        director = accounts.create_user(
            actor=None, agency=stp, username="giamdoc", password="x" * 12,
            full_name="Nguyễn Văn Giám", roles=[Role.AGENCY_LEADER],
        )  # fmt: skip
        clerk = accounts.create_user(
            actor=None, agency=stp, username="vanthu", password="x" * 12,
            full_name="Trần Thị Thư", roles=[Role.CLERK],
        )  # fmt: skip
        services.add_trusted_certificate(actor=None, data=pki.pem("root"))
        for label, kind, user, image in (
            ("director", CredentialKind.PERSONAL, director, pki_module.signature_png()),
            ("agency", CredentialKind.AGENCY, None, pki_module.seal_png()),
        ):
            services.register_credential(
                actor=None, kind=kind, agency=stp, user=user, source=KeySource.PKCS12,
                pkcs12=pki.pkcs12(label, PASS), passphrase=PASS, image=image,
            )  # fmt: skip
        pdf = pki_module.decision_pdf()

        # --- raw pyHanko, same work ----------------------------------------------------------
        raw_signer = signers.SimpleSigner.load_pkcs12_data(
            pki.pkcs12("director", PASS), other_certs=[], passphrase=PASS.encode()
        )
        width, height = engine.image_size(pki_module.signature_png(), 40 * engine.MM)
        style = engine.image_style(pki_module.signature_png())
        timestamper = HTTPTimeStamper(pki.tsa_url) if tsa else None

        def raw_sign() -> bytes:
            writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
            box = (380, 300, 380 + round(width), 300 + round(height))
            append_signature_field(writer, SigFieldSpec("Sig", box=box, on_page=0))
            meta = signers.PdfSignatureMetadata(
                field_name="Sig", md_algorithm="sha256", subfilter=SigSeedSubFilter.PADES
            )
            out = signers.PdfSigner(
                meta, signer=raw_signer, timestamper=timestamper, stamp_style=style
            ).sign_pdf(writer)
            return bytes(out.getvalue())  # type: ignore[union-attr]

        def service_personal() -> bytes:
            return services.sign_personal(
                actor=director, data=pdf, secret=PASS, position="Giám đốc"
            )

        personal = service_personal()

        def service_agency() -> bytes:
            return services.apply_agency_signature(
                agency=stp, actor=clerk, data=personal, secret=PASS, number_and_symbol="12/QĐ-STP"
            )

        issued = service_agency()
        roots, others = services._trust_store()

        def raw_verify() -> list[bool]:
            reader = PdfFileReader(io.BytesIO(issued))
            return [
                validate_pdf_signature(s, engine.validation_context(roots, others)).bottom_line
                for s in reader.embedded_signatures
            ]

        def service_verify() -> str:
            return services.verify_pdf(issued).status

        assert raw_verify() == [True, True] and service_verify() == "valid"
        if profile is not None:
            _profile(
                profile,
                {"sign_personal": service_personal, "apply_agency_signature": service_agency},
                n,
            )
        rows = [
            _timed("sign: raw pyHanko", raw_sign, n, warmup),
            _timed("sign: sign_personal", service_personal, n, warmup),
            _timed("sign: apply_agency_signature", service_agency, n, warmup),
            _timed("verify (2 signatures): raw pyHanko", raw_verify, n, warmup),
            _timed("verify (2 signatures): verify_pdf", service_verify, n, warmup),
        ]
    finally:
        pki.stop()
    return {
        "rows": rows,
        "pdf_bytes": len(pdf),
        "level": "PAdES B-T (local TSA)" if tsa else "PAdES B-B",
        "machine": f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}",
    }


def report(result: dict[str, Any]) -> None:
    rows = {r["what"]: r for r in result["rows"]}
    print(f"Digital signatures — {result['level']}, {result['pdf_bytes']:,} byte PDF")
    print(f"{result['machine']}")
    print(f"{'operation':40} {'n':>4} {'median ms':>10} {'per second':>11}")
    for r in result["rows"]:
        print(f"{r['what']:40} {r['n']:>4} {r['median_ms']:>10.1f} {r['per_second']:>11.2f}")
    raw_sign = rows["sign: raw pyHanko"]["median_ms"]
    raw_verify = rows["verify (2 signatures): raw pyHanko"]["median_ms"]
    personal = rows["sign: sign_personal"]["median_ms"] / raw_sign
    agency = rows["sign: apply_agency_signature"]["median_ms"] / raw_sign
    verify = rows["verify (2 signatures): verify_pdf"]["median_ms"] / raw_verify
    print(
        f"overhead vs raw pyHanko: sign_personal {personal:.2f}x, "
        f"apply_agency_signature {agency:.2f}x, verify_pdf {verify:.2f}x"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=20, help="timed runs of each operation")
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--no-tsa", action="store_true", help="PAdES B-B: no timestamp")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument(
        "--profile", type=Path, help="also profile the two services (cProfile) into this folder"
    )
    args = parser.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="lienthong-bench-sig-"))
    os.environ["LIENTHONG_DATA_DIR"] = str(tmp)
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp / 'bench.sqlite3'}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "lienthong.conf.test"
    os.environ.setdefault("LIENTHONG_MEDIA_ROOT", str(tmp / "media"))
    try:
        result = run(args.n, args.warmup, not args.no_tsa, args.profile)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    report(result)
    if args.json:
        args.json.write_text(json.dumps(result, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
