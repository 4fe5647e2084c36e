"""QR images of pack codes (qrcode + Pillow), for print proofs and support."""
import io
import zipfile

import qrcode
from flask import current_app
from qrcode.constants import ERROR_CORRECT_M

from .codec import format_code

MAX_PROOFS = 1000


def qr_content(compact: str) -> str:
    """What the QR carries: the printed code, or CODE_QR_URL with {code} filled in (scanning unwraps it)."""
    template = current_app.config.get("CODE_QR_URL")
    printed = format_code(compact) if len(compact) == 24 else compact
    return template.format(code=printed) if template else printed


def qr_png(content: str, box_size=8) -> bytes:
    qr = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=box_size, border=4)
    qr.add_data(content)
    qr.make(fit=True)
    buffer = io.BytesIO()
    qr.make_image(fill_color="black", back_color="white").save(buffer, format="PNG")
    return buffer.getvalue()


def proofs_zip(codes) -> bytes:
    """A ZIP of `<serial>_<code>.png` for the given printed codes, in order."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:  # PNGs are compressed already
        for serial, printed in enumerate(codes):
            archive.writestr(f"{serial:07d}_{printed}.png", qr_png(qr_content(printed.replace("-", ""))))
    return buffer.getvalue()
