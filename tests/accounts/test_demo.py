from django.core.management import call_command

from lienthong.accounts.constants import AgencyKind, Role
from lienthong.accounts.models import Agency, User
from lienthong.core.audit import verify_chain


def test_demo_province_is_cau_mau_2012_and_loads_twice(db, capsys) -> None:
    call_command("load_demo")
    first = (Agency.objects.count(), User.objects.count())
    call_command("load_demo")
    assert (Agency.objects.count(), User.objects.count()) == first

    province = Agency.objects.get(code="000.00.00.H12")
    districts = set(
        Agency.objects.filter(kind=AgencyKind.DISTRICT_COMMITTEE, parent=province).values_list(
            "place_name", flat=True
        )
    )
    assert districts == {
        "Thành phố Cà Mau",
        "Thới Bình",
        "U Minh",
        "Trần Văn Thời",
        "Cái Nước",
        "Đầm Dơi",
        "Năm Căn",
        "Phú Tân",
        "Ngọc Hiển",
    }
    assert Agency.objects.filter(kind=AgencyKind.COMMUNE_COMMITTEE).count() >= 9 * 3
    assert Agency.objects.filter(kind=AgencyKind.DEPARTMENT).count() >= 15
    assert Agency.objects.filter(name="Sở Thông tin và Truyền thông").exists()
    # Placeholder codes are flagged as demo data.
    assert not Agency.objects.filter(code_is_official=True).exists()
    # Every role has a demo user, in several agencies.
    for role in Role.values:
        assert User.objects.with_role(role).exists(), role
    assert User.objects.with_role(Role.CLERK).values("agency").distinct().count() >= 4
    out = capsys.readouterr().out
    assert "vanthu.stttt" in out and "camau-demo-2012" in out
    assert verify_chain().ok


def test_commune_names_follow_the_full_name_rule(demo) -> None:
    assert Agency.objects.filter(name="Ủy ban nhân dân xã Khánh Bình").exists()
    assert Agency.objects.filter(name="Ủy ban nhân dân Phường 5").exists()
    assert Agency.objects.filter(name="Ủy ban nhân dân thị trấn Sông Đốc").exists()
