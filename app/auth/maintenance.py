from datetime import timedelta

from sqlalchemy import delete, or_

from ..db import transaction, utcnow
from ..extensions import db
from .models import AuthToken


def purge_dead_tokens(now=None):
    """Delete tokens that expired or were revoked more than a day ago (kept a day for audits)."""
    cutoff = (now or utcnow()) - timedelta(days=1)
    with transaction():
        result = db.session.execute(delete(AuthToken).where(
            or_(AuthToken.expires_at < cutoff, AuthToken.revoked_at < cutoff)))
    return result.rowcount
