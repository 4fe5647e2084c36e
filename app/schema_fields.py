"""Fields shared by the feature schemas.

Row ids in URLs, query strings and bodies are 32-bit positive ints, so an absurd id is a 404 or a 422, never an
integer overflow in the database driver (a 500). Money comes in as a number or a string and is kept as a
Decimal with 2 places that fits Numeric(10, 2); it goes out as a string ("45.00", API.md).
"""
import unicodedata
from datetime import date
from decimal import Decimal

from flask_babel import gettext
from marshmallow import Schema, ValidationError, fields, validate

MAX_ID = 2**31 - 1
MAX_MONEY = Decimal("99999999.99")
_LINE_BREAKS = {"\n", "\r", "\t"}


def Id(*, exists=None, **kwargs):
    """A reference to a row by its integer id (PostgreSQL INTEGER: larger is a 422, not a driver overflow).
    `exists=(Model, message)` also checks the row is there, so an unknown id is reported with the body's
    other bad fields in one 422 instead of after them."""
    checks = [validate.Range(min=1, max=MAX_ID)]
    if exists:
        checks.append(Exists(*exists))
    kwargs.setdefault("validate", checks)
    return Integer(**kwargs)


class Inline(fields.Nested):
    """A nested object drawn from the parent object itself (a member's `profile` is a view of columns of
    the member), or from `via(parent)`: typed in the document like any nested schema."""

    def __init__(self, nested, *, via=None, **kwargs):
        self.via = via
        super().__init__(nested, **kwargs)

    def get_value(self, obj, attr, accessor=None, default=None):
        return self.via(obj) if self.via else obj


class Exists(validate.Validator):
    """The id names a row of `model` (one primary-key lookup)."""

    def __init__(self, model, message):
        self.model, self.message = model, message

    def __call__(self, value):
        from .extensions import db  # schemas are imported before the app binds the database

        # marshmallow runs every validator: an id the Range check refuses is never looked up (no overflow).
        if value is not None and 1 <= value <= MAX_ID and db.session.get(self.model, value) is None:
            raise ValidationError(str(self.message))
        return value


# Dates a caller may give: wide enough for any real plan, birth or record; narrow enough that date arithmetic
# (a week before, a year after) never leaves Python's calendar, which would be a 500.
MIN_DATE, MAX_DATE = date(2000, 1, 1), date(2099, 12, 31)


# What the document says of the bounded dates and moments: the year, as a pattern next to the format. A moment
# may carry any offset, so its pattern leaves out the two edge months where an offset could cross 2000 or 2100.
DATE_PATTERN = r"^20[0-9]{2}-"
MOMENT_PATTERN = r"^(20[0-9]{2}-(0[2-9]|1[01])|20(0[1-9]|[1-8][0-9]|9[0-8])-(01|12)|2000-12|2099-01)-"
PASSWORD_RULES = {"minLength": 8, "maxLength": 128, "pattern": "[^0-9]",
                  "description": "8 to 128 characters, not digits only, not containing the phone number"}


class Date(fields.Date):
    """An ISO date between 2000-01-01 and 2099-12-31."""

    def __init__(self, **kwargs):
        kwargs["metadata"] = {"pattern": DATE_PATTERN, **kwargs.get("metadata", {})}
        super().__init__(**kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        day = super()._deserialize(value, attr, data, **kwargs)
        if not MIN_DATE <= day <= MAX_DATE:
            raise ValidationError(gettext("Must be a date between 2000-01-01 and 2099-12-31."))
        return day


class Integer(fields.Integer):
    """A whole number: 2 and "2" are taken, 2.5 is refused (marshmallow would quietly truncate it to 2)."""

    def _validated(self, value):
        if isinstance(value, float) and not value.is_integer():
            raise self.make_error("invalid", input=value)
        if isinstance(value, str) and not value.strip().lstrip("+-").isascii():
            raise self.make_error("invalid", input=value)  # int() takes "²" or Arabic-Indic digits
        return super()._validated(value)


def _money_range(value):
    # A plain function, not validate.Range: apispec would print a Decimal bound as a string, which is not OpenAPI.
    if not Decimal(0) <= value <= MAX_MONEY:
        raise ValidationError(gettext("Must be between 0 and 99999999.99."))


def Money(**kwargs):
    """Yuan with two decimals: taken as a number or a string, given back as a string ("45.00")."""
    metadata = {"type": "string", "example": "45.00", "pattern": r"^\d{1,8}(\.\d{1,2})?$",
                "description": "yuan, two decimals", **kwargs.pop("metadata", {})}
    return fields.Decimal(places=2, as_string=True, validate=_money_range, metadata=metadata, **kwargs)


MoneyOut = Money


# Control characters (category Cc) and the white space str.strip() removes, as JSON Schema character classes.
_CONTROL = "\\u0000-\\u001f\\u007f-\\u009f"
_SPACE = " \\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000"


def text_pattern(multiline=False, blank_ok=False):
    """A regular expression for what Text takes: no control characters (line breaks and tabs if multiline),
    and at least one character that is not white space unless blank is allowed."""
    allowed = f"[^{_CONTROL}]" if not multiline else "[^\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f]"
    if blank_ok:
        return f"^{allowed}*$"
    return f"^{allowed}*[^{_CONTROL}{_SPACE}]{allowed}*$"


class Patterned(fields.String):
    """A string field whose document carries `pattern` (a subclass sets it): what the loader takes, written
    where clients and fuzzers read it. The loader still decides; the pattern may be narrower, never wider."""

    pattern = None

    def __init__(self, **kwargs):
        kwargs["metadata"] = {"pattern": self.pattern, **kwargs.get("metadata", {})}
        super().__init__(**kwargs)


WEEK_PATTERN = r"^20[0-9]{2}-W(0[1-9]|[1-4][0-9]|5[0-2])$"
MONTH_PATTERN = r"^20[0-9]{2}-(0[1-9]|1[0-2])$"
PERIOD_PATTERN = r"^20[0-9]{2}(-(0[1-9]|1[0-2])|-Q[1-4])?$"  # a year, a month or a quarter


class Text(fields.String):
    """Human text: NFC-normalised and trimmed; control characters (NUL above all, which PostgreSQL refuses to
    store) are refused. `Text(64)` bounds the length; `multiline=True` admits line breaks and tabs."""

    def __init__(self, max_length=None, min_length=1, *, multiline=False, **kwargs):
        self.multiline = multiline
        # The document says what the loader takes, so clients (and fuzzers) do not send what is refused.
        kwargs["metadata"] = {"pattern": text_pattern(multiline, blank_ok=min_length == 0),
                              **kwargs.get("metadata", {})}
        if max_length is not None:
            given = kwargs.pop("validate", None)
            given = list(given) if isinstance(given, (list, tuple)) else [given] if given else []
            kwargs["validate"] = [validate.Length(min=min_length, max=max_length), *given]
        super().__init__(**kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        text = unicodedata.normalize("NFC", super()._deserialize(value, attr, data, **kwargs)).strip()
        allowed = _LINE_BREAKS if self.multiline else set()
        if any(unicodedata.category(ch) == "Cc" and ch not in allowed for ch in text):
            raise ValidationError(gettext("Control characters are not allowed."))
        return text


class LineErrorSchema(Schema):
    """One refused line of an uploaded file (CSV imports report every bad line by number)."""

    line = Integer(required=True)
    message = fields.String(required=True)


class ImportResultSchema(Schema):
    """API.md's import answer: how many rows went in, and what was wrong with the others."""

    imported = Integer(required=True)
    errors = fields.List(fields.Nested(LineErrorSchema), required=True)
