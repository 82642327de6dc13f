"""The projections read the log through their own decoder, not the
library's mapper: it must give the very same events, on both backends."""

from __future__ import annotations

from datetime import date
from uuid import UUID, uuid4

import pytest
from eventsourcing.persistence import MapperDeserialisationError
from eventsourcing.utils import resolve_topic

from events.base import acting_as
from events.log import EventDecoder, RecordId, uuid_ids
from events.people import User
from tests.conftest import COMMUNE, PROCEDURES, vn

AT = vn(2023, 3, 1, 9)


def every_kind_of_event(service) -> None:  # type: ignore[no-untyped-def]
    """Commands that between them record every event a projection reads."""
    ledger = service.ledger
    with acting_as("system"):
        ledger.amend_procedure(COMMUNE, PROCEDURES[0][0], "Chứng thực chữ ký", "Chứng thực",
                               "xa", False, 2, 0, "")
        ledger.list_procedure(COMMUNE, "9.9", "Thủ tục bỏ", "Khác", "xa", False, 1, 0, "")
        ledger.abolish_procedure(COMMUNE, "9.9", "Bãi bỏ theo quyết định")
        ledger.register_user("lan", "clerk", COMMUNE, full_name="Phạm Thị Lan")
        ledger.record_password_change("lan", set_by_admin=True)
        ledger.grant_role("lan", "officer")
        ledger.revoke_role("lan", "officer")
        ledger.grant_role("lan", "inspector")
        ledger.register_user("tinh", "province_admin", COMMUNE)
        lan = ledger.user("lan")  # a scope as the log holds it from before ScopeChanged
        lan._record(User.ScopeAssigned, communes=[COMMUNE])
        ledger.save(lan)
        with acting_as("tinh"):
            ledger.assign_scope("lan", [])
            ledger.assign_scope("lan", [COMMUNE])
        ledger.disable_user("lan")
        ledger.enable_user("lan")
        ledger.record_access("lan", COMMUNE, lambda a: a.logged_in("127.0.0.1"))
        ledger.record_access("lan", COMMUNE, lambda a: a.failed("127.0.0.1", "sai mật khẩu"))
        ledger.declare_day_off(COMMUNE, date(2023, 3, 6), "Nghỉ bù")
    code = PROCEDURES[1][0]
    with acting_as("lan"):
        for n in range(5):
            ledger.receive_dossier(COMMUNE, f"D-{n}", code, "Trần Văn Nam", "truc_tiep", "", AT)
        ledger.hand_over(COMMUNE, "D-0", vn(2023, 3, 1, 10), "chutich", "Ký", date(2023, 3, 2))
        ledger.request_supplement(COMMUNE, "D-0", vn(2023, 3, 1, 11), "Thiếu bản sao")
        ledger.receive_supplement(COMMUNE, "D-0", vn(2023, 3, 2, 9))
        ledger.apologise(COMMUNE, "D-0", vn(2023, 3, 9, 9), date(2023, 3, 20), "Chờ xác minh")
        ledger.pay_fee(COMMUNE, "D-0", vn(2023, 3, 9, 10), 20000, "tien_mat")
        ledger.correct_dossier(COMMUNE, "D-0", vn(2023, 3, 9, 11), 1, "Nhập nhầm kênh",
                               {"channel": "truc_tuyen", "online_mode": "mot_phan",
                                "occurred_at": AT.isoformat()})
        ledger.resolve_dossier(COMMUNE, "D-0", vn(2023, 3, 10, 9), True, True)
        ledger.return_dossier(COMMUNE, "D-0", vn(2023, 3, 10, 10))
        ledger.refuse_dossier(COMMUNE, "D-1", vn(2023, 3, 1, 10), "Không thuộc thẩm quyền")
        ledger.withdraw_dossier(COMMUNE, "D-2", vn(2023, 3, 1, 10), "Người nộp rút")
        ledger.stop_dossier(COMMUNE, "D-3", vn(2023, 3, 1, 10), "Người nộp mất")
    with acting_as("admin"):  # D-4 (3 working days, due 6/3... moved) is still open
        ledger.declare_day_off(COMMUNE, date(2023, 3, 2), "Bão")
    with acting_as("lan"):  # the document register
        for number, day in (("1/KH-UBND", 1), ("2/KH-UBND", 1), ("3/KH-UBND", 6)):
            ledger.issue_document(COMMUNE, number, "ke_hoach", "Kế hoạch", date(2023, 3, day),
                                  "Nguyễn Văn A", False, "phan_loai_rac")
        ledger.sign_document(COMMUNE, 2023, "1/KH-UBND", AT, "Nguyễn Văn A", "0A:1B")
        ledger.publish_document(COMMUNE, 2023, "1/KH-UBND", date(2023, 3, 2), "")
        ledger.correct_document(COMMUNE, 2023, "1/KH-UBND", AT, 2, "Nhầm giờ",
                                {"signed_at": vn(2023, 3, 1, 10).isoformat()})
        ledger.revoke_document(COMMUNE, 2023, "2/KH-UBND", date(2023, 3, 3), "Sai")
        ledger.replace_document(COMMUNE, 2023, "1/KH-UBND", 2023, "3/KH-UBND")
    ledger.id_hash_key = b"log-test-key"
    with acting_as("lan"):  # the citizens' streams
        ledger.record_portal_account(COMMUNE, "Lê Văn Tâm", "001089012345", date(2023, 3, 1),
                                     "lan")
        ledger.receive_feedback(COMMUNE, "PA-1", date(2023, 3, 1), "dien_thoai", "Chậm",
                                "D-0", code)
        ledger.answer_feedback(COMMUNE, "PA-1", date(2023, 3, 3), "5/UBND")
        ledger.correct_feedback(COMMUNE, "PA-1", "Nhập sai", {"received_on": "2023-03-02"})
    with acting_as("chutich"):  # a target, revised and withdrawn
        year = (date(2023, 1, 1), date(2023, 12, 31))
        ledger.set_target(COMMUNE, "online_rate", *year, 0.9, "59/QĐ-UBND",
                          date(2023, 1, 10), "UBND huyện Tứ Kỳ")
        ledger.revise_target(COMMUNE, "online_rate", *year, 0.95, "60/QĐ-UBND",
                             date(2023, 2, 1), "UBND huyện Tứ Kỳ", "Nâng chỉ tiêu")
        ledger.withdraw_target(COMMUNE, "online_rate", *year, "Bãi bỏ")
    with acting_as("chuyenvien"):  # the households stream
        ledger.add_village(COMMUNE, "Mỹ Đức")
        ledger.add_village(COMMUNE, "Mạc")
        ledger.add_village(COMMUNE, "Thôn cũ")
        ledger.rename_village(COMMUNE, "thon-cu", "Thôn Cũ")
        ledger.merge_village(COMMUNE, "thon-cu", "mac")
        ledger.add_supply_item(COMMUNE, "thung", "Thùng rác", "cái")
        ledger.register_household(COMMUNE, "H1", "my-duc", "Nguyễn Văn A", "Xóm 1",
                                  date(2023, 3, 1))
        ledger.enrol_household(COMMUNE, "H1", date(2023, 3, 2))
        ledger.check_household(COMMUNE, "H1", date(2023, 3, 3), False, "Lẫn rác", "Tổ 1")
        ledger.move_household(COMMUNE, "H1", date(2023, 3, 4), "mac")
        ledger.stop_household(COMMUNE, "H1", date(2023, 3, 5), "Chuyển đi")
        ledger.correct_household(COMMUNE, "H1", 2, "Nhập nhầm", {"on": date(2023, 3, 3)})
        ledger.set_monitoring_group(COMMUNE, "mac", "Lê Văn Tổ", ["H1"])
        ledger.set_monitoring_group(COMMUNE, "mac", "Lê Thị Tổ", [])
        ledger.receive_supplies(COMMUNE, "nap_day", 10, "UBND huyện", "12/QĐ-UBND",
                                date(2023, 3, 1))
        ledger.issue_supplies(COMMUNE, "nap_day", 3, date(2023, 3, 2), village="mac",
                              receiver="Trưởng thôn")
    with acting_as("chuyenvien"):  # the violations register
        for code in ("VP-1", "VP-2"):
            ledger.detect_violation(COMMUNE, code, "dat_dai", "mac", "Đồng Bàu", "Lê C",
                                    "Đổ đất", 2021, "Địa chính", date(2023, 3, 1), 20.9, 106.4)
            ledger.record_violation(COMMUNE, code, date(2023, 3, 2), "3/BB")
            ledger.penalise_violation(COMMUNE, code, date(2023, 3, 3), "4/QĐ-XPHC", 2_000_000,
                                      date(2023, 3, 13))
        ledger.comply_violation(COMMUNE, "VP-1", date(2023, 3, 10))
        ledger.enforce_violation(COMMUNE, "VP-2", date(2023, 3, 20))
        ledger.close_violation(COMMUNE, "VP-1", date(2023, 3, 11), "Đã trả lại hiện trạng")
        ledger.attach_violation_evidence(COMMUNE, "VP-1", 2, "ab" * 32, 1024, "image/jpeg",
                                         "bien-ban.jpg")
        ledger.correct_violation(COMMUNE, "VP-1", 1, "Nhầm năm", {"began": 2022, "lat": 21.0})


def stored_rows(service):  # type: ignore[no-untyped-def]
    with service.read() as conn:
        return service.engine.read_page(conn, 1, 10_000)


def test_decoded_events_equal_the_mappers_for_every_kind(service):
    every_kind_of_event(service)
    rows = stored_rows(service)
    # Handlers are also keyed by the old topics of moved classes: compare classes.
    handled = {resolve_topic(t) for p in service.engine.projections.values()
               for t in p.handlers}
    assert handled <= {resolve_topic(row[3]) for row in rows}, \
        "the scenario misses an event kind"
    mapper, decoder = service.ledger.mapper, service.engine.decoder
    assert decoder.shortcut
    for notification in service.ledger.recorder.select_notifications(1, 10_000):
        ours = decoder.decode(*next(r[1:] for r in rows if r[0] == notification.id))
        theirs = mapper.to_domain_event(notification)
        assert type(ours) is type(theirs)
        assert ours.__dict__ == theirs.__dict__
        # An id from SQLite's text is a RecordId: a UUID that keeps its text.
        assert [UUID if type(v) is RecordId else type(v) for v in ours.__dict__.values()] \
            == [type(v) for v in theirs.__dict__.values()]
        assert (str(ours.originator_id), repr(ours.originator_id)) == \
            (str(theirs.originator_id), repr(theirs.originator_id))


def test_a_record_id_is_the_uuid_it_reads():
    plain = uuid4()
    made = RecordId(plain.hex)
    assert made == plain and hash(made) == hash(plain) and {plain: 1}[made] == 1
    assert str(made) == str(plain) == str(made)  # the second time from what it kept
    assert repr(made) == repr(plain) and made.hex == plain.hex
    with pytest.raises(TypeError):
        made.int = 1  # immutable, as a UUID is
    with pytest.raises(ValueError):
        RecordId("not an id")


def test_what_the_shortcut_cannot_read_goes_through_the_mapper(service):
    with acting_as("system"):
        service.record(service.ledger.register_user, "lan", "clerk", COMMUNE)
    row = stored_rows(service)[-1]
    decoder = service.engine.decoder
    # An integer too big for the fast parser is still read, as the mapper reads it.
    big = row[4].replace(b'"commune":', b'"extra":123456789012345678901234567890,"commune":')
    assert decoder.decode(row[1], row[2], row[3], big).extra == 123456789012345678901234567890
    # A typed value no transcoding knows is refused with the mapper's own error.
    unknown = row[4].replace(b'"commune":', b'"extra":{"_type_":"nope","_data_":"1"},'
                                            b'"commune":')
    with pytest.raises(MapperDeserialisationError, match="nope"):
        decoder.decode(row[1], row[2], row[3], unknown)


def test_a_store_with_a_cipher_is_read_by_the_mapper_only(service):
    mapper = service.ledger.mapper
    mapper.cipher = object()  # any cipher: the shortcut must step aside
    try:
        assert not EventDecoder(mapper, uuid_ids(service.ledger.recorder)).shortcut
    finally:
        mapper.cipher = None
