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

import cn2an

from pxanalysis.extract import rules
from pxanalysis.extract.text import Text

NUMBER = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)(?:\s*[%])?")
CHINESE_NUMBER = re.compile(r"([一二两三四五六七八九十百千万]+)(?=亿元|万元|亿斤|万人|万吨|万亩)")


@dataclass
class Figure:
    """One figure found in the text."""

    start: int  # normalised positions of the number
    end: int
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
    quote_span: tuple[int, int] = (0, 0)
    confidence: float = 0.9
    reasons: list[str] = field(default_factory=list)
    main_target: bool = False


@dataclass
class Section:
    """Where the scanner is: the heading path and what it implies."""

    path: list[str] = field(default_factory=list)
    mode: str = "unknown"  # review | plan | target | summary | unknown


def _is_heading(line: str) -> bool:
    stripped = line.strip().strip("*").strip()
    if not stripped or len(stripped) > 40:
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


def _excluded(line: str, start: int, end: int, unit: str, after: int) -> str:
    """Why a number is not a figure ('' when it is one)."""
    before = line[max(0, start - 12) : start]
    if line.count("“", 0, start) > line.count("”", 0, start):
        return "inside quotation marks (a name)"
    if line[start - 1 : start] in "第+" or before.endswith(("第", "前", "列全省", "居全省")):
        return "an ordinal or rank"
    if line[end : end + 1] in "+大" or (
        start and line[start - 1].isascii() and line[start - 1].isalpha()
    ):
        return "part of a name"
    rest = line[after : after + 1]
    if line[after - 2 : after] in ("以上", "以下") and rest and "\u4e00" <= rest <= "\u9fff":
        return "a threshold inside a definition"
    if before.endswith("连续"):
        return "a streak"
    return ""


def _indicator(clause: str, at: int) -> str:
    """The name of what a figure measures: the clause text before it, trimmed."""
    head = clause[:at]
    head = re.split(r"[、,:;]", head)[-1] if not re.search(r"分别", head) else head
    head = re.sub(
        r"^(预计|力争|争取|确保|全年|全市|全省|今年|其中|累计|完成|实现|推动|达到)+", "", head
    )
    head = re.sub(
        r"(同比|比上年|较上年|年均)?(增长|下降|减少|回落|提高|增加|达到|达|为|突破|超过|控制在|保持|涨幅)*$",
        "",
        head,
    )
    return head.strip(" “”\"'()")


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
            section.mode = _mode_for(heading, section.mode)
            section.path = [*section.path[:1], heading] if section.path else [heading]
            if rules.YEAR.match(heading) and any(c in heading for c in rules.REVIEW_CUES):
                section.path = [heading]
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
        target_from = -1
        if target_line:
            cue = next((c for c in rules.TARGET_CUES if c in sentence), None)
            target_from = sentence.find(cue) if cue else (-1 if not target_line else 0)
        for m in list(NUMBER.finditer(sentence)) + list(CHINESE_NUMBER.finditer(sentence)):
            _figure(text, line, line_start, s_start, sentence, m, section, report_year,
                    review_year, target_from, figures)  # fmt: skip


def _value(m) -> tuple[float, str, bool]:
    token = m.group(1)
    if token[0].isdigit():
        return float(token), token, False
    return float(cn2an.cn2an(token, "smart")), token, True


def _figure(text, line, line_start, s_start, sentence, m, section, report_year, review_year,
            target_from, figures):  # fmt: skip
    start, end = m.start(1), m.end(1)
    value, token, chinese = _value(m)
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
    if sentence[after : after + 1] == "年" or sentence[end : end + 1] in "年月日":
        return
    after += length
    if (
        sentence[start - 1 : start] in ".-—"
        or sentence[end : end + 1] in ":："
        or sentence[start - 1 : start].isdigit()
    ):
        return
    why = _excluded(sentence, start, end, unit, after)
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
    before = sentence[:start]
    # scoped qualifiers: from the word to the end of the sentence
    mode = section.mode
    in_plan = mode in ("plan", "target") or (target_from >= 0 and start >= target_from)
    for word in rules.SCOPED:
        at = before.rfind(word)
        if at < 0 or (word in rules.PLAN_ONLY and not in_plan):
            continue
        qualifiers.insert(0, word)
    if before[max(0, len(before) - 6) :].find("累计") >= 0 and clause_start <= before.rfind("累计"):
        qualifiers.insert(0, "累计")
    for word in rules.SURPASS:
        if before.endswith(word) or before[-len(word) - 1 : -1] == word:
            qualifiers.append("超")
    # kind and year
    year_m = [y for y in rules.YEAR.finditer(sentence[:start])]
    explicit = int(year_m[-1].group(1)) if year_m else None
    period = "full_year"
    pm = re.search(r"1至(\d{1,2})月|1-(\d{1,2})月", sentence[:start])
    if pm and unit not in rules.COUNT_UNITS:
        month = int(pm.group(1) or pm.group(2))
        names = {2: "feb", 3: "mar", 4: "apr", 5: "may", 6: "jun", 7: "jul", 8: "aug",
                 9: "sep", 10: "oct", 11: "nov"}  # fmt: skip
        if month in names:
            period = f"jan_{names[month]}"
            qualifiers.append(f"1至{month}月")
    is_target = target_from >= 0 and start >= target_from or mode == "target"
    if is_target and explicit is None:
        kind, year = "target", report_year
    elif explicit is not None and explicit > report_year:
        kind, year = "commitment", explicit
    elif explicit is not None and explicit == report_year and "预计" in qualifiers:
        kind, year = "target", report_year
        reasons.append("report-year figure under 预计 read as a target")
    elif explicit is not None and explicit < report_year:
        kind, year = ("estimate" if "预计" in qualifiers else "actual"), explicit
    elif mode == "review" or mode == "summary" and "预计" in qualifiers:
        kind, year = ("estimate" if "预计" in qualifiers else "actual"), review_year
    elif mode in ("plan",):
        kind, year = "commitment", report_year
    elif "预计" in qualifiers:
        kind, year = "estimate", review_year
        reasons.append("no section: 预计 read as last year's estimate")
    else:
        kind, year = "actual", review_year
        reasons.append("no section: read as last year's outcome")
    if kind == "actual" and "预计" in qualifiers:
        kind = "estimate"
    # sign
    measure = rules.measure_of(unit, sentence[clause_start:start])
    verb_zone = sentence[max(clause_start, start - 8) : start]
    if measure == "growth" and any(w in verb_zone for w in rules.DECLINE):
        value = -value
    # indicator name
    clause = sentence[clause_start:start]
    name = _indicator(sentence[: start] if shared >= 0 and shared > clause_start - 30 else clause,
                      len(sentence[: start]) if shared >= 0 and shared > clause_start - 30 else len(clause))  # fmt: skip
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
            end=line_start + s_start + end,
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
            quote_span=(abs_start, abs_end),
            confidence=confidence,
            reasons=reasons,
            main_target=kind == "target",
        )
    )


ORDER = ("预计", "力争", "争取", "确保", "累计", "左右", "以上", "以内", "以下", "余", "超")


def _order(qualifiers: list[str]) -> list[str]:
    seen = list(dict.fromkeys(qualifiers))
    known = [q for q in ORDER if q in seen]
    return known + [q for q in seen if q not in ORDER]
