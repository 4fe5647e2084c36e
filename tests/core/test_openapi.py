def test_openapi_document_is_served_and_names_the_bearer_scheme(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    spec = response.json
    assert spec["openapi"].startswith("3.")
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    assert "/api/v1/members" in spec["paths"] and "/api/v1/auth/login" in spec["paths"]


def test_every_operation_documents_its_security(client):
    spec = client.get("/api/v1/openapi.json").json
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            if method in {"get", "post", "put", "patch", "delete"}:
                assert "security" in operation, f"{method.upper()} {path} has no security declared"


def test_interactive_docs_load_their_assets_from_this_server(client):
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "/api/v1/docs-assets/swagger-ui-bundle.js" in html and "cdn" not in html.lower()
    asset = client.get("/api/v1/docs-assets/swagger-ui-bundle.js")
    assert asset.status_code == 200 and len(asset.data) > 100_000
