import math

import pytest

from app.retailers.geo import EARTH_RADIUS_M, bounding_box, haversine_m


def test_same_point_is_zero_metres():
    assert haversine_m(23.1291, 113.324, 23.1291, 113.324) == 0


def test_one_degree_of_latitude_is_about_111_km():
    assert haversine_m(0, 0, 1, 0) == pytest.approx(111_195, abs=1)


def test_guangzhou_to_changsha_is_about_560_km():
    assert haversine_m(23.1291, 113.2644, 28.2282, 112.9388) == pytest.approx(567_000, rel=0.01)


def test_distance_is_symmetric_and_handles_the_antimeridian():
    assert haversine_m(10, 179.9, 10, -179.9) == pytest.approx(haversine_m(10, -179.9, 10, 179.9))
    assert haversine_m(10, 179.9, 10, -179.9) < 25_000


@pytest.mark.parametrize("lat", [0, 23.13, 45, 70])
def test_bounding_box_holds_every_point_within_the_radius(lat):
    radius = 1000
    min_lat, max_lat, min_lon, max_lon = bounding_box(lat, 100, radius)
    for bearing in range(0, 360, 15):
        b = math.radians(bearing)
        d = radius / EARTH_RADIUS_M
        p1 = math.radians(lat)
        p2 = math.asin(math.sin(p1) * math.cos(d) + math.cos(p1) * math.sin(d) * math.cos(b))
        l2 = 100 + math.degrees(math.atan2(math.sin(b) * math.sin(d) * math.cos(p1),
                                           math.cos(d) - math.sin(p1) * math.sin(p2)))
        assert min_lat <= math.degrees(p2) <= max_lat and min_lon <= l2 <= max_lon
