"""Throughput of the document axis exchange (not run by the tests):

    python benchmarks/axis_throughput.py [--documents 1000]

1. packages built (edXML, XSD-validated) and signed (XML-DSig RSA-2048/SHA-256) per second;
2. end-to-end delivery time through the axis simulator over HTTP for N documents: the sender
   hands each signed package to the axis, the receiver lists what waits, fetches, parses,
   verifies the signature and acknowledges each one.

No database: it measures the edXML module, the HTTP client and the simulator, which are what
the sending and polling jobs spend their time in (the jobs add one transaction each)."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lienthong.conf.test")

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from lienthong.exchange import edxml
from lienthong.exchange.axis import AxisSettings, HttpAxisClient
from lienthong.exchange.axis_simulator import (
    AxisSimulator,
    RunningAxisSimulator,
    System,
)


def _key_and_cert(name: str) -> tuple[bytes, bytes]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    return (
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ),
        cert.public_bytes(serialization.Encoding.PEM),
    )


def _message(number: int) -> edxml.Message:
    return edxml.Message(
        sender=edxml.Organ("000.00.00.H12", "Ủy ban nhân dân tỉnh Cà Mau"),
        recipients=[edxml.Organ("000.00.00.G01", "Bộ Thử nghiệm")],
        code_number=str(number),
        code_notation="UBND-VP",
        place="Cà Mau",
        promulgation_date=date(2026, 12, 1),
        type_name="Công văn",
        subject=f"V/v thử tải liên thông văn bản số {number}",
        signer=edxml.Signer("Nguyễn Văn A", "Chủ tịch"),
        attachments=[
            edxml.AttachmentFile(
                f"cid:{number}", f"{number}.pdf", "application/pdf", b"%PDF-1.4\n" + b"x" * 50_000
            )
        ],
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--documents", type=int, default=1000)
    count = parser.parse_args().documents
    key_pem, cert_pem = _key_and_cert("Benchmark")

    started = time.perf_counter()
    packages = [
        edxml.sign(edxml.build_message(_message(n)), key_pem=key_pem, certificates=[cert_pem])
        for n in range(1, count + 1)
    ]
    built = time.perf_counter() - started
    print(f"built + signed: {count} packages in {built:.1f} s = {count / built:.1f} packages/s")

    systems = [
        System("camau", "bench", [{"code": "000.00.00.H12", "name": "UBND tỉnh"}]),
        System("botn", "bench", [{"code": "000.00.00.G01", "name": "Bộ Thử nghiệm"}]),
    ]
    with tempfile.TemporaryDirectory() as folder:
        simulator = AxisSimulator(systems, Path(folder) / "axis.sqlite3")
        with RunningAxisSimulator(simulator) as running:
            sender = HttpAxisClient(AxisSettings("national", running.url, "camau", "bench"))
            receiver = HttpAxisClient(AxisSettings("national", running.url, "botn", "bench"))
            started = time.perf_counter()
            for package in packages:
                sender.send(package, sender_code="000.00.00.H12", message_type="edoc")
            sent = time.perf_counter() - started
            received = 0
            for doc_id in receiver.waiting("edoc"):
                raw = receiver.fetch(doc_id)
                edxml.parse(raw)
                assert edxml.verify(raw).valid
                receiver.acknowledge(doc_id)
                received += 1
            total = time.perf_counter() - started
        simulator.close()
    print(f"sent to the axis: {count} in {sent:.1f} s = {count / sent:.1f} packages/s")
    print(
        f"end to end (send, list, fetch, parse, verify, acknowledge): {received} documents in "
        f"{total:.1f} s = {received / total:.1f} documents/s delivered "
        f"({total / max(received, 1) * 1000:.0f} ms per document)"
    )


if __name__ == "__main__":
    main()
