"""Build ``data/pingxiang/history/observations.csv`` from the raw research files.

The raw files in ``data/pingxiang/history/raw/`` are verbatim copies of
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
RAW = ROOT / "data" / "pingxiang" / "history" / "raw"
OUT = ROOT / "data" / "pingxiang" / "history" / "observations.csv"

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

# Statistical bases of the level series. Levels before 2019 come from the
# pre-revision yearbooks (2011-2016) or an aggregator (2018, basis unknown);
# from 2019 the series is on the basis revised after the 4th economic census.
# Growth must never be computed from level ratios across a change of basis.
LEVEL_BASES = [
    ("gdp", 2011, 2016, "yearbook_pre_census4"),
    ("gdp", 2018, 2018, "aggregator_2018_unknown"),
    ("gdp", 2019, 2023, "census4"),
]

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


def basis_of(series: str, measure: str, quote: str, period: str) -> str:
    """Real (comparable prices) or nominal growth; 'level' for levels."""
    if measure in ("level", "ratio"):
        return "level"
    if "[nominal]" in quote or series in ("budget_revenue", "fiscal_revenue_total"):
        return "nominal"
    if series in ("urban_income", "rural_income", "retail_sales", "fixed_asset_investment"):
        return "nominal"
    if series == "consumer_prices":
        return "nominal"
    return "real"


def level_basis_of(series: str, year: int, measure: str) -> str:
    if measure != "level":
        return ""
    for s, y0, y1, name in LEVEL_BASES:
        if s == series and y0 <= year <= y1:
            return name
    return "unknown"


def decimals(text: str) -> int:
    return len(text.split(".")[1]) if "." in text else 0


def read_raw() -> list[dict]:
    rows = []
    for name in ("pingxiang_history.csv", "pingxiang_history_extra.csv"):
        with open(RAW / name, encoding="utf-8", newline="") as f:
            for i, row in enumerate(csv.DictReader(f), start=2):
                row["_origin"] = f"{name}:{i}"
                rows.append(row)
    return rows


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
            "basis": basis_of(series, measure, raw["quote"], raw["period"]),
            "value": raw["value"],
            "unit": raw["unit"],
            "period": raw["period"],
            "trust": trust_of(raw["source_url_or_repo_path"]),
            "published": published_of(raw["source_title"]),
            "level_basis": level_basis_of(series, year, measure),
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
        key = (row["geo"], row["series"], row["year"], row["measure"], row["period"], row["kind"])
        groups.setdefault(key, []).append(row)
    for rows in groups.values():
        best = max(
            rows,
            key=lambda r: (TRUST_RANK[r["trust"]], r["published"], decimals(r["value"])),
        )
        for r in rows:
            r["preferred"] = "true" if r is best else "false"
    # level breaks: a level whose basis differs from the preferred level of the
    # nearest earlier year starts a new, non-comparable segment
    for series in {r["series"] for r in out}:
        levels = [
            r
            for r in out
            if r["series"] == series
            and r["measure"] == "level"
            and r["period"] == "full_year"
            and r["geo"] == "pingxiang"
        ]
        basis_by_year = {r["year"]: r["level_basis"] for r in levels if r["preferred"] == "true"}
        for r in levels:
            earlier = [y for y in basis_by_year if y < r["year"]]
            if earlier and basis_by_year[max(earlier)] != r["level_basis"]:
                r["break_before"] = "true"
    for r in out:
        r.setdefault("break_before", "false")
    out.sort(key=lambda r: (r["geo"] != "pingxiang", r["series"], r["year"], r["obs_id"]))
    return out


def write(rows: list[dict], path: Path = OUT) -> None:
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=FIELDS, lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: row[k] for k in FIELDS})


if __name__ == "__main__":
    rows = build()
    write(rows)
    print(f"wrote {len(rows)} rows to {OUT.relative_to(ROOT)}")
