"""Build ``data/shared/jiangxi/history/observations.csv`` from the raw research files.

The raw files in ``data/shared/jiangxi/history/raw/`` are verbatim copies of
``shared/reference/pingxiang_history*.csv`` (read ``pingxiang_history_notes.md``
beside them first). This script only restructures them; it never changes a
number it read. What it adds:

* ``series`` and ``geo``: stable indicator ids, and ``jiangxi`` for the rows whose
  indicator starts with ``江西省:`` (provincial context, never Pingxiang data);
* ``kind``: ``actual`` (an observed outcome), ``target`` (a government target) or
  ``derived`` (a rate *we* computed, e.g. an average annual rate from a five-year
  multiple: ``(ratio ** (1/5) - 1) * 100``; its quote is the quote of the row it
  was derived from and ``derived_from`` names that row);
* ``basis``: ``real`` (comparable prices), ``nominal`` or ``level``;
* ``trust`` and ``published`` per source, and ``preferred``: where several rows
  give the same (geo, series, year, measure, period, kind), the library uses the
  row with the highest trust, then the latest publication date, then the most
  decimals; every other row is kept with ``preferred = false``;
* ``level_basis`` and ``break_before``: levels from different statistical bases
  (the 2018 economic-census revision) must never be chained into growth rates.

Run ``python scripts/build_history.py``; ``tests/test_history.py`` checks that the
committed output equals a fresh build.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "shared" / "jiangxi" / "history" / "raw"
OUT = ROOT / "data" / "shared" / "jiangxi" / "history" / "observations.csv"
PANEL_OUT = ROOT / "data" / "shared" / "jiangxi" / "history" / "city_panel.csv"

# The CSMAR city table (raw/csmar_jiangxi.csv: the Jiangxi lines of CRE_Gdpct.csv,
# transcribed verbatim with the repository's read_file, 2002-2016 and 2019-2021).
CSMAR_REF = "github:eileenCHEN-9/PhD_2022_2025 data/raw_data/statistics/CRE_Gdpct.csv"
CSMAR_TITLE = (
    "CSMAR China city-economy table CRE_Gdpct (city statistical-yearbook based), as "
    "committed in GitHub repo eileenCHEN-9/PhD_2022_2025; Gdpct01 = GDP (unit 100 million "
    "yuan), GDPYoY = real year-on-year growth %"
)
CITY_IDS = {
    "360100": "nanchang",
    "360200": "jingdezhen",
    "360300": "pingxiang",
    "360400": "jiujiang",
    "360500": "xinyu",
    "360600": "yingtan",
    "360700": "ganzhou",
    "360800": "jian",
    "360900": "yichun",
    "361000": "fuzhou",
    "361100": "shangrao",
}
# CSMAR's GDPYoY is labelled real growth, but for 2013 it equals, for every Jiangxi
# city, the nominal growth of its own levels to two decimals (e.g. Xinyu 1.78 =
# 845.0692 / 830.3232 - 1; Pingxiang 8.90 = 798.3294 / 733.0597 - 1): the 2013
# values are nominal (tests/test_history.py checks the identity).
CSMAR_NOMINAL_YEARS = (2013,)
PANEL_FIELDS = [
    "obs_id",
    "geo",
    "city_id",
    "series",
    "year",
    "measure",
    "basis",
    "value",
    "unit",
    "trust",
    "known_from",
    "known_from_basis",
    "source_title",
    "source_ref",
    "quote",
    "note",
]

SERIES = {
    "地区生产总值": "gdp",
    "一般公共预算收入": "budget_revenue",
    "规模以上工业增加值": "industrial_value_added",
    "固定资产投资": "fixed_asset_investment",
    "工业投资": "industrial_investment",
    "社会消费品零售总额": "retail_sales",
    "城镇居民人均可支配收入": "urban_income",
    "农村居民人均可支配收入": "rural_income",
    "万元GDP能耗": "energy_intensity",
    "人均地区生产总值": "gdp_per_capita",
    "财政总收入": "fiscal_revenue_total",
    "第一产业增加值": "primary_value_added",
    "第二产业增加值": "secondary_value_added",
    "第三产业增加值": "tertiary_value_added",
    "居民消费价格": "consumer_prices",
}

# (pattern in source_url_or_repo_path, trust). Trust follows
# pingxiang_history_notes.md, "Sources and how far to trust them".
TRUST = [
    ("tjgb.hongheiku.com", "high"),  # city statistical bulletin (copy)
    ("qinglite.cn", "high"),  # city statistical bulletin (copy)
    ("Xiaze.org", "high"),  # city statistical bulletin (copy)
    ("px.jxnews.com.cn", "high"),  # provincial party media
    ("tt.jxnews.com.cn", "high"),
    ("jxnews.com.cn", "high"),
    ("github:eileenCHEN-9", "medium-high"),  # CSMAR, redistributed
    ("thepaper.cn", "medium-high"),
    ("163.com", "medium-high"),
    ("cbgc.scol.com.cn", "medium-high"),
    ("dailyeconomic.com", "medium-high"),
    ("maigoo.com", "medium"),
    ("wailaizhe.com", "medium"),
    ("phb123.com", "medium"),
    ("bobobk.com", "medium"),  # repost of a 中新网 report
    ("rongmeiwang.cn", "medium"),  # repost of 萍乡日报
    ("tmdps.cn", "medium"),
    ("guanlizhidu.com", "medium"),
    ("qianinfo.com", "medium"),
    ("yxiu.cn", "medium"),
    ("knowledgr.com", "low"),  # Wikipedia mirror, unsourced
    ("sdzhengyuanfeiye.com", "low"),  # low-authority aggregator
]
TRUST_RANK = {"high": 3, "medium-high": 2, "medium": 1, "low": 0}

MEASURE = {
    "growth_pct": ("growth", "actual"),
    "level": ("level", "actual"),
    "ratio_to_2015": ("ratio", "actual"),
    "target_growth_pct": ("growth", "target"),
    "target_cumulative_change_pct": ("cumulative_change", "target"),
}

# Statistical bases of the level series, per geography. Pingxiang: levels before
# 2019 come from the pre-revision yearbooks (2011-2016) or an aggregator (2018,
# basis unknown); from 2019 the basis revised after the 4th economic census.
# Jiangxi: 2015 before the 4th census revision; 2019-2023 first releases on the
# 4th-census basis; the 2023 level revised after the 5th economic census
# (32677.1, period full_year_revised_5th_census) and the 2024 level (published on
# the revised basis: 34202.5 / 32677.1 - 1 = 4.7 %, close to the reported real
# growth 5.1 %, whereas 34202.5 / 32200.1 - 1 = 6.2 %) are on the 5th-census basis.
# Any other level (incomes, revenue) has an unknown basis and is never chained.
# Growth must never be computed from level ratios across a change of basis.
LEVEL_BASES = [
    ("pingxiang", "gdp", 2011, 2016, "full_year", "yearbook_pre_census4"),
    ("pingxiang", "gdp", 2018, 2018, "full_year", "aggregator_2018_unknown"),
    ("pingxiang", "gdp", 2019, 2023, "full_year", "census4"),
    ("jiangxi", "gdp", 2015, 2015, "full_year", "yearbook_pre_census4"),
    ("jiangxi", "gdp", 2019, 2023, "full_year", "census4"),
    ("jiangxi", "gdp", 2023, 2023, "full_year_revised_5th_census", "census5"),
    ("jiangxi", "gdp", 2024, 2024, "full_year", "census5"),
]

# When a figure could first be known (for projections "as of" a date). Where the
# source gives its date, that date; otherwise a rule, written in known_from_basis.
OUTCOME_KNOWN_RULE = (
    "rule: a full-year figure is known once the statistical bulletin of the next "
    "year appears, by April 30 (Pingxiang's 2020 and 2022 bulletins: April 7 and 23)"
)
TARGET_KNOWN_RULE = "rule: a year's target is known from the January work report of that year"

FIELDS = [
    "obs_id",
    "geo",
    "series",
    "indicator",
    "year",
    "measure",
    "kind",
    "basis",
    "value",
    "unit",
    "period",
    "trust",
    "published",
    "known_from",
    "known_from_basis",
    "preferred",
    "level_basis",
    "break_before",
    "derived_from",
    "source_title",
    "source_ref",
    "quote",
    "note",
]


def trust_of(ref: str) -> str:
    """Return the trust level of a source reference."""
    for pattern, level in TRUST:
        if pattern in ref:
            return level
    raise ValueError(f"no trust level for source {ref!r}: add it to TRUST")


def published_of(title: str) -> str:
    """Return the first ISO date in a source title, or ''."""
    m = re.search(r"\d{4}-\d{2}-\d{2}", title)
    return m.group() if m else ""


def basis_of(series: str, measure: str, quote: str, period: str, year: int, ref: str) -> str:
    """Real (comparable prices) or nominal growth; 'level' for levels."""
    if measure in ("level", "ratio"):
        return "level"
    if ref.startswith("github:eileenCHEN-9") and year in CSMAR_NOMINAL_YEARS:
        return "nominal"
    if "[nominal]" in quote or series in ("budget_revenue", "fiscal_revenue_total"):
        return "nominal"
    if series in ("urban_income", "rural_income", "retail_sales", "fixed_asset_investment"):
        return "nominal"
    if series == "consumer_prices":
        return "nominal"
    return "real"


def level_basis_of(geo: str, series: str, year: int, measure: str, period: str) -> str:
    if measure != "level":
        return ""
    for g, s, y0, y1, p, name in LEVEL_BASES:
        if (g, s, p) == (geo, series, period) and y0 <= year <= y1:
            return name
    return "unknown"


def known_from(row: dict) -> tuple[str, str]:
    """(date, basis): when the row's figure could first be known."""
    if row["published"]:
        return row["published"], "the source's date"
    year = int(row["year"])
    if row["kind"] == "target":
        return f"{year}-01-31", TARGET_KNOWN_RULE
    if row["period"] in ("full_year", "full_year_revised_5th_census") or "_" in row["period"]:
        return f"{year + 1}-04-30", OUTCOME_KNOWN_RULE
    raise ValueError(f"no known_from rule for {row['obs_id']}")


def decimals(text: str) -> int:
    return len(text.split(".")[1]) if "." in text else 0


def read_csmar() -> list[dict]:
    with open(RAW / "csmar_jiangxi.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    for i, row in enumerate(rows, start=2):
        row["_origin"] = f"csmar_jiangxi.csv:{i}"
    return rows


def read_raw() -> list[dict]:
    rows = []
    for name in ("pingxiang_history.csv", "pingxiang_history_extra.csv"):
        with open(RAW / name, encoding="utf-8", newline="") as f:
            for i, row in enumerate(csv.DictReader(f), start=2):
                row["_origin"] = f"{name}:{i}"
                rows.append(row)
    # Pingxiang's earlier years from the CSMAR transcription (2011 on come from the
    # reference research file already): growth only, levels of that era are not used
    have = {
        (r["indicator"], r["year"], r["kind"])
        for r in rows
        if "eileenCHEN" in r["source_url_or_repo_path"]
    }
    for row in read_csmar():
        year = row["year"]
        if row["city_id"] != "360300" or ("地区生产总值", year, "growth_pct") in have:
            continue
        if not row["gdp_real_growth_pct"]:
            continue
        rows.append(
            {
                "indicator": "地区生产总值",
                "year": year,
                "kind": "growth_pct",
                "value": row["gdp_real_growth_pct"],
                "unit": "%",
                "period": "full_year",
                "source_title": CSMAR_TITLE,
                "source_url_or_repo_path": CSMAR_REF,
                "quote": row["line"],
                "_origin": row["_origin"],
            }
        )
    return rows


def build_panel() -> list[dict]:
    """The other Jiangxi cities' GDP growth (CSMAR), for calibration and city-province gaps."""
    out = []
    for row in read_csmar():
        geo = CITY_IDS[row["city_id"]]
        if geo == "pingxiang" or not row["gdp_real_growth_pct"]:
            continue
        year = int(row["year"])
        nominal = year in CSMAR_NOMINAL_YEARS
        out.append(
            {
                "obs_id": f"{geo}.gdp.{year}.growth.full_year.1",
                "geo": geo,
                "city_id": row["city_id"],
                "series": "gdp",
                "year": year,
                "measure": "growth",
                "basis": "nominal" if nominal else "real",
                "value": row["gdp_real_growth_pct"],
                "unit": "%",
                "trust": "medium-high",
                "known_from": f"{year + 1}-04-30",
                "known_from_basis": OUTCOME_KNOWN_RULE,
                "source_title": CSMAR_TITLE,
                "source_ref": CSMAR_REF,
                "quote": row["line"],
                "note": f"raw row {row['_origin']}"
                + ("; 2013 GDPYoY is nominal (see CSMAR_NOMINAL_YEARS)" if nominal else ""),
            }
        )
    out.sort(key=lambda r: (r["geo"], r["year"]))
    return out


def build() -> list[dict]:
    out = []
    for raw in read_raw():
        indicator = raw["indicator"]
        geo = "pingxiang"
        if indicator.startswith("江西省:"):
            geo, indicator = "jiangxi", indicator.split(":", 1)[1]
        series = SERIES[indicator]
        measure, kind = MEASURE[raw["kind"]]
        year = int(raw["year"])
        row = {
            "geo": geo,
            "series": series,
            "indicator": indicator,
            "year": year,
            "measure": measure,
            "kind": kind,
            "basis": basis_of(
                series, measure, raw["quote"], raw["period"], year, raw["source_url_or_repo_path"]
            ),
            "value": raw["value"],
            "unit": raw["unit"],
            "period": raw["period"],
            "trust": trust_of(raw["source_url_or_repo_path"]),
            "published": published_of(raw["source_title"]),
            "level_basis": level_basis_of(geo, series, year, measure, raw["period"]),
            "derived_from": "",
            "source_title": raw["source_title"],
            "source_ref": raw["source_url_or_repo_path"],
            "quote": raw["quote"],
            "note": f"raw row {raw['_origin']}",
        }
        out.append(row)
    # stable ids
    seen: dict[str, int] = {}
    for row in out:
        base = f"{row['geo']}.{row['series']}.{row['year']}.{row['measure']}.{row['period']}"
        seen[base] = seen.get(base, 0) + 1
        row["obs_id"] = f"{base}.{seen[base]}"
    # derived average annual rates from five-year multiples
    derived = []
    for row in out:
        if row["measure"] != "ratio":
            continue
        start, end = (int(y) for y in row["period"].split("_"))
        n = end - start
        rate = (float(row["value"]) ** (1 / n) - 1) * 100
        derived.append(
            {
                **row,
                "obs_id": f"{row['geo']}.{row['series']}.{end}.avg_growth.{row['period']}.1",
                "measure": "avg_growth",
                "kind": "derived",
                "basis": "nominal",
                "value": f"{rate:.2f}",
                "unit": "%",
                "level_basis": "",
                "derived_from": row["obs_id"],
                "note": (
                    f"derived by pxanalysis: ({row['value']} ** (1/{n}) - 1) * 100, "
                    f"average annual nominal growth {start}-{end}; not an observation"
                ),
            }
        )
    out.extend(derived)
    # preferred row per group
    groups: dict[tuple, list[dict]] = {}
    for row in out:
        key = (
            row["geo"], row["series"], row["year"], row["measure"], row["period"], row["kind"],
            row["basis"],
        )  # fmt: skip
        groups.setdefault(key, []).append(row)
    for rows in groups.values():
        best = max(
            rows,
            key=lambda r: (TRUST_RANK[r["trust"]], r["published"], decimals(r["value"])),
        )
        for r in rows:
            r["preferred"] = "true" if r is best else "false"
    # level breaks: a level whose basis differs from the preferred level of the
    # nearest earlier year starts a new, non-comparable segment; a level of
    # unknown basis is never chained to anything
    for geo, series in {(r["geo"], r["series"]) for r in out}:
        levels = [
            r
            for r in out
            if (r["geo"], r["series"]) == (geo, series)
            and r["measure"] == "level"
            and r["period"] == "full_year"
        ]
        basis_by_year = {r["year"]: r["level_basis"] for r in levels if r["preferred"] == "true"}
        for r in levels:
            earlier = [y for y in basis_by_year if y < r["year"]]
            if r["level_basis"] == "unknown" or (
                earlier and basis_by_year[max(earlier)] != r["level_basis"]
            ):
                r["break_before"] = "true"
    for r in out:
        r.setdefault("break_before", "false")
        r["known_from"], r["known_from_basis"] = known_from(r)
    out.sort(key=lambda r: (r["geo"] != "pingxiang", r["series"], r["year"], r["obs_id"]))
    return out


def write(rows: list[dict], path: Path = OUT, fields: list[str] = FIELDS) -> None:
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: row[k] for k in fields})


if __name__ == "__main__":
    rows = build()
    write(rows)
    print(f"wrote {len(rows)} rows to {OUT.relative_to(ROOT)}")
    panel = build_panel()
    write(panel, PANEL_OUT, PANEL_FIELDS)
    print(f"wrote {len(panel)} rows to {PANEL_OUT.relative_to(ROOT)}")
