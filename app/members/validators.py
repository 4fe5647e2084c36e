"""Field rules for sign-up and profile: phone, password, real name, region."""
import re
import unicodedata

import phonenumbers
from flask_babel import gettext
from marshmallow import ValidationError

from .. import regions

# What the document says of these fields (narrower than the loaders, which also normalise other spellings).
PHONE_PATTERN = r"^1(3[0-9]|4[57]|5[0-35-9]|6[25-7]|7[0-35-8]|8[0-9]|9[0-35-9])[0-9]{8}$"
_LETTER = "[\\u3400-\\u4dbf\\u4e00-\\u9fffA-Za-z]"
REAL_NAME_PATTERN = f"^{_LETTER}+([· ]{_LETTER}+)*$"
_NAME = re.compile(f"^{_LETTER}+(?:[·\\s]{_LETTER}+)*$")
# Region, birth date, adulthood and the check digit are checked too: the pattern gives the shape.
ID_NUMBER_PATTERN = r"^[1-8][0-9]{5}(19|20)[0-9]{2}(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01])[0-9]{3}[0-9X]$"
_DOTS = str.maketrans({"•": "·", "・": "·", "．": "·", "‧": "·"})


def normalize_phone(raw: str) -> str:
    """A mainland mobile number as its 11 national digits; raises ValidationError otherwise."""
    try:
        number = phonenumbers.parse(raw, "CN")
    except phonenumbers.NumberParseException:
        raise ValidationError(gettext("Enter a mainland China mobile number.")) from None
    mobile = phonenumbers.number_type(number) in (phonenumbers.PhoneNumberType.MOBILE,
                                                   phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE)
    if number.country_code != 86 or not phonenumbers.is_valid_number(number) or not mobile:
        raise ValidationError(gettext("Enter a mainland China mobile number."))
    return phonenumbers.national_significant_number(number)


def check_password(password: str, phone: str | None = None) -> None:
    if len(password) < 8:
        raise ValidationError(gettext("The password needs at least 8 characters."))
    if len(password) > 128:
        raise ValidationError(gettext("The password may have at most 128 characters."))
    if password.isdigit():
        raise ValidationError(gettext("The password cannot be digits only."))
    if phone and phone in password:
        raise ValidationError(gettext("The password cannot contain the phone number."))


def normalize_real_name(raw: str) -> str:
    name = unicodedata.normalize("NFC", raw).translate(_DOTS).strip()
    name = re.sub(r"\s+", " ", name)
    if not 2 <= len(name) <= 30 or not _NAME.match(name):
        raise ValidationError(gettext("Enter the real name as on the ID card: 2–30 Chinese or Latin letters; "
                                 "a middle dot (·) may separate parts."))
    return name


def check_region_code(code: str) -> None:
    if not regions.is_leaf(code):
        raise ValidationError(gettext("Unknown county-level region code (GB/T 2260)."))
