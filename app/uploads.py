"""Bodies that come as JSON, or as multipart with the same fields plus files (check-out, activity records)."""


def json_or_multipart(blp, schema, files_schema):
    """Parse `schema` from a JSON body or from the form fields of a multipart one, and `files_schema` from the
    files; the view gets (body, files, **path). webargs' `json_or_form` location is not OpenAPI, so the request
    body is documented by hand with both media types."""
    multipart = type(f"{schema.__name__.removesuffix('Schema')}MultipartSchema", (schema, files_schema), {})

    def decorator(view):
        view = blp.arguments(schema, location="json_or_form")(blp.arguments(files_schema, location="files")(view))
        apidoc = view._apidoc
        apidoc["arguments"]["parameters"] = [p for p in apidoc["arguments"]["parameters"]
                                             if p["in"] not in ("json_or_form", "files")]
        manual = dict(apidoc.get("manual_doc", {}))
        manual["requestBody"] = {"required": True, "content": {"application/json": {"schema": schema},
                                                               "multipart/form-data": {"schema": multipart}}}
        apidoc["manual_doc"] = manual
        return view

    return decorator
