"""The production settings refuse to start with a default secret key, without a key-encryption
key or with a published one, with a published payment secret, or with DEBUG on."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

PROBE = """
import django
django.setup()
from django.conf import settings
from django.db import connection
with connection.cursor() as cursor:
    cursor.execute("PRAGMA journal_mode")
    journal = cursor.fetchone()[0]
    cursor.execute("PRAGMA foreign_keys")
    foreign_keys = cursor.fetchone()[0]
print(settings.DEBUG, journal, foreign_keys)
"""


A_KEK = "Zm9yLXRoZS1zZXR0aW5ncy10ZXN0cy1vbmx5LWtleS0="  # 32 bytes, not the published one


def run_production_settings(data_dir: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("LIENTHONG_")}
    clean.update(
        {"DJANGO_SETTINGS_MODULE": "lienthong.conf.base", "LIENTHONG_DATA_DIR": str(data_dir)}
    )
    clean.pop("DATABASE_URL", None)
    clean["LIENTHONG_KEY_ENCRYPTION_KEY"] = A_KEK
    clean.update(env)
    return subprocess.run(
        [sys.executable, "-c", PROBE],
        env=clean,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


def test_missing_secret_key_is_refused(tmp_path: Path) -> None:
    result = run_production_settings(tmp_path)
    assert result.returncode != 0 and "LIENTHONG_SECRET_KEY is not set" in result.stderr


@pytest.mark.parametrize(
    "key",
    ["test-only-" + "t" * 50, "dev-only-" + "d" * 50, "short-key", "django-insecure-" + "x" * 40],
)
def test_published_or_short_keys_are_refused(tmp_path: Path, key: str) -> None:
    result = run_production_settings(tmp_path, LIENTHONG_SECRET_KEY=key)
    assert result.returncode != 0 and "refusing to start" in result.stderr


def test_missing_key_encryption_key_is_refused(tmp_path: Path) -> None:
    result = run_production_settings(
        tmp_path, LIENTHONG_SECRET_KEY="k" * 50, LIENTHONG_KEY_ENCRYPTION_KEY=""
    )
    assert result.returncode != 0
    assert "LIENTHONG_KEY_ENCRYPTION_KEY is not set" in result.stderr


@pytest.mark.parametrize(
    "kek", ["dGVzdC1vbmx5LWtleS1lbmNyeXB0aW9uLWtleS0zMmI=", "not-a-fernet-key", A_KEK + ",short"]
)
def test_published_or_malformed_key_encryption_keys_are_refused(tmp_path: Path, kek: str) -> None:
    result = run_production_settings(
        tmp_path, LIENTHONG_SECRET_KEY="k" * 50, LIENTHONG_KEY_ENCRYPTION_KEY=kek
    )
    assert result.returncode != 0 and "LIENTHONG_KEY_ENCRYPTION_KEY" in result.stderr


@pytest.mark.parametrize(
    "secret",
    [
        "dev-only-payment-secret-" + "p" * 24,  # conf/dev.py
        "test-only-payment-secret-" + "p" * 24,  # conf/test.py
        "dev-only-another-payment-secret",
    ],
)
def test_published_payment_secrets_are_refused(tmp_path: Path, secret: str) -> None:
    """Anyone could sign a payment notification (IPN) with the secret published in conf/dev.py
    and mark a fee paid."""
    result = run_production_settings(
        tmp_path,
        LIENTHONG_SECRET_KEY="a-proper-random-key-" + "q" * 30,
        LIENTHONG_PAYMENT_SECRET=secret,
    )
    assert result.returncode != 0 and "LIENTHONG_PAYMENT_SECRET" in result.stderr
    assert "refusing to start" in result.stderr


def test_a_proper_payment_secret_starts(tmp_path: Path) -> None:
    result = run_production_settings(
        tmp_path,
        LIENTHONG_SECRET_KEY="a-proper-random-key-" + "q" * 30,
        LIENTHONG_PAYMENT_SECRET="the-gateway-" + "s" * 20,
    )
    assert result.returncode == 0, result.stderr


def test_debug_is_refused_in_production(tmp_path: Path) -> None:
    result = run_production_settings(tmp_path, LIENTHONG_SECRET_KEY="k" * 50, LIENTHONG_DEBUG="1")
    assert result.returncode != 0 and "refuse to run with DEBUG" in result.stderr


def test_a_proper_key_starts(tmp_path: Path) -> None:
    result = run_production_settings(
        tmp_path, LIENTHONG_SECRET_KEY="a-proper-random-key-" + "q" * 30
    )
    assert result.returncode == 0, result.stderr
    # The embedded default: a SQLite file in WAL mode with foreign keys enforced.
    assert result.stdout.split() == ["False", "wal", "1"]


def test_database_connection_is_configured_for_the_platform(db) -> None:
    """SQLite: foreign keys on (WAL: test_a_proper_key_starts). PostgreSQL: 15+, UTF-8, no JIT
    compilation (docs/performance.md: 250 ms of it for a 1 ms search at ten million documents)."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA foreign_keys")
            assert cursor.fetchone()[0] == 1
        else:
            assert connection.vendor == "postgresql"
            assert connection.pg_version >= 150000
            cursor.execute("SHOW server_encoding")
            assert cursor.fetchone()[0] == "UTF8"
            cursor.execute("SHOW jit")
            assert cursor.fetchone()[0] == "off"
