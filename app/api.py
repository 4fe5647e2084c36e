"""The flask-smorest Api: one OpenAPI document for every blueprint, errors in the API.md envelope."""
from flask import request, send_from_directory
from flask_limiter.util import get_remote_address
from flask_smorest import Api as _Api, Blueprint as _Blueprint
from marshmallow import Schema
from webargs.flaskparser import FlaskParser
from webargs.multidictproxy import MultiDictProxy
from werkzeug.datastructures import CombinedMultiDict
from werkzeug.routing import IntegerConverter

from .errors import ErrorSchema, handle_http_exception


class Api(_Api):
    ERROR_SCHEMA = ErrorSchema
    DEFAULT_ERROR_RESPONSE_NAME = "DEFAULT_ERROR"

    def _register_error_handlers(self):
        # app/errors.py registers the envelope handlers for the whole app.
        pass

    def handle_http_exception(self, error):
        return handle_http_exception(error)


api = Api()


class Parser(FlaskParser):
    """webargs' Flask parser plus a `multipart` location: the form fields and the files of one
    multipart/form-data body, loaded by ONE schema so the document has one OpenAPI 3 requestBody
    (two stacked `form` + `files` arguments come out as Swagger-2 `formData` parameters)."""

    __location_map__ = {**FlaskParser.__location_map__, "multipart": "load_multipart"}

    def load_multipart(self, req, schema):
        return MultiDictProxy(CombinedMultiDict([req.files, req.form]), schema)


class Blueprint(_Blueprint):
    ARGUMENTS_PARSER = Parser()
    DEFAULT_LOCATION_CONTENT_TYPE_MAPPING = {**_Blueprint.DEFAULT_LOCATION_CONTENT_TYPE_MAPPING,
                                             "multipart": "multipart/form-data"}

    def register_views_in_doc(self, api, app, spec, *, name, parameters):
        """Name each operation after its view function (`operationId: sign_up`), so a generated client
        reads `sign_up(...)`, not `post_api_v1_members(...)`."""
        add_path = spec.path

        def path_with_ids(*, rule, operations, parameters):
            view = rule.endpoint.rsplit(".", 1)[-1]
            for method, operation in operations.items():
                operation.setdefault("operationId", view if len(operations) == 1 else f"{method}_{view}")
                _bounded_list_body(operation)
            return add_path(rule=rule, operations=operations, parameters=parameters)

        spec.path = path_with_ids
        try:
            super().register_views_in_doc(api, app, spec, name=name, parameters=parameters)
        finally:
            del spec.path  # back to the class's method


def _bounded_list_body(operation):
    """A list body whose item schema has `LIST_BOUNDS = (least, most)` is documented with minItems/maxItems,
    so clients (and fuzzers) know the length the service takes."""
    for media in operation.get("requestBody", {}).get("content", {}).values():
        schema = media.get("schema")
        bounds = getattr(schema, "LIST_BOUNDS", None)
        if isinstance(schema, Schema) and schema.many and bounds:
            media["schema"] = {"type": "array", "minItems": bounds[0], "maxItems": bounds[1],
                               "items": type(schema)}


def login_identity(field, raw):
    """The account a sign-in names, as the sign-in itself reads it: a phone as its 11 national digits (so
    `+86 …`, `… ext 1`, full-width or Arabic-Indic digits all name one account), a username lower-cased."""
    from .members.validators import normalize_phone
    from marshmallow import ValidationError

    value = str(raw if raw is not None else "")[:64]
    if field == "phone":
        try:
            return normalize_phone(value)
        except ValidationError:
            pass  # no such account can exist; the attempt still counts against what was typed
    return value.strip().lower()


def account_key(field, source="json"):
    """Rate-limit key for the account named by `field` in the JSON body (or the form): the normalised
    identity, never the spelling, so reformatting cannot dodge a limit. The same key on every door."""

    def key():
        body = request.form if source == "form" else request.get_json(silent=True)
        raw = body.get(field) if hasattr(body, "get") else None  # a JSON list or scalar names no account
        return f"{field}:{login_identity(field, raw)}"

    return key


def account_address_key(field, source="json"):
    """The account as account_key names it, from this client address."""
    account = account_key(field, source)
    return lambda: f"{account()}@{get_remote_address()}"


class IdConverter(IntegerConverter):
    """`<int:…>` in every route, bounded to the database's INTEGER: an id out of range is a 404, never
    an overflow deep in the driver."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("min", 1)
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(url_map, *args, **kwargs)


def nullable_enum(self, field, ret, **_):
    """An enum field that takes null lists null among its values (OpenAPI 3.0: `nullable` does not widen an
    `enum`), so a generated client accepts the null the API sends."""
    if field.allow_none and "enum" in ret and None not in ret["enum"]:
        return {"enum": [*ret["enum"], None]}
    return {}


NO_NUL = "^[^\\u0000]*$"


def storable_text(self, field, ret, **_):
    """A free string says it holds no NUL: every field of a query, form or body with one is refused up front
    (app/http.py), so the document must not call it valid. Fields with their own pattern, enum or format say more."""
    if ret.get("type") == "string" and not {"pattern", "enum", "format"} & ret.keys() and not field.dump_only:
        return {"pattern": NO_NUL}
    return {}


def init_app(app, blueprints):
    app.url_map.converters["int"] = IdConverter
    app.config.setdefault("API_SPEC_OPTIONS", {})
    app.config["API_SPEC_OPTIONS"].update({
        "info": {"description": "Brand loyalty and mobile marketing API (v1). Errors always come as "
                                "{\"error\": {\"code\", \"message\", \"fields\"?}}."},
        "components": {"securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}}},
    })
    api.init_app(app)
    api.ma_plugin.converter.add_attribute_function(nullable_enum)
    api.ma_plugin.converter.add_attribute_function(storable_text)
    for blueprint in blueprints:
        api.register_blueprint(blueprint, url_prefix="/api/v1")

    import swagger_ui_bundle

    @app.get("/api/v1/docs-assets/<path:name>", endpoint="apidocs_assets")
    def apidocs_assets(name):
        return send_from_directory(swagger_ui_bundle.swagger_ui_path, name, max_age=86400)


__all__ = ["api", "Blueprint", "account_key", "account_address_key", "login_identity", "init_app"]
