"""Every form fuzzed with Hypothesis: Vietnamese text, markup, control
characters and 100,000-character values never cause a 5xx, and markup that
was submitted never comes back unescaped.

Nothing here lists the routes or the forms: the POST rules come from the URL
map, the user for each from the permission table, and the fields from the
form the view itself builds from the request (seen on a first, empty post).
"""

from __future__ import annotations

import io
import itertools
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache

import pytest
from flask_wtf import FlaskForm
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.routing import Rule
from wtforms import (
    BooleanField,
    DateField,
    DateTimeField,
    DecimalField,
    Field,
    FileField,
    IntegerField,
    SelectField,
    URLField,
)
from wtforms.csrf.core import CSRFTokenField

from app import create_app
from app.people.permissions import ENDPOINTS, OPEN, ROLES, P
from events.application import ROLES as ROLE_NAMES
from events.base import acting_as
from events.dossiers import Dossier
from tests.conftest import COMMUNE, OTHER_COMMUNE, PASSWORD, ZONE, csrf_token, log_in
from tests.web import test_access

RECEIVED = test_access.CODE
RESOLVED = RECEIVED.replace("-0001", "-0002")
# Values for the URL's arguments: a dossier not yet resolved and one resolved
# but not returned (each example gets a fresh copy of either), so that steps
# both succeed and are refused; the dossiers' procedure joins the codes. A
# URL that answers 404 (a procedure's code in a dossier's URL) is not fuzzed.
PATH_ARGS = {"code": [RECEIVED, RESOLVED], "name": ["canbo"]}
# The access tests' document of the commune: its steps succeed once, then are refused.
PATH_ARGS["document_id"] = [test_access.ARGS["document_id"]]
# And its target: revised until it is withdrawn, then refused.
PATH_ARGS["target_id"] = [test_access.ARGS["target_id"]]
# And its violation: taken through its steps, then refused.
PATH_ARGS |= {"violation_id": [test_access.ARGS["violation_id"]],
              "sha256": [test_access.ARGS["sha256"]]}
# And its village and household: enrolled, stopped, checked, moved as the values allow.
PATH_ARGS["village"] = [test_access.ARGS["village"]]
PATH_ARGS["household"] = [test_access.ARGS["household"]]
# And a period, whose report is drafted, then issued once.
PATH_ARGS["period_text"] = ["2023-H1"]
SKIPPED = {"auth.logout"}  # no fields, and it would log the fuzzing user out
# Both encodings a browser may send a form in.
ENCODINGS = ["application/x-www-form-urlencoded", "multipart/form-data"]
# Examples shared out among the endpoints (three shares for the log-in, open
# to anyone): well under a minute in all.
EXAMPLES = int(os.environ.get("LEDGER_FUZZ_EXAMPLES", "400"))
LONG = 100_000

VIETNAMESE = ("ăâđêôơưàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ"
              "ĂÂĐÊÔƠƯẠẶẬỆỘỢỰ Nguyễn Thị Hương Đặng Quốc Việt ")
MARKUP = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'><svg onload=alert(1)>",
    "<svg/onload=alert(1)>",
    '"/onmouseover="alert(1)',
    "</textarea><b>đậm</b>",
    '" autofocus onfocus="alert(1)',
    '<a href="javascript:alert(1)">bấm</a>',
    "{{7*7}}",
    "{% raw %}x{% endraw %}",
    "${7*7}",
]
# Markup whose raw appearance in a page means it was not escaped.
DANGEROUS = [p for p in MARKUP if "<" in p or '"' in p]
NEW_PASSWORD = "mat-khau-moi-du-dai"
# Valid values of fields that the dossier's receipt does not name. Codes and
# user names are often fresh, so that more than one receipt or new user
# succeeds and log-in failures seldom lock a name.
VALID = {"current": st.just(PASSWORD), "password": st.just(PASSWORD),
         "new": st.just(NEW_PASSWORD), "confirm": st.just(NEW_PASSWORD),
         "code": st.integers(0, 9999).map(lambda n: f"{RECEIVED[:-4]}{n:04d}"),
         "name": st.one_of(st.integers(0, 10**9).map(lambda n: f"nguoi-moi-{n}"),
                           st.sampled_from(["canbo", *ROLE_NAMES])),
         "communes": st.just(f"{COMMUNE} {OTHER_COMMUNE}"),
         "to_user": st.sampled_from(["officer", "leader", "canbo"])}
URLS = ["https://dichvucong.gov.vn/p/1.000894", "http://x", "javascript:alert(1)",
        "https://dichvucong.gov.vn/<script>", 'https://a.vn/"onmouseover="alert(1)']
NUMBERS = st.one_of(st.integers(-10, 10**6).map(str), st.integers().map(str),
                    st.sampled_from(["1e9", "NaN", "Infinity", "-0", "１２", "9" * 40]))
# Plausible values that let a form pass validation and reach the ledger.
PLAUSIBLE = [PASSWORD, "canbo", "nguoi-moi", NEW_PASSWORD, COMMUNE,
             f"{COMMUNE} {OTHER_COMMUNE}", "99999", RECEIVED, "Nguyễn Văn An",
             *ROLE_NAMES]

vietnamese = st.text(alphabet=VIETNAMESE, min_size=1, max_size=30)
# The usual suspects (NUL, line breaks, escape, bidi override, BOM), else any
# control, format or line-separator characters.
control = st.one_of(
    st.sampled_from(["\x00", "\r\n", "\t", "\x1b[31m", "\x7f", "\u202e", "\u200b", "\ufeff"]),
    st.text(alphabet=st.characters(codec="utf-8", categories=["Cc", "Cf", "Zl", "Zp"]),
            min_size=1, max_size=5))
piece = st.one_of(vietnamese, st.sampled_from(MARKUP), control, st.text(max_size=10))
with_control = st.tuples(st.text(alphabet=VIETNAMESE, max_size=5), control,
                         st.text(alphabet=VIETNAMESE, max_size=5)).map("".join)
# Markup alone (which survives fields split on spaces), Vietnamese, control
# characters among Vietnamese, or a mixture of all with any other text.
hostile = st.one_of(st.sampled_from(MARKUP), vietnamese, with_control,
                    st.lists(piece, min_size=1, max_size=4).map("".join))


def repeated(text: str) -> str:
    """The text over and over, cut to 100,000 characters."""
    text = text or "ư"
    return (text * (LONG // len(text) + 1))[:LONG]


def padded(parts: tuple[str, str]) -> str:
    """Vietnamese text for 100,000 characters, ending in markup."""
    text, markup = parts
    return repeated(text)[:LONG - len(markup)] + markup


# Built by ``map``, so that no report prints a strategy of 100,000 characters.
long_value = st.one_of(st.just("ư").map(repeated), hostile.map(repeated),
                       st.tuples(vietnamese, st.sampled_from(MARKUP)).map(padded))


@dataclass(frozen=True)
class Upload:
    """A file for a file field: its name and its text."""

    name: str
    text: str

    def texts(self) -> list[str]:
        return [self.name, self.text]


uploads = st.builds(Upload, st.one_of(hostile, hostile.map(lambda s: f"{s}.csv")),
                    st.one_of(hostile, long_value, st.lists(hostile, max_size=5).map(",".join),
                              st.lists(hostile, max_size=5).map("\r\n".join)))


def as_browser_names(text: str) -> str:
    """A name as browsers write it in a multipart body: quotes and line
    breaks percent-encoded (the client here would write them raw)."""
    return text.replace('"', "%22").replace("\r", "%0D").replace("\n", "%0A")


def encoded(data: dict[str, str | Upload], encoding: str) -> tuple[dict, str]:  # type: ignore[type-arg]
    """The body to post, and its encoding: multipart if it carries a file."""
    if not any(isinstance(value, Upload) for value in data.values()) \
            and encoding != "multipart/form-data":
        return data, encoding
    return {as_browser_names(key): (io.BytesIO(value.text.encode()), as_browser_names(value.name))
            if isinstance(value, Upload) else value
            for key, value in data.items()}, "multipart/form-data"


@cache
def _post_endpoints() -> list[str]:
    """Every POST endpoint of the URL map, read from an app built for the purpose."""
    with tempfile.TemporaryDirectory() as folder:
        app = create_app({"DATABASE_URL": f"sqlite:///{folder}/rules.sqlite3",
                          "SECRET_KEY": "rules", "TESTING": True})
        try:
            return sorted({rule.endpoint for rule in app.url_map.iter_rules()
                           if "POST" in (rule.methods or ())})
        finally:
            app.extensions["ledger"].close()


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "endpoint" in metafunc.fixturenames:
        metafunc.parametrize("endpoint", fuzzed_endpoints())


def fuzzed_endpoints() -> list[str]:
    return [e for e in _post_endpoints() if e not in SKIPPED]


def user_for(endpoint: str) -> str | None:
    """A user allowed to use the endpoint; ``None`` for the open log-in."""
    if endpoint in OPEN:
        return None
    needed = ENDPOINTS[endpoint]
    if needed is P.ANY_USER:
        return "canbo"
    role = next((role for role in sorted(ROLES) if needed in ROLES[role]), None)
    return "canbo" if role == "clerk" else role


@pytest.fixture(params=["sqlite", "postgres"])
def fuzz_app(request):  # type: ignore[no-untyped-def]
    """The access tests' app and dossier, on either backend (PostgreSQL
    enforces column lengths and refuses bytes SQLite takes), plus a second
    dossier received the same way and resolved."""
    app = request.getfixturevalue("app" if request.param == "sqlite" else "postgres_app")
    test_access.with_dossiers(app)
    open_like(app, RESOLVED, RESOLVED)
    return app


def receipt(app):  # type: ignore[no-untyped-def]
    """The event that received the access tests' dossier."""
    ledger = app.extensions["ledger"].ledger
    return next(iter(ledger.events.get(Dossier.id_for(COMMUNE, RECEIVED))))


def open_like(app, model: str, code: str) -> str:  # type: ignore[no-untyped-def]
    """A dossier under this code received like the access tests' one, and
    resolved too if the model is ``RESOLVED``: each example then finds its
    dossier as the fixture left it, not as earlier examples made it."""
    svc, received = app.extensions["ledger"], receipt(app)
    with acting_as("canbo"):
        svc.record(svc.ledger.receive_dossier, COMMUNE, code, received.procedure_code,
                   received.applicant, received.channel, received.online_mode,
                   received.occurred_at, received.due_date)
        if model == RESOLVED:
            svc.record(svc.ledger.resolve_dossier, COMMUNE, code,
                       received.occurred_at + timedelta(hours=1), False, False)
        # Feedback under the same code, as the access tests' dossier has.
        svc.record(svc.ledger.receive_feedback, COMMUNE, code, received.occurred_at.date(),
                   "truc_tiep", "Chậm trả kết quả", code)
    return code


COPIES = itertools.count(1)


@dataclass(frozen=True)
class Target:
    """A POST rule with values for its arguments."""

    rule: Rule
    args: tuple[tuple[str, str], ...]

    def url(self, app=None) -> str:  # type: ignore[no-untyped-def]
        """The URL; given the app, with a fresh copy of the rule's dossier."""
        args = dict(self.args)
        if app is not None and args.get("code") in (RECEIVED, RESOLVED):
            args["code"] = open_like(app, args["code"], f"{RECEIVED}-{next(COPIES)}")
        return self.rule.build(args)[1]


def targets(app, endpoint: str, args: dict[str, list[str]]) -> list[Target]:  # type: ignore[no-untyped-def]
    """The endpoint's POST rules over every combination of argument values."""
    found = []
    for rule in app.url_map.iter_rules(endpoint):
        if "POST" not in (rule.methods or ()):
            continue
        names = sorted(rule.arguments)
        for values in itertools.product(*(args[name] for name in names)):
            found.append(Target(rule, tuple(zip(names, values, strict=True))))
    return found


def token(client) -> str:  # type: ignore[no-untyped-def]
    # The log-in page is open to all and carries the client's current CSRF token.
    return csrf_token(client.get("/login").text)


@contextmanager
def forms_built() -> Iterator[list[FlaskForm]]:
    """The forms built from a request's data while the block runs, not the
    blank ones a page renders with ``formdata=None``."""
    built: list[FlaskForm] = []
    original = FlaskForm.__init__

    def spy(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        original(self, *args, **kwargs)
        if kwargs.get("formdata", args[0] if args else "from request") is not None:
            built.append(self)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(FlaskForm, "__init__", spy)
        yield built


def fields_of(forms: list[FlaskForm]) -> list[Field]:
    return [field for form in forms for field in form if not isinstance(field, CSRFTokenField)]


def plausible(field: Field, known: list[str]) -> st.SearchStrategy[str]:
    """Values of the field's own type, so that validation passes sometimes.
    Moments and days stay within 2000–2100: a receipt in year 1 is a known,
    separate problem (it stops the dossiers projection)."""
    if isinstance(field, SelectField):
        return st.sampled_from([choice[0] for choice in field.iter_choices()])
    if isinstance(field, DateTimeField):  # and DateTimeLocalField
        return st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1)) \
            .map(lambda moment: moment.strftime(field.format[0]))
    if isinstance(field, DateField):
        return st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1)) \
            .map(lambda day: day.strftime(field.format[0]))
    if isinstance(field, BooleanField):
        return st.sampled_from(["y", "on", "false", ""])
    if isinstance(field, (IntegerField, DecimalField)):
        return NUMBERS
    if isinstance(field, URLField):
        return st.sampled_from(URLS)
    if isinstance(field, FileField):
        return uploads
    return st.sampled_from(known)


def valid(field: Field, received) -> st.SearchStrategy[str]:  # type: ignore[no-untyped-def]
    """A value the form and the ledger accept, given the dossier's receipt: a
    day after it for moments; for text, the value ``VALID`` gives, else the
    receipt's own for a field named like one of its attributes (the
    procedure, the applicant)."""
    if isinstance(field, SelectField):
        return st.just(next(iter(field.iter_choices()))[0])
    if isinstance(field, DateTimeField):
        later = received.occurred_at.astimezone(ZONE) + timedelta(days=1)
        return st.just(later.strftime(field.format[0]))
    if isinstance(field, DateField):
        return st.just((received.due_date + timedelta(days=2)).strftime(field.format[0]))
    if isinstance(field, BooleanField):
        return st.just("y")
    if isinstance(field, (IntegerField, DecimalField)):
        return st.just("1")
    if isinstance(field, URLField):
        return st.just(URLS[0])
    if isinstance(field, FileField):
        return uploads  # what a file must hold is the form's own business
    if field.short_name in VALID:
        return VALID[field.short_name]
    own = getattr(received, field.short_name, None)
    return st.just(own if isinstance(own, str) else "Nguyễn Văn An")


@st.composite
def form_data(draw, fields: list[Field], known: list[str], received):  # type: ignore[no-untyped-def]
    """The form's fields, either all fuzzed or valid but for a few fuzzed
    ones; a fuzzed field is hostile (twice as often as the rest), missing,
    plausible or 100,000 characters long. Plus a stray field or two the form
    does not know."""
    names = [field.name for field in fields]
    everything = draw(st.booleans())
    fuzzed = set(names) if everything else draw(st.sets(st.sampled_from(names))) if names \
        else set()
    data = {}
    for field in fields:
        value = draw(st.one_of(hostile, st.none(), plausible(field, known), hostile,
                               long_value) if field.name in fuzzed else valid(field, received))
        if value is not None:
            data[field.name] = value
    stray = draw(st.dictionaries(hostile.filter(lambda k: k not in [*names, "csrf_token"]),
                                 hostile, max_size=2))
    return stray | data


def assert_safe(response, submitted: dict[str, str | Upload]) -> None:  # type: ignore[no-untyped-def]
    texts = [*submitted]
    for value in submitted.values():
        texts += value.texts() if isinstance(value, Upload) else [value]
    sent = [p for p in DANGEROUS if any(p in text for text in texts)]
    for answer in [*response.history, response]:
        assert answer.status_code < 500, answer.status_code
        body = answer.get_data(as_text=True)
        for payload in sent:
            assert payload not in body, f"unescaped {payload!r} in a {answer.status_code} page"


ADDRESSES = itertools.count(1)


def address() -> str:
    """A fresh client address, so the log-in throttle locks no address."""
    n = next(ADDRESSES)
    return f"10.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}"


def test_every_post_endpoint_but_log_out_is_fuzzed_by_a_user_allowed_to_post():
    endpoints = _post_endpoints()
    assert {"auth.login", "account.password", "dossiers.receive", "admin.create_user"} \
        <= set(endpoints)
    assert [e for e in endpoints if e in SKIPPED] == ["auth.logout"]
    for endpoint in fuzzed_endpoints():
        assert endpoint in OPEN or user_for(endpoint), endpoint


def test_the_fields_fuzzed_are_those_of_the_form_the_view_builds(fuzz_app):
    officer = fuzz_app.test_client()
    assert log_in(officer, "officer").status_code == 302
    csrf = token(officer)
    with forms_built() as forms:
        officer.post(f"/dossiers/{RECEIVED}/resolve", data={"csrf_token": csrf})
    names = {f.name for f in fields_of(forms)}  # prefixed; not the page's blank forms
    assert "resolve-occurred_at" in names and all(n.startswith("resolve-") for n in names)
    anonymous = fuzz_app.test_client()
    csrf = token(anonymous)
    with forms_built() as forms:
        anonymous.post("/login", data={"csrf_token": csrf})
    assert {f.name for f in fields_of(forms)} == {"name", "password"}


def test_every_form_takes_hostile_values_without_a_5xx_or_unescaped_markup(
        fuzz_app, endpoint):
    """Posted with a valid CSRF token by a user allowed to, every answer (and
    the page a redirect leads to) is below 500, shows no submitted markup
    unescaped, and leaves every projection running."""
    user = user_for(endpoint)
    client = fuzz_app.test_client()
    if user is not None:
        assert log_in(client, user).status_code == 302, user
    received = receipt(fuzz_app)
    args = PATH_ARGS | {"code": [*PATH_ARGS["code"], received.procedure_code]}

    def environ() -> dict[str, str]:
        return {"REMOTE_ADDR": address()} if user is None else {}

    usable, fields = [], {}
    for target in targets(fuzz_app, endpoint, args):
        csrf = token(client)
        with forms_built() as forms:  # an empty post shows which form the view reads
            probe = client.post(target.url(), data={"csrf_token": csrf}, environ_base=environ())
        if probe.status_code != 404:
            assert probe.status_code in (200, 303, 422), (target.url(), probe.status_code)
            usable.append(target)
            fields |= {field.name: field for field in fields_of(forms)}
    assert usable, endpoint
    known = [*PLAUSIBLE, received.procedure_code, received.applicant]
    # Log-in and the password page count wrong passwords: five lock the account (429).
    throttled = user is None or endpoint == "account.password"
    expected = (200, 422, 429) if throttled else (200, 422)

    share = max(8, EXAMPLES // len(fuzzed_endpoints()))

    @settings(max_examples=share * (3 if user is None else 1), deadline=None,
              print_blob=True, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                      HealthCheck.too_slow])
    @given(target=st.sampled_from(usable), data=form_data(list(fields.values()), known, received),
           htmx=st.booleans(), encoding=st.sampled_from(ENCODINGS))
    def fuzz(target: Target, data: dict[str, str | Upload], htmx: bool, encoding: str) -> None:
        url = target.url(fuzz_app)
        body, content_type = encoded(data | {"csrf_token": token(client)}, encoding)
        response = client.post(
            url, data=body, content_type=content_type, follow_redirects=True,
            headers={"HX-Request": "true"} if htmx else {}, environ_base=environ())
        assert_safe(response, data)
        assert response.status_code in expected, (url, response.status_code)
        # Nothing recorded may stop a projection: the pages would go stale.
        assert client.get("/healthz").json["failing"] == []

    fuzz()
