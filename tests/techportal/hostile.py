"""Hostile input for the public forms: named values, raw posts, and what a safe answer looks like.

Shared by the `test_hostile_*.py` modules. Each public form is attacked three ways:

- a hostile value in one field at a time, the rest of the form valid ("rotation": a value goes
  to the next field that takes its kind of value, so every field gets its share); accepted
  values are followed to every page and email that shows them again;
- a hostile value in every field at once (each field × each value, one request per value);
- structural attacks (`STRUCTURAL`): unknown extra fields, required fields missing, fields sent
  twice, other content types, a 1 MB body, too many fields, GET instead of POST.

The first two are the fixtures `attack_each_field` and `attack_every_field` (conftest.py).

The values come in tiers, to keep the whole set to seconds: `HOSTILE` (all of them) for the
catalogue's search parameters and the language switch, `CORE` (one of each kind of attack) for
the event list and the login, `ONE_FIELD` for one field at a time in the POST forms, and
`AT_ONCE` (the ones most likely to break any field) for every field at once. Each case is a
subtest in a savepoint rolled back afterwards (`each`), so the fixtures are made once per form
and every case starts from the same rows.
"""

from __future__ import annotations

import ipaddress
import json
import re
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import urlencode

from django import forms
from django.apps import apps
from django.db import connection, transaction
from django.utils.html import escape

from techportal.forms import MARKUP, refuse_markup

# --- the values --------------------------------------------------------------------------------

# What a value is aimed at; a form names the fields that take each kind (see `rotation`).
TEXT = "text"
EMAIL = "email"
POSTCODE = "postcode"
NUMBER = "number"
DATE = "date"
URL = "url"
CHOICE = "choice"

MB = 1_000_000


@dataclass(frozen=True)
class Hostile:
    """One named hostile value and the kind of field it is aimed at."""

    name: str
    value: str
    aim: str = TEXT

    def __str__(self) -> str:  # the pytest id
        return self.name

    @property
    def has_markup(self) -> bool:
        """Whether escaping changes it: then it must never come back unescaped."""
        return escape(self.value) != self.value


HOSTILE: list[Hostile] = [
    # over-length (max_length + 1 of each field: `assert_too_long_refused`)
    Hostile("10k", "a" * 10_000),
    Hostile("1mb", "a" * MB),
    Hostile("1mb-words", "lassen " * (MB // 7)),
    # NUL and other control or invisible characters
    Hostile("nul-inside", "Jan\x00de Vries"),
    Hostile("nul-alone", "\x00"),
    Hostile("nul-url-encoded-text", "%00"),
    Hostile("rtl-override", "Jansen\u202egnp.exe"),
    Hostile("bidi-isolates", "\u2066abc\u2069\u2067def\u2069"),
    Hostile("zero-width", "Jan\u200b\u200c\u200d\ufeffsen"),
    Hostile("zero-width-only", "\u200b\u200b"),
    Hostile("lone-high-surrogate", "Jan\ud800sen"),  # sent as its CESU-8 bytes: invalid UTF-8
    Hostile("lone-low-surrogate", "\udfff"),
    Hostile("invalid-utf8-replacement", "\ufffd\ufffe\uffff"),
    Hostile("control-chars", "a\x01\x07\x08\x1b[31mb\x7f"),
    Hostile("crlf-header", "a\r\nBcc: x@y.nl"),
    Hostile("lf-only", "regel een\nregel twee"),
    Hostile("tab", "\t"),
    Hostile("only-spaces", "   "),
    Hostile("empty", ""),
    Hostile("combining-zalgo", "Z\u0336\u0327a\u0337\u0315l\u0338g\u0334o\u0335" * 20),
    Hostile("emoji", "Gastles 🚀🔧👩‍🔧"),
    Hostile("emoji-flag", "🇳🇱"),
    Hostile("astral-plane", "𝔗𝔢𝔠𝔥𝔫𝔦𝔢𝔨"),
    Hostile("ligature-normalisation", "ﬁets ｆｕｌｌｗｉｄｔｈ"),
    # markup and script
    Hostile("script-tag", "<script>alert(1)</script>"),
    Hostile("script-upper", "<SCRIPT>alert(1)</SCRIPT>"),
    Hostile("attr-breaker-double", '"><img src=x onerror=alert(1)>'),
    Hostile("attr-breaker-single", "'><svg onload=alert(1)>"),
    Hostile("attr-breaker-unquoted", "x onmouseover=alert(1) y="),
    Hostile("entity-encoded-script", "&#60;script&#62;alert(1)&#60;/script&#62;"),
    Hostile("html-comment", "<!-- -->"),
    Hostile("template-syntax", "{{ request.META }}{% debug %}"),
    Hostile("javascript-url", "javascript:alert(1)", aim=URL),
    Hostile("javascript-url-mixed-case", " JaVaScRiPt:alert(1)", aim=URL),
    Hostile("data-url", "data:text/html,<script>alert(1)</script>", aim=URL),
    Hostile("protocol-relative-url", "//evil.example/", aim=URL),
    Hostile("url-with-credentials", "https://user:pw@evil.example/", aim=URL),
    # SQL, tsquery and LIKE syntax
    Hostile("sql-or", "' OR 1=1 --"),
    Hostile("sql-drop", "'; DROP TABLE x; --"),
    Hostile("sql-union", "1 UNION SELECT password FROM auth_user"),
    Hostile("sql-comment", "*/ /*"),
    Hostile("tsquery-operators", "a & | !b"),
    Hostile("tsquery-prefix", "a:*"),
    Hostile("tsquery-parens", "((("),
    Hostile("tsquery-bangs", "!!"),
    Hostile("tsquery-followed-by", "<->"),
    Hostile("tsquery-weights", "lassen:AB & robot:*D"),
    Hostile("single-quote", "'"),
    Hostile("double-quote", '"'),
    Hostile("backslash", "\\"),
    Hostile("like-percent", "%", aim=CHOICE),
    Hostile("like-underscore", "_", aim=CHOICE),
    Hostile("like-mixed", "%_%\\%"),
    Hostile("regex-syntax", ".*[(?"),
    Hostile("path-traversal", "../../etc/passwd"),
    Hostile("percent-encoded-script", "%3Cscript%3Ealert(1)%3C/script%3E"),
    # numbers as text
    Hostile("number", "42", aim=NUMBER),
    Hostile("negative", "-1", aim=NUMBER),
    Hostile("zero", "0", aim=NUMBER),
    Hostile("huge-int", "99999999999999999999", aim=NUMBER),
    Hostile("signed-huge-int", "+99999999999999999999", aim=NUMBER),
    Hostile("int64-overflow", "9223372036854775808", aim=NUMBER),
    Hostile("float", "24.5", aim=NUMBER),
    Hostile("exponent", "1e308", aim=NUMBER),
    Hostile("nan", "NaN", aim=NUMBER),
    Hostile("infinity", "Infinity", aim=NUMBER),
    Hostile("hex", "0x10", aim=NUMBER),
    Hostile("arabic-digits", "٢٤", aim=NUMBER),
    Hostile("fullwidth-digits", "２４", aim=NUMBER),
    Hostile("id-or-1", "1 OR 1", aim=NUMBER),
    Hostile("id-list", "1,2,3", aim=NUMBER),
    # dates
    Hostile("impossible-date", "2025-02-30", aim=DATE),
    Hostile("far-future-date", "9999-12-31", aim=DATE),
    Hostile("year-zero", "0000-01-01", aim=DATE),
    Hostile("five-digit-year", "10000-01-01", aim=DATE),
    Hostile("date-with-time", "2030-01-01T00:00:00+99:00", aim=DATE),
    # email addresses
    Hostile("email-no-at", "jan.example.nl", aim=EMAIL),
    Hostile("email-two-ats", "jan@de@example.nl", aim=EMAIL),
    Hostile("email-display-name", "Jan <jan@example.nl>", aim=EMAIL),
    Hostile("email-crlf-bcc", "jan@example.nl\r\nBcc: x@y.nl", aim=EMAIL),
    Hostile("email-comma-list", "jan@example.nl,piet@example.nl", aim=EMAIL),
    Hostile("email-quoted-local", '"jan de vries"@example.nl', aim=EMAIL),
    Hostile("email-idn", "jan@bücher.example", aim=EMAIL),
    Hostile("email-trailing-dot", "jan@example.nl.", aim=EMAIL),
    Hostile("email-local-65", "j" * 65 + "@example.nl", aim=EMAIL),
    Hostile("email-ip-literal", "jan@[127.0.0.1]", aim=EMAIL),
    Hostile("email-script", "<script>@example.nl", aim=EMAIL),
    # postcodes
    Hostile("postcode-lower-spaced", " 1011 ab ", aim=POSTCODE),
    Hostile("postcode-forbidden-letters", "1234 SA", aim=POSTCODE),
    Hostile("postcode-leading-zero", "0123 AB", aim=POSTCODE),
    Hostile("postcode-pc4-only", "1011", aim=POSTCODE),
    Hostile("postcode-too-long", "1011 ABC", aim=POSTCODE),
    Hostile("postcode-unknown-area", "9999 ZZ", aim=POSTCODE),
    Hostile("postcode-belgian", "B-1000", aim=POSTCODE),
]

BY_NAME = {hostile.name: hostile for hostile in HOSTILE}
assert len(BY_NAME) == len(HOSTILE), "hostile values need unique names"
assert len(HOSTILE) >= 50


# One of each kind of attack: one field at a time in the POST forms (each request renders a page).
CORE_NAMES = (
    "10k", "1mb", "nul-inside", "nul-alone", "rtl-override", "zero-width", "lone-high-surrogate",
    "control-chars", "crlf-header", "only-spaces", "emoji", "combining-zalgo", "script-tag",
    "attr-breaker-double", "attr-breaker-single", "attr-breaker-unquoted", "template-syntax",
    "javascript-url", "sql-or", "sql-drop", "tsquery-operators", "tsquery-prefix",
    "tsquery-parens", "tsquery-followed-by", "single-quote", "like-percent", "like-underscore",
    "number", "negative", "huge-int", "signed-huge-int", "nan", "arabic-digits", "id-or-1",
    "impossible-date", "far-future-date", "five-digit-year", "email-crlf-bcc",
    "email-display-name", "email-idn", "postcode-forbidden-letters", "postcode-pc4-only",
)
CORE = [BY_NAME[name] for name in CORE_NAMES]

# The values most likely to break a field of any type: put in every field at once (each field ×
# each of these, one request per value), and used where a page has no fields of its own.
AT_ONCE_NAMES = (
    "10k", "nul-inside", "nul-alone", "lone-high-surrogate", "lone-low-surrogate",
    "control-chars", "crlf-header", "emoji", "script-tag", "attr-breaker-double", "sql-or",
    "signed-huge-int", "nan", "arabic-digits", "five-digit-year", "email-crlf-bcc",
)
AT_ONCE = [BY_NAME[name] for name in AT_ONCE_NAMES]

# One field at a time in the POST forms, the rest valid: those, and values a name or a message
# may well carry on to the stored row, its pages and its emails. (Every refused request renders
# a whole form page again: not every value.)
ONE_FIELD_NAMES = (
    *AT_ONCE_NAMES, "1mb", "rtl-override", "zero-width", "attr-breaker-single",
    "template-syntax", "tsquery-operators", "far-future-date", "huge-int", "email-idn",
)
ONE_FIELD = [BY_NAME[name] for name in ONE_FIELD_NAMES]


# Values small enough to repeat a parameter many times (a URL of 1 MB × 60 helps nobody).
SHORT = [hostile for hostile in HOSTILE if len(hostile.value) <= 1_000]


def over_length(max_length: int) -> str:
    return "x" * (max_length + 1)


def too_long(fields: Mapping[str, object]) -> dict[str, str]:
    """Every text field one character longer than its max_length."""
    return {
        name: over_length(field.max_length)
        for name, field in fields.items()
        if isinstance(field, forms.CharField) and field.max_length
    }


def assert_too_long_refused(client, path: str, valid: Mapping, fields: Mapping) -> None:
    """Every text field at max_length + 1 at once: refused, each with an error of its own."""
    over = too_long(fields)
    tables = Tables()
    response = post_form(client, path, dict(valid) | over)
    assert_safe(response)
    assert_refused(response, tables)
    named = {error.field_id.removeprefix("id_") for error in response.context["errors"]}
    assert set(over) <= named, set(over) - named


def at_max_length(fields: Mapping[str, object]) -> dict[str, str]:
    """Every plain-text field filled to exactly its max_length: the longest the form accepts,
    which its database column must hold too (or the accepted form is a server error)."""
    return {
        name: "é" * field.max_length
        for name, field in fields.items()
        if isinstance(field, forms.CharField)
        and field.max_length
        and refuse_markup in field.validators
    }


# Strings that must never reach a page unescaped, whatever was posted (they would run).
NEVER_RAW = (
    "<script>alert",
    "<SCRIPT>alert",
    "<img src=x",
    "<svg onload",
    '"><img',
    "'><svg",
)
NEVER_RAW_PATTERNS = (
    re.compile(r"""(?:href|src|action|formaction)\s*=\s*["']?\s*(?:javascript|data):""", re.I),
    # The unquoted-attribute breaker is harmless as text, but not inside a tag.
    re.compile(r"""<[a-z]+[^>]*\sx\s+onmouseover=""", re.I),
)


# --- posting raw form data ---------------------------------------------------------------------

FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"
Data = Mapping[str, str | Sequence[str]] | Sequence[tuple[str, str]]


def encode(data: Data) -> str:
    """Form data as a browser would encode it, but also with lone surrogates (sent as the
    invalid UTF-8 bytes Python's `surrogatepass` makes) and with fields repeated at will."""
    pairs = data.items() if isinstance(data, Mapping) else data
    return urlencode(list(pairs), doseq=True, errors="surrogatepass")


def unique_address() -> str:
    """An IP address no other request has posted from: its own rate-limit count."""
    return str(ipaddress.IPv6Address(uuid.uuid4().int))


def post_form(client, path: str, data: Data, **extra):
    return client.post(
        path, encode(data), content_type=FORM_CONTENT_TYPE, REMOTE_ADDR=unique_address(), **extra
    )


def get_query(client, path: str, data: Data, **extra):
    return client.get(f"{path}?{encode(data)}", **extra)


def changed(data: Mapping, **changes) -> dict:
    """`data` with `changes`; a change to None leaves that field out."""
    result = dict(data) | changes
    return {name: value for name, value in result.items() if value is not None}


def set_field(data: Mapping, name: str, value: str, multiple: bool) -> dict:
    return changed(data, **{name: [value] if multiple else value})


# --- which field a value goes to ---------------------------------------------------------------


def aims_of(field: forms.Field) -> set[str]:
    """The kinds of hostile value a form field is a natural target for."""
    if isinstance(field, forms.ModelChoiceField):
        return {NUMBER, CHOICE}
    if isinstance(field, forms.URLField):
        return {URL, TEXT}
    if isinstance(field, forms.EmailField):
        return {EMAIL, TEXT}
    if isinstance(field, forms.IntegerField):
        return {NUMBER}
    if isinstance(field, forms.DateField):
        return {DATE, NUMBER}
    if isinstance(field, forms.ChoiceField | forms.BooleanField | forms.UUIDField):
        return {CHOICE, NUMBER}
    if getattr(getattr(field, "normalise", None), "__name__", "") == "normalise_postcode":
        return {POSTCODE, TEXT}
    return {TEXT, POSTCODE, EMAIL, URL}


@dataclass(frozen=True)
class Case:
    field: str
    hostile: Hostile

    def __str__(self) -> str:
        return f"{self.field}={self.hostile.name}"


Fields = Mapping[str, forms.Field | set[str]]


def rotation(fields: Fields, values: Iterable[Hostile] = HOSTILE) -> list[Case]:
    """Each value once, into the next field (in turn) that takes its kind; every field is hit.

    `fields` maps a posted name to its form field, or (for a plain parameter) to the kinds of
    value it takes.
    """

    def aims(name: str) -> set[str]:
        field = fields[name]
        return field if isinstance(field, set) else aims_of(field)

    names = list(fields)
    cases = []
    position = dict.fromkeys((TEXT, EMAIL, POSTCODE, NUMBER, DATE, URL, CHOICE), 0)
    for hostile in values:
        targets = [name for name in names if hostile.aim in aims(name)] or names
        field = targets[position[hostile.aim] % len(targets)]
        position[hostile.aim] += 1
        cases.append(Case(field, hostile))
    missed = set(names) - {case.field for case in cases}
    for name in sorted(missed):  # a field no kind aimed at: give it the worst of them
        cases += [Case(name, BY_NAME["nul-alone"]), Case(name, BY_NAME["script-tag"])]
    return cases


def must_refuse(field: forms.Field | set[str], value: str) -> bool:
    """Whether the form promises to refuse `value` in `field` (beyond what else it checks)."""
    if not isinstance(field, forms.CharField):
        return False
    posted = value.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
    cleaned = posted.strip() if field.strip else posted
    if "\x00" in posted:
        return True
    if field.max_length is not None and len(cleaned) > field.max_length:
        return True
    return refuse_markup in field.validators and bool(MARKUP.search(cleaned))


# --- what every answer must be -----------------------------------------------------------------

ALLOWED_STATUSES = {200, 302, 400, 403, 404, 405, 409, 413, 429}
# Django's English messages, which must never reach a Dutch page.
ENGLISH = ("This field", "Enter a valid", "Ensure this value", "Select a valid", "Bad Request")


def body_of(response) -> str:
    return response.content.decode("utf-8", "replace")


def assert_safe(response, *payloads: str) -> None:
    """No server error, no payload unescaped, no header split by a line break."""
    assert response.status_code in ALLOWED_STATUSES, response.status_code
    for name, value in response.items():
        assert "\r" not in value and "\n" not in value, (name, value)
        assert name.lower() not in {"bcc", "cc"}, name
    location = response.get("Location", "")
    assert not re.match(r"\s*(javascript|data):", location, re.I), location
    assert not location.startswith("//") and "evil.example" not in location, location
    body = body_of(response)
    for marker in NEVER_RAW:
        assert marker not in body, f"unescaped {marker!r} in the page"
    for pattern in NEVER_RAW_PATTERNS:
        found = pattern.search(body)
        assert found is None, f"dangerous {found.group(0)!r} in the page"
    for payload in payloads:
        if escape(payload) != payload and 3 <= len(payload) <= 10_000:
            assert payload not in body, f"{payload[:60]!r} came back unescaped"


def error_summary(response) -> list[str]:
    """The lines of the error summary at the top of a form page (text, as HTML)."""
    box = re.search(r'id="foutmeldingen"[^>]*>(.*?)</div>', body_of(response), re.S)
    return re.findall(r"<li>(.*?)</li>", box.group(1), re.S) if box else []


def alerts(response) -> list[str]:
    """The text of every alert on the page (the error summary, a refusal), as HTML."""
    return re.findall(r'<div\b[^>]*\brole="alert"[^>]*>(.*?)</div>', body_of(response), re.S)


def assert_dutch(text: str) -> None:
    for english in ENGLISH:
        assert english not in text, f"English {english!r} on a Dutch page"


# templates/400.html: Django's answer to a request it cannot read (too big, too many fields).
UNREADABLE = "Dit verzoek kon niet worden verwerkt"


def assert_refused(response, tables: Tables, *, status: int = 400) -> None:
    """A refused form: the status, a Dutch error summary (or, for a body Django would not
    read at all, the Dutch 400 page), and nothing stored or changed."""
    assert response.status_code == status, (response.status_code, error_summary(response))
    lines = error_summary(response) or alerts(response)
    if not lines:
        assert UNREADABLE in body_of(response), "refused without a Dutch error"
    assert_dutch(" ".join(lines) or body_of(response))
    tables.assert_unchanged()


# --- every project table, before and after -----------------------------------------------------

# django-axes logs every login attempt (that is its job): the only tables a refusal may write.
LOGGING_APPS = {"axes"}


def project_tables() -> list[str]:
    return sorted(
        {
            model._meta.db_table
            for model in apps.get_models(include_auto_created=True)
            if model._meta.managed
            and not model._meta.proxy
            and model._meta.app_label not in LOGGING_APPS
        }
    )


def table_state() -> dict[str, tuple[int, int]]:
    """Per table its row count and the rows this transaction has written to it so far
    (inserted, updated or deleted: PostgreSQL's pg_stat_xact_user_tables), in one statement.

    The write count catches what a row count cannot: an update, or an insert and a delete.
    """
    quote = connection.ops.quote_name
    count = "SELECT %s, count(*) FROM "  # + a table name from the model registry, quoted
    counts = " UNION ALL ".join(count + quote(table) for table in project_tables())
    sql = (
        "WITH counts(name, total) AS (" + counts + ") "
        "SELECT name, total, coalesce(s.n_tup_ins + s.n_tup_upd + s.n_tup_del, 0) "
        "FROM counts LEFT JOIN pg_stat_xact_user_tables AS s "
        "ON s.relname = counts.name AND s.schemaname = current_schema()"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, project_tables())
        return {table: (rows, writes) for table, rows, writes in cursor.fetchall()}


class Tables:
    """What every project table held when made; `assert_unchanged` compares with now."""

    def __init__(self) -> None:
        self.before = table_state()

    def changes(self) -> dict[str, tuple[int, int]]:
        """{table: (rows before, rows after)} for every table whose rows changed."""
        after = table_state()
        return {
            table: (self.before[table][0], after[table][0])
            for table in after
            if after[table] != self.before.get(table)
        }

    def assert_unchanged(self) -> None:
        changes = self.changes()
        assert not changes, f"a refused request stored or changed rows: {changes}"

    def new_rows(self) -> dict[str, int]:
        return {table: after - before for table, (before, after) in self.changes().items()}


# --- structural attacks ------------------------------------------------------------------------

EXTRA_FIELDS = {
    "id": "1",
    "pk": "1",
    "status": "published",
    "is_staff": "on",
    "is_superuser": "on",
    "region": "1",
    "organisation": "1",
    "reference": "TP-2000-00001",
    "created_at": "2000-01-01",
    "__proto__[admin]": "1",
    "<script>alert(1)</script>": "<script>alert(1)</script>",
    "csrfmiddlewaretoken": "forged",
}


SCRIPT = "<script>alert(1)</script>"
MULTIPART = "multipart"  # let the test client encode it, as a browser with a file field would


@dataclass(frozen=True)
class Structural:
    """An attack on the shape of a request rather than on one value.

    `build(valid_data)` gives the body and its content type; `refused` is True when the form
    must refuse it, None when either outcome is fine as long as it is a clean one.
    """

    name: str
    build: Callable[[dict], tuple[object, str]]
    refused: bool | None = True

    def __str__(self) -> str:
        return self.name


def _with_file(data: dict) -> dict:
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("x.html", SCRIPT.encode() * 40_000, content_type="text/html")
    return data | {"upload": upload}


STRUCTURAL = [
    Structural("extra-unknown-fields", lambda d: (encode(d | EXTRA_FIELDS), FORM_CONTENT_TYPE),
               refused=None),
    Structural("everything-missing", lambda d: ("", FORM_CONTENT_TYPE)),
    Structural("sent-twice-script-last",
               lambda d: (encode(duplicated(d, SCRIPT)), FORM_CONTENT_TYPE)),
    Structural("json", lambda d: (json.dumps(d), "application/json")),
    Structural("text-plain", lambda d: (encode(d), "text/plain")),
    Structural("utf16-charset", lambda d: (encode(d), f"{FORM_CONTENT_TYPE}; charset=utf-16"),
               refused=None),
    Structural("broken-multipart", lambda d: ("--x\r\n", "multipart/form-data; boundary=x")),
    Structural("multipart-with-a-1mb-file", lambda d: (_with_file(d), MULTIPART), refused=None),
    Structural("1mb-binary-body", lambda d: (one_mb_body(), FORM_CONTENT_TYPE)),
    Structural("1mb-field-name", lambda d: ("a" * MB, FORM_CONTENT_TYPE)),
    Structural("1001-fields", lambda d: (too_many_fields(), FORM_CONTENT_TYPE)),
    Structural("3mb-body", lambda d: (encode(d | {"x": "b" * 3 * MB}), FORM_CONTENT_TYPE)),
]


def structural_attack(
    client, path: str, valid: dict, attack: Structural, *, refusal_status: int = 400
):
    """POST `attack` built from `valid`; a refusal must be clean, nothing stored."""
    tables = Tables()
    body, content_type = attack.build(valid)
    if content_type == MULTIPART:
        response = client.post(path, body, REMOTE_ADDR=unique_address())
    else:  # sent as it is: `client.post` would re-encode the body in the named charset
        response = client.generic(
            "POST", path, body, content_type=content_type, REMOTE_ADDR=unique_address()
        )
    assert_safe(response, SCRIPT)
    if attack.refused or (attack.refused is None and response.status_code != 302):
        # Django refuses a body it cannot read (too big, too many fields) before any view.
        unreadable = response.status_code == 400 and UNREADABLE in body_of(response)
        assert_refused(response, tables, status=400 if unreadable else refusal_status)
    return response


def assert_get_stores_nothing(client, path: str, valid: dict) -> None:
    """The form's data sent by GET (a link, a prefetch) shows a page and stores nothing."""
    tables = Tables()
    response = client.get(f"{path}?{encode(valid)}")
    assert_safe(response)
    assert response.status_code == 200
    tables.assert_unchanged()


def assert_other_methods_not_allowed(client, path: str) -> None:
    tables = Tables()
    for method in ("put", "patch", "delete"):
        response = getattr(client, method)(path, "x=1")
        assert response.status_code == 405, (method, response.status_code)
    tables.assert_unchanged()


def too_many_fields() -> str:
    return "&".join(f"f{n}=1" for n in range(1_001))


def one_mb_body() -> bytes:
    """1 MB of every byte value, as if it were form data."""
    return bytes(range(256)) * (MB // 256 + 1)


def duplicated(data: Mapping[str, str | Sequence[str]], second: str) -> list[tuple[str, str]]:
    """Every field sent twice: first its valid value, then `second`."""
    pairs: list[tuple[str, str]] = []
    for name, value in data.items():
        values = [value] if isinstance(value, str) else list(value)
        pairs += [(name, v) for v in values] + [(name, second)]
    return pairs


def all_fields(names: Iterable[str], value: str, multiple: set[str]) -> dict:
    """Every field set to `value` (multiple-choice fields as a one-item list)."""
    return {name: [value] if name in multiple else value for name in names}


def multiple_fields(fields: Fields) -> set[str]:
    return {name for name, field in fields.items() if isinstance(field, forms.MultipleChoiceField)}


def prefixed(form: forms.Form) -> dict[str, forms.Field]:
    """A form's fields by the names they are posted under (with the form's prefix)."""
    return {form.add_prefix(name): field for name, field in form.fields.items()}


def ids(cases: Iterable[object]) -> Iterator[str]:
    return (str(case) for case in cases)


# --- one attack, start to finish ---------------------------------------------------------------


@contextmanager
def rolled_back():
    """A savepoint rolled back afterwards: each case starts from the same rows, and a database
    error in one case cannot spoil the next."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def each(subtests, cases: Iterable[object], check: Callable[[object], None]) -> None:
    """`check(case)` for every case, each a subtest of its own (all run; each failure is
    reported with its case), each in a savepoint rolled back afterwards.

    Subtests rather than parametrized tests: the fixtures are made once for all the cases of
    a form, which halves the time of the whole set.
    """
    for case in cases:
        with subtests.test(msg=str(case)), rolled_back():
            check(case)


def assert_safe_mail(messages, *payloads: str) -> None:
    """Emails a stored hostile value went into: one-line headers, the HTML part escaped."""
    for message in messages:
        for name, value in message.message().items():
            assert "\n" not in value.replace("\n ", "").replace("\n\t", ""), (name, value)
        for html, _mimetype in getattr(message, "alternatives", []):
            for marker in NEVER_RAW:
                assert marker not in html, f"unescaped {marker!r} in an email"
            for payload in payloads:
                if escape(payload) != payload and 3 <= len(payload) <= 10_000:
                    assert payload not in html, f"{payload[:60]!r} unescaped in an email"


def attack(client, capture, path: str, data: Data, *, payload: str, refuse: bool, accepted):
    """POST `data`; a refusal must be clean, an acceptance is checked by `accepted(response,
    tables)`. On-commit work (routing, emails) runs, so a stored value goes all the way."""
    from django.core import mail

    mail.outbox = []
    tables = Tables()
    with capture(execute=True):
        response = post_form(client, path, data)
    assert_safe(response, payload)
    if refuse or response.status_code != 302:
        assert_refused(response, tables)
    else:
        accepted(response, tables)
        assert_safe_mail(mail.outbox, payload)
    return response
