"""The flask-smorest Api: one OpenAPI document for every blueprint, errors in the API.md envelope."""
import re

from flask import request, send_from_directory
from flask_smorest import Api as _Api, Blueprint
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


def account_key(field):
    """Rate-limit key for one account named in the JSON body (digits only for phones, so reformatting
    a number cannot dodge the limit)."""

    def key():
        value = str((request.get_json(silent=True) or {}).get(field, ""))[:64].lower()
        if field == "phone":
            value = re.sub(r"\D", "", value).removeprefix("86")[-11:]
        return f"{request.endpoint}:{field}:{value}"

    return key


class IdConverter(IntegerConverter):
    """`<int:…>` in every route, bounded to the database's INTEGER: an id out of range is a 404, never
    an overflow deep in the driver."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("min", 1)
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(url_map, *args, **kwargs)


def init_app(app, blueprints):
    app.url_map.converters["int"] = IdConverter
    app.config.setdefault("API_SPEC_OPTIONS", {})
    app.config["API_SPEC_OPTIONS"].update({
        "info": {"description": "Brand loyalty and mobile marketing API (v1). Errors always come as "
                                "{\"error\": {\"code\", \"message\", \"fields\"?}}."},
        "components": {"securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}}},
    })
    api.init_app(app)
    for blueprint in blueprints:
        api.register_blueprint(blueprint, url_prefix="/api/v1")

    import swagger_ui_bundle

    @app.get("/api/v1/docs-assets/<path:name>", endpoint="apidocs_assets")
    def apidocs_assets(name):
        return send_from_directory(swagger_ui_bundle.swagger_ui_path, name, max_age=86400)


__all__ = ["api", "Blueprint", "account_key", "init_app"]
