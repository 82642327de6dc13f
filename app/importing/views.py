"""The upload page for ``dossiers`` CSV files (CONTRACT.md format).

The upload is checked in the request, before anything is recorded: its size
(``MAX_CONTENT_LENGTH``, then the importer's own limit), its encoding, its
header, then every row against the user's commune; any problem is answered
at once with the list of ``line N: reason``. A good file is recorded by a
background thread with its own application context, as the uploading user,
so a 10,000-row file never holds a worker past its timeout.

Progress lives in a small JSON file per job under the instance folder
(``instance/imports``, or the ``IMPORT_JOBS_FOLDER`` setting), named by a
random job id: every gunicorn worker reads the same files, so the
page's poll (``imports.progress``: ``GET /imports/progress?job=ID``, every
second, answering "Đã xử lý X/Y dòng") may land on any worker. Only the user
who started a job can read it. A job whose file has not moved for
``STALE_SECONDS`` is shown as interrupted (its worker stopped): a file is
recorded in one transaction, so it is either wholly recorded or not at all,
and uploading it again records whatever is missing, nothing twice. Job files
older than a day are removed at the next upload.
"""

from __future__ import annotations

import json
import logging
import re
import secrets
import threading
import time
from pathlib import Path
from typing import Any

from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.file import FileField, FileRequired
from wtforms import SelectField
from werkzeug.exceptions import RequestEntityTooLarge

from app import service
from app.formatting import number
from app.forms import LedgerForm
from app.importing import ImportInterrupted, documents, dossiers, violations
from app.people.permissions import may
from app.security import write_private
from app.web import CHANGED, wants_fragment
from events.base import acting_as
from events.texts import N_

bp = Blueprint("imports", __name__, url_prefix="/imports")
log = logging.getLogger(__name__)
JOB_ID = re.compile(r"[A-Za-z0-9_-]{16,64}")
STALE_SECONDS = 300
KEEP_SECONDS = 24 * 3600
MAX_NAME = 120
MAX_SHOWN = 500  # bad rows listed on the page; the command line prints all


IMPORTERS: dict[str, Any] = {"documents": documents, "violations": violations}


class UploadForm(LedgerForm):
    file = FileField(_l("Tệp CSV hồ sơ (mã UTF-8)"),
                     validators=[FileRequired(_l("Hãy chọn tệp CSV cần nhập."))],
                     render_kw={"accept": ".csv,text/csv"})
    # What the file holds (CONTRACT.md's formats); dossiers unless said.
    kind = SelectField(_l("Loại dữ liệu"), choices=[("dossiers", _l("Hồ sơ")),
                                                     ("documents", _l("Văn bản")),
                                                     ("violations", _l("Vi phạm"))],
                       default="dossiers")


# -- the job files ---------------------------------------------------------------

class Jobs:
    """One JSON file per import job; written whole and renamed into place, so
    a reader never sees half a file."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def start(self, owner: str, filename: str, total: int) -> dict[str, Any]:
        self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        self._sweep()
        job = {"id": secrets.token_urlsafe(18), "owner": owner, "filename": filename,
               "total": total, "done": 0, "state": "running", "summary": "",
               "conflicts": [], "message": "", "updated": time.time()}
        self._write(job)
        return job

    def read(self, job_id: str) -> dict[str, Any] | None:
        if not JOB_ID.fullmatch(job_id):
            return None
        try:
            job = json.loads(self._path(job_id).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if job["state"] == "running" and time.time() - job["updated"] > STALE_SECONDS:
            job["state"] = "interrupted"
        return job

    def update(self, job: dict[str, Any], **values: Any) -> None:
        job.update(values, updated=time.time())
        self._write(job)

    def _write(self, job: dict[str, Any]) -> None:
        """A job names its file and its conflicting rows: readable by the
        server's user only."""
        write_private(self._path(job["id"]), json.dumps(job, ensure_ascii=False))

    def _path(self, job_id: str) -> Path:
        return self.folder / f"{job_id}.json"

    def _sweep(self) -> None:
        cutoff = time.time() - KEEP_SECONDS
        for old in self.folder.glob("*.json"):
            try:
                if old.stat().st_mtime < cutoff:
                    old.unlink()
            except OSError:
                pass


def jobs() -> Jobs:
    folder = current_app.config.get("IMPORT_JOBS_FOLDER")
    return Jobs(Path(folder) if folder else Path(current_app.instance_path) / "imports")


# -- the pages ------------------------------------------------------------------


def _page(form: UploadForm, job: dict[str, Any] | None = None,
          problems: list[str] | None = None, heading: str = "") -> str:
    template = "imports/_result.html" if wants_fragment() else "imports/index.html"
    return render_template(template, form=form, job=job, problems=problems or [],
                           heading=heading, columns=dossiers.COLUMNS,
                           document_columns=documents.COLUMNS,
                           violation_columns=violations.COLUMNS,
                           max_mb=dossiers.MAX_FILE_BYTES // (1024 * 1024))


@bp.get("")
def index():  # type: ignore[no-untyped-def]
    job = _own_job(request.args["job"]) if "job" in request.args else None
    return _page(UploadForm(formdata=None), job)


@bp.post("")
def upload():  # type: ignore[no-untyped-def]
    form = UploadForm()
    if not form.validate_on_submit():
        return _refused(form, [e for errors in form.errors.values() for e in errors])
    importer = IMPORTERS.get(form.kind.data, dossiers)
    data = form.file.data.read(importer.MAX_FILE_BYTES + 1)
    filename = _clean_name(form.file.data.filename or "")
    if problem := importer.file_problem(data):
        return _refused(form, [problem])
    checked = importer.check_file(service(), current_user.commune, data, filename,
                                  current_user.name)
    if checked.problems:
        return _refused(form, checked.problems, filename)
    job = jobs().start(current_user.name, filename, checked.batch.pending if checked.batch else 0)
    _start(job, current_user.name, checked, importer)
    if not wants_fragment():
        return redirect(url_for("imports.index", job=job["id"]), 303)
    return _page(UploadForm(formdata=None), job)


@bp.get("/progress")
def progress():  # type: ignore[no-untyped-def]
    found = _own_job(request.args.get("job", ""))
    if not wants_fragment():
        return _page(UploadForm(formdata=None), found)
    response = Response(render_template("imports/_job.html", job=found))
    if found["state"] == "done":
        response.headers["HX-Trigger"] = CHANGED
    return response


@bp.errorhandler(RequestEntityTooLarge)
def too_large(_error: Exception):  # type: ignore[no-untyped-def]
    """The body was refused while the CSRF check read it, before the log-in
    gate: only those who may upload see the upload page in answer."""
    if not (current_user.is_authenticated and may(current_user.roles, request.endpoint)):
        return render_template("error.html", status=413,
                               message=_("Tệp tải lên quá lớn.")), 413
    limit = current_app.config.get("MAX_CONTENT_LENGTH") or dossiers.MAX_FILE_BYTES
    return _refused(UploadForm(formdata=None), [
        _("Tệp tải lên quá lớn: tối đa %(size)s. Hãy chia tệp thành nhiều phần rồi nhập "
          "lần lượt.", size=_size(limit))], status=413)


def _own_job(job_id: str) -> dict[str, Any]:
    """A job of the logged-in user; anyone else's is not found."""
    job = jobs().read(job_id)
    if job is None or job["owner"] != current_user.name:
        abort(404)
    return job


def _refused(form: UploadForm, problems: list[str], filename: str = "",
             status: int = 422) -> tuple[str, int]:
    """Nothing was recorded; htmx swaps only 2xx and 422 answers."""
    heading = _("%(file)s: có %(count)s dòng lỗi; chưa ghi nhận gì.", file=filename,
                count=number(len(problems))) if filename else ""
    shown = problems[:MAX_SHOWN]
    if len(problems) > MAX_SHOWN:
        shown.append(_("… và %(count)s dòng lỗi khác: hãy sửa các dòng trên rồi tải lên lại "
                       "để xem tiếp.", count=number(len(problems) - MAX_SHOWN)))
    return _page(form, None, shown, heading), 422 if wants_fragment() else status


def _size(limit: int) -> str:
    return f"{limit // (1024 * 1024)} MB" if limit >= 1024 * 1024 else f"{limit // 1024} KB"


def _clean_name(name: str) -> str:
    """The uploaded file's own name, as ``source`` will carry it: no folders,
    no control characters."""
    base = re.split(r"[\\/]", name)[-1]
    base = "".join(c for c in base if c.isprintable()).strip()
    return (base or "tep-tai-len.csv")[:MAX_NAME]


# -- the background job ---------------------------------------------------------

def _start(job: dict[str, Any], actor: str, checked: Any, importer: Any = dossiers) -> None:
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    thread = threading.Thread(target=_run, args=(app, jobs(), dict(job), actor, checked,
                                                 importer),
                              name=f"import-{job['id'][:8]}", daemon=True)
    thread.start()


def _run(app: Flask, store: Jobs, job: dict[str, Any], actor: str,
         checked: Any, importer: Any = dossiers) -> None:
    with app.app_context(), acting_as(actor):
        try:
            outcome = importer.record_rows(
                service(), checked, lambda done, _total: store.update(job, done=done))
        except ImportInterrupted as interrupted:
            store.update(job, state="failed", message=str(interrupted))
        except Exception:
            log.exception("import %s failed", job["id"])
            store.update(job, state="failed", message=N_(  # the page translates it
                "Hệ thống gặp lỗi khi nhập. Tệp được ghi trọn vẹn hoặc chưa ghi gì: hãy "
                "nhập lại tệp (không có gì bị ghi hai lần), hoặc báo quản trị."))
        else:
            store.update(job, state="done", done=job["total"],
                         summary=outcome.summary(checked.filename),
                         conflicts=outcome.conflicts)
