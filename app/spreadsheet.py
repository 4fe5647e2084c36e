"""Cell values for CSV and XLSX downloads, shared by the console's lists and the statistics API."""
from datetime import date, datetime
from decimal import Decimal

from .timeutil import LOCAL_TZ

# What spreadsheets (Excel, WPS, LibreOffice) run as a formula or a DDE call: the ASCII leaders, their full-width
# forms (an IME types those), `;` and `|`, also after leading spaces; and tab/CR/LF leaders, which some of them
# skip before reading the rest.
_FORMULA_LEADERS = frozenset("=+-@;|＝＋－＠")
_CONTROL_LEADERS = ("\t", "\r")
_SPACES = " \u3000\t\r\n"


def looks_like_formula(text: str) -> bool:
    return text.startswith(_CONTROL_LEADERS) or text.lstrip(_SPACES)[:1] in _FORMULA_LEADERS


def cell(value):
    """A plain cell value: text for lazy strings and times (Asia/Shanghai), numbers kept numeric."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, datetime):  # strftime: Babel's formatter costs more than the row itself
        return value.astimezone(LOCAL_TZ).strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    # A cell that starts like a formula is run by spreadsheets (CSV injection): make it text.
    return "'" + text if looks_like_formula(text) else text
