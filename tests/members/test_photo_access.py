"""Members', visit and activity photos are personal or field data: only the signed, expiring link the API hands to
whoever may see the object opens them. Gift pictures are the public catalogue."""
import io
import time
from datetime import datetime, timedelta, timezone
from urllib.parse import parse_qs, urlsplit

from itsdangerous import TimestampSigner
from PIL import Image

from app.visits import service as visits

from ..factories import GUANGZHOU_TIANHE, create_retailer


def _jpeg(colour="red"):
    out = io.BytesIO()
    Image.new("RGB", (60, 40), colour).save(out, format="JPEG")
    return out.getvalue()


def _photo_url(api, handle, colour="red"):
    response = api.client.put("/api/v1/me/photo", headers={"Authorization": f"Bearer {handle.token}"},
                              data={"photo": (io.BytesIO(_jpeg(colour)), "p.jpg", "image/jpeg")},
                              content_type="multipart/form-data")
    assert response.status_code == 200, response.json
    return response.json["photo_url"]


def _unsigned(url):
    return urlsplit(url).path


def test_the_signed_link_serves_the_photo_privately(api, member):
    served = api.client.get(_photo_url(api, member))
    assert served.status_code == 200 and served.mimetype == "image/jpeg"
    cache = served.headers["Cache-Control"]
    assert "private" in cache and "public" not in cache and "max-age=600" in cache
    assert served.headers["X-Content-Type-Options"] == "nosniff"


def test_anonymous_get_of_a_member_photo_without_the_signature_is_refused(api, member):
    response = api.client.get(_unsigned(_photo_url(api, member)))
    assert response.status_code == 403 and response.json["error"]["code"] == "MEDIA_LINK_INVALID"


def test_another_member_cannot_open_a_photo_with_their_own_token_or_signature(api, member, other_member):
    victim = _photo_url(api, member, "red")
    own = _photo_url(api, other_member, "blue")
    bearer = {"Authorization": f"Bearer {other_member.token}"}
    assert api.client.get(_unsigned(victim), headers=bearer).status_code == 403
    # A valid signature is bound to its file: it opens nothing else.
    borrowed = f"{_unsigned(victim)}?sig={parse_qs(urlsplit(own).query)['sig'][0]}"
    assert api.client.get(borrowed, headers=bearer).status_code == 403
    assert api.get("/me", token=other_member.token).json["photo_url"].split("?")[0] != _unsigned(victim)


def test_a_tampered_or_expired_link_is_refused(app, api, member):
    url = _photo_url(api, member)
    name = _unsigned(url).removeprefix("/media/")
    assert api.client.get(url[:-2] + ("AA" if not url.endswith("AA") else "BB")).status_code == 403

    class TenMinutesAgo(TimestampSigner):
        def get_timestamp(self):
            return int(time.time()) - app.config["MEDIA_URL_MAX_AGE"] - 5

    stale = TenMinutesAgo(app.config["SECRET_KEY"], salt="media-url").sign(name).decode()[len(name) + 1:]
    assert api.client.get(f"/media/{name}?sig={stale}").status_code == 403


def test_a_path_through_the_public_folder_does_not_reach_a_private_file(api, member):
    name = _unsigned(_photo_url(api, member)).removeprefix("/media/")
    response = api.client.get(f"/media/gifts/../{name}")
    assert response.status_code == 403 and not response.mimetype.startswith("image/")


def test_visit_photos_need_the_signed_link_from_the_visit(api, staff):
    t0 = datetime(2026, 11, 20, 2, 0, tzinfo=timezone.utc)
    visit = visits.check_in(staff_id=staff.id, retailer_id=create_retailer().id, lat=GUANGZHOU_TIANHE[0],
                            lon=GUANGZHOU_TIANHE[1], now=t0)
    visits.check_out(staff_id=staff.id, visit_id=visit.id, notes="陈列", photos=[_jpeg()],
                     now=t0 + timedelta(minutes=5))
    url = api.get(f"/staff/visits/{visit.id}", token=staff.token).json["photo_urls"][0]
    assert api.client.get(url).status_code == 200
    assert api.client.get(_unsigned(url), headers={"Authorization": f"Bearer {staff.token}"}).status_code == 403


def test_gift_pictures_stay_public_and_cached(api, admin):
    gift_id = api.post("/admin/gifts", {"name": "保温杯", "category": "生活用品", "points_cost": 100, "stock": 3},
                       token=admin.token).json["id"]
    uploaded = api.put(f"/admin/gifts/{gift_id}/image", token=admin.token, content_type="multipart/form-data",
                       data={"image": (io.BytesIO(_jpeg()), "g.jpg", "image/jpeg")})
    assert uploaded.status_code == 200, uploaded.json
    url = uploaded.json["image_url"]
    served = api.get(url)
    assert "?" not in url and served.status_code == 200
    assert "public" in served.headers["Cache-Control"] and served.headers["X-Content-Type-Options"] == "nosniff"
