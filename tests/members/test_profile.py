import io

import pytest
from PIL import Image

from ..factories import COMPLETE_PROFILE


def test_profile_is_complete_once_every_field_is_set(api, make_member):
    handle = make_member(complete_profile=False)
    assert api.get("/me", token=handle.token).json["profile_complete"] is False
    partial = api.patch("/me", {"region_code": "440106", "price_tier": "high"}, token=handle.token)
    assert partial.status_code == 200 and partial.json["profile_complete"] is False
    assert partial.json["profile"]["region_code"] == "440106"
    rest = {k: v for k, v in COMPLETE_PROFILE.items() if k not in ("region_code", "price_tier")}
    done = api.patch("/me", rest, token=handle.token)
    assert done.json["profile_complete"] is True and done.json["profile"]["price_tier"] == "high"


@pytest.mark.parametrize("field, value", [
    ("region_code", "999999"), ("region_code", "440100"), ("region_code", "44010"), ("preferred_category", "menthol"),
    ("price_tier", "luxury"), ("occupation", "pirate"), ("income_band", "lots"), ("real_name", "李四"),
])
def test_bad_profile_values_are_422_and_change_nothing(api, member, field, value):
    before = api.get("/me", token=member.token).json
    response = api.patch("/me", {field: value}, token=member.token)
    assert response.status_code == 422 and field in response.json["error"]["fields"]
    assert api.get("/me", token=member.token).json == before


def test_a_city_without_counties_is_a_valid_region(api, member):
    assert api.patch("/me", {"region_code": "441900"}, token=member.token).status_code == 200  # 东莞市


def _image_bytes(fmt="JPEG", size=(1200, 800), exif_orientation=None):
    image = Image.new("RGB", size, (200, 30, 30))
    out = io.BytesIO()
    if exif_orientation:
        exif = Image.Exif()
        exif[0x0112] = exif_orientation
        exif[0x010F] = "SecretCam"  # Make
        image.save(out, format=fmt, exif=exif.tobytes())
    else:
        image.save(out, format=fmt)
    return out.getvalue()


def _upload(api, token, data, filename="p.jpg", mimetype="image/jpeg"):
    return api.client.put("/api/v1/me/photo", headers={"Authorization": f"Bearer {token}"},
                          data={"photo": (io.BytesIO(data), filename, mimetype)}, content_type="multipart/form-data")


def test_photo_is_reencoded_resized_rotated_and_stripped(api, member):
    response = _upload(api, member.token, _image_bytes(exif_orientation=6))
    assert response.status_code == 200, response.json
    url = response.json["photo_url"]
    served = api.client.get(url)
    assert served.status_code == 200 and "max-age" in served.headers["Cache-Control"]
    image = Image.open(io.BytesIO(served.data))
    assert image.format == "JPEG"
    assert max(image.size) <= 512
    assert image.size[1] > image.size[0]  # orientation 6 (rotate 90°) applied: portrait now
    assert not image.getexif() and b"SecretCam" not in served.data


@pytest.mark.parametrize("fmt, mime", [("PNG", "image/png"), ("WEBP", "image/webp")])
def test_png_and_webp_photos_are_accepted(api, member, fmt, mime):
    assert _upload(api, member.token, _image_bytes(fmt, (100, 100)), "p", mime).status_code == 200


def test_a_non_image_is_rejected(api, member):
    response = _upload(api, member.token, b"%PDF-1.4 not an image" * 10, "x.jpg", "image/jpeg")
    assert response.status_code == 422 and response.json["error"]["code"] == "BAD_IMAGE"


def test_a_declared_non_image_type_is_415(api, member):
    response = _upload(api, member.token, b"hello", "x.txt", "text/plain")
    assert response.status_code == 415


def test_an_image_of_another_format_is_415(api, member):
    response = _upload(api, member.token, _image_bytes("GIF", (20, 20)), "x.gif", "image/gif")
    assert response.status_code == 415


def test_a_truncated_image_is_bad(api, member):
    data = _image_bytes()
    assert _upload(api, member.token, data[: len(data) // 2]).json["error"]["code"] == "BAD_IMAGE"


def test_a_decompression_bomb_is_rejected(api, member):
    out = io.BytesIO()
    Image.new("1", (20000, 20000)).save(out, format="PNG")  # tiny file, 400 megapixels
    response = _upload(api, member.token, out.getvalue(), "bomb.png", "image/png")
    assert response.status_code == 422 and response.json["error"]["code"] == "BAD_IMAGE"


def test_a_photo_over_5_mb_is_413(api, member):
    response = _upload(api, member.token, b"\xff\xd8" + b"0" * (5 * 1024 * 1024 + 10))
    assert response.status_code == 413


def test_json_to_the_photo_endpoint_is_415(api, member):
    assert api.put("/me/photo", {"photo": "x"}, token=member.token).status_code == 415


def test_a_missing_photo_field_is_422(api, member):
    response = api.client.put("/api/v1/me/photo", headers=member.headers, data={"other": "x"},
                              content_type="multipart/form-data")
    assert response.status_code == 422 and "photo" in response.json["error"]["fields"]
