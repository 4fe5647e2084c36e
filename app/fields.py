"""Marshmallow fields shared by feature schemas."""
import unicodedata

from marshmallow import ValidationError, fields, validate

MAX_ID = 2**31 - 1  # PostgreSQL INTEGER; a larger id is a validation error, not a driver overflow
_LINE_BREAKS = {"\n", "\r", "\t"}


def Id(**kwargs):
    """A reference to a row by its integer id."""
    kwargs.setdefault("validate", validate.Range(min=1, max=MAX_ID))
    return fields.Integer(**kwargs)


class Text(fields.String):
    """Human text: NFC-normalised and trimmed; control characters (NUL above all, which PostgreSQL
    refuses to store) are a validation error. `multiline=True` admits line breaks and tabs."""

    def __init__(self, *args, multiline=False, **kwargs):
        self.multiline = multiline
        super().__init__(*args, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        text = unicodedata.normalize("NFC", super()._deserialize(value, attr, data, **kwargs)).strip()
        allowed = _LINE_BREAKS if self.multiline else set()
        if any(unicodedata.category(ch) == "Cc" and ch not in allowed for ch in text):
            raise ValidationError("Invalid value.")  # marshmallow's own message: the envelope translates it
        return text
