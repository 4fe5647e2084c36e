"""`X-Content-Type-Options: nosniff` on every answer, not only the console's pages: a JSON body, an error, a
download or an image must never be read by a browser as another type (an uploaded file run as HTML)."""
import io

from PIL import Image


def _nosniff(response):
    return response.headers.get("X-Content-Type-Options") == "nosniff"


def test_a_json_answer_says_nosniff(api, member):
    response = api.get("/me", token=member.token)
    assert response.status_code == 200 and response.mimetype == "application/json" and _nosniff(response)


def test_errors_say_nosniff(api, client):
    assert api.get("/no/such/thing").status_code == 404 and _nosniff(api.get("/no/such/thing"))
    unauthorised = api.get("/me")
    assert unauthorised.status_code == 401 and _nosniff(unauthorised)
    missing_file = client.get("/media/gifts/nothing.jpg")
    assert missing_file.status_code == 404 and _nosniff(missing_file)


def test_files_say_nosniff(api, admin):
    gift_id = api.post("/admin/gifts", {"name": "茶叶", "category": "食品", "points_cost": 50, "stock": 1},
                       token=admin.token).json["id"]
    picture = io.BytesIO()
    Image.new("RGB", (40, 40), "green").save(picture, format="PNG")
    url = api.put(f"/admin/gifts/{gift_id}/image", token=admin.token, content_type="multipart/form-data",
                  data={"image": (io.BytesIO(picture.getvalue()), "g.png", "image/png")}).json["image_url"]
    image = api.get(url)
    assert image.status_code == 200 and image.mimetype == "image/jpeg" and _nosniff(image)
    spec = api.client.get("/api/v1/openapi.json")
    assert spec.status_code == 200 and _nosniff(spec)
    export = api.get("/admin/stats/redemptions", token=admin.token,
                     query_string={"by": "gift", "from": "2026-11-01", "to": "2026-11-30", "format": "csv"})
    assert export.status_code == 200 and export.mimetype == "text/csv" and _nosniff(export)
