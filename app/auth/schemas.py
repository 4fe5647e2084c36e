from marshmallow import Schema, fields, validate

from ..schema_fields import Integer


class MemberLoginSchema(Schema):
    phone = fields.String(required=True, validate=validate.Length(min=1, max=32))
    password = fields.String(required=True, load_only=True, validate=validate.Length(min=1, max=128))


class StaffLoginSchema(Schema):
    username = fields.String(required=True, validate=validate.Length(min=1, max=64))
    password = fields.String(required=True, load_only=True, validate=validate.Length(min=1, max=128))


class TokenSchema(Schema):
    access_token = fields.String(required=True)
    token_type = fields.String(required=True, metadata={"example": "Bearer"})
    expires_in = Integer(required=True, metadata={"description": "seconds"})
    role = fields.String(required=True, metadata={"enum": ["member", "staff", "admin", "manager"],
                                                  "description": "manager: console read-only, no API access"})


class StaffSchema(Schema):
    id = Integer(required=True)
    username = fields.String(required=True)
    name = fields.String(required=True)
    role = fields.String(required=True, metadata={"enum": ["staff", "admin", "manager"]})
