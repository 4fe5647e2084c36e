"""Generate ``app/regions/data/regions.csv`` from python-stdnum's ``cn/loc.dat``.

Run from the repository root::

    .venv/bin/python -m app.regions.build_data [--source PATH] [--output PATH]

This is a build-time tool only: the generated CSV is committed to the repo and
the runtime (``app.regions``) reads nothing but that CSV.

Source format (``stdnum/cn/loc.dat``, scraped from zh.wikipedia's
"中华人民共和国行政区划代码" pages)::

    44 province="广东省"
      0000 county="广东省"
      0100 county="广州市"
      0106 county="[1985-]天河区"
      0102 county="[-2004]东山区"
      0110 county="[1983-1984]黄埔区,[1985-]…"

* an unindented ``NN province=`` line opens a province; indented ``XXXX``
  lines are the last four digits of a full six-digit GB/T 2260 code
  (``XX0000`` = province, ``XXXX00`` = prefecture/city, else county level);
* the value is a comma separated list of names, each optionally prefixed with
  a validity range ``[start-end]`` (either year may be omitted; no prefix
  means "in use since before the first edition and still in use").

``current`` is 1 when the code's latest name has an open-ended range
(``[YYYY-]`` or no range at all) and 0 when every name has an end year
(``[-YYYY]`` / ``[YYYY-YYYY]``), i.e. the code has been abolished.

Exception: county-level ``XXXX01 市辖区`` rows ("districts under the city")
are statistical placeholders, not places a person can live in; they are kept
(they do occur in old resident ID numbers) but marked ``current=0`` so they
never show up in pickers or pass profile validation.

County-level codes ``4600XX`` (Hainan, 1988-2002) sat directly under the
province; their ``parent_code`` is the province and ``city`` is empty.

Municipalities (北京/天津/上海/重庆) have no real prefecture level; their
``XX01 市辖区`` / ``XX02 县`` / ``XX03 市`` grouping rows are renamed to
"北京市" / "北京市郊县" / "重庆市辖县级市" so that a city-level name is meaningful.
"""

from __future__ import annotations

import argparse
import csv
import io
import re
import sys
from dataclasses import dataclass
from pathlib import Path

HEADER = ["code", "level", "name", "parent_code", "province", "city", "county", "current"]

DEFAULT_OUTPUT = Path(__file__).resolve().parent / "data" / "regions.csv"

MUNICIPALITIES = {"11", "12", "31", "50"}

# Renames for the municipalities' prefecture-level grouping rows, keyed by the
# source name; "{p}" is the municipality's name.
MUNICIPAL_GROUP_NAMES = {
    "市辖区": "{p}",
    "县": "{p}郊县",
    "市": "{p}辖县级市",
}

PLACEHOLDER_COUNTY_NAMES = {"市辖区"}

_PROVINCE_RE = re.compile(r'^(\d{2}) province="([^"]*)"$')
_ENTRY_RE = re.compile(r'^\s+(\d{4}) county="([^"]*)"$')
_PIECE_RE = re.compile(r"^(?:\[(\d{4})?-(\d{4})?\])?([^\[\],]+)$")


@dataclass
class _Entry:
    code: str
    name: str  # latest name
    in_use: bool


def default_source() -> Path:
    import stdnum.cn  # build-time only dependency

    return Path(stdnum.cn.__file__).resolve().parent / "loc.dat"


def parse_loc_dat(text: str) -> dict[str, _Entry]:
    """Parse loc.dat into ``{six-digit code: _Entry}``."""
    entries: dict[str, _Entry] = {}
    prefix: str | None = None
    for lineno, raw in enumerate(text.splitlines(), 1):
        line = raw.rstrip()
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        m = _PROVINCE_RE.match(line)
        if m:
            prefix = m.group(1)
            continue
        m = _ENTRY_RE.match(line)
        if not m or prefix is None:
            raise ValueError(f"line {lineno}: unrecognised: {raw!r}")
        code = prefix + m.group(1)
        if code in entries:
            raise ValueError(f"line {lineno}: duplicate code {code}")
        pieces = []
        for piece in m.group(2).split(","):
            pm = _PIECE_RE.match(piece.strip())
            if not pm:
                raise ValueError(f"line {lineno}: bad name {piece!r}")
            _start, end, name = pm.groups()
            pieces.append((end, name.strip()))
        # Names are listed chronologically; the last one is the latest.
        end, name = pieces[-1]
        entries[code] = _Entry(code=code, name=name, in_use=end is None)
    return entries


def level_of(code: str) -> str:
    if code.endswith("0000"):
        return "province"
    if code.endswith("00"):
        return "city"
    return "county"


def build_rows(entries: dict[str, _Entry]) -> list[dict[str, str]]:
    names = {code: e.name for code, e in entries.items()}
    current = {code: e.in_use for code, e in entries.items()}

    # Municipalities: give the prefecture-level grouping rows real names.
    for code, e in entries.items():
        if level_of(code) == "city" and code[:2] in MUNICIPALITIES:
            template = MUNICIPAL_GROUP_NAMES.get(e.name)
            if template is None:
                raise ValueError(f"unexpected municipal grouping {code} {e.name!r}")
            names[code] = template.format(p=names[code[:2] + "0000"])

    # Synthesise any missing parent rows (the 2.2 data has none missing, but
    # be defensive for future stdnum releases).
    for code in list(entries):
        for parent in dict.fromkeys((code[:2] + "0000", code[:4] + "00")):
            if parent not in names:
                if level_of(parent) == "province":
                    raise ValueError(f"{code}: province {parent} missing")
                prov = names[code[:2] + "0000"]
                names[parent] = prov if code[:2] in MUNICIPALITIES else f"{prov}{parent}"
                current[parent] = any(
                    current[c] for c in entries if c[:4] == parent[:4] and c != parent
                )

    for code, name in names.items():
        if level_of(code) == "county" and name in PLACEHOLDER_COUNTY_NAMES:
            current[code] = False

    rows = []
    for code in sorted(names):
        level = level_of(code)
        prov_code = code[:2] + "0000"
        city_code = code[:4] + "00"
        # Hainan 1988-2002 had county-level codes 4600XX directly under the
        # province (no prefecture): their parent is the province, city is empty.
        under_province = level == "county" and city_code == prov_code
        parent = {"province": "", "city": prov_code, "county": city_code}[level]
        rows.append(
            {
                "code": code,
                "level": level,
                "name": names[code],
                "parent_code": prov_code if under_province else parent,
                "province": names[prov_code],
                "city": "" if level == "province" or under_province else names[city_code],
                "county": names[code] if level == "county" else "",
                "current": "1" if current[code] else "0",
            }
        )
    return rows


def render_csv(rows: list[dict[str, str]]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=HEADER, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--source", type=Path, default=None, help="path to stdnum cn/loc.dat")
    ap.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    args = ap.parse_args(argv)

    source = args.source or default_source()
    rows = build_rows(parse_loc_dat(source.read_text(encoding="utf-8")))
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(render_csv(rows), encoding="utf-8")

    counts: dict[tuple[str, str], int] = {}
    for r in rows:
        counts[r["level"], r["current"]] = counts.get((r["level"], r["current"]), 0) + 1
    print(f"wrote {len(rows)} rows to {args.output}", file=sys.stderr)
    for level in ("province", "city", "county"):
        print(
            f"  {level}: {counts.get((level, '1'), 0)} current, "
            f"{counts.get((level, '0'), 0)} historical",
            file=sys.stderr,
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
