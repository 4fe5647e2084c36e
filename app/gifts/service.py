"""Gift use cases: create, edit, retire, move stock (always through the stock ledger), set the image."""
from datetime import date

from flask_babel import gettext as _, lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm.util import identity_key

from ..db import guarded_update, transaction, utcnow
from ..errors import Conflict, NotFound, ValidationFailed
from ..extensions import db
from ..media import process_image, storage
from .models import Gift, GiftStockMove

IMAGE_MAX_SIDE = 1600
THUMB_MAX_SIDE = 320


class GiftUnavailable(Conflict):
    code, message = "GIFT_UNAVAILABLE", _l("This gift is not available for redemption.")


class OutOfStock(Conflict):
    code, message = "OUT_OF_STOCK", _l("This gift is out of stock.")


class InsufficientStock(Conflict):
    code, message = "INSUFFICIENT_STOCK", _l("The stock cannot go below zero.")


def get_gift(gift_id) -> Gift:
    gift = db.session.get(Gift, gift_id)
    if gift is None:
        raise NotFound()
    return gift


def get_visible_gift(gift_id, today: date) -> Gift:
    gift = db.session.get(Gift, gift_id)
    if gift is None or not gift.available_on(today):
        raise NotFound()
    return gift


def visible_gifts(today: date, *, category=None, max_cost=None):
    """Members' catalogue: active gifts inside their validity window (and within a budget)."""
    query = select(Gift).where(Gift.status == "active",
                               (Gift.valid_from.is_(None)) | (Gift.valid_from <= today),
                               (Gift.valid_until.is_(None)) | (Gift.valid_until >= today))
    if category:
        query = query.where(Gift.category == category)
    if max_cost is not None:
        query = query.where(Gift.points_cost <= max_cost)
    return query.order_by(Gift.category, Gift.points_cost, Gift.id)


def admin_gifts(*, status=None, category=None):
    query = select(Gift)
    if status:
        query = query.where(Gift.status == status)
    if category:
        query = query.where(Gift.category == category)
    return query.order_by(Gift.id.desc())


def _check_window(valid_from, valid_until):
    if valid_from and valid_until and valid_until < valid_from:
        raise ValidationFailed({"valid_until": [_("Must not be before valid_from.")]})


def create_gift(*, stock, staff_id=None, now=None, **fields) -> Gift:
    """A new active gift; its opening stock is the first row of its stock ledger."""
    _check_window(fields.get("valid_from"), fields.get("valid_until"))
    now = now or utcnow()
    with transaction():
        gift = Gift(stock=0, status="active", created_at=now, **fields)
        db.session.add(gift)
        db.session.flush()
        if stock:
            move_stock(gift.id, stock, "initial", reason=_("Opening stock"), staff_id=staff_id, now=now)
    return gift


def update_gift(gift_id, changes) -> Gift:
    with transaction():
        gift = get_gift(gift_id)
        _check_window(changes.get("valid_from", gift.valid_from), changes.get("valid_until", gift.valid_until))
        for name, value in changes.items():
            setattr(gift, name, value)
    return gift


def retire_gift(gift_id) -> Gift:
    """Take a gift out of the mall; pending redemptions of it are still honoured."""
    with transaction():
        gift = get_gift(gift_id)
        gift.status = "retired"
    return gift


def adjust_stock(gift_id, delta, reason, *, staff_id=None, now=None) -> Gift:
    """An admin's stock correction (入库, 盘点…), with its reason in the ledger."""
    with transaction():
        get_gift(gift_id)
        try:
            move_stock(gift_id, delta, "adjust", reason=reason, staff_id=staff_id, now=now)
        except OutOfStock:
            raise InsufficientStock() from None
    return get_gift(gift_id)


def move_stock(gift_id, delta, kind, *, ref=None, reason=None, staff_id=None, now=None) -> int:
    """Move stock by a guarded UPDATE … RETURNING and write its ledger row; raises OutOfStock.

    Must run inside `transaction()`. Never read-modify-write: concurrent redemptions of the last units
    queue on the row, and the `stock + delta >= 0` guard refuses whoever comes too late.
    """
    stock = guarded_update(Gift.stock, Gift.id == gift_id, Gift.stock + delta >= 0, stock=Gift.stock + delta)
    if stock is None:
        raise OutOfStock()
    db.session.add(GiftStockMove(gift_id=gift_id, delta=delta, stock_after=stock, kind=kind, ref=ref,
                                 reason=reason, staff_id=staff_id, created_at=now or utcnow()))
    db.session.flush()
    gift = db.session.identity_map.get(identity_key(Gift, gift_id))
    if gift is not None:  # keep a loaded gift in step with its row
        db.session.expire(gift, ["stock"])
    return stock


def stock_moves(gift_id):
    get_gift(gift_id)
    return select(GiftStockMove).where(GiftStockMove.gift_id == gift_id).order_by(GiftStockMove.id.desc())


def set_image(gift_id, data: bytes) -> Gift:
    """Keep the picture at ≤ 1600 px and a 320 px thumbnail, both re-encoded without metadata."""
    image, thumb = process_image(data, IMAGE_MAX_SIDE), process_image(data, THUMB_MAX_SIDE)
    store = storage()
    names = store.save("gifts", image, ".jpg"), store.save("gifts", thumb, ".jpg")
    try:
        with transaction():
            gift = get_gift(gift_id)
            old = gift.image_path, gift.thumb_path
            gift.image_path, gift.thumb_path = names
    except BaseException:
        for name in names:
            store.delete(name)
        raise
    for name in old:
        store.delete(name)
    return gift
