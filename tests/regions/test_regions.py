"""Tests for app.regions (GB/T 2260 administrative divisions). No app/DB needed."""

import csv
import dataclasses
import sys
from pathlib import Path

import pytest

_ROOT = Path(__file__).resolve().parents[2]
if str(_ROOT) not in sys.path:  # allow plain `pytest` without a pythonpath setting
    sys.path.insert(0, str(_ROOT))

import app.regions as regions  # noqa: E402
from app.regions import build_data  # noqa: E402

CSV_PATH = _ROOT / "app" / "regions" / "data" / "regions.csv"


@pytest.fixture(scope="module")
def csv_rows():
    with CSV_PATH.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        assert reader.fieldnames == build_data.HEADER
        return list(reader)


# --- basic lookups -----------------------------------------------------------


def test_tianhe_is_current_county():
    r = regions.get("440106")
    assert r is not None
    assert r.level == "county"
    assert r.name == "天河区"
    assert (r.province, r.city, r.county) == ("广东省", "广州市", "天河区")
    assert r.parent_code == "440100"
    assert r.current is True
    assert regions.is_county("440106")
    assert regions.full_name("440106") == "广东省 广州市 天河区"


def test_city_and_province_levels():
    city = regions.get("440100")
    assert city.level == "city" and city.name == "广州市" and city.parent_code == "440000"
    assert city.county is None
    prov = regions.get("440000")
    assert prov.level == "province" and prov.name == "广东省" and prov.parent_code is None
    assert prov.city is None
    assert not regions.is_county("440100")
    assert not regions.is_county("440000")
    assert regions.full_name("440100") == "广东省 广州市"
    assert regions.full_name("440000") == "广东省"


def test_region_is_frozen():
    r = regions.get("440106")
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.name = "x"  # type: ignore[misc]


def test_municipality_beijing():
    r = regions.get("110101")
    assert r.name == "东城区" and r.level == "county" and r.current
    assert r.province == "北京市" and r.city == "北京市"
    assert regions.province_of("110101") == "110000"
    assert regions.city_of("110101") == "110100"
    city = regions.get("110100")
    assert city.level == "city" and city.name == "北京市"  # synthesised from 市辖区
    assert regions.full_name("110101") == "北京市 东城区"
    assert regions.is_county("110101")


def test_municipality_chongqing_county_group():
    r = regions.get("500229")  # 城口县, under 500200 (县)
    assert r.name == "城口县" and r.current
    assert regions.get("500200").level == "city"
    assert regions.full_name("500229") == "重庆市 城口县"


@pytest.mark.parametrize(
    "bad", ["999999", "44010", "abcdef", "", "4401060", " 44010 ", "４４０１０６", None, 440106.0]
)
def test_not_counties(bad):
    assert not regions.is_county(bad)
    assert regions.get(bad) is None


def test_garbage_input_everywhere():
    for bad in ("999999", "44010", "abcdef", None, [], "990000"):
        assert regions.get(bad) is None
        assert not regions.is_plausible_id_region(bad)
        assert regions.province_of(bad) is None
        assert regions.city_of(bad) is None
        assert regions.full_name(bad) is None
        assert regions.children(bad) == []


def test_whitespace_and_int_are_normalised():
    assert regions.get(" 440106 ").code == "440106"
    assert regions.get(440106).code == "440106"


def test_province_of_and_city_of():
    assert regions.province_of("440106") == "440000"
    assert regions.city_of("440106") == "440100"
    assert regions.province_of("440100") == "440000"
    assert regions.city_of("440100") == "440100"
    assert regions.province_of("440000") == "440000"
    assert regions.city_of("440000") is None
    # 省直辖县级行政单位: city_of gives the grouping code; full_name skips it
    assert regions.city_of("429004") == "429000"
    assert regions.full_name("429004") == "湖北省 仙桃市"


def test_provinces_and_children():
    provs = regions.provinces()
    codes = [p.code for p in provs]
    assert len(codes) == 34
    assert codes == sorted(codes)
    assert {"110000", "440000", "710000", "810000", "820000"} <= set(codes)
    kids = regions.children("440100")
    assert "440106" in [k.code for k in kids]
    assert all(k.current and k.parent_code == "440100" for k in kids)
    assert "440102" not in [k.code for k in kids]  # 东山区, abolished 2005
    assert "440102" in [k.code for k in regions.children("440100", current_only=False)]
    gd_cities = [c.name for c in regions.children("440000")]
    assert "广州市" in gd_cities and "东莞市" in gd_cities
    assert regions.children("440106") == []


# --- historical codes --------------------------------------------------------


@pytest.mark.parametrize(
    "code,name",
    [
        ("440102", "东山区"),  # [-2004] merged into 越秀区
        ("110103", "崇文区"),  # [-2010] merged into 东城区
        ("440181", "番禺市"),  # became 番禺区 (440113)
        ("110228", "密云县"),  # became 密云区 (110118) in 2015
    ],
)
def test_historical_codes(code, name):
    r = regions.get(code)
    assert r is not None and r.name == name and r.level == "county"
    assert r.current is False
    assert not regions.is_county(code)
    assert regions.is_county(code, current_only=False)
    assert regions.is_plausible_id_region(code)


def test_hainan_counties_directly_under_province():
    r = regions.get("460025")  # 定安县 1988-2002, now 469021
    assert r.parent_code == "460000" and r.city is None and not r.current
    assert regions.city_of("460025") is None
    assert regions.province_of("460025") == "460000"
    assert regions.full_name("460025") == "海南省 定安县"
    assert regions.is_plausible_id_region("460025")
    assert regions.is_county("469021")


def test_city_district_placeholders_not_current():
    r = regions.get("440101")
    assert r.name == "市辖区" and r.current is False
    assert not regions.is_county("440101")
    assert regions.is_plausible_id_region("440101")


def test_is_plausible_id_region():
    for code in ("440106", "440100", "440000", "441900", "110101", "440102"):
        assert regions.is_plausible_id_region(code)
    for code in ("999999", "440199", "000000", "44010", "abcdef"):
        assert not regions.is_plausible_id_region(code)


def test_is_leaf():
    assert regions.is_leaf("440106")
    assert regions.is_leaf("441900")  # 东莞市 has no counties
    assert regions.is_leaf("810000")  # 香港
    assert not regions.is_leaf("440100")
    assert not regions.is_leaf("440000")
    assert not regions.is_leaf("440102")  # historical
    assert not regions.is_leaf("999999")


# --- data integrity ----------------------------------------------------------


def test_csv_no_duplicates_and_well_formed(csv_rows):
    codes = [r["code"] for r in csv_rows]
    assert len(codes) == len(set(codes))
    assert codes == sorted(codes)
    for r in csv_rows:
        assert len(r["code"]) == 6 and r["code"].isdigit()
        assert r["name"]
        assert r["current"] in ("0", "1")
        expected = build_data.level_of(r["code"])
        assert r["level"] == expected


def test_csv_parents_exist(csv_rows):
    by_code = {r["code"]: r for r in csv_rows}
    for r in csv_rows:
        if r["level"] == "province":
            assert r["parent_code"] == ""
            continue
        parent = by_code[r["parent_code"]]
        if r["level"] == "county" and r["code"][2:4] == "00":
            # Hainan 1988-2002: county-level units directly under the province
            assert r["code"].startswith("4600") and r["current"] == "0"
            assert parent["code"] == r["code"][:2] + "0000" and r["city"] == ""
        elif r["level"] == "county":
            assert parent["level"] == "city"
            assert parent["code"] == r["code"][:4] + "00"
            assert r["city"] == parent["name"]
            assert by_code[r["code"][:2] + "0000"]["name"] == r["province"]
        else:
            assert parent["level"] == "province"
            assert parent["code"] == r["code"][:2] + "0000"
        assert r["province"] == by_code[r["code"][:2] + "0000"]["name"]
        # a current region never hangs under an abolished one
        if r["current"] == "1":
            assert parent["current"] == "1", r


def test_level_counts(csv_rows):
    levels = {}
    for r in csv_rows:
        levels.setdefault(r["level"], 0)
        levels[r["level"]] += 1
    assert levels["province"] == 34
    assert levels["city"] > 300
    assert levels["county"] > 5000
    current_counties = sum(1 for r in csv_rows if r["level"] == "county" and r["current"] == "1")
    assert 2700 < current_counties < 3000  # ~2,850 county-level divisions exist today


def test_module_matches_csv(csv_rows):
    assert len(regions.all_regions()) == len(csv_rows)


def test_csv_is_reproducible_from_source():
    """Regenerating from stdnum's loc.dat yields the committed CSV."""
    try:
        source = build_data.default_source()
    except ImportError:  # pragma: no cover - stdnum is only a build-time input
        pytest.skip("python-stdnum not installed")
    if not source.exists():  # pragma: no cover
        pytest.skip("stdnum cn/loc.dat not found")
    rows = build_data.build_rows(build_data.parse_loc_dat(source.read_text(encoding="utf-8")))
    assert build_data.render_csv(rows) == CSV_PATH.read_text(encoding="utf-8")


def test_parser_handles_name_history():
    text = (
        "# comment\n"
        '12 province="天津市"\n'
        '  0000 county="天津市"\n'
        '  0100 county="市辖区"\n'
        '  0110 county="[-1991]东郊区,[1992-]东丽区"\n'
        '  0199 county="[1983-1994]甲区"\n'
    )
    entries = build_data.parse_loc_dat(text)
    assert entries["120110"].name == "东丽区" and entries["120110"].in_use
    assert entries["120199"].name == "甲区" and not entries["120199"].in_use
    rows = {r["code"]: r for r in build_data.build_rows(entries)}
    assert rows["120100"]["name"] == "天津市"
    assert rows["120110"]["city"] == "天津市"


def test_runtime_does_not_read_stdnum():
    src = (_ROOT / "app" / "regions" / "__init__.py").read_text(encoding="utf-8")
    assert "import stdnum" not in src and "loc.dat\"" not in src
