"""Finding the figures of a report: numbers with units, their qualifiers, kind, year and name.

The scanner walks the normalised text (:mod:`pxanalysis.extract.text`) line by
line. Each line is a heading (it changes the section) or prose, cut into
sentences (``。``, ``;``) and clauses (``,``). A figure is a number followed by
a unit (:func:`pxanalysis.extract.rules.unit_of`); everything else about it
follows the genre's rules (:mod:`pxanalysis.extract.rules`). A figure's quote
is the clause it sits in, cut verbatim from the source, never across a line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pxanalysis.data.report_schema import MONTHS, QUALIFIER_WORDS
from pxanalysis.extract import rules
from pxanalysis.extract.text import Text

NUMBER = re.compile(r"(?<![0-9.])(\d+(?:\.\d+)?)(?:\s*[%])?")
CHINESE_NUMBER = re.compile(r"([一二两三四五六七八九十百千万]+)(?=亿元|万元|亿斤|万人|万吨|万亩)")
#: The month a year-to-date figure runs through (1至N月) -> its period's name (``jan_<name>``).
MONTH_NAMES = dict(enumerate(MONTHS, start=2))


@dataclass
class Figure:
    """One figure found in the text."""

    start: int  # normalised position of the number
    value: float
    value_text: str
    unit: str
    measure: str
    kind: str
    year: int
    indicator: str
    qualifiers: list[str] = field(default_factory=list)
    period: str = "full_year"
    section: str = ""
    quote: str = ""
    confidence: float = 0.9
    reasons: list[str] = field(default_factory=list)
    main_target: bool = False
    in_target_list: bool = False


@dataclass
class Section:
    """Where the scanner is: the heading path and what it implies."""

    path: list[str] = field(default_factory=list)
    mode: str = "unknown"  # review | plan | target | summary | unknown
    estimates_from_here: bool = False  # 预计(下同) seen


def _ch(s: str, i: int) -> str:
    """The character at ``i``, or a character in no class ("\\0") outside the string."""
    return s[i] if 0 <= i < len(s) else "\0"


FIGURE_IN_LINE = re.compile(r"\d+(?:\.\d+)?\s*(?:%|亿|万|元|个|家|项|人|条|斤|亩|倍|百分点)")


def _is_heading(line: str) -> bool:
    stripped = line.strip().strip("*").strip()
    if not stripped or len(stripped) > 40 or FIGURE_IN_LINE.search(stripped):
        return False
    if stripped.startswith(("●", "■", "一、", "二、", "三、", "四、", "五、", "六、", "七、", "八、",
                            "(一)", "(二)", "(三)", "(四)", "(五)", "(六)", "(七)", "(八)")):  # fmt: skip
        return not any(p in stripped[6:] for p in "。;")
    return not any(p in stripped for p in "。;,") and not rules.YEAR.fullmatch(stripped)


def _mode_for(heading: str, current: str) -> str:
    if any(c in heading for c in rules.TARGET_CUES):
        return "target"
    if any(c in heading for c in rules.SUMMARY_CUES):
        return "summary"
    if any(c in heading for c in rules.REVIEW_CUES):
        return "review"
    if any(c in heading for c in rules.PLAN_CUES) or "安排" in heading:
        return "plan"
    return current


def _excluded(line: str, start: int, end: int, after: int) -> str:
    """Why a number is not a figure ('' when it is one)."""
    before = line[max(0, start - 12) : start]
    if line.count("“", 0, start) > line.count("”", 0, start):
        return "inside quotation marks (a name)"
    if _ch(line, start - 1) in "第+" or before.endswith(("第", "前", "列全省", "居全省")):
        return "an ordinal or rank"
    if _ch(line, end) in "+大" or (
        start
        and line[start - 1].isascii()
        and line[start - 1].isalpha()
        and not line[:start].endswith("GDP")
    ):
        return "part of a name (PM2.5, 5G)"
    if before.endswith("时速"):
        return "a speed class (时速350公里高铁)"
    if re.search(r"(应到|实到|出席|列席)(代表|委员)$", before):
        return "meeting attendance"
    tail = line[after:].lstrip()
    if tail[:2] in ("以上", "以下") and "\u4e00" <= _ch(tail, 2) <= "\u9fff":
        return "a threshold inside a definition (2000万元以上项目)"
    if before.endswith("连续"):
        return "a streak"
    return ""


LEAD = re.compile(r"^[●■•·\-*\s]+|20\d{2}年(?:1至\d{1,2}月)?|预计|力争|争取|确保")
TRIM_HEAD = re.compile(r"^(全年|全市|全省|全县|今年|其中|累计|完成|实现|推动|达到|同比)+")
TRIM_TAIL = re.compile(
    r"(同比|比上年|较上年|年均)?(增长|下降|减少|回落|提高|增加|达到|达|为|突破|超过|控制在|保持|"
    r"继续|稳定在|涨幅)*$"
)


def _indicator(clause: str, at: int) -> str:
    """The name of what a figure measures: the clause text before it, trimmed."""
    head = clause[:at]
    head = re.split(r"[、,:;]", head)[-1] if not re.search(r"分别", head) else head
    head = LEAD.sub("", head)
    head = TRIM_HEAD.sub("", head)
    whole = head.strip(" “”\"'()")
    if whole in rules.exact_names():
        return whole  # 经济增长: the verb is part of the name
    head = TRIM_TAIL.sub("", head)
    head = TRIM_TAIL.sub("", head)  # 继续保持: two verbs
    return head.strip(" “”\"'()")


LIST_ITEM = re.compile(
    r"\s*[、和及与]\s*\d+(?:\.\d+)?\s*(%|[^\d\s,。;、]{1,4}?)(左右|以上|以内|以下)?"
)
#: Tails shared by the items of a 分别 list (城镇、农村居民人均可支配收入 -> 城镇 + 居民人均可支配收入).
SHARED_TAILS = ("居民人均可支配收入", "人均可支配收入", "增加值", "营业收入", "收入", "产值", "产量",
                "投资", "总额", "增速")  # fmt: skip


def _list_closing(sentence: str, after: int) -> str:
    """The qualifier closing a 分别 list that continues after position ``after``."""
    closing, pos = "", after
    while m := LIST_ITEM.match(sentence, pos):
        closing, pos = m.group(2) or "", m.end()
    return closing


def _shared_name(sentence: str, shared: int, start: int) -> str:
    """The name of the figure at ``start``, an item of the 分别 list opened at ``shared``."""
    head_start = max(sentence.rfind(ch, 0, shared) for ch in ",:;") + 1
    head = re.sub(
        r"^(预计|力争|争取|确保|全年|全市|全省|今年|其中)+", "", sentence[head_start:shared]
    )
    head = head.strip(" “”\"'()")
    parts = [p for p in re.split(r"[、和及与]", head) if p]
    index = len(NUMBER.findall(sentence[shared:start]))
    if len(parts) < 2:
        return head
    last = parts[-1]
    tail = next((t for t in SHARED_TAILS if last.endswith(t) and last != t), "")
    names = [p + tail for p in parts[:-1]] + [last]
    return names[min(index, len(names) - 1)]


def _name_after(sentence: str, after: int) -> str:
    """The name of a figure written number first (195个省大中小型项目): the words after it."""
    rest = re.split(r"[,。;:、]", sentence[after:], maxsplit=1)[0]
    rest = re.split(r"预计|实现|纳入|进驻|均|完成|达到|水质|住院|获评|加入", rest, maxsplit=1)[0]
    return rest.strip(" “”\"'()")[:20]


def scan(text: Text, report_year: int) -> list[Figure]:
    """Every figure of the text (duplicates and the summary box's repeats included)."""
    figures: list[Figure] = []
    section = Section()
    review_year = report_year - 1
    position = 0
    for line in text.normal.split("\n"):
        line_start = position
        position += len(line) + 1
        if not line.strip():
            continue
        if _is_heading(line):
            heading = line.strip().strip("*").strip("●■ ")
            mode = _mode_for(heading, section.mode)
            top = mode != section.mode or rules.YEAR.match(heading) or not section.path
            section.mode = mode
            section.path = [heading] if top else [section.path[0], heading]
            if mode in ("plan", "target"):
                section.estimates_from_here = False
            continue
        _scan_line(text, line, line_start, section, report_year, review_year, figures)
    return figures


def _sentences(line: str):
    start = 0
    for m in re.finditer(r"[。;!?]", line):
        yield start, m.end()
        start = m.end()
    if start < len(line):
        yield start, len(line)


def _scan_line(text, line, line_start, section, report_year, review_year, figures):
    target_line = any(c in line for c in rules.TARGET_CUES)
    for s_start, s_end in _sentences(line):
        sentence = line[s_start:s_end]
        if re.search(r"预计\s*\(下同\)", sentence):
            section.estimates_from_here = True
        target_from = -1
        if target_line:
            cue = next((c for c in rules.TARGET_CUES if c in sentence), None)
            target_from = sentence.find(cue) if cue else 0
        found = list(NUMBER.finditer(sentence)) + list(CHINESE_NUMBER.finditer(sentence))
        for m in sorted(found, key=lambda m: m.start()):
            _figure(text, line, line_start, s_start, sentence, m, section, report_year,
                    review_year, target_from, figures)  # fmt: skip


def _value(m) -> tuple[float, str, bool]:
    token = m.group(1)
    if token[0].isdigit():
        return float(token), token, False
    import cn2an  # only for a Chinese numeral (it takes ~0.1 s to import)

    for candidate in (token, "一" + token):  # 千亿元 is written without its 一
        try:
            return float(cn2an.cn2an(candidate, "smart")), token, True
        except (ValueError, KeyError):
            continue
    return None, token, True


def _figure(text, line, line_start, s_start, sentence, m, section, report_year, review_year,
            target_from, figures):  # fmt: skip
    start, end = m.start(1), m.end(1)
    value, token, chinese = _value(m)
    if value is None:
        return
    after = end
    while after < len(sentence) and sentence[after] == " ":
        after += 1
    qualifiers, reasons = [], []
    range_to = None
    if sentence[after : after + 1] == "%" and sentence[after + 1 : after + 2] in rules.RANGE_SEP:
        after += 1  # 5%—5.5%: the first % closes the lower bound
    if sentence[after : after + 1] in rules.RANGE_SEP:
        m2 = re.match(r"[-—–~～至到]\s*(\d+(?:\.\d+)?)", sentence[after:])
        if m2 and rules.unit_of(sentence[after + m2.end() :].lstrip()):
            range_to = m2.group(1)
            after += m2.end()
            while sentence[after : after + 1] == " ":
                after += 1
    if sentence.startswith("余", after):
        qualifiers.append("余")
        after += 1
    found = rules.unit_of(sentence[after:])
    if not found:
        return
    unit, length = found
    if _ch(sentence, after) == "年" or _ch(sentence, end) in "年月日":
        return
    after += length
    if (
        _ch(sentence, start - 1) in ".-—"
        or _ch(sentence, end) in ":："
        or sentence[start - 1 : start].isdigit()
        or re.search(r"\d%?\s*[-—–~～至到]\s*$", sentence[:start])  # a range's upper bound
    ):
        return
    why = _excluded(sentence, start, end, after)
    if why:
        return
    while sentence[after : after + 1] == " ":
        after += 1
    for word in rules.AFTER:
        if sentence.startswith(word, after):
            qualifiers.append(word)
            after += len(word)
            break
    if range_to is not None:
        qualifiers.append(f"区间:{token}-{range_to}")
    # the clause and everything before the figure in the sentence
    clause_start = max(sentence.rfind(ch, 0, start) for ch in ",、:") + 1
    shared = sentence.rfind("分别", 0, start)
    if shared >= 0 and any(ch in sentence[shared:start] for ch in ",:;"):
        shared = -1  # the 分别 list ended before this figure
    before = sentence[:start]
    # scoped qualifiers (预计, 力争, 争取, 确保): from the word to the end of the sentence;
    # one written right after 、 qualifies that item of the list only
    scoped, pledge_at = [], -1
    for word in rules.SCOPED:
        at = before.rfind(word)
        if at < 0:
            continue
        if _ch(before, at - 1) == "、" and any(ch in before[at:] for ch in ",、"):
            continue
        if word in rules.PLAN_ONLY:  # a later 确保 closes an earlier 力争's scope
            if at < pledge_at:
                continue
            scoped = [w for w in scoped if w not in rules.PLAN_ONLY]
            pledge_at = at
        scoped.append(word)
    if section.estimates_from_here and "预计" not in scoped and section.mode != "plan":
        scoped.append("预计")  # 预计(下同): every later review figure is an estimate
    # 累计 governs the first figure after it in its clause
    at = before.rfind("累计")
    if at >= clause_start and not NUMBER.search(before, at):
        qualifiers.insert(0, "累计")
    # a 分别 list's closing qualifier covers the items without one of their own
    if shared >= 0 and not any(q in rules.AFTER for q in qualifiers):
        closing = _list_closing(sentence, after)
        if closing:
            qualifiers.append(closing)
    for word in rules.SURPASS:
        if before.endswith(word) or before[-len(word) - 1 : -1] == word:
            qualifiers.append("超")
    # kind and year; a year followed by 的 (是2015年的1.5倍) is a base year, not the figure's
    year_m = [y for y in rules.YEAR.finditer(sentence[:start]) if _ch(sentence, y.end()) != "的"]
    explicit = int(year_m[-1].group(1)) if year_m else None
    period = "full_year"
    pm = re.search(r"1至(\d{1,2})月|1-(\d{1,2})月", sentence[:start])
    if pm and unit not in rules.COUNT_UNITS:
        month = int(pm.group(1) or pm.group(2))
        if month in MONTH_NAMES:
            period = f"jan_{MONTH_NAMES[month]}"
            qualifiers.append(f"1至{month}月")
    mode = section.mode
    is_target = target_from >= 0 and start >= target_from or mode == "target"
    estimated = "预计" in scoped
    if is_target and explicit in (None, report_year):
        kind, year = "target", report_year
    elif explicit is not None and explicit > report_year:
        kind, year = "commitment", explicit
    elif explicit is not None and explicit == report_year and estimated:
        kind, year = "target", report_year
        reasons.append("report-year figure under 预计 read as a target")
    elif explicit is not None and explicit < report_year:
        kind, year = ("estimate" if estimated else "actual"), explicit
    elif mode in ("review", "summary"):
        kind, year = ("estimate" if estimated else "actual"), review_year
    elif mode == "plan" or (explicit == report_year and set(scoped) & set(rules.PLAN_ONLY)):
        kind, year = "commitment", report_year
    elif estimated:
        kind, year = "estimate", review_year
        reasons.append("no section: 预计 read as last year's estimate")
    else:
        kind, year = "actual", review_year
        reasons.append("no section: read as last year's outcome")
    # 力争, 争取, 确保 qualify goals; in a review, 争取 means "secured"
    for word in reversed(scoped):
        if word in rules.PLAN_ONLY and kind not in ("target", "commitment"):
            continue
        if word == "预计" and kind == "commitment":
            continue
        qualifiers.insert(0, word)
    if kind == "actual" and "预计" in qualifiers:
        kind = "estimate"
    # sign
    measure = rules.measure_of(
        unit, sentence[shared if shared >= 0 else clause_start : start], whole=shared >= 0
    )
    verb_zone = sentence[max(clause_start, start - 8) : start]
    if measure == "growth" and any(w in verb_zone for w in rules.DECLINE):
        value = -value
    # indicator name
    clause = sentence[clause_start:start]
    if shared >= 0:
        name = _shared_name(sentence, shared, start)
    else:
        name = _indicator(clause, len(clause)) or _name_after(sentence, after)
    sentence_start = line_start + s_start
    previous = [f for f in figures if f.start >= sentence_start]
    if not name and previous and previous[-1].indicator:
        name = previous[-1].indicator  # 地区生产总值增长4.1%,2024年预计增长5%: same subject
        reasons.append("name carried from the previous figure of the sentence")
    # quote: the clause through the figure and its trailing qualifier, verbatim
    q_start = clause_start
    if shared >= 0:
        q_start = max(sentence.rfind(ch, 0, shared) for ch in ",:;") + 1
    abs_start = line_start + s_start + q_start
    abs_end = line_start + s_start + after
    quote = text.span(abs_start, abs_end).strip()
    confidence = 0.9
    if chinese:
        confidence = 0.6
        reasons.append("Chinese numeral converted")
    if reasons and any("no section" in r for r in reasons):
        confidence = min(confidence, 0.6)
    if not name:
        confidence = min(confidence, 0.5)
        reasons.append("no indicator name found")
    figures.append(
        Figure(
            start=line_start + s_start + start,
            value=value,
            value_text=token if not chinese else f"{value:g}",
            unit=unit,
            measure=measure,
            kind=kind,
            year=year,
            indicator=name,
            qualifiers=_order(qualifiers),
            period=period,
            section=" > ".join(section.path),
            quote=quote,
            confidence=confidence,
            reasons=reasons,
            main_target=kind == "target" and is_target,
            in_target_list=is_target,
        )
    )


def _order(qualifiers: list[str]) -> list[str]:
    """The qualifiers without repeats, the schema's words in the schema's order first."""
    seen = list(dict.fromkeys(qualifiers))
    known = [q for q in QUALIFIER_WORDS if q in seen]
    return known + [q for q in seen if q not in QUALIFIER_WORDS]


ITEM = re.compile(r"(?:^|(?<=。))\s*([^,。;:、\d%“”()]{3,14})。")
AREA_INLINE = re.compile(r"^\s*\(([一二三四五六七八九十]+)\)([^。]{4,60})。")


def workplan_items(text: Text) -> list[dict]:
    """The areas of work and their items, from the work-plan section of the text.

    An area is a heading inside the plan (or an inline ``(一)…。`` title); an item
    is a short sentence without numbers or commas (``做强工业产业。``) inside an
    area. Items listed again in an outline (``- 做强工业产业``) are marked
    ``in_outline``.
    """
    lines = text.normal.split("\n")
    outline = {ln.strip(" -*") for ln in lines if ln.lstrip().startswith("-")}
    items: list[dict] = []
    mode, area, area_id, position = "unknown", None, 0, 0
    for line in lines:
        start = position
        position += len(line) + 1
        if not line.strip() or line.lstrip().startswith("-"):
            continue
        inline = AREA_INLINE.match(line)
        if _is_heading(line) and not inline:
            heading = line.strip().strip("*").strip("●■ ")
            new_mode = _mode_for(heading, mode)
            if new_mode != mode or any(c in heading for c in rules.PLAN_CUES):
                mode, area = new_mode, None
                continue
            if mode == "plan" and not rules.YEAR.match(heading):
                area_id += 1
                area = (area_id, heading)
            continue
        if mode != "plan":
            if any(c in line for c in rules.TARGET_CUES) or "工作安排" in line[:12]:
                mode = "plan"
            continue
        if inline:
            area_id += 1
            area = (area_id, inline.group(2).strip())
            line_rest = line[inline.end() :]
            offset = inline.end()
        else:
            line_rest, offset = line, 0
        if area is None:
            continue
        for m in ITEM.finditer(line_rest):
            name = m.group(1).strip()
            n = sum(1 for i in items if i["area_id"] == area[0]) + 1
            items.append(
                {
                    "item_id": f"{area[0]}.{n}",
                    "area_id": area[0],
                    "area": area[1],
                    "area_en": None,
                    "item": name,
                    "item_en": None,
                    "heading_in_body": True,
                    "in_outline": name in outline,
                    "anchor": name + "。",
                    "note": None,
                    "start": start + offset + m.start(1),
                    "end": start + offset + m.end(),
                }
            )
    return items
