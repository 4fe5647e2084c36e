"""Photo uploads shared by visit check-out and activity records: bodies that come as JSON, or as multipart with
the same fields plus up to 6 `photos`; processing, storing and cleaning up the photos; their URLs in answers."""
from contextlib import contextmanager
from functools import wraps

from flask_babel import lazy_gettext as _l
from marshmallow import Schema, fields, validate

from .media import media_url, process_image, read_upload, storage

MAX_PHOTOS = 6
PHOTO_MAX_BYTES = 5 * 1024 * 1024
BODY_MAX_BYTES = MAX_PHOTOS * PHOTO_MAX_BYTES + 64 * 1024
PHOTO_MAX_SIDE = 1600


class PhotosSchema(Schema):
    photos = fields.List(fields.Raw(metadata={"type": "string", "format": "binary"}), load_default=list,
                         validate=validate.Length(max=MAX_PHOTOS, error=_l("At most {max} photos.")))


class PhotoUrls(fields.Function):
    """The URLs of an object's stored `photos` (signed, expiring: app/media.py)."""

    def __init__(self, **kwargs):
        super().__init__(lambda obj: [media_url(name) for name in obj.photos or []],
                         metadata={"type": "array", "items": {"type": "string"},
                                   "description": "Signed links, valid for MEDIA_URL_MAX_AGE seconds."}, **kwargs)


def json_or_multipart(blp, schema):
    """Parse `schema` from a JSON body or from the form fields of a multipart one, and the photos from its files;
    the view gets (body, photos: list of bytes, **path). webargs' `json_or_form` location is not OpenAPI, so the
    request body is documented by hand, as multipart/form-data only: openapi-python-client (0.29) makes a client
    that does not import from a body with two media types. A JSON body with the same fields is still taken."""
    multipart = type(f"{schema.__name__.removesuffix('Schema')}MultipartSchema", (schema, PhotosSchema), {})

    def decorator(view):
        @wraps(view)  # keeps the role and media-type declarations the view carries
        def with_photos(body, files, *args, **kwargs):
            return view(body, [read_upload(photo, PHOTO_MAX_BYTES) for photo in files["photos"]], *args, **kwargs)

        wrapped = blp.arguments(schema, location="json_or_form")(blp.arguments(PhotosSchema, location="files")(
            with_photos))
        apidoc = wrapped._apidoc
        apidoc["arguments"]["parameters"] = [p for p in apidoc["arguments"]["parameters"]
                                             if p["in"] not in ("json_or_form", "files")]
        manual = dict(apidoc.get("manual_doc", {}))
        manual["requestBody"] = {"required": True, "description": "multipart/form-data, or JSON with the same "
                                                                   "fields and no photos",
                                 "content": {"multipart/form-data": {"schema": multipart}}}
        apidoc["manual_doc"] = manual
        return wrapped

    return decorator


@contextmanager
def stored_photos(photos, folder):
    """Decode, re-encode and store photos (slow: call before the transaction); yields their storage names and
    deletes the files again if the block fails, so a refused request leaves nothing behind."""
    images = [process_image(data, PHOTO_MAX_SIDE) for data in photos]
    store = storage()
    names = [store.save(folder, image, ".jpg") for image in images]
    try:
        yield names
    except BaseException:
        for name in names:
            store.delete(name)
        raise
