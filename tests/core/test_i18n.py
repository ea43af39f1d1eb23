import subprocess
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

import lienthong

LOCALE = Path(lienthong.__file__).parent / "locale"


def test_vietnamese_is_the_default(db) -> None:
    page = Client().get(reverse("login")).content.decode()
    assert '<html lang="vi">' in page and "Đăng nhập" in page


def test_vietnamese_even_when_the_browser_prefers_english(db) -> None:
    page = Client(headers={"accept-language": "en-US,en;q=0.9"}).get(reverse("login")).content
    assert '<html lang="vi">' in page.decode()


def test_english_is_available(db) -> None:
    client = Client()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("login")).content.decode()
    assert '<html lang="en">' in page and "Sign in" in page and "Đăng nhập" not in page


@pytest.mark.parametrize("language", ["vi"])
def test_catalogue_is_complete(language: str) -> None:
    po = LOCALE / language / "LC_MESSAGES" / "django.po"
    result = subprocess.run(
        ["msgfmt", "--check-format", "--statistics", "-o", "/dev/null", str(po)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "untranslated" not in result.stderr and "fuzzy" not in result.stderr, result.stderr
