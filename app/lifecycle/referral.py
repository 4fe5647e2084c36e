"""Referral bonus (推荐人奖励): the referrer earns REFERRAL_BONUS_POINTS, once per referred member, in the
transaction of the scan that qualifies it. A referred member qualifies with a verified phone (proven by
SMS code at sign-up) and credited scans on two different Shanghai days, so made-up identities with
unreachable phones and one scan each earn nothing.

Once only: the referral_rewards row (primary key: the referred member) is inserted first with ON CONFLICT
DO NOTHING, so a second scan, or two qualifying scans racing, find it taken and post nothing.
At most REFERRAL_MONTHLY_CAP per referrer per month: a guarded UPDATE on the referrer's month tally
(referral_tallies) takes a slot; with none left the reward row is removed again and the bonus waits for
a later scan of the referred member in a month with room.

A referrer whose membership has expired still gets the bonus (validity.py): it rewards the referred member's
act, not the referrer's own earning; it does not renew the referrer's membership, and it can be spent only
once the membership is renewed."""
from datetime import datetime, time, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, exists, or_, select

from ..codes.models import Scan
from ..db import guarded_update, insert_ignoring_conflict, utcnow
from ..extensions import db
from ..members.service import get_member
from ..points.service import post_entry
from ..timeutil import LOCAL_TZ, local_today
from .models import ReferralReward, ReferralTally


def reward_referrer(member_id, scan, now=None):
    now = now or utcnow()
    member = get_member(member_id)
    points = current_app.config["REFERRAL_BONUS_POINTS"]
    if member.referrer_id is None or points <= 0 or member.phone_verified_at is None:
        return None
    day = local_today(scan.created_at or now)
    if not _scanned_on_another_day(member_id, day):
        return None
    if not insert_ignoring_conflict(ReferralReward, referred_id=member_id, referrer_id=member.referrer_id,
                                    scan_id=scan.id, created_at=now):
        return None
    if not _take_monthly_slot(member.referrer_id, f"{day:%Y-%m}"):
        db.session.execute(delete(ReferralReward).where(ReferralReward.referred_id == member_id))
        return None
    entry = post_entry(member.referrer_id, points, "referral_bonus", ref=f"referral:{member_id}", now=now,
                       note=_("Referral bonus: member %(id)s scanned on a second day", id=member_id))
    guarded_update(ReferralReward.referred_id, ReferralReward.referred_id == member_id, entry_id=entry.id)
    return entry


def _scanned_on_another_day(member_id, day):
    start = datetime.combine(day, time(), LOCAL_TZ)
    return db.session.scalar(select(exists().where(
        Scan.member_id == member_id, or_(Scan.created_at < start, Scan.created_at >= start + timedelta(days=1)))))


def _take_monthly_slot(referrer_id, month) -> bool:
    insert_ignoring_conflict(ReferralTally, referrer_id=referrer_id, month=month, paid=0)
    return guarded_update(ReferralTally.paid, ReferralTally.referrer_id == referrer_id, ReferralTally.month == month,
                          ReferralTally.paid < current_app.config["REFERRAL_MONTHLY_CAP"],
                          paid=ReferralTally.paid + 1) is not None
