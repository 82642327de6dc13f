"""Who may do what: one table a reader can audit at a glance.

Every endpoint is listed with the permission it needs. An endpoint missing
from ``ENDPOINTS`` is refused to everyone (a test walks the URL map so none
is forgotten). ``ANY_USER`` marks what every logged-in user may do: their
own password and log-out."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum


class P(StrEnum):
    VIEW_COUNTS = "xem số liệu"
    VIEW_DOSSIERS = "xem hồ sơ"
    RECEIVE_DOSSIER = "tiếp nhận hồ sơ"
    RESOLVE_DOSSIER = "ghi nhận kết quả"
    PROCESS_DOSSIER = "xử lý hồ sơ"
    CORRECT_DOSSIER = "sửa sự kiện đã ghi"
    RETURN_DOSSIER = "trả kết quả"
    MANAGE_USERS = "quản lý người dùng"
    ASSIGN_SCOPE = "giao phạm vi xem"
    VIEW_CATALOGUE = "xem danh mục thủ tục"
    MANAGE_CATALOGUE = "quản lý danh mục thủ tục"
    IMPORT_DATA = "nhập dữ liệu từ tệp"
    SET_TARGETS = "giao chỉ tiêu"
    ANY_USER = "mọi người dùng"
    VIEW_DOCUMENTS = "xem sổ văn bản"
    REGISTER_DOCUMENT = "vào sổ văn bản"
    SIGN_DOCUMENT = "ký số văn bản"
    VIEW_CITIZENS = "xem tài khoản công dân và phản ánh"
    RECORD_CITIZENS = "ghi nhận tài khoản công dân và phản ánh"
    VIEW_VIOLATIONS = "xem sổ vi phạm"
    RECORD_VIOLATIONS = "ghi nhận vi phạm"
    VIEW_AUDIT = "xem nhật ký kiểm tra"
    VIEW_HOUSEHOLDS = "xem hộ phân loại rác và vật tư"
    RECORD_HOUSEHOLDS = "ghi nhận hộ, kiểm tra và vật tư"
    MANAGE_VILLAGES = "quản lý danh mục thôn và vật tư"
    WRITE_REPORT = "soạn và ban hành báo cáo kỳ"
    VIEW_REPORTS = "xem báo cáo định kỳ"


# What every role reads: the counts, the dossiers, the catalogue, the
# documents register, the citizens' accounts and feedback, and the
# households in waste sorting with their supplies.
READ = {P.VIEW_COUNTS, P.VIEW_DOSSIERS, P.VIEW_CATALOGUE, P.VIEW_DOCUMENTS, P.VIEW_CITIZENS,
        P.VIEW_HOUSEHOLDS}

ROLES: dict[str, frozenset[P]] = {
    "clerk":     frozenset(READ | {P.RECEIVE_DOSSIER, P.RETURN_DOSSIER, P.PROCESS_DOSSIER,
                                   P.CORRECT_DOSSIER, P.IMPORT_DATA, P.REGISTER_DOCUMENT,
                                   P.RECORD_CITIZENS}),
    "officer":   frozenset(READ | {P.RESOLVE_DOSSIER, P.PROCESS_DOSSIER, P.CORRECT_DOSSIER,
                                   P.REGISTER_DOCUMENT, P.RECORD_CITIZENS,
                                   P.VIEW_VIOLATIONS, P.RECORD_VIOLATIONS, P.RECORD_HOUSEHOLDS}),
    "leader":    frozenset(READ | {P.PROCESS_DOSSIER, P.SIGN_DOCUMENT, P.SET_TARGETS,
                                   P.VIEW_VIOLATIONS, P.WRITE_REPORT, P.VIEW_REPORTS}),
    "auditor":   frozenset(READ | {P.VIEW_VIOLATIONS, P.VIEW_AUDIT, P.VIEW_REPORTS}),
    "inspector": frozenset(READ | {P.VIEW_VIOLATIONS, P.VIEW_AUDIT, P.VIEW_REPORTS}),
    "admin":     frozenset(READ | {P.MANAGE_USERS, P.MANAGE_CATALOGUE, P.IMPORT_DATA,
                                   P.SET_TARGETS, P.MANAGE_VILLAGES}),
    "province_admin": frozenset(READ | {P.ASSIGN_SCOPE}),
}

OPEN = frozenset({"auth.login", "health.healthz", "health.favicon", "static"})

ENDPOINTS: dict[str, P] = {
    "dashboard.index": P.VIEW_COUNTS,
    "dashboard.counts": P.VIEW_COUNTS,
    "dashboard.fields": P.VIEW_COUNTS,
    "dashboard.charts": P.VIEW_COUNTS,
    "dossiers.index": P.VIEW_DOSSIERS,
    "dossiers.export": P.VIEW_DOSSIERS,
    "dossiers.show": P.VIEW_DOSSIERS,
    "dossiers.receive": P.RECEIVE_DOSSIER,
    "dossiers.refuse": P.RECEIVE_DOSSIER,
    "dossiers.withdraw": P.RECEIVE_DOSSIER,
    "dossiers.receive_supplement": P.RECEIVE_DOSSIER,
    "dossiers.pay_fee": P.RECEIVE_DOSSIER,
    "dossiers.return_result": P.RETURN_DOSSIER,
    "dossiers.hand_over": P.PROCESS_DOSSIER,
    "dossiers.request_supplement": P.PROCESS_DOSSIER,
    "dossiers.apologise": P.PROCESS_DOSSIER,
    "dossiers.resolve": P.RESOLVE_DOSSIER,
    "dossiers.stop": P.RESOLVE_DOSSIER,
    "dossiers.correct": P.CORRECT_DOSSIER,
    "admin.users": P.MANAGE_USERS,
    "admin.export_users": P.MANAGE_USERS,
    "admin.create_user": P.MANAGE_USERS,
    "admin.disable": P.MANAGE_USERS,
    "admin.enable": P.MANAGE_USERS,
    "admin.grant": P.MANAGE_USERS,
    "admin.revoke": P.MANAGE_USERS,
    "admin.reset_password": P.MANAGE_USERS,
    "admin.set_full_name": P.MANAGE_USERS,
    "admin.scopes": P.ASSIGN_SCOPE,
    "admin.assign_scope": P.ASSIGN_SCOPE,
    "admin.calendar": P.MANAGE_CATALOGUE,
    "admin.declare_day_off": P.MANAGE_CATALOGUE,
    "admin.declare_make_up_day": P.MANAGE_CATALOGUE,
    "catalogue.index": P.VIEW_CATALOGUE,
    "catalogue.export": P.VIEW_CATALOGUE,
    "catalogue.counts": P.VIEW_CATALOGUE,
    "catalogue.show": P.VIEW_CATALOGUE,
    "catalogue.qr": P.VIEW_CATALOGUE,
    "catalogue.board": P.VIEW_CATALOGUE,
    "catalogue.list_procedure": P.MANAGE_CATALOGUE,
    "catalogue.amend": P.MANAGE_CATALOGUE,
    "catalogue.abolish": P.MANAGE_CATALOGUE,
    "printing.receipt": P.VIEW_DOSSIERS,
    "printing.control_slip": P.VIEW_DOSSIERS,
    "printing.supplement": P.VIEW_DOSSIERS,
    "printing.refusal": P.VIEW_DOSSIERS,
    "printing.apology": P.VIEW_DOSSIERS,
    "printing.book": P.VIEW_DOSSIERS,
    "printing.export_book": P.VIEW_DOSSIERS,
    "imports.index": P.IMPORT_DATA,
    "imports.upload": P.IMPORT_DATA,
    "imports.progress": P.IMPORT_DATA,
    "report_drafts.draft": P.WRITE_REPORT,
    "report_drafts.save_draft": P.WRITE_REPORT,
    "report_drafts.issue": P.WRITE_REPORT,
    "targets.index": P.VIEW_COUNTS,
    "targets.show": P.VIEW_COUNTS,
    "targets.set_target": P.SET_TARGETS,
    "targets.revise": P.SET_TARGETS,
    "targets.withdraw": P.SET_TARGETS,
    "dashboard.targets": P.VIEW_COUNTS,
    "auth.logout": P.ANY_USER,
    "account.password": P.ANY_USER,
    "account.language": P.ANY_USER,
    "documents.index": P.VIEW_DOCUMENTS,
    "documents.export": P.VIEW_DOCUMENTS,
    "documents.show": P.VIEW_DOCUMENTS,
    "documents.new": P.REGISTER_DOCUMENT,
    "documents.issue": P.REGISTER_DOCUMENT,
    "documents.publish": P.REGISTER_DOCUMENT,
    "documents.revoke": P.REGISTER_DOCUMENT,
    "documents.replace": P.REGISTER_DOCUMENT,
    "documents.correct": P.REGISTER_DOCUMENT,
    "documents.sign": P.SIGN_DOCUMENT,
    "citizens.accounts": P.VIEW_CITIZENS,
    "citizens.export_accounts": P.VIEW_CITIZENS,
    "citizens.record_account": P.RECORD_CITIZENS,
    "citizens.feedback": P.VIEW_CITIZENS,
    "citizens.export_feedback": P.VIEW_CITIZENS,
    "citizens.show_feedback": P.VIEW_CITIZENS,
    "citizens.receive_feedback": P.RECORD_CITIZENS,
    "citizens.answer_feedback": P.RECORD_CITIZENS,
    "citizens.correct_feedback": P.RECORD_CITIZENS,
    "citizens.counts": P.VIEW_COUNTS,
    # The violations register: officers record; leaders, auditors and inspectors read.
    "violations.index": P.VIEW_VIOLATIONS,
    "violations.show": P.VIEW_VIOLATIONS,
    "violations.evidence": P.VIEW_VIOLATIONS,
    "violations.new": P.RECORD_VIOLATIONS,
    "violations.detect": P.RECORD_VIOLATIONS,
    "violations.record": P.RECORD_VIOLATIONS,
    "violations.penalise": P.RECORD_VIOLATIONS,
    "violations.comply": P.RECORD_VIOLATIONS,
    "violations.enforce": P.RECORD_VIOLATIONS,
    "violations.close": P.RECORD_VIOLATIONS,
    "violations.correct": P.RECORD_VIOLATIONS,
    "violations.attach": P.RECORD_VIOLATIONS,
    "dashboard.violations": P.VIEW_COUNTS,
    "audit.index": P.VIEW_AUDIT,
    "audit.verify": P.VIEW_AUDIT,
    "audit.checkpoint": P.VIEW_AUDIT,
    "households.index": P.VIEW_HOUSEHOLDS,
    "households.figures": P.VIEW_HOUSEHOLDS,
    "households.export": P.VIEW_HOUSEHOLDS,
    "households.show": P.VIEW_HOUSEHOLDS,
    "households.village": P.VIEW_HOUSEHOLDS,
    "households.supplies": P.VIEW_HOUSEHOLDS,
    "households.new": P.RECORD_HOUSEHOLDS,
    "households.register": P.RECORD_HOUSEHOLDS,
    "households.enrol": P.RECORD_HOUSEHOLDS,
    "households.stop": P.RECORD_HOUSEHOLDS,
    "households.check": P.RECORD_HOUSEHOLDS,
    "households.move": P.RECORD_HOUSEHOLDS,
    "households.correct": P.RECORD_HOUSEHOLDS,
    "households.set_group": P.RECORD_HOUSEHOLDS,
    "households.enrol_many": P.RECORD_HOUSEHOLDS,
    "households.check_many": P.RECORD_HOUSEHOLDS,
    "households.receive": P.RECORD_HOUSEHOLDS,
    "households.issue": P.RECORD_HOUSEHOLDS,
    "households.reference": P.MANAGE_VILLAGES,
    "households.add_village": P.MANAGE_VILLAGES,
    "households.rename_village": P.MANAGE_VILLAGES,
    "households.merge_village": P.MANAGE_VILLAGES,
    "households.add_item": P.MANAGE_VILLAGES,
    # The period report: the leaders who sign it, and those who read it across
    # communes or check it (DOMAIN.md's auditor and inspector).
    "reports.index": P.VIEW_REPORTS,
    "reports.as_json": P.VIEW_REPORTS,
    "reports.as_html": P.VIEW_REPORTS,
    "reports.as_docx": P.VIEW_REPORTS,
}

def permissions(roles: Iterable[str]) -> frozenset[P]:
    granted: set[P] = {P.ANY_USER}
    for role in roles:
        granted |= ROLES.get(role, frozenset())
    return frozenset(granted)


def may(roles: Iterable[str], endpoint: str | None) -> bool:
    needed = ENDPOINTS.get(endpoint or "")
    return needed is not None and needed in permissions(roles)
