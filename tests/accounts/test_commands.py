import io

import pytest
from django.core.management import CommandError, call_command

from lienthong.accounts.constants import Role
from lienthong.accounts.models import User


def test_create_agency_admin(province, monkeypatch, capsys) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("a-long-enough-password\n"))
    call_command(
        "create_agency_admin",
        "000.00.00.H12",
        "quantri.moi",
        "--full-name",
        "Trần Quản Trị",
        "--password-stdin",
    )
    user = User.objects.get(username="quantri.moi")
    assert user.agency == province and user.role_set() == {Role.AGENCY_ADMIN} and user.is_staff
    assert user.check_password("a-long-enough-password")


def test_create_agency_admin_refuses_unknown_agency_and_weak_password(
    province, monkeypatch
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("a-long-enough-password\n"))
    with pytest.raises(CommandError, match=r"000\.00\.77\.H12"):
        call_command(
            "create_agency_admin", "000.00.77.H12", "x", "--full-name", "X", "--password-stdin"
        )
    monkeypatch.setattr("sys.stdin", io.StringIO("123\n"))
    with pytest.raises(CommandError):
        call_command(
            "create_agency_admin", "000.00.00.H12", "x", "--full-name", "X", "--password-stdin"
        )
    assert not User.objects.filter(username="x").exists()
