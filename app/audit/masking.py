"""Personal data is masked before it reaches the audit log: the log must not become a copy of it."""
from ..members.models import mask_phone

SECRET_KEYS = {"password", "password_hash", "new_password", "token", "id_number", "id_number_hash"}


def mask_name(name: str) -> str:
    """张三丰 → 张**; a Latin name keeps its first letter."""
    return name[:1] + "*" * max(1, len(name) - 1) if name else name


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
