"""Personal data is masked before it reaches the audit log: the log must not become a copy of it."""
import re

from ..members.models import mask_phone

SECRET_KEYS = {"password", "password_hash", "new_password", "token", "id_number", "id_number_hash"}


def mask_name(name: str) -> str:
    """张三丰 → 张**; a Latin name keeps its first letter."""
    return name[:1] + "*" * max(1, len(name) - 1) if name else name


# Filters whose values are personal data or free text that may be (a phone, a name).
PERSONAL_FILTERS = {"q", "phone", "name", "real_name", "owner", "operator"}
_PHONE_LIKE = re.compile(r"^[\d\s+()-]+$")
_DIGIT_RUN = re.compile(r"\d{7,}")


def mask_digits(digits: str) -> str:
    """A whole mobile number keeps its first 3 and last 4 digits (139****0002); part of one keeps none, since
    its first 3 and last 4 could be most of it."""
    return mask_phone(digits) if len(digits) >= 11 else "*" * len(digits)


def mask_filter_value(key: str, value) -> str:
    """A list filter or search term fit for an audit note: 13900000002 → 139****0002, 王小明 → 王**, and any run
    of 7 or more digits in other filters masked too."""
    value = str(value).strip()
    if key in PERSONAL_FILTERS and value:
        if _PHONE_LIKE.match(value):
            return mask_digits("".join(ch for ch in value if ch.isdigit()))
        return mask_name(value)
    return _DIGIT_RUN.sub(lambda m: mask_digits(m[0]), value)


def mask_value(key: str, value):
    if value is None:
        return None
    if key in SECRET_KEYS:
        return "***"
    if key == "phone":
        return mask_phone(str(value))
    if key in ("real_name", "name_of_person"):
        return mask_name(str(value))
    return value


def masked(data: dict | None) -> dict | None:
    """A JSON-safe copy of data with personal fields masked and dates as ISO strings."""
    if data is None:
        return None
    out = {}
    for key, value in data.items():
        value = mask_value(key, value)
        if hasattr(value, "isoformat"):
            value = value.isoformat()
        elif value is not None and not isinstance(value, (str, int, float, bool, list, dict)):
            value = str(value)
        out[key] = value
    return out
