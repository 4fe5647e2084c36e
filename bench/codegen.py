"""Benchmark pack-code generation against bare HMAC-SHA256 over the same inputs.

Run from the repo root:  .venv/bin/python bench/codegen.py [count]
"""

import hashlib
import hmac
import os
import struct
import sys
import tempfile
import time
from collections import deque
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # standalone: make `app` importable

from app.codes.codec import KEY_LABEL, TAG_LABEL, CodeCodec  # noqa: E402

N = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
SECRET = b"bench-code-secret-0123456789"
BATCH = 4242


def timed(fn):
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def bare_hmac():
    # Same messages as the codec (label || u32 batch || u32 serial), textbook
    # precomputed hmac object + .copy(); nothing else.
    key = hmac.new(SECRET, KEY_LABEL, hashlib.sha256).digest()
    base = hmac.new(key, TAG_LABEL + struct.pack(">I", BATCH), hashlib.sha256)
    pack = struct.Struct(">I").pack
    for serial in range(N):
        h = base.copy()
        h.update(pack(serial))
        h.digest()


def bare_hmac_states():
    # Same HMAC via precomputed hashlib ipad/opad states (what the codec does):
    # the floor for any pure-Python generator.
    key = hmac.new(SECRET, KEY_LABEL, hashlib.sha256).digest().ljust(64, b"\0")
    inner = hashlib.sha256(bytes(b ^ 0x36 for b in key) + TAG_LABEL + struct.pack(">I", BATCH))
    outer = hashlib.sha256(bytes(b ^ 0x5C for b in key))
    pack = struct.Struct(">I").pack
    for serial in range(N):
        i = inner.copy()
        i.update(pack(serial))
        o = outer.copy()
        o.update(i.digest())
        o.digest()


def main():
    codec = CodeCodec(SECRET)
    t_hmac = timed(bare_hmac)
    t_floor = timed(bare_hmac_states)
    t_gen = timed(lambda: deque(codec.generate(BATCH, 0, N), maxlen=0))
    fd, path = tempfile.mkstemp(suffix=".txt")
    os.close(fd)
    try:
        def export():
            with open(path, "w", encoding="ascii", buffering=1 << 20) as f:
                f.writelines(c + "\n" for c in codec.generate(BATCH, 0, N, formatted=True))
        t_export = timed(export)
        size = os.path.getsize(path)
    finally:
        os.unlink(path)

    print(f"codes: {N:,}  python {sys.version.split()[0]}  cpus {os.cpu_count()}")
    print(f"bare HMAC-SHA256, hmac .copy()   : {t_hmac:6.2f} s   (baseline)")
    print(f"bare HMAC-SHA256, hashlib states : {t_floor:6.2f} s   ({t_floor / t_hmac:4.2f}x)")
    print(f"generate compact, in memory      : {t_gen:6.2f} s   ({t_gen / t_hmac:4.2f}x)")
    print(f"generate formatted + write file  : {t_export:6.2f} s   ({t_export / t_hmac:4.2f}x,"
          f" {size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
