"""Every user-facing string of the mall packages has its zh_CN translation in the package's catalog."""
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

APP = Path(__file__).resolve().parent.parent / "app"
KEYWORDS = {"_": None, "gettext": None, "lazy_gettext": None, "_l": None}


@pytest.mark.parametrize("package", ["gifts", "redemptions", "lifecycle", "complaints"])
def test_every_message_of_the_package_is_translated(package):
    folder = APP / package
    msgids = {m for _f, _l, m, _c, _x in extract_from_dir(str(folder), [("**.py", "python")], keywords=KEYWORDS)}
    with (folder / "translations/zh_CN/LC_MESSAGES/messages.po").open("rb") as handle:
        catalog = read_po(handle, locale="zh_CN")
    missing = sorted(m for m in msgids if not (catalog.get(m) and catalog.get(m).string))
    assert msgids and missing == []
