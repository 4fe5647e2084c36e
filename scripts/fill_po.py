"""Fill empty msgstrs of the zh_CN catalogs from a {msgid: translation} dict in a Python file.

    .venv/bin/python scripts/fill_po.py translations.py
"""
import runpy
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

table = runpy.run_path(sys.argv[1])["ZH"]
for po in Path("app").rglob("translations/zh_CN/LC_MESSAGES/messages.po"):
    with po.open("rb") as handle:
        catalog = read_po(handle, locale="zh_CN")
    filled = 0
    for message in catalog:
        if message.id and not message.string and message.id in table:
            message.string = table[message.id]
            filled += 1
    if filled:  # untouched catalogs stay byte for byte as they are
        with po.open("wb") as handle:
            write_po(handle, catalog, width=120, sort_output=True)
        print(f"{po}: {filled} filled")
