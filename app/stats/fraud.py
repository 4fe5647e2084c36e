"""Fraud signals in scanning (刷码, fake accounts): members with unusually many scans in a day, many members
scanning from one IP, and scans far from the member's region."""
import math
from collections import defaultdict
from datetime import date

from flask import current_app
from sqlalchemy import func, select

from ..codes.models import Scan
from ..extensions import db
from ..members.models import Member, mask_phone
from ..retailers.models import Retailer
from .sqltime import as_date, local_date

EARTH_RADIUS_KM = 6371.0


def fraud_signals(start: date, end: date, scans_per_day: int | None = None, members_per_ip: int | None = None,
                  far_km: float | None = None) -> dict:
    """Each threshold left out (None) is the configured one: FRAUD_SCANS_PER_DAY, FRAUD_MEMBERS_PER_IP,
    FRAUD_FAR_KM."""
    config = current_app.config
    scans_per_day = scans_per_day or config["FRAUD_SCANS_PER_DAY"]
    members_per_ip = members_per_ip or config["FRAUD_MEMBERS_PER_IP"]
    far_km = far_km or config["FRAUD_FAR_KM"]
    day = local_date(Scan.created_at)
    in_range = day.between(start, end)
    heavy = db.session.execute(
        select(Scan.member_id, Member.phone, day.label("day"), func.count().label("scans"))
        .join(Member, Member.id == Scan.member_id).where(in_range)
        .group_by(Scan.member_id, Member.phone, day).having(func.count() >= scans_per_day)
        .order_by(func.count().desc())).all()
    shared = db.session.execute(
        select(Scan.client_ip, func.count(Scan.member_id.distinct()).label("members"), func.count().label("scans"))
        .where(in_range, Scan.client_ip.is_not(None)).group_by(Scan.client_ip)
        .having(func.count(Scan.member_id.distinct()) >= members_per_ip)
        .order_by(func.count(Scan.member_id.distinct()).desc())).all()
    return {
        "from": start, "to": end,
        "thresholds": {"scans_per_day": scans_per_day, "members_per_ip": members_per_ip, "far_km": far_km},
        "heavy_scanners": [{"member_id": m, "phone": mask_phone(p), "day": as_date(d), "scans": n}
                           for m, p, d, n in heavy],
        "shared_ips": [{"client_ip": ip, "members": m, "scans": n} for ip, m, n in shared],
        "far_scans": _far_scans(in_range, far_km),
    }


def _far_scans(in_range, far_km):
    """Scans located farther than far_km from the member's region. A region's position is the mean position
    of our retailers in that county (else in its city): the division data carries no coordinates."""
    centres = _region_centres()
    rows = db.session.execute(
        select(Scan.id, Scan.member_id, Member.phone, Member.region_code, Scan.lat, Scan.lon, Scan.created_at)
        .join(Member, Member.id == Scan.member_id)
        .where(in_range, Scan.lat.is_not(None), Scan.lon.is_not(None), Member.region_code.is_not(None))).all()
    far = []
    for scan_id, member_id, phone, region, lat, lon, at in rows:
        centre = centres.get(region) or centres.get(region[:4] + "00")
        if centre is None:
            continue
        distance = haversine_km(float(lat), float(lon), *centre)
        if distance > far_km:
            far.append({"scan_id": scan_id, "member_id": member_id, "phone": mask_phone(phone),
                        "region_code": region, "distance_km": round(distance, 1), "created_at": at})
    far.sort(key=lambda f: -f["distance_km"])
    return far


def _region_centres():
    sums = defaultdict(lambda: [0.0, 0.0, 0])
    rows = db.session.execute(select(Retailer.region_code, func.avg(Retailer.lat), func.avg(Retailer.lon),
                                     func.count())
                              .where(Retailer.lat.is_not(None), Retailer.lon.is_not(None))
                              .group_by(Retailer.region_code)).all()
    centres = {}
    for region, lat, lon, n in rows:
        centres[region] = (float(lat), float(lon))
        city = sums[region[:4] + "00"]
        city[0] += float(lat) * n
        city[1] += float(lon) * n
        city[2] += n
    for city, (lat, lon, n) in sums.items():
        centres.setdefault(city, (lat / n, lon / n))
    return centres


def haversine_km(lat1, lon1, lat2, lon2) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))
