"""Marshmallow fields shared by feature schemas."""
from marshmallow import fields, validate

MAX_ID = 2**31 - 1  # PostgreSQL INTEGER; a larger id is a validation error, not a driver overflow


def Id(**kwargs):
    """A reference to a row by its integer id."""
    kwargs.setdefault("validate", validate.Range(min=1, max=MAX_ID))
    return fields.Integer(**kwargs)
