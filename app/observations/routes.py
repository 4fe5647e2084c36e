"""Admin import of observations collected by terminals, phone and SMS."""
from ..api import Blueprint
from ..auth.decorators import roles
from ..errors import ErrorSchema
from ..http import accepts
from .importer import import_observations
from ..schema_fields import ImportResultSchema
from .schemas import ImportUploadSchema

blp = Blueprint("observations", __name__, description="Price and stock observations (信息采集)")

IMPORT_MAX_BYTES = 20 * 1024 * 1024


@blp.route("/admin/observations/import", methods=["POST"])
@blp.arguments(ImportUploadSchema, location="files")
@blp.response(201, ImportResultSchema)
@blp.alt_response(413, schema=ErrorSchema, description="Larger than 20 MB")
@blp.alt_response(422, schema=ErrorSchema, description="BAD_FILE: not UTF-8 CSV with the expected header")
@accepts("multipart/form-data", max_bytes=IMPORT_MAX_BYTES + 64 * 1024)
@roles("admin")
def import_file(files):
    return import_observations(files["file"].read())  # the body limit above bounds the size
