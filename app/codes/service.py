"""Scanning a pack code for points (DESIGN.md rules 1, 2, 4, 5): each code credited once, ever.

`scan_code` does the offline checks first (shape, check character, HMAC tag: no database for a forged
generated code), then one write transaction that
  1. claims the code: INSERT … ON CONFLICT (code) DO NOTHING RETURNING — UNIQUE(code) decides who
     wins, never a check-then-insert; a concurrent claimer waits on the index, then sees the winner;
  2. locks the member row (SELECT … FOR NO KEY UPDATE on PostgreSQL; SQLite's BEGIN IMMEDIATE serialises all
     writers anyway), so the daily cap counted from `scans` is exact even for concurrent scans: each one
     counts, under the lock, every scan committed before it plus its own claim;
  3. appends the ledger entry and moves the cached balance (points.service.post_entry, guarded UPDATE);
  4. tells subscribers (points.hooks.scan_credited) inside the same transaction.
Any error anywhere rolls all of it back.
"""
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from flask import current_app
from flask_babel import gettext as _, lazy_gettext as _l
from sqlalchemy import func, select

from ..db import transaction, utcnow
from ..errors import ApiError, Conflict, Forbidden, NotFound
from ..extensions import db
from ..members.models import Member
from ..pagination import paginate
from ..points import hooks
from ..points.service import post_entry
from ..retailers.geo import county_at
from ..timeutil import LOCAL_TZ, local_now, local_today
from . import keys, limits, rules as earning
from .models import CodeBatch, ImportedCode, Scan, insert_ignoring


class CodeMalformed(ApiError):
    status, code, message = 422, "CODE_MALFORMED", _l("This is not a valid code; check what you typed.")


class CodeInvalid(NotFound):
    code, message = "CODE_INVALID", _l("This code is not a genuine pack code.")


class CodeAlreadyUsed(Conflict):
    code, message = "CODE_ALREADY_USED", _l("This code has already been used.")


class CodeNotActive(Conflict):
    """`reason` says which: the batch was voided, is not valid yet, or has expired."""
    code = "CODE_NOT_ACTIVE"
    MESSAGES = {"voided": _l("This pack's code batch has been withdrawn: the code earns no points."),
                "not_yet_valid": _l("This code cannot be scanned yet: its batch is not valid until later."),
                "expired": _l("This code has expired: its batch is no longer valid.")}

    def __init__(self, reason):
        super().__init__(self.MESSAGES[reason], reason=reason)


class ProfileIncomplete(Forbidden):
    code, message = "PROFILE_INCOMPLETE", _l("Complete your profile before scanning.")


class MembershipExpired(Conflict):
    code, message = "MEMBERSHIP_EXPIRED", _l("Your membership has expired.")


class ScanLimit(ApiError):
    status, code, message = 429, "SCAN_LIMIT", _l("You have reached today's scan limit.")


@dataclass(frozen=True)
class ScanResult:
    """Plain values, so answering needs no query after the commit expired the ORM objects."""

    scan_id: int
    points_awarded: int
    balance: int
    product: dict  # {"id", "name"}


def scan_code(member_id, raw, *, client_ip=None, lat=None, lon=None, now=None) -> ScanResult:
    """Credit the pack code `raw` (as typed or scanned) to the member; see the module docstring."""
    now = now or utcnow()
    member = db.session.get(Member, member_id)
    _check_member(member, now)
    seen = (member.level.multiplier, member.region_code)  # what the points and the scan row are first made from
    limits.check(member_id, client_ip)
    try:
        code = parse_code(raw)
    except (CodeMalformed, CodeInvalid):
        limits.record_invalid(member_id, client_ip)
        raise

    with transaction():
        batch = _batch_of(code, member_id, client_ip)
        _check_batch(batch, now)
        applied, points = _points(batch, seen[0], now, lat, lon)
        scan = db.session.scalars(
            insert_ignoring(Scan).values(code=code.compact, batch_id=batch.id, product_id=batch.product_id,
                                         member_id=member_id, points_awarded=points, region_code=seen[1],
                                         client_ip=client_ip, lat=lat, lon=lon, created_at=now)
            .on_conflict_do_nothing(index_elements=["code"]).returning(Scan)).one_or_none()
        if scan is None:
            owner = db.session.scalar(select(Scan.member_id).where(Scan.code == code.compact))
            raise CodeAlreadyUsed(by_you=owner == member_id)
        # The member row is locked after the claim, never before: a rival claimer waiting on this code's
        # index entry then holds no member lock, so subscribers that credit another member (a referrer)
        # cannot deadlock with it. FOR NO KEY UPDATE, not FOR UPDATE: the claim's foreign key already holds
        # KEY SHARE on the row, and FOR UPDATE would deadlock with every other claim by the same member.
        member = db.session.scalars(select(Member).where(Member.id == member_id)
                                    .with_for_update(of=Member, key_share=True)
                                    .execution_options(populate_existing=True)).one()
        _check_member(member, now)
        _check_daily_cap(member_id, current_app.config["SCAN_DAILY_CAP"], now)
        if (member.level.multiplier, member.region_code) != seen:  # changed meanwhile (a level upgrade)
            applied, points = _points(batch, member.level.multiplier, now, lat, lon)
            scan.points_awarded, scan.region_code = points, member.region_code
        balance = member.points_balance
        if points:
            balance = post_entry(member_id, points, "scan", ref=f"scan:{scan.id}",
                                 note=_note(batch.product, applied), now=now).balance_after
        hooks.scan_credited(member_id, scan, now)
        result = ScanResult(scan.id, points, balance, {"id": batch.product.id, "name": batch.product.name})
    return result


def _points(batch, level_multiplier, now, lat=None, lon=None):
    """Regional rules go by where the batch was shipped, else by where the scan is (rules.py), never by the
    member's profile region."""
    def region():
        if batch.region_code:
            return batch.region_code
        return county_at(lat, lon) if lat is not None and lon is not None else None

    applied = earning.rules_for(batch.product_id, region, now)
    return applied, earning.points_for(batch.product.points_per_pack, level_multiplier, applied)


def parse_code(raw) -> keys.ResolvedCode:
    """The offline checks, as API errors: CodeMalformed (shape, check character), CodeInvalid (forged)."""
    try:
        return keys.parse(raw)
    except keys.CodeFormatError:
        raise CodeMalformed() from None
    except keys.CodeForgedError:
        raise CodeInvalid() from None


def _check_member(member, now):
    if not member.profile_complete:
        raise ProfileIncomplete()
    if member.valid_until < local_today(now):
        raise MembershipExpired()


def _batch_of(code, member_id, client_ip) -> CodeBatch:
    if code.generated:
        batch = db.session.get(CodeBatch, code.batch_id)
        if batch is None or batch.source != "generated" or code.serial >= batch.count:
            # Genuine tag but no such batch or serial: only someone holding CODE_SECRET could make it.
            limits.record_invalid(member_id, client_ip)
            raise CodeInvalid()
        return batch
    batch_id = db.session.scalar(select(ImportedCode.batch_id)
                                 .where(ImportedCode.code_hash == keys.imported_hash(code.compact)))
    if batch_id is None:
        limits.record_invalid(member_id, client_ip)
        raise CodeMalformed() if keys.near_generated(code.compact) else CodeInvalid()
    return db.session.get(CodeBatch, batch_id)


def _check_batch(batch, now):
    if batch.status != "active":
        raise CodeNotActive("voided")
    if batch.valid_from is not None and now < batch.valid_from:
        raise CodeNotActive("not_yet_valid")
    if batch.valid_until is not None and now >= batch.valid_until:
        raise CodeNotActive("expired")


def local_midnight(now):
    """Start of the Asia/Shanghai day containing `now`, as an aware datetime."""
    return datetime.combine(local_now(now).date(), time(0), tzinfo=LOCAL_TZ)


def _check_daily_cap(member_id, cap, now):
    """Under the member's row lock; the count includes the claim just made, hence `>`."""
    start = local_midnight(now)
    count = db.session.scalar(select(func.count()).select_from(Scan)
                              .where(Scan.member_id == member_id, Scan.created_at >= start))
    if count > cap:
        retry = int((start + timedelta(days=1) - now).total_seconds()) + 1
        raise ScanLimit(headers={"Retry-After": str(retry)})


def _note(product, applied):
    note = _("Scan: %(product)s", product=product.name)
    if applied:
        note += " · " + earning.describe(applied)
    return note[:200]


def my_scans(member_id, page, per_page):
    return paginate(select(Scan).where(Scan.member_id == member_id).order_by(Scan.id.desc()), page, per_page)


def mask_code(compact: str) -> str:
    """Enough to recognise a pack, not enough to reuse the code elsewhere: 'AB2C****XYZ9'."""
    return f"{compact[:4]}****{compact[-4:]}"
