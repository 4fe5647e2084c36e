"""Imports every model module so metadata is complete (Alembic autogenerate, `flask db check`)."""
from .auth.models import AuthToken, StaffUser  # noqa: F401
from .idempotency import IdempotencyRecord  # noqa: F401
from .members.models import Member, MemberLevel  # noqa: F401
from .points.models import LedgerEntry  # noqa: F401
from .products.models import Product  # noqa: F401
from .codes.models import CodeBatch, Scan  # noqa: F401
from .retailers.models import Retailer  # noqa: F401
from .observations.models import Observation  # noqa: F401
from .audit.models import AuditEvent  # noqa: F401
from .tasks.models import Task  # noqa: F401
