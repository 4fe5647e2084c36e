"""Tests for app.codes.codec (pack codes). Pure Python: no Flask app or database."""

import hashlib
import hmac
import struct
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

_ROOT = Path(__file__).resolve().parents[2]
if str(_ROOT) not in sys.path:  # allow plain `pytest` without a pythonpath setting
    sys.path.insert(0, str(_ROOT))

from app.codes import codec as codec_module  # noqa: E402
from app.codes.codec import (  # noqa: E402
    ALPHABET,
    MAX_BATCH_ID,
    MAX_SERIAL,
    CodeCodec,
    CodeForgedError,
    CodeFormatError,
    DecodedCode,
    check_char,
    format_code,
    looks_like_generated,
    normalize,
    validate_format,
)

SECRET = b"test-code-secret-for-pack-codes"
CODEC = CodeCodec(SECRET)

batch_ids = st.integers(1, MAX_BATCH_ID)
serials = st.integers(0, MAX_SERIAL)


# --- slow reference implementation, written straight from the module docstring ---

def ref_check(payload):
    return ALPHABET[-sum((24 - i) * ALPHABET.index(c) for i, c in enumerate(payload)) % 31]


def ref_value_to_code(value):
    digits = []
    for _ in range(23):
        value, r = divmod(value, 31)
        digits.append(ALPHABET[r])
    assert value == 0
    payload = "".join(reversed(digits))
    return payload + ref_check(payload)


def ref_code_to_value(code):
    value = 0
    for c in code[:23]:
        value = value * 31 + ALPHABET.index(c)
    return value


def ref_encode(secret, batch_id, serial):
    key = hmac.new(secret, b"loyalty/pack-code/key/v1", hashlib.sha256).digest()
    msg = b"pack-code/tag/v1\x00" + struct.pack(">II", batch_id, serial)
    tag = hmac.new(key, msg, hashlib.sha256).digest()[:8]
    return ref_value_to_code(batch_id << 95 | serial << 64 | int.from_bytes(tag, "big"))


SAMPLES = [CODEC.encode(1, 0), CODEC.encode(MAX_BATCH_ID, MAX_SERIAL), CODEC.encode(4242, 123456789)]


# --- encoding -------------------------------------------------------------------

@given(batch_ids, serials)
def test_encode_matches_reference(batch_id, serial):
    code = CODEC.encode(batch_id, serial)
    assert code == ref_encode(SECRET, batch_id, serial)
    assert len(code) == 24 and set(code) <= set(ALPHABET)
    assert code[0] in ALPHABET[:17]  # value < 2**113 keeps the first symbol in "2".."J"


@given(batch_ids, serials)
def test_roundtrip(batch_id, serial):
    code = CODEC.encode(batch_id, serial)
    assert CODEC.decode(code) == DecodedCode(batch_id, serial, code)
    assert CODEC.decode(format_code(code).lower()) == DecodedCode(batch_id, serial, code)


@pytest.mark.parametrize("batch_id,serial", [(1, 0), (1, MAX_SERIAL), (MAX_BATCH_ID, 0),
                                             (MAX_BATCH_ID, MAX_SERIAL)])
def test_roundtrip_bounds(batch_id, serial):
    decoded = CODEC.decode(CODEC.encode(batch_id, serial))
    assert (decoded.batch_id, decoded.serial) == (batch_id, serial)


def test_format_code_and_decoded_formatted():
    code = SAMPLES[2]
    printed = format_code(code)
    assert printed.split("-") == [code[i:i + 4] for i in range(0, 24, 4)]
    assert CODEC.decode(code).formatted == printed
    with pytest.raises(CodeFormatError):
        format_code(code[:-1])


@given(st.text(alphabet=ALPHABET, min_size=23, max_size=23))
def test_check_char_matches_reference(payload):
    assert check_char(payload) == ref_check(payload)
    validate_format(payload + check_char(payload))


def test_str_and_bytes_secret_agree_and_short_secret_rejected():
    assert CodeCodec(SECRET.decode()).encode(7, 7) == CODEC.encode(7, 7)
    with pytest.raises(ValueError):
        CodeCodec(b"too-short")
    with pytest.raises(ValueError):
        CodeCodec(b"")


# --- error detection ------------------------------------------------------------

@pytest.mark.parametrize("code", SAMPLES)
def test_every_single_substitution_is_malformed(code):
    for i, original in enumerate(code):
        for sym in ALPHABET:
            if sym != original:
                bad = code[:i] + sym + code[i + 1:]
                with pytest.raises(CodeFormatError):
                    CODEC.decode(bad)


@pytest.mark.parametrize("code", SAMPLES)
def test_every_adjacent_transposition_is_malformed(code):
    swapped = 0
    for i in range(23):
        if code[i] != code[i + 1]:
            bad = code[:i] + code[i + 1] + code[i] + code[i + 2:]
            with pytest.raises(CodeFormatError):
                CODEC.decode(bad)
            swapped += 1
    assert swapped > 10


@given(batch_ids, serials, st.integers(0, 23), st.integers(1, 23))
def test_any_transposition_fails_check(batch_id, serial, i, gap):
    # Weights are all distinct mod 31, so even non-adjacent swaps are caught.
    code = CODEC.encode(batch_id, serial)
    j = (i + gap) % 24
    if code[i] != code[j]:
        chars = list(code)
        chars[i], chars[j] = chars[j], chars[i]
        with pytest.raises(CodeFormatError):
            validate_format("".join(chars))


@given(batch_ids, serials, st.integers(0, 63))
def test_flipped_tag_with_valid_check_is_forged(batch_id, serial, bit):
    value = ref_code_to_value(CODEC.encode(batch_id, serial)) ^ (1 << bit)
    forged = ref_value_to_code(value)
    validate_format(forged)  # well formed: check character recomputed
    with pytest.raises(CodeForgedError):
        CODEC.decode(forged)


def test_changed_serial_or_batch_with_old_tag_is_forged():
    value = ref_code_to_value(CODEC.encode(10, 1000))
    for tweak in (1 << 64, 1 << 95):  # serial 1001, batch 11; tag unchanged
        with pytest.raises(CodeForgedError):
            CODEC.decode(ref_value_to_code(value ^ tweak))


def test_different_secret_rejects():
    other = CodeCodec(b"another-secret-entirely-32-bytes")
    for code in SAMPLES:
        with pytest.raises(CodeForgedError):
            other.decode(code)
    assert other.encode(4242, 123456789) != SAMPLES[2]


def test_tag_compared_in_constant_time(monkeypatch):
    calls = []
    real = hmac.compare_digest
    monkeypatch.setattr(codec_module.hmac, "compare_digest",
                        lambda a, b: calls.append(1) or real(a, b))
    CODEC.decode(SAMPLES[0])
    assert calls


def test_out_of_range_payload_with_valid_check_is_malformed():
    too_big = ref_value_to_code((1 << 113) + 5)  # no batch/serial/tag can produce it
    batch_zero = ref_value_to_code(0 << 95 | 3 << 64 | 12345)
    for code in (too_big, batch_zero):
        validate_format(code)
        with pytest.raises(CodeFormatError):
            CODEC.decode(code)


# --- normalize --------------------------------------------------------------------

CODE = SAMPLES[2]
PRINTED = format_code(CODE)


@pytest.mark.parametrize("raw", [
    CODE,
    PRINTED,
    PRINTED.lower(),
    "  " + PRINTED.replace("-", " ") + "\n",
    PRINTED.replace("-", "_"),
    PRINTED.replace("-", "."),
    PRINTED.replace("-", " - "),
    PRINTED.replace("-", "\u2014"),                        # em dash
    "".join(chr(ord(c) + 0xFEE0) for c in CODE.lower()),   # full-width IME input
    CODE[:12] + "\u3000" + CODE[12:],                      # ideographic space
    f"https://example.com/s?c={PRINTED}",
    f"https://example.com/s?x=1&code={CODE.lower()}&y=2",
    f"https://example.com/s?C={PRINTED}",
    f"https://example.com/s/{PRINTED}",
    f"https://example.com/s/{PRINTED}/",
    f"https://example.com/s/{PRINTED}#top",
    f"example.com/s/{CODE}",
    f"https://example.com/s?c={PRINTED.replace('-', '%2D')}",
    f"https://example.com/s?c={PRINTED.replace('-', '+')}",
])
def test_normalize_tolerates_common_input(raw):
    assert normalize(raw) == CODE
    assert CODEC.decode(raw).compact == CODE


@pytest.mark.parametrize("raw", [
    "",
    CODE[:-1],
    CODE + "2",
    CODE[:5] + "0" + CODE[6:],     # 0, O, 1, I, L are never used
    CODE[:5] + "O" + CODE[6:],
    CODE[:5] + "o" + CODE[6:],
    CODE[:5] + "1" + CODE[6:],
    CODE[:5] + "I" + CODE[6:],
    CODE[:5] + "l" + CODE[6:],
    CODE[:5] + "!" + CODE[6:],
    CODE[:5] + "ß" + CODE[7:],     # "ß".upper() == "SS" must not sneak through
    CODE[:5] + "é" + CODE[6:],
    "https://example.com/",
    "https://example.com/s?c=",
    "http://[::1",
    CODE * 30,
])
def test_malformed_input(raw):
    with pytest.raises(CodeFormatError):
        normalize(raw)
    with pytest.raises(CodeFormatError):
        CODEC.decode(raw)
    assert not looks_like_generated(raw)


@pytest.mark.parametrize("raw", [None, 12345, b"ABCD"])
def test_non_string_is_malformed(raw):
    with pytest.raises(CodeFormatError):
        CODEC.decode(raw)


def test_errors_are_value_errors_and_distinct():
    assert issubclass(CodeFormatError, ValueError) and issubclass(CodeForgedError, ValueError)
    assert not issubclass(CodeFormatError, CodeForgedError)
    assert not issubclass(CodeForgedError, CodeFormatError)


def test_looks_like_generated():
    assert looks_like_generated(PRINTED.lower())
    bad_check = CODE[:-1] + ("2" if CODE[-1] != "2" else "3")
    assert looks_like_generated(bad_check)  # ours, just mistyped
    assert not looks_like_generated("6901234567892")  # an EAN-13 style external code
    assert not looks_like_generated("AB12-CD34")


# --- generate ---------------------------------------------------------------------

def test_generate_is_deterministic_and_matches_encode():
    first = list(CODEC.generate(77, 1000, 500))
    assert first == list(CodeCodec(SECRET).generate(77, 1000, 500))  # re-exportable
    assert first == [CODEC.encode(77, s) for s in range(1000, 1500)]
    assert list(CODEC.generate(77, 1000, 500, formatted=True)) == [format_code(c) for c in first]


def test_generate_yields_distinct_codes():
    codes = list(CODEC.generate(5, 0, 20_000)) + list(CODEC.generate(6, 0, 20_000))
    assert len(set(codes)) == len(codes)


def test_generate_at_serial_ceiling():
    codes = list(CODEC.generate(MAX_BATCH_ID, MAX_SERIAL - 2, 3))
    assert [CODEC.decode(c).serial for c in codes] == [MAX_SERIAL - 2, MAX_SERIAL - 1, MAX_SERIAL]
    assert list(CODEC.generate(3, 0, 0)) == []


# --- bounds -------------------------------------------------------------------------

@pytest.mark.parametrize("batch_id,serial", [
    (0, 0), (-1, 0), (MAX_BATCH_ID + 1, 0), (1, -1), (1, MAX_SERIAL + 1),
    (True, 0), (1.0, 0), ("1", 0), (1, None),
])
def test_encode_bounds(batch_id, serial):
    with pytest.raises(ValueError):
        CODEC.encode(batch_id, serial)


@pytest.mark.parametrize("batch_id,start,count", [
    (0, 0, 1), (MAX_BATCH_ID + 1, 0, 1), (1, -1, 1), (1, MAX_SERIAL, 2),
    (1, 0, -1), (1, 0, MAX_SERIAL + 2), (1, 0, 1.5),
])
def test_generate_bounds_checked_eagerly(batch_id, start, count):
    with pytest.raises(ValueError):
        CODEC.generate(batch_id, start, count)  # raised at call time, not on first next()
