"""Uploaded images: decoded and verified with Pillow, EXIF dropped, re-encoded, and kept behind one
small storage interface (a local folder now; object storage when the service runs on several hosts).

Gift pictures are the catalogue: public, cached for a week. Every other folder (members' photos, visit and
activity photos, complaint photos) holds personal or field data: served only by a signed link that names the
file and expires after MEDIA_URL_MAX_AGE seconds, and never cached by a shared cache. The link is put into
the answers of the API that may show the object, so who may see a photo is who may see its answer.

Files no URL may serve (background tasks' results and the uploads they read) live in `private_storage()`,
the same interface on another root: a folder every web host and the worker share, or a private bucket.
"""
import io
import os
import posixpath
import secrets
import warnings
from contextlib import contextmanager
from pathlib import Path

from flask import Blueprint, current_app, request, send_from_directory
from itsdangerous import BadSignature, TimestampSigner
from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps

from .errors import ApiError

ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP"}
ALLOWED_MIMETYPES = {"image/jpeg", "image/png", "image/webp"}
MAX_PIXELS = 40_000_000  # far above any phone camera, far below a decompression bomb


class BadImage(ApiError):
    status, code, message = 422, "BAD_IMAGE", _l("The file is not a readable JPEG, PNG or WebP image.")


class UnsupportedImageType(ApiError):
    status, code, message = 415, "UNSUPPORTED_MEDIA_TYPE", _l("Upload a JPEG, PNG or WebP image.")


class ImageTooLarge(ApiError):
    status, code, message = 413, "PAYLOAD_TOO_LARGE", _l("The image is too large.")


class MediaLinkInvalid(ApiError):
    status, code, message = 403, "MEDIA_LINK_INVALID", _l("This link to the file is invalid or has expired.")


def read_upload(file_storage, max_bytes):
    """The bytes of an uploaded file, refusing more than max_bytes and wrong declared types."""
    if file_storage is None or not getattr(file_storage, "filename", None) and not file_storage.mimetype:
        raise BadImage()
    data = file_storage.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise ImageTooLarge()
    if file_storage.mimetype and file_storage.mimetype not in ALLOWED_MIMETYPES | {"application/octet-stream"}:
        raise UnsupportedImageType()
    return data


def process_image(data: bytes, max_side: int, *, fmt="JPEG", quality=85) -> bytes:
    """Decode, verify, fix orientation, drop metadata, shrink to max_side, re-encode."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            probe = Image.open(io.BytesIO(data))
            if probe.format not in ALLOWED_FORMATS:
                raise UnsupportedImageType()
            if probe.width * probe.height > MAX_PIXELS:
                raise BadImage(_l("The image has too many pixels."))
            probe.verify()
            image = Image.open(io.BytesIO(data))
            image.load()
        except (ApiError,):
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise BadImage(_l("The image has too many pixels.")) from None
        except Exception:
            raise BadImage() from None
    image = ImageOps.exif_transpose(image)
    image = image.convert("RGB") if fmt == "JPEG" else image.convert("RGBA")
    image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    # A fresh image object carries no EXIF/ICC/XMP unless passed explicitly.
    clean = Image.new(image.mode, image.size)
    clean.paste(image)
    clean.save(out, format=fmt, quality=quality, optimize=True)
    return out.getvalue()


class LocalStorage:
    """Files under UPLOAD_DIR, served at /media/<name>."""

    def __init__(self, root):
        self.root = Path(root)

    def save(self, folder: str, data: bytes, suffix: str) -> str:
        with self.writer(folder, suffix) as (name, out):
            out.write(data)
        return name

    @contextmanager
    def writer(self, folder: str, suffix: str, mode="wb", **open_kw):
        """Write a new file (binary, or text with mode="w"); it appears under the yielded name only once
        the block ends without error."""
        name = f"{folder}/{secrets.token_urlsafe(18)}{suffix}"
        path = self._path(name)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(path.suffix + ".part")
        try:
            with tmp.open(mode, **open_kw) as out:
                yield name, out
            os.replace(tmp, path)
        finally:
            tmp.unlink(missing_ok=True)

    def open(self, name: str):
        """The stored file for reading (binary); FileNotFoundError if it is gone."""
        return self._path(name).open("rb")

    def exists(self, name: str | None) -> bool:
        return bool(name) and self._path(name).is_file()

    def delete(self, name: str | None) -> None:
        if name:
            self._path(name).unlink(missing_ok=True)

    def _path(self, name: str) -> Path:
        path = (self.root / name).resolve()
        if not path.is_relative_to(self.root.resolve()):
            raise FileNotFoundError(name)  # a stored name never climbs out of its root
        return path


def storage() -> LocalStorage:
    return LocalStorage(current_app.config["UPLOAD_DIR"])


def private_storage() -> LocalStorage:
    """Task results and uploads waiting for the worker; never served under /media."""
    configured = current_app.config.get("TASK_RESULT_DIR")
    return LocalStorage(configured or Path(current_app.config["UPLOAD_DIR"]).parent / "task-results")


PUBLIC_FOLDERS = frozenset({"gifts"})
PUBLIC_MAX_AGE = 7 * 24 * 3600


def _is_public(name: str) -> bool:
    return name.split("/", 1)[0] in PUBLIC_FOLDERS


def _signer() -> TimestampSigner:
    return TimestampSigner(current_app.config["SECRET_KEY"], salt="media-url")


def media_url(name: str) -> str:
    """The URL of a stored file: plain for the public catalogue, signed and expiring for everything else."""
    if _is_public(name):
        return f"/media/{name}"
    stamp_and_signature = _signer().sign(name).decode()[len(name) + 1:]
    return f"/media/{name}?sig={stamp_and_signature}"


def _signed_for(name: str) -> bool:
    signature = request.args.get("sig", "")
    try:
        _signer().unsign(f"{name}.{signature}", max_age=current_app.config["MEDIA_URL_MAX_AGE"])
    except BadSignature:  # SignatureExpired included
        return False
    return True


media_bp = Blueprint("media", __name__)


@media_bp.get("/media/<path:name>")
def serve_media(name):
    # "gifts/../members/x.jpg" would be served as members/x.jpg: judge only the name as it is stored.
    if posixpath.normpath(name) != name:
        raise MediaLinkInvalid()
    if _is_public(name):
        return send_from_directory(current_app.config["UPLOAD_DIR"], name, max_age=PUBLIC_MAX_AGE)
    if not _signed_for(name):
        raise MediaLinkInvalid()
    response = send_from_directory(current_app.config["UPLOAD_DIR"], name,
                                   max_age=current_app.config["MEDIA_URL_MAX_AGE"])
    response.cache_control.public = False
    response.cache_control.private = True
    return response


def init_app(app):
    app.register_blueprint(media_bp)
