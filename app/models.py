"""Imports every model module so metadata is complete (Alembic autogenerate, `flask db check`)."""
from .auth.models import AuthToken, StaffUser  # noqa: F401
from .idempotency import IdempotencyRecord  # noqa: F401
from .members.models import Member, MemberLevel  # noqa: F401
from .members.member_codes import MemberCode  # noqa: F401
from .points.models import LedgerEntry, PointLot, PointLotUse  # noqa: F401
from .products.models import Product  # noqa: F401
from .codes.models import CodeBatch, EarningRule, ImportedCode, Scan  # noqa: F401
from .retailers.models import Retailer, TradeArea  # noqa: F401
from .orders.models import OrderImport, OrderLine, OrderWeekFact  # noqa: F401
from .observations.models import Observation, ObservationWeekFact  # noqa: F401
from .visits.models import Visit, VisitPlan  # noqa: F401
from .activities.models import Activity, ActivityRecord  # noqa: F401
from .promo.models import (PromoItem, PromoMovement, PromoPlan, PromoQuota, PromoRequisition,  # noqa: F401
                           PromoRequisitionTally, PromoStock)
from .stats.models import AlertBand, IndicatorSnapshot  # noqa: F401
from .gifts.models import Gift, GiftMemberTally, GiftStockMove  # noqa: F401
from .redemptions.models import Redemption  # noqa: F401
from .lifecycle.models import LevelChange, ReferralReward, ValidityChange  # noqa: F401
from .complaints.models import Complaint  # noqa: F401
from .audit.models import AuditEvent  # noqa: F401
from .tasks.models import Task  # noqa: F401
from .sms.models import SmsCode, SmsOutboxMessage  # noqa: F401
from .lifecycle.models import ReferralTally  # noqa: F401
from .appeals.models import IdentityAppeal  # noqa: F401
