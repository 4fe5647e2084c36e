"""Referral bonus (推荐人奖励): when a referred member's first scan is credited, the referrer earns
REFERRAL_BONUS_POINTS, once, in the scan's own transaction. The referral_rewards row (primary key: the
referred member) is inserted first with ON CONFLICT DO NOTHING, so a second scan, or two first scans
racing, find it taken and post nothing.

A referrer whose membership has expired still gets the bonus (validity.py): it rewards the referred member's
act, not the referrer's own earning; it does not renew the referrer's membership, and it can be spent only
once the membership is renewed."""
from flask import current_app
from flask_babel import gettext as _

from ..db import guarded_update, insert_ignoring_conflict, utcnow
from ..members.service import get_member
from ..points.service import post_entry
from .models import ReferralReward


def reward_referrer(member_id, scan, now=None):
    now = now or utcnow()
    member = get_member(member_id)
    points = current_app.config["REFERRAL_BONUS_POINTS"]
    if member.referrer_id is None or points <= 0:
        return None
    if not insert_ignoring_conflict(ReferralReward, referred_id=member_id, referrer_id=member.referrer_id,
                                    scan_id=scan.id, created_at=now):
        return None
    entry = post_entry(member.referrer_id, points, "referral_bonus", ref=f"referral:{member_id}", now=now,
                       note=_("Referral bonus: member %(id)s made a first scan", id=member_id))
    guarded_update(ReferralReward.referred_id, ReferralReward.referred_id == member_id, entry_id=entry.id)
    return entry
