"""The production settings refuse to start with a default secret key or DEBUG on."""

import os
import subprocess
import sys

import pytest

PROBE = "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)"


def run_production_settings(**env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("LIENTHONG_")}
    clean.update(
        {"DJANGO_SETTINGS_MODULE": "lienthong.conf.base", "LIENTHONG_DATA_DIR": "/tmp/lt-settings"}
    )
    clean.pop("DATABASE_URL", None)
    clean.update(env)
    return subprocess.run(
        [sys.executable, "-c", PROBE],
        env=clean,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


def test_missing_secret_key_is_refused() -> None:
    result = run_production_settings()
    assert result.returncode != 0 and "LIENTHONG_SECRET_KEY is not set" in result.stderr


@pytest.mark.parametrize(
    "key",
    ["test-only-" + "t" * 50, "dev-only-" + "d" * 50, "short-key", "django-insecure-" + "x" * 40],
)
def test_published_or_short_keys_are_refused(key: str) -> None:
    result = run_production_settings(LIENTHONG_SECRET_KEY=key)
    assert result.returncode != 0 and "refusing to start" in result.stderr


def test_debug_is_refused_in_production() -> None:
    result = run_production_settings(LIENTHONG_SECRET_KEY="k" * 50, LIENTHONG_DEBUG="1")
    assert result.returncode != 0 and "refuse to run with DEBUG" in result.stderr


def test_a_proper_key_starts() -> None:
    result = run_production_settings(LIENTHONG_SECRET_KEY="a-proper-random-key-" + "q" * 30)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_sqlite_runs_in_wal_mode_with_foreign_keys(db) -> None:
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("SQLite-only check; this run is on PostgreSQL")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA foreign_keys")
        assert cursor.fetchone()[0] == 1
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] in {"wal", "memory"}  # the test database lives in memory
