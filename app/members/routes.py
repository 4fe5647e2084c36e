"""Member endpoints: sign-up, own profile, photo, password, member code; admin view, lock and unlock."""
import io

from flask import current_app, g, send_file

from ..api import Blueprint
from ..auth.decorators import public, roles
from ..codes.qr import qr_png
from ..errors import ErrorSchema
from ..extensions import limiter
from ..http import accepts
from ..media import read_upload
from . import member_codes, service
from .schemas import (AdminMemberSchema, LockSchema, MemberCodeSchema, MemberSchema, PasswordChangeSchema,
                      PhotoUploadSchema, ProfileUpdateSchema, SignUpResultSchema, SignUpSchema)

blp = Blueprint("members", __name__, description="Member accounts (会员)")

PHOTO_MAX_BYTES = 5 * 1024 * 1024
NOT_STORED = {"Cache-Control": "private, no-store"}  # a member code is as good as the member's presence


@blp.route("/members", methods=["POST"])
@blp.arguments(SignUpSchema)
@blp.response(201, SignUpResultSchema)
@blp.alt_response(409, schema=ErrorSchema, description="PHONE_TAKEN or ID_NUMBER_TAKEN")
@blp.alt_response(422, schema=ErrorSchema, description="VALIDATION_ERROR or UNDERAGE")
@limiter.limit(lambda: current_app.config["SIGNUP_LIMIT_PER_IP"])
@public
def sign_up(body):
    body.pop("consent")
    member, token, ttl = service.sign_up(**body)
    return {"member": member, "access_token": token, "token_type": "Bearer", "expires_in": ttl}


@blp.route("/me", methods=["GET"])
@blp.response(200, MemberSchema)
@roles("member")
def me():
    return service.get_member(g.caller.id)


@blp.route("/me", methods=["PATCH"])
@blp.arguments(ProfileUpdateSchema)
@blp.response(200, MemberSchema)
@roles("member")
def update_me(changes):
    return service.update_profile(g.caller.id, changes)


@blp.route("/me/photo", methods=["PUT"])
@blp.arguments(PhotoUploadSchema, location="files")
@blp.response(200, MemberSchema)
@blp.alt_response(413, schema=ErrorSchema, description="Larger than 5 MB")
@blp.alt_response(415, schema=ErrorSchema, description="Not JPEG, PNG or WebP")
@blp.alt_response(422, schema=ErrorSchema, description="BAD_IMAGE")
@accepts("multipart/form-data", max_bytes=PHOTO_MAX_BYTES + 64 * 1024)
@roles("member")
def put_photo(files):
    data = read_upload(files["photo"], PHOTO_MAX_BYTES)
    return service.set_photo(g.caller.id, data)


@blp.route("/me/password", methods=["POST"])
@blp.arguments(PasswordChangeSchema)
@blp.response(204)
@roles("member")
def change_password(body):
    service.change_password(g.caller.id, g.caller.token_id, body["old_password"], body["new_password"])


@blp.route("/me/member-code", methods=["GET"])
@blp.response(200, MemberCodeSchema)
@roles("member")
def member_code():
    """A fresh single-use member code (会员码), valid `expires_in` seconds; the member shows it (as a QR) to staff
    exchanging a promo item for points. Asking again replaces the unused earlier one."""
    code, ttl = member_codes.issue(g.caller.id)
    return {"code": code, "expires_in": ttl}, 200, NOT_STORED


@blp.route("/me/member-code/qr.png", methods=["GET"])
@blp.response(200, content_type="image/png", description="QR of a fresh member code (it replaces the earlier "
                                                          "one); its lifetime in seconds in `Member-Code-Expires-In`")
@roles("member")
def member_code_qr():
    code, ttl = member_codes.issue(g.caller.id)
    response = send_file(io.BytesIO(qr_png(code)), mimetype="image/png", max_age=0)
    response.headers.update({"Member-Code-Expires-In": str(ttl), **NOT_STORED})
    return response


@blp.route("/admin/members/<int:member_id>", methods=["GET"])
@blp.response(200, AdminMemberSchema)
@roles("admin")
def admin_get_member(member_id):
    return service.get_member(member_id)


@blp.route("/admin/members/<int:member_id>/lock", methods=["POST"])
@blp.arguments(LockSchema)
@blp.response(200, AdminMemberSchema)
@roles("admin")
def admin_lock_member(body, member_id):
    return service.lock_member(member_id, body["reason"])


@blp.route("/admin/members/<int:member_id>/unlock", methods=["POST"])
@blp.arguments(LockSchema)
@blp.response(200, AdminMemberSchema)
@roles("admin")
def admin_unlock_member(body, member_id):
    return service.unlock_member(member_id, body["reason"])
