"""marshmallow's built-in messages, translated when they reach the error envelope.

marshmallow formats its messages in English at validation time; the envelope passes each one through
this table so a zh_CN caller reads Chinese. Messages with numbers in them are matched by pattern.
"""
import re

from flask_babel import gettext


def N_(message):
    """Marks a string for extraction without translating it here (the gettext idiom)."""
    return message


# marshmallow's own English messages, translated by gettext when they reach the envelope.
FIXED = {
    N_("Missing data for required field."),
    N_("Unknown field."),
    N_("Field may not be null."),
    N_("Not a valid string."),
    N_("Not a valid integer."),
    N_("Not a valid number."),
    N_("Not a valid boolean."),
    N_("Not a valid date."),
    N_("Not a valid datetime."),
    N_("Not a valid list."),
    N_("Not a valid mapping type."),
    N_("Invalid input type."),
    N_("Invalid value."),
    N_("String does not match expected pattern."),
    N_("Not a valid email address."),
    N_("Not a valid URL."),
    N_("Not a valid UUID."),
    N_("Invalid JSON body."),
    N_("Not a valid decimal."),
    N_("Special numeric values (nan or infinity) are not permitted."),
}

PATTERNS = [
    (re.compile(r"^Shorter than minimum length (\d+)\.$"), N_("At least %(n)s characters.")),
    (re.compile(r"^Longer than maximum length (\d+)\.$"), N_("At most %(n)s characters.")),
    (re.compile(r"^Length must be between (\d+) and (\d+)\.$"), N_("Between %(n)s and %(m)s characters.")),
    (re.compile(r"^Must be greater than or equal to (\S+) and less than or equal to (\S+)\.$"),
     N_("Must be between %(n)s and %(m)s.")),
    (re.compile(r"^Must be greater than or equal to (\S+)\.$"), N_("Must be at least %(n)s.")),
    (re.compile(r"^Must be less than or equal to (\S+)\.$"), N_("Must be at most %(n)s.")),
    (re.compile(r"^Must be greater than (\S+)\.$"), N_("Must be greater than %(n)s.")),
    (re.compile(r"^Must be one of: (.+)\.$"), N_("Must be one of: %(n)s.")),
]


def translate(message: str) -> str:
    if message in FIXED:
        return gettext(message)
    for pattern, template in PATTERNS:
        match = pattern.match(message)
        if match:
            groups = match.groups() + ("",)
            return gettext(template) % {"n": groups[0], "m": groups[1]}
    return message
