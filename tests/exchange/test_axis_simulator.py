"""The axis simulator checks what the real axis checks, keeps what it accepted across a restart,
and the HTTP client reports its refusals (not retryable) apart from its absence (retryable)."""

import pytest

from lienthong.exchange import edxml
from lienthong.exchange.axis import AxisError
from tests.exchange.axis_fixtures import (
    MINISTRY_SECRET,
    PROVINCE_SECRET,
    client,
    running_axis,
)
from tests.exchange.pki import make_pki
from tests.exchange.test_edxml import sample_message, signed

PROVINCE = [("000.00.00.H12", "Ủy ban nhân dân tỉnh Cà Mau")]


def test_a_package_goes_from_one_system_to_the_other_and_survives_a_restart(tmp_path):
    storage = tmp_path / "axis.sqlite3"
    package = signed(sample_message())
    with running_axis(storage, PROVINCE) as axis:
        province = client(axis.url, "camau", PROVINCE_SECRET)
        ministry = client(axis.url, "botn", MINISTRY_SECRET)
        assert {a.code for a in province.agencies()} >= {"000.00.00.G01", "000.00.00.H12"}
        doc_id = province.send(package, sender_code="000.00.00.H12", message_type="edoc")
        assert province.waiting("edoc") == []  # not for the province's agencies
    with running_axis(storage, PROVINCE) as axis:  # down, then up again: nothing lost
        ministry = client(axis.url, "botn", MINISTRY_SECRET)
        assert ministry.waiting("edoc") == [doc_id]
        assert ministry.fetch(doc_id) == package  # the original bytes, signature intact
        ministry.acknowledge(doc_id)
        assert ministry.waiting("edoc") == []
        with pytest.raises(AxisError) as refused:
            client(axis.url, "camau", PROVINCE_SECRET).fetch(doc_id)
        assert refused.value.code == "not_found" and not refused.value.retryable


def test_what_the_axis_refuses(tmp_path):
    package = signed(sample_message())
    with running_axis(tmp_path / "axis.sqlite3", PROVINCE) as axis:
        province = client(axis.url, "camau", PROVINCE_SECRET)

        def refusal(data, system=province, message_type="edoc"):
            with pytest.raises(AxisError) as caught:
                system.send(data, sender_code="000.00.00.H12", message_type=message_type)
            assert not caught.value.retryable
            return caught.value.code

        assert refusal(package, client(axis.url, "camau", "wrong")) == "unknown_system"
        assert refusal(package, client(axis.url, "nobody", "x")) == "unknown_system"
        assert refusal(edxml.build_message(sample_message())) == "unsigned"
        tampered = package.replace("Bộ Thử nghiệm".encode(), "Bộ Khác".encode())
        assert refusal(tampered) == "bad_signature"
        assert refusal(b"<edXML><oops") == "malformed"
        unknown = signed(sample_message(recipients=[edxml.Organ("000.00.00.G99", "Không có")]))
        assert refusal(unknown) == "unknown_recipient"
        foreign = signed(sample_message(sender=edxml.Organ("000.00.00.G01", "Bộ Thử nghiệm")))
        assert refusal(foreign) == "foreign_sender"
        assert refusal(package, message_type="status") == "bad_type"
        assert axis.simulator.stored() == []  # nothing refused was kept


def test_an_absent_axis_is_retryable():
    with pytest.raises(AxisError) as caught:
        client("http://127.0.0.1:9", "camau", PROVINCE_SECRET).waiting("edoc")
    assert caught.value.retryable and caught.value.code == "unreachable"
    assert make_pki()  # the PKI is shared with the other tests (built once)
