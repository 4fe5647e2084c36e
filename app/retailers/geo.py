"""Great-circle distance and the bounding box that prefilters "near" queries in SQL."""
import math

EARTH_RADIUS_M = 6_371_008.8  # mean radius (IUGG)


def haversine_m(lat1, lon1, lat2, lon2) -> float:
    """Distance in metres between two WGS-84 points given in degrees."""
    p1, p2 = math.radians(float(lat1)), math.radians(float(lat2))
    dp, dl = p2 - p1, math.radians(float(lon2) - float(lon1))
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def county_at(lat, lon, radius_m=3000):
    """The county a position is in, as far as the data can tell: the county (region_code) of the nearest
    retailer within radius_m. The division data has no geometry; the licensed shops, geocoded at their
    addresses, cover every inhabited county densely enough. None when no shop is near."""
    from sqlalchemy import select

    from ..extensions import db
    from .models import Retailer

    min_lat, max_lat, min_lon, max_lon = bounding_box(lat, lon, radius_m)
    rows = db.session.execute(
        select(Retailer.lat, Retailer.lon, Retailer.region_code)
        .where(Retailer.lat.between(min_lat, max_lat), Retailer.lon.between(min_lon, max_lon))
        .limit(200)).all()
    near = [(haversine_m(lat, lon, r.lat, r.lon), r.region_code) for r in rows]
    near = [item for item in near if item[0] <= radius_m]
    return min(near)[1] if near else None


def bounding_box(lat, lon, radius_m):
    """(min_lat, max_lat, min_lon, max_lon) holding every point within radius_m (a little more)."""
    dlat = math.degrees(radius_m / EARTH_RADIUS_M) * 1.01  # margin: stored coordinates are rounded
    cos_lat = max(math.cos(math.radians(float(lat))), 1e-6)
    dlon = min(180.0, dlat / cos_lat)
    return float(lat) - dlat, float(lat) + dlat, float(lon) - dlon, float(lon) + dlon
