"""The app's pack-code keys, and turning what a member typed or scanned into a code we can look up.

CODE_SECRET comes from the configuration (environment, or instance/code_secret kept by scripts/run.sh).
When it is unset, a key is derived from SECRET_KEY: HMAC-SHA256(SECRET_KEY, "loyalty/code-secret/v1").
That keeps codes verifiable across restarts, but rotating SECRET_KEY then voids every printed code:
production should set CODE_SECRET on its own.
"""
import hashlib
import hmac
import re
import unicodedata
from dataclasses import dataclass

from flask import current_app

from .codec import ALPHABET, CODE_LENGTH, CodeCodec, CodeForgedError, CodeFormatError, looks_like_generated
from .codec import _SEPARATORS, _from_url  # the codec's own input cleaning, reused for imported codes

DERIVE_LABEL = b"loyalty/code-secret/v1"
IMPORT_HASH_LABEL = b"loyalty/imported-code/v1"
# Codes from a printing line's generator: letters and digits once cleaned, any case.
IMPORTED_SHAPE = re.compile(r"^[A-Z0-9]{6,64}$")
_ALPHABET = frozenset(ALPHABET)

__all__ = ["CodeForgedError", "CodeFormatError", "ResolvedCode", "codec", "imported_hash", "parse",
           "clean_imported", "near_generated", "generated_shape"]


def code_secret(app=None) -> bytes:
    app = app or current_app
    secret = app.config.get("CODE_SECRET")
    if secret:
        return secret.encode() if isinstance(secret, str) else bytes(secret)
    return hmac.new(app.config["SECRET_KEY"].encode(), DERIVE_LABEL, hashlib.sha256).hexdigest().encode()


def codec(app=None) -> CodeCodec:
    app = app or current_app
    cached = app.extensions.get("code_codec")
    if cached is None:
        cached = app.extensions["code_codec"] = CodeCodec(code_secret(app))
    return cached


def imported_hash(compact: str, app=None) -> str:
    """Keyed hash under which an imported code is stored (hex, 64 chars)."""
    key = hmac.new(code_secret(app), IMPORT_HASH_LABEL, hashlib.sha256).digest()
    return hmac.new(key, compact.encode(), hashlib.sha256).hexdigest()


def clean_imported(raw: str) -> str:
    """Normalise an imported (non-generated) code the way scanning does; CodeFormatError if it can't be one."""
    if not isinstance(raw, str) or len(raw) > 512:
        raise CodeFormatError("not a code")
    text = unicodedata.normalize("NFKC", raw).strip()
    if any(c in text for c in "/?="):
        text = _from_url(text)
    text = "".join(text.split()).translate(_SEPARATORS).upper()
    if not text.isascii() or not IMPORTED_SHAPE.match(text):
        raise CodeFormatError("a code has 6 to 64 letters and digits")
    return text


@dataclass(frozen=True)
class ResolvedCode:
    """A code that passed the offline checks: generated (batch_id and serial known) or imported-shaped."""

    compact: str
    batch_id: int | None = None
    serial: int | None = None

    @property
    def generated(self) -> bool:
        return self.batch_id is not None


def parse(raw: str) -> ResolvedCode:
    """Offline half of scanning: no database.

    A code of our generated shape (24 symbols of the codec's alphabet) is decided here: CodeFormatError for
    a typo (check character), CodeForgedError for a forgery. Imports refuse that shape, so nothing else
    can claim it. Anything else that cleans to 6-64 letters and digits may be an imported code.
    """
    if looks_like_generated(raw):
        decoded = codec().decode(raw)
        return ResolvedCode(decoded.compact, decoded.batch_id, decoded.serial)
    return ResolvedCode(clean_imported(raw))


def near_generated(compact: str) -> bool:
    """About our length: an unknown code like this is more likely a mistyped one of ours (MALFORMED, "check
    what you typed") than a guess (INVALID)."""
    return abs(len(compact) - CODE_LENGTH) <= 4


def generated_shape(compact: str) -> bool:
    """Exactly our shape (24 symbols of the alphabet): decided offline, so imports may not use it."""
    return len(compact) == CODE_LENGTH and set(compact) <= _ALPHABET
