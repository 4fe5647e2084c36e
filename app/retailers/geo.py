"""Great-circle distance and the bounding box that prefilters "near" queries in SQL."""
import math

EARTH_RADIUS_M = 6_371_008.8  # mean radius (IUGG)


def haversine_m(lat1, lon1, lat2, lon2) -> float:
    """Distance in metres between two WGS-84 points given in degrees."""
    p1, p2 = math.radians(float(lat1)), math.radians(float(lat2))
    dp, dl = p2 - p1, math.radians(float(lon2) - float(lon1))
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def bounding_box(lat, lon, radius_m):
    """(min_lat, max_lat, min_lon, max_lon) holding every point within radius_m (a little more)."""
    dlat = math.degrees(radius_m / EARTH_RADIUS_M) * 1.01  # margin: stored coordinates are rounded
    cos_lat = max(math.cos(math.radians(float(lat))), 1e-6)
    dlon = min(180.0, dlat / cos_lat)
    return float(lat) - dlat, float(lat) + dlat, float(lon) - dlon, float(lon) + dlon
