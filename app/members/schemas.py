"""Member input and output shapes (API.md), with the admin view showing more."""
from flask import current_app
from flask_babel import gettext, lazy_gettext as _l
from marshmallow import Schema, ValidationError, fields, post_load, validate, validates, validates_schema

from ..media import media_url
from ..schema_fields import PASSWORD_RULES, Date, Inline, Integer, Patterned
from .identity import IdNumberError, parse_id_number
from .models import INCOME_BANDS, OCCUPATIONS, PREFERRED_CATEGORIES, PRICE_TIERS
from .validators import (ID_NUMBER_PATTERN, PHONE_PATTERN, REAL_NAME_PATTERN, check_password, check_region_code,
                         normalize_phone, normalize_real_name)


class PhoneField(Patterned):
    """Accepts any way of writing a mainland mobile number; loads its 11 digits. The document gives the plain
    11-digit form of the mobile ranges in use (a narrower pattern than the loader's: `+86 …` is taken too)."""

    pattern = PHONE_PATTERN

    def _deserialize(self, value, attr, data, **kwargs):
        return normalize_phone(super()._deserialize(value, attr, data, **kwargs))


class RealNameField(Patterned):
    pattern = REAL_NAME_PATTERN

    def __init__(self, **kwargs):
        kwargs["metadata"] = {"minLength": 2, "maxLength": 30, **kwargs.get("metadata", {})}
        super().__init__(**kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        return normalize_real_name(super()._deserialize(value, attr, data, **kwargs))


def _one_of(choices):
    return validate.OneOf(choices, error=_l("Must be one of: {choices}."))


class SignUpSchema(Schema):
    phone = PhoneField(required=True, metadata={"example": "13800138000"})
    password = fields.String(required=True, load_only=True, validate=validate.Length(max=128),
                             metadata=PASSWORD_RULES)
    real_name = RealNameField(required=True, metadata={"example": "张三"})
    id_number = fields.String(required=True, load_only=True, validate=validate.Length(max=32),
                              metadata={"description": "居民身份证号 (18 characters, with a valid check digit); "
                                                       "never returned", "pattern": ID_NUMBER_PATTERN})
    consent = fields.Boolean(required=True, metadata={"description": "Must be true: consent to the membership "
                                                                     "terms and the processing of personal data",
                                                      "enum": [True]})
    referral_code = fields.String(validate=validate.Length(max=16))
    sms_code = fields.String(load_only=True, validate=validate.Length(max=16),
                             metadata={"description": "the code sent by POST /auth/sms-codes (purpose signup); "
                                                      "required while PHONE_VERIFICATION is on"})

    @validates("id_number")
    def _id_number(self, value, **_):
        try:
            parse_id_number(value)
        except IdNumberError as error:
            raise ValidationError(str(error)) from None

    @validates("referral_code")
    def _referral_code(self, value, **_):
        from .service import referrer_for  # the service imports this module's neighbours

        if value and referrer_for(value) is None:
            raise ValidationError(gettext("Unknown referral code."))

    @validates("consent")
    def _consent(self, value, **_):
        if value is not True:
            raise ValidationError(gettext("Consent is required to join."))

    @validates_schema(skip_on_field_errors=False)  # named with the other bad fields, all at once
    def _sms_code(self, data, **_):
        if current_app.config["PHONE_VERIFICATION"] and not data.get("sms_code"):
            # marshmallow's own wording, so the envelope translates it like any missing field
            raise ValidationError("Missing data for required field.", field_name="sms_code")

    @validates_schema(skip_on_field_errors=False)
    def _password(self, data, **_):
        if "password" not in data:
            return  # missing or not a string: its own field error says so
        try:
            check_password(data.get("password", ""), data.get("phone"))
        except ValidationError as error:
            raise ValidationError(error.messages, field_name="password") from None


class ProfileSchema(Schema):
    region_code = fields.String(allow_none=True, metadata={"description": "6-digit county code, GB/T 2260",
                                                           "example": "440106"})
    preferred_category = fields.String(allow_none=True, validate=_one_of(PREFERRED_CATEGORIES),
                                       metadata={"enum": list(PREFERRED_CATEGORIES)})
    price_tier = fields.String(allow_none=True, validate=_one_of(PRICE_TIERS), metadata={"enum": list(PRICE_TIERS)})
    occupation = fields.String(allow_none=True, validate=_one_of(OCCUPATIONS), metadata={"enum": list(OCCUPATIONS)})
    income_band = fields.String(allow_none=True, validate=_one_of(INCOME_BANDS), metadata={"enum": list(INCOME_BANDS)})

    @validates("region_code")
    def _region(self, value, **_):
        if value is not None:
            check_region_code(value)


class ProfileUpdateSchema(ProfileSchema):
    """PATCH /me: any subset of the profile fields, flat or nested under `profile` as GET /me returns them."""

    profile = fields.Nested(ProfileSchema)

    @validates_schema(skip_on_field_errors=False)
    def _one_value_each(self, data, **_):
        nested = data.get("profile") or {}
        clash = sorted(name for name in nested if name in data and data[name] != nested[name])
        if clash:
            raise ValidationError({name: [gettext("Given twice with different values.")] for name in clash})

    @post_load
    def _flatten(self, data, **_):
        return {**data.pop("profile", {}), **data}


class LevelSchema(Schema):
    code = fields.String(required=True)
    name = fields.String(required=True)


class MemberSchema(Schema):
    id = Integer(required=True)
    phone = fields.String(required=True, attribute="masked_phone", metadata={"example": "138****8000"})
    real_name = fields.String(required=True)
    gender = fields.String(required=True, metadata={"enum": ["M", "F"]})
    birth_date = fields.Date(required=True)  # read from the ID number: any year, output only
    level = fields.Nested(LevelSchema, required=True)
    points_balance = Integer(required=True)
    valid_until = Date(required=True)
    referral_code = fields.String(required=True)
    photo_url = fields.Method("_photo_url", allow_none=True, metadata={
        "type": "string", "nullable": True, "description": "A signed link, valid for MEDIA_URL_MAX_AGE seconds."})
    profile = Inline(ProfileSchema, required=True)
    profile_complete = fields.Boolean(required=True)
    created_at = fields.DateTime(required=True)

    def _photo_url(self, member):
        return media_url(member.photo_path) if member.photo_path else None


class AdminMemberSchema(MemberSchema):
    status = fields.String(required=True, metadata={"enum": ["active", "locked"]})
    lock_reason = fields.String(allow_none=True)
    id_number_masked = fields.String(required=True)
    referrer_id = Integer(allow_none=True)
    phone_verified_at = fields.DateTime(allow_none=True)
    consent_at = fields.DateTime(required=True)
    consent_version = fields.String(required=True)


class SignUpResultSchema(Schema):
    member = fields.Nested(MemberSchema, required=True)
    access_token = fields.String(required=True)
    token_type = fields.String(required=True, metadata={"example": "Bearer"})
    expires_in = Integer(required=True)


class PasswordChangeSchema(Schema):
    old_password = fields.String(required=True, load_only=True, validate=validate.Length(max=128))
    new_password = fields.String(required=True, load_only=True, validate=validate.Length(max=128),
                                 metadata=PASSWORD_RULES)


class MemberCodeSchema(Schema):
    code = fields.String(required=True, metadata={"description": "single-use member code (会员码); show it as a QR",
                                                  "example": "402918375610293847"})
    expires_in = Integer(required=True, metadata={"description": "seconds it stays valid", "example": 60})


class LockSchema(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=200))


class PhotoUploadSchema(Schema):
    photo = fields.Raw(required=True, metadata={"type": "string", "format": "binary"})
