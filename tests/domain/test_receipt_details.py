"""What form 01 lists besides the dossier: the applicant's phone and address
and the papers handed in, checked at the command and kept by the dossier."""

from __future__ import annotations

import pytest

from events.dossiers.values import Paper, papers_from_text
from events.errors import InvalidValue
from tests.domain.conftest import COMMUNE, vn

PAPERS = [{"name": "Tờ khai đăng ký khai sinh", "form": "ban_chinh", "copies": 1},
          {"name": "Giấy chứng sinh", "form": "ban_sao_chung_thuc", "copies": 2}]


def receive(ledger, code: str = "HS-1", **details) -> None:  # type: ignore[no-untyped-def]
    ledger.receive_dossier(COMMUNE, code, "P3", "Lê Văn Tâm", "truc_tiep", "",
                           vn(2024, 3, 4, 9), **details)


def test_the_dossier_keeps_the_phone_address_and_papers(ledger):
    receive(ledger, phone="0912 345.678", address="  Thôn  Mạc,  xã Quảng Nghiệp ",
            papers=PAPERS)
    dossier = ledger.dossier(COMMUNE, "HS-1")
    assert dossier.phone == "0912345678"
    assert dossier.address == "Thôn Mạc, xã Quảng Nghiệp"
    assert dossier.papers == (Paper("Tờ khai đăng ký khai sinh", "ban_chinh", 1),
                              Paper("Giấy chứng sinh", "ban_sao_chung_thuc", 2))
    assert dossier.papers[1].form_name == "Bản sao chứng thực"


def test_without_them_the_dossier_has_none(ledger):
    receive(ledger)
    dossier = ledger.dossier(COMMUNE, "HS-1")
    assert (dossier.phone, dossier.address, dossier.papers) == ("", "", ())


@pytest.mark.parametrize(("details", "field", "says"), [
    ({"phone": "091234567a"}, "phone", "Số điện thoại «091234567a» không hợp lệ"),
    ({"phone": "1234567"}, "phone", "từ 8 đến 15 chữ số"),
    ({"phone": "+84 " + "9" * 15}, "phone", "từ 8 đến 15 chữ số"),
    ({"phone": "0912\x00345678"}, "phone", "ký tự điều khiển"),
    ({"address": "x" * 256}, "address", "Địa chỉ quá dài"),
    ({"address": "Thôn\x1bMạc"}, "address", "ký tự điều khiển"),
    ({"papers": [{"name": "Giấy"}] * 31}, "papers", "Tối đa 30 giấy tờ"),
    ({"papers": [{"name": " "}]}, "papers", "Giấy tờ thứ 1 cần có tên"),
    ({"papers": [{"name": "Giấy", "copies": 0}]}, "papers", "số lượng phải từ 1 đến 99"),
    ({"papers": [{"name": "Giấy", "copies": True}]}, "papers", "số lượng phải từ 1 đến 99"),
    ({"papers": [{"name": "Giấy", "form": "fax"}]}, "papers", "hình thức «fax»"),
    ({"papers": [{"name": "Giấy", "color": "đỏ"}]}, "papers", "Giấy tờ thứ 1 không hợp lệ"),
    ({"papers": "Giấy"}, "papers", "Danh sách giấy tờ không hợp lệ"),
])
def test_bad_details_are_refused_and_nothing_is_recorded(ledger, details, field, says):
    head = ledger.recorder.max_notification_id()
    with pytest.raises(InvalidValue) as refused:
        receive(ledger, **details)
    assert refused.value.field == field and says in refused.value.message
    assert ledger.recorder.max_notification_id() == head


def test_papers_typed_one_a_line():
    typed = "Tờ khai đăng ký khai sinh\n\n Giấy chứng sinh ; bản sao chứng thực ; 2\nCCCD; 1; chụp"
    assert papers_from_text(typed) == [
        {"name": "Tờ khai đăng ký khai sinh"},
        {"name": "Giấy chứng sinh", "form": "ban_sao_chung_thuc", "copies": 2},
        {"name": "CCCD", "copies": 1, "form": "ban_chup"}]


def test_a_paper_line_that_cannot_be_read_names_its_line():
    with pytest.raises(InvalidValue) as refused:
        papers_from_text("Tờ khai\nGiấy chứng sinh; bản gốc")
    assert refused.value.message.startswith("Dòng 2: không hiểu «bản gốc»")
