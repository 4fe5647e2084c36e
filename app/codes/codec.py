"""Pack codes (喷码): deterministic generation and offline verification.

No row exists for a code until it is scanned, so a code must carry everything
needed to check it: the batch, the serial and a keyed tag.

Layout
------
Alphabet: ``23456789ABCDEFGHJKMNPQRSTUVWXYZ`` (31 symbols; no 0/O, 1/I/L).

    K     = HMAC-SHA256(CODE_SECRET, b"loyalty/pack-code/key/v1")
    tag   = HMAC-SHA256(K, b"pack-code/tag/v1\\0" || u32be(batch_id) || u32be(serial))[:8]
    value = batch_id << 95 | serial << 64 | int64be(tag)        (18 + 31 + 64 = 113 bits)

    payload = value as 23 base-31 digits, most significant first (31**23 > 2**113;
              since value < 2**113 the first symbol is always in "2".."J")
    check   = c such that sum((24 - i) * d[i] for i in 0..23) % 31 == 0,
              where d[0..22] is the payload and d[23] = c (weight 1)
    compact = payload + check                                   (24 symbols)
    printed = compact in 6 groups of 4 joined by "-"            (XXXX-XXXX-...)

31 is prime and the weights 24..1 are distinct and non-zero mod 31, so the check
symbol catches every single-symbol substitution and every transposition of two
different symbols (adjacent or not). That lets the UI say "mistyped"
(CodeFormatError) without the secret, and keeps "not genuine" (CodeForgedError,
tag mismatch) for codes that are well formed.

Changing CODE_SECRET invalidates every code already printed.
"""

from __future__ import annotations

import hashlib
import hmac
import struct
import unicodedata
from dataclasses import dataclass
from typing import Iterator
from urllib.parse import parse_qsl, unquote, urlsplit

__all__ = [
    "ALPHABET",
    "CODE_LENGTH",
    "MAX_BATCH_ID",
    "MAX_SERIAL",
    "CodeCodec",
    "CodeForgedError",
    "CodeFormatError",
    "DecodedCode",
    "check_char",
    "format_code",
    "looks_like_generated",
    "normalize",
    "validate_format",
]

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
BASE = len(ALPHABET)  # 31, prime
PAYLOAD_LENGTH = 23
CODE_LENGTH = PAYLOAD_LENGTH + 1
GROUP = 4

BATCH_BITS, SERIAL_BITS, TAG_BITS = 18, 31, 64
MIN_BATCH_ID, MAX_BATCH_ID = 1, (1 << BATCH_BITS) - 1
MAX_SERIAL = (1 << SERIAL_BITS) - 1
_VALUE_BITS = BATCH_BITS + SERIAL_BITS + TAG_BITS  # 113
_SERIAL_SHIFT, _BATCH_SHIFT = TAG_BITS, TAG_BITS + SERIAL_BITS  # 64, 95
_TAG_MASK = (1 << TAG_BITS) - 1

KEY_LABEL = b"loyalty/pack-code/key/v1"
TAG_LABEL = b"pack-code/tag/v1\x00"
MIN_SECRET_BYTES = 16
MAX_RAW_LENGTH = 512  # longer input is not a code (or a URL carrying one); refuse early

_INDEX = {ch: i for i, ch in enumerate(ALPHABET)}
_WEIGHTS = tuple(range(CODE_LENGTH, 0, -1))  # 24..1; check symbol has weight 1

_U32 = struct.Struct(">I")
_U32X2 = struct.Struct(">II")
_U64 = struct.Struct(">Q")


def _make_value_encoder():
    """Build the fast value -> code function used by encode() and generate().

    The value is cut into eight 3-digit base-31 chunks (a 24-digit number whose
    leading digit is always 0). One table maps a chunk to its 3 symbols; one table
    per chunk position gives that chunk's contribution to the weighted check sum.
    Group dashes fall between chunks 2|3 and 6|7, and inside chunks 1, 4 and 5,
    so two dashed variants of the symbol table give the printed form for free.
    Tables live in the closure because cell lookups beat global lookups.
    """
    C = BASE**3  # 29791
    C2, C4 = C * C, C**4
    A = ALPHABET
    t = [A[a] + A[b] + A[c] for a in range(BASE) for b in range(BASE) for c in range(BASE)]
    head = [s[1:] for s in t[: BASE * BASE]]  # first chunk: drop the phantom leading digit
    ab_c = [f"{s[:2]}-{s[2]}" for s in t]
    a_bc = [f"{s[0]}-{s[1:]}" for s in t]

    def weights(k):
        # Chunk k holds padded digits 3k..3k+2 = payload positions 3k-1..3k+1.
        w0, w1, w2 = (CODE_LENGTH + 1 - 3 * k - j for j in range(3))
        return [(w0 * (v // 961) + w1 * (v // 31 % 31) + w2 * (v % 31)) % BASE for v in range(C)]

    w0, w1, w2, w3, w4, w5, w6, w7 = (weights(k) for k in range(8))

    def encode_value(value: int, formatted: bool = False) -> str:
        hi, lo = divmod(value, C4)
        a, b = divmod(hi, C2)
        c, d = divmod(lo, C2)
        c0, c1 = divmod(a, C)
        c2, c3 = divmod(b, C)
        c4, c5 = divmod(c, C)
        c6, c7 = divmod(d, C)
        check = A[-(w0[c0] + w1[c1] + w2[c2] + w3[c3] + w4[c4] + w5[c5] + w6[c6] + w7[c7]) % BASE]
        if formatted:
            return f"{head[c0]}{ab_c[c1]}{t[c2]}-{t[c3]}{a_bc[c4]}{ab_c[c5]}{t[c6]}-{t[c7]}{check}"
        return f"{head[c0]}{t[c1]}{t[c2]}{t[c3]}{t[c4]}{t[c5]}{t[c6]}{t[c7]}{check}"

    return encode_value


# 113-bit value -> 24-symbol compact code (or its dashed printed form)
_encode_value = _make_value_encoder()


class CodeFormatError(ValueError):
    """Not a well-formed code: bad length, symbol or check character ("malformed")."""


class CodeForgedError(ValueError):
    """Well formed with a valid check character, but the tag is wrong ("invalid")."""


@dataclass(frozen=True, slots=True)
class DecodedCode:
    batch_id: int
    serial: int
    compact: str

    @property
    def formatted(self) -> str:
        return format_code(self.compact)


# --- secret-free helpers ---------------------------------------------------------

_SEPARATORS = str.maketrans("", "", "-_.\u00b7\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u30fb")


def _from_url(text: str) -> str:
    try:
        parts = urlsplit(text)
    except ValueError as exc:
        raise CodeFormatError("unreadable URL") from exc
    for key, value in parse_qsl(parts.query):
        if key.lower() in ("c", "code"):
            return value
    segments = [s for s in parts.path.split("/") if s]
    return unquote(segments[-1]) if segments else ""


def normalize(raw: str) -> str:
    """Return the compact 24-symbol form of a typed/scanned code.

    Accepts lowercase, spaces and common separators (dashes, underscores, dots),
    full-width characters (IME input), and a URL wrapping the code (query
    parameter ``c``/``code``, else the last path segment). Checks length and
    alphabet only; the check character is verified by :func:`validate_format`.
    """
    if not isinstance(raw, str):
        raise CodeFormatError("code must be a string")
    if len(raw) > MAX_RAW_LENGTH:
        raise CodeFormatError("input too long")
    text = unicodedata.normalize("NFKC", raw).strip()  # full-width -> ASCII
    if any(c in text for c in "/?="):
        text = _from_url(text)
    text = "".join(text.split()).translate(_SEPARATORS)
    # Reject non-ASCII before upper(): e.g. "ß".upper() == "SS" would smuggle in valid symbols.
    if not text.isascii():
        raise CodeFormatError("code contains non-ASCII characters")
    compact = text.upper()
    bad = sorted(set(compact) - _INDEX.keys())
    if bad:
        # 0/O/1/I/L are deliberately absent, so a hand-typed look-alike can't be guessed.
        raise CodeFormatError(f"code contains characters that are never used: {''.join(bad)!r}")
    if len(compact) != CODE_LENGTH:
        raise CodeFormatError(f"code must have {CODE_LENGTH} characters, got {len(compact)}")
    return compact


def check_char(payload: str) -> str:
    """Check symbol for a 23-symbol payload (already in the alphabet)."""
    if len(payload) != PAYLOAD_LENGTH:
        raise ValueError(f"payload must have {PAYLOAD_LENGTH} symbols")
    total = sum(w * _INDEX[c] for w, c in zip(_WEIGHTS, payload))
    return ALPHABET[-total % BASE]


def validate_format(raw: str) -> str:
    """normalize() plus check-character verification; no secret needed."""
    compact = normalize(raw)
    if sum(w * _INDEX[c] for w, c in zip(_WEIGHTS, compact)) % BASE:
        raise CodeFormatError("check character mismatch (mistyped code?)")
    return compact


def format_code(compact: str) -> str:
    """'ABCD...' (24 symbols) -> 'ABCD-EFGH-...' (6 groups of 4)."""
    if len(compact) != CODE_LENGTH:
        raise CodeFormatError(f"code must have {CODE_LENGTH} characters, got {len(compact)}")
    return "-".join(compact[i:i + GROUP] for i in range(0, CODE_LENGTH, GROUP))


def looks_like_generated(raw: str) -> bool:
    """True if raw normalizes to our shape (24 symbols of ALPHABET).

    Lets callers route imported codes of other shapes elsewhere. Deliberately does
    not check the check character, so a mistyped code of ours still reads as ours.
    """
    try:
        normalize(raw)
    except CodeFormatError:
        return False
    return True


def _check_range(batch_id: int, serial: int) -> None:
    for name, v, lo, hi in (("batch_id", batch_id, MIN_BATCH_ID, MAX_BATCH_ID),
                            ("serial", serial, 0, MAX_SERIAL)):
        if not isinstance(v, int) or isinstance(v, bool):
            raise ValueError(f"{name} must be an int")
        if not lo <= v <= hi:
            raise ValueError(f"{name} must be in {lo}..{hi}, got {v}")


# --- keyed codec -----------------------------------------------------------------

class CodeCodec:
    """Encode/decode pack codes with a key derived from the app's CODE_SECRET."""

    def __init__(self, secret: bytes | str):
        if isinstance(secret, str):
            secret = secret.encode()
        if not isinstance(secret, (bytes, bytearray)) or len(secret) < MIN_SECRET_BYTES:
            raise ValueError(f"CODE_SECRET must be at least {MIN_SECRET_BYTES} bytes")
        key = hmac.new(bytes(secret), KEY_LABEL, hashlib.sha256).digest()
        # HMAC (RFC 2104) with its two hash states precomputed: copying hashlib
        # objects is ~40% cheaper per code than hmac.HMAC.copy(). Tests pin the
        # output to hmac.new().
        block = key.ljust(hashlib.sha256().block_size, b"\0")
        self._inner = hashlib.sha256(bytes(b ^ 0x36 for b in block) + TAG_LABEL)
        self._outer = hashlib.sha256(bytes(b ^ 0x5C for b in block))

    def _tag(self, batch_id: int, serial: int) -> bytes:
        inner = self._inner.copy()
        inner.update(_U32X2.pack(batch_id, serial))
        outer = self._outer.copy()
        outer.update(inner.digest())
        return outer.digest()[:8]

    def encode(self, batch_id: int, serial: int) -> str:
        """Compact 24-symbol code for (batch_id, serial)."""
        _check_range(batch_id, serial)
        tag = int.from_bytes(self._tag(batch_id, serial), "big")
        return _encode_value(batch_id << _BATCH_SHIFT | serial << _SERIAL_SHIFT | tag)

    def decode(self, raw: str) -> DecodedCode:
        """Parse and authenticate a typed/scanned code.

        Raises CodeFormatError if it is malformed (including a payload that no
        batch/serial could produce) and CodeForgedError if the tag is wrong.
        """
        compact = validate_format(raw)
        value = 0
        for c in compact[:PAYLOAD_LENGTH]:
            value = value * BASE + _INDEX[c]
        batch_id = value >> _BATCH_SHIFT
        if value >> _VALUE_BITS or batch_id < MIN_BATCH_ID:
            raise CodeFormatError("code is outside the valid range")
        serial = value >> _SERIAL_SHIFT & MAX_SERIAL
        given = (value & _TAG_MASK).to_bytes(8, "big")
        if not hmac.compare_digest(given, self._tag(batch_id, serial)):
            raise CodeForgedError("code is not genuine")
        return DecodedCode(batch_id, serial, compact)

    def generate(self, batch_id: int, start: int, count: int, *,
                 formatted: bool = False) -> Iterator[str]:
        """Codes for serials start..start+count-1, in order (compact or dashed).

        Arguments are validated now, not on first next(); the codes are lazy.
        """
        if not isinstance(count, int) or isinstance(count, bool) or count < 0:
            raise ValueError("count must be a non-negative int")
        _check_range(batch_id, start)
        if count:
            _check_range(batch_id, start + count - 1)
        return self._generate(batch_id, start, count, formatted)

    def _generate(self, batch_id: int, start: int, count: int, formatted: bool) -> Iterator[str]:
        # Hot loop: batch bytes are hashed once; per code only 4 bytes + 2 copies.
        inner_b = self._inner.copy()
        inner_b.update(_U32.pack(batch_id))
        outer = self._outer
        pack, unpack = _U32.pack, _U64.unpack_from
        encode = _encode_value
        high = batch_id << _BATCH_SHIFT
        for serial in range(start, start + count):
            inner = inner_b.copy()
            inner.update(pack(serial))
            o = outer.copy()
            o.update(inner.digest())
            yield encode(high | serial << _SERIAL_SHIFT | unpack(o.digest())[0], formatted)
