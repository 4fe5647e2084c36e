"""Resident identity number (居民身份证号, GB 11643): validation, keyed hash, masking, age.

The number itself is never stored, logged or returned: callers keep `digest()` and `mask()`.
"""
import hashlib
import hmac
from dataclasses import dataclass
from datetime import date, timedelta

from flask import current_app
from stdnum.cn import ric
from stdnum.exceptions import InvalidComponent, ValidationError

from .. import regions
from ..timeutil import local_today

ADULT_AGE = 18


class IdNumberError(ValueError):
    """Carries a user-facing reason and never the number."""


@dataclass(frozen=True)
class IdNumber:
    compact: str
    birth_date: date
    gender: str

    def digest(self) -> str:
        return id_number_digest(self.compact)

    def mask(self) -> str:
        return self.compact[:2] + "*" * 14 + self.compact[-2:]


def parse_id_number(raw: str) -> IdNumber:
    from flask_babel import gettext as _

    number = ric.compact(raw or "").upper()
    if len(number) != 18:
        raise IdNumberError(_("An ID number has 18 characters."))
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise IdNumberError(_("This is not a valid ID number."))
    if number[17] != ric.calc_check_digit(number):
        raise IdNumberError(_("The ID number's check digit is wrong."))
    try:
        birth = ric.get_birth_date(number)
    except (InvalidComponent, ValidationError, ValueError):
        birth = None
    if birth is None or birth > local_today() or birth.year < 1900:
        raise IdNumberError(_("The ID number carries an impossible birth date."))
    if not regions.is_plausible_id_region(number[:6]):
        raise IdNumberError(_("The ID number's region code does not exist."))
    gender = "M" if int(number[16]) % 2 == 1 else "F"
    return IdNumber(number, birth, gender)


def id_number_digest(compact: str) -> str:
    key = current_app.config.get("ID_HASH_KEY") or hmac.new(
        current_app.config["SECRET_KEY"].encode(), b"id-number-hash", hashlib.sha256).hexdigest()
    return hmac.new(key.encode(), compact.encode(), hashlib.sha256).hexdigest()


def adult_from(birth: date) -> date:
    """The day a person born on `birth` turns 18; someone born on 29 February comes of age on 1 March
    in a common year (the day after 28 February, as 周岁 is reckoned)."""
    try:
        return birth.replace(year=birth.year + ADULT_AGE)
    except ValueError:
        return date(birth.year + ADULT_AGE, 2, 28) + timedelta(days=1)


def is_adult(birth: date, today: date) -> bool:
    return today >= adult_from(birth)


def compose_id_number(region: str, birth: date, sequence: int) -> str:
    """A valid number for the demo and the tests: region + birth date + sequence + check digit."""
    body = f"{region}{birth:%Y%m%d}{sequence:03d}"
    return body + ric.calc_check_digit(body + "0")  # stdnum expects a placeholder check digit
