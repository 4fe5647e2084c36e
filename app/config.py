"""Configuration read from the environment (12-factor); TestingConfig for the suite."""
import os
from pathlib import Path

INSTANCE_DIR = Path(__file__).resolve().parent.parent / "instance"


def _bool(name, default):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(name, default):
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def normalize_database_url(url):
    """Accept URLs as PostgreSQL writes them and route them to psycopg 3."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _kept_secret(name):
    """A secret from the environment, else one that scripts/run.sh generated and kept under instance/."""
    value = os.environ.get(name)
    if value:
        return value
    kept = INSTANCE_DIR / name.lower()
    return kept.read_text().strip() if kept.exists() else None


class Config:
    TESTING = False
    DEBUG = False
    SECRET_KEY = _kept_secret("SECRET_KEY")
    # Keys for pack-code HMACs and the resident-ID hash; each falls back to one derived from SECRET_KEY.
    CODE_SECRET = _kept_secret("CODE_SECRET")
    ID_HASH_KEY = os.environ.get("ID_HASH_KEY")
    SQLALCHEMY_DATABASE_URI = normalize_database_url(
        os.environ.get("DATABASE_URL") or f"sqlite:///{INSTANCE_DIR / 'loyalty.db'}"
    )
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    REDIS_URL = os.environ.get("REDIS_URL")

    RATELIMIT_ENABLED = _bool("RATELIMIT_ENABLED", True)
    RATELIMIT_HEADERS_ENABLED = True
    RATELIMIT_STORAGE_URI = os.environ.get("REDIS_URL") or "memory://"
    # Failed sign-ins per account from one address, and per account from all addresses together (higher, so
    # a stranger guessing elsewhere does not lock the owner out); the API and the console share both.
    LOGIN_LIMIT_PER_ACCOUNT_AND_IP = os.environ.get("LOGIN_LIMIT_PER_ACCOUNT_AND_IP", "5 per 15 minutes")
    LOGIN_LIMIT_PER_ACCOUNT = os.environ.get("LOGIN_LIMIT_PER_ACCOUNT", "50 per 15 minutes")
    LOGIN_LIMIT_PER_IP = os.environ.get("LOGIN_LIMIT_PER_IP", "30 per minute")
    SIGNUP_LIMIT_PER_IP = os.environ.get("SIGNUP_LIMIT_PER_IP", "20 per hour")
    # Phones are proven by SMS code at sign-up (app/sms): the backend (outbox or a gateway, see
    # app/sms/backends.py for its environment), the code's life and tries, and how often one may be asked for.
    PHONE_VERIFICATION = _bool("PHONE_VERIFICATION", True)
    SMS_BACKEND = os.environ.get("SMS_BACKEND", "outbox")
    SMS_CODE_TTL = _int("SMS_CODE_TTL", 300)
    SMS_CODE_MAX_ATTEMPTS = _int("SMS_CODE_MAX_ATTEMPTS", 5)
    SMS_LIMIT_PER_PHONE = os.environ.get("SMS_LIMIT_PER_PHONE", "1 per minute")
    SMS_LIMIT_PER_IP = os.environ.get("SMS_LIMIT_PER_IP", "30 per hour")
    APPEAL_LIMIT_PER_IP = os.environ.get("APPEAL_LIMIT_PER_IP", "10 per hour")

    # Bodies: JSON stays small; upload endpoints raise their own limit (see app/http.py).
    MAX_CONTENT_LENGTH = 1024 * 1024
    TOKEN_TTL_MEMBER = _int("TOKEN_TTL_MEMBER", 30 * 24 * 3600)
    TOKEN_TTL_STAFF = _int("TOKEN_TTL_STAFF", 12 * 3600)
    CONSENT_POLICY_VERSION = os.environ.get("CONSENT_POLICY_VERSION", "2026-11")
    MEMBER_VALIDITY_DAYS = _int("MEMBER_VALIDITY_DAYS", 365)
    # Points mall and member lifecycle (ISSUE 4)
    VALIDITY_EXTENSION_DAYS = _int("VALIDITY_EXTENSION_DAYS", 365)  # membership runs this long after a scan
    REFERRAL_BONUS_POINTS = _int("REFERRAL_BONUS_POINTS", 50)
    REFERRAL_MONTHLY_CAP = _int("REFERRAL_MONTHLY_CAP", 5)  # bonuses one referrer may earn per (Shanghai) month
    POINTS_EXPIRE_AFTER_YEARS = _int("POINTS_EXPIRE_AFTER_YEARS", 1)  # earned in Y, expire 31 Dec of Y + n
    PICKUP_EXPIRY_DAYS = _int("PICKUP_EXPIRY_DAYS", 30)  # uncollected pickups are cancelled and refunded
    # Wrong pickup codes a staff member may try before fulfilling pauses (against guessing members' codes).
    FULFIL_INVALID_LIMIT = os.environ.get("FULFIL_INVALID_LIMIT", "10 per hour")
    COMPLAINT_LIMIT_PER_MEMBER = os.environ.get("COMPLAINT_LIMIT_PER_MEMBER", "5 per day")
    REGION_CHANGE_DAYS = _int("REGION_CHANGE_DAYS", 30)  # a member changes profile region at most this often
    LEVEL_WINDOW_DAYS = _int("LEVEL_WINDOW_DAYS", 365)  # levels go by points earned in this window
    SCAN_DAILY_CAP = _int("SCAN_DAILY_CAP", 50)
    # Invalid (malformed or forged) codes a member, and an IP address, may send before scanning pauses.
    # Raise the per-IP one where many members share an address (carrier-grade NAT, a shop's Wi-Fi).
    SCAN_INVALID_LIMIT = os.environ.get("SCAN_INVALID_LIMIT", "10 per hour")
    SCAN_INVALID_LIMIT_PER_IP = os.environ.get("SCAN_INVALID_LIMIT_PER_IP", "10 per hour")
    # What a code's QR carries: the code itself, or this URL with {code} filled in (the app opens it).
    CODE_QR_URL = os.environ.get("CODE_QR_URL") or None
    CHECKIN_RADIUS_M = _int("CHECKIN_RADIUS_M", 200)
    # 领用额度: units of each promo item a staff member may requisition per month without an admin's approval
    # (a staff member's own quota, set in the console, overrides it).
    PROMO_REQUISITION_QUOTA = _int("PROMO_REQUISITION_QUOTA", 100)
    # Market-indicator alerts: price index moving more than this percentage week over week; the stable 动销率 band.
    PRICE_INDEX_ALERT_PCT = float(os.environ.get("PRICE_INDEX_ALERT_PCT") or 5)
    SELL_THROUGH_BAND = (0.6, 0.8)
    # Fraud signals: scans by one member in one day, members scanning from one IP, km from the member's region.
    FRAUD_SCANS_PER_DAY = _int("FRAUD_SCANS_PER_DAY", 30)
    FRAUD_MEMBERS_PER_IP = _int("FRAUD_MEMBERS_PER_IP", 5)
    FRAUD_FAR_KM = float(os.environ.get("FRAUD_FAR_KM") or 100)
    UPLOAD_DIR = os.environ.get("UPLOAD_DIR") or str(INSTANCE_DIR / "uploads")
    # Seconds a signed link to a private upload (a member's, visit or activity photo) stays valid (app/media.py).
    MEDIA_URL_MAX_AGE = _int("MEDIA_URL_MAX_AGE", 600)
    PROXY_FIX_X_FOR = _int("PROXY_FIX_X_FOR", 0)

    API_TITLE = "Loyalty API"
    API_VERSION = "v1"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/api/v1"
    OPENAPI_JSON_PATH = "openapi.json"
    OPENAPI_SWAGGER_UI_PATH = "docs"
    # Served by the app itself (vendored by the swagger-ui-bundle-less route in app/apidocs.py).
    OPENAPI_SWAGGER_UI_URL = "/api/v1/docs-assets/"

    # Admin console (/admin): a session cookie scoped to the console, CSRF on every form, idle expiry.
    SESSION_COOKIE_NAME = "console_session"
    SESSION_COOKIE_PATH = "/admin"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", False)  # true behind HTTPS
    CONSOLE_IDLE_MINUTES = _int("CONSOLE_IDLE_MINUTES", 30)
    WTF_CSRF_CHECK_DEFAULT = False  # the console checks every unsafe /admin request itself; the API uses bearer tokens
    WTF_CSRF_TIME_LIMIT = None  # tokens live as long as the session (idle expiry ends it)
    EXPORT_SYNC_MAX_ROWS = _int("EXPORT_SYNC_MAX_ROWS", 10000)  # larger lists export in the background
    GIFT_LOW_STOCK = _int("GIFT_LOW_STOCK", 5)  # the dashboard lists gifts on sale with this many or fewer left
    # Background tasks (app/tasks): queued on Huey, run by `flask worker`. The queue is SQLite under instance/
    # unless HUEY_URL (or REDIS_URL) names Redis ("redis://…") or another SQLite file ("sqlite:////path").
    HUEY_URL = os.environ.get("HUEY_URL") or os.environ.get("REDIS_URL")
    HUEY_IMMEDIATE = _bool("HUEY_IMMEDIATE", False)  # run tasks where they are queued (tests, debugging)
    TASK_WORKERS = _int("TASK_WORKERS", 2)  # threads of one worker process
    TASK_MAX_ATTEMPTS = _int("TASK_MAX_ATTEMPTS", 3)  # a failing task runs at most this often
    TASK_RETRY_DELAY_S = _int("TASK_RETRY_DELAY_S", 30)  # times the attempt number
    TASK_STALE_MINUTES = _int("TASK_STALE_MINUTES", 10)
    # Results and the uploads tasks read: one folder every web host and the worker share (app/media.py).
    TASK_RESULT_DIR = os.environ.get("TASK_RESULT_DIR")  # default: task-results/ next to UPLOAD_DIR
    TASK_RESULT_DAYS = _int("TASK_RESULT_DAYS", 7)
    # Code imports: refused from their size before parsing; files of more lines than SYNC run in the worker.
    CODE_IMPORT_MAX_LINES = _int("CODE_IMPORT_MAX_LINES", 1_000_000)
    CODE_IMPORT_LINE_BYTES = _int("CODE_IMPORT_LINE_BYTES", 48)  # a 64-character code fits, padded
    CODE_IMPORT_SYNC_LINES = _int("CODE_IMPORT_SYNC_LINES", 20_000)
    CODE_IMPORT_CHUNK = _int("CODE_IMPORT_CHUNK", 10_000)  # rows per commit: the write lock is held briefly
    CODE_CSV_SYNC_MAX = _int("CODE_CSV_SYNC_MAX", 1_000_000)  # larger batches export their CSV in the worker
    RETAILER_IMPORT_SYNC_MAX_BYTES = _int("RETAILER_IMPORT_SYNC_MAX_BYTES", 512 * 1024)  # larger: in the worker

    BABEL_DEFAULT_LOCALE = "zh_CN"
    BABEL_DEFAULT_TIMEZONE = "Asia/Shanghai"
    LANGUAGES = ("zh_CN", "en")


class TestingConfig(Config):
    TESTING = True
    SECRET_KEY = "test-secret-key"
    CODE_SECRET = "test-code-secret"
    ID_HASH_KEY = "test-id-hash-key"
    SQLALCHEMY_DATABASE_URI = normalize_database_url(os.environ.get("TEST_DATABASE_URL") or "sqlite://")
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_ENABLED = True
    HUEY_URL = None
    HUEY_IMMEDIATE = True  # a test that needs the real worker process starts one (tests/tasks)
    TASK_RETRY_DELAY_S = 0
