"""Finding the figures of a report: numbers with units, their qualifiers, kind, year and name.

The scanner walks the normalised text (:mod:`pxanalysis.extract.text`) line by
line. Each line is a heading (it changes the section) or prose, cut into
sentences (``。``, ``;``) and clauses (``,``). A figure is a number followed by
a unit (:func:`pxanalysis.extract.rules.unit_of`); everything else about it
follows the genre's rules (:mod:`pxanalysis.extract.rules`). A figure's quote
is the clause it sits in, cut verbatim from the source, never across a line.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from pxanalysis.data import registry
from pxanalysis.data.report_schema import MONTHS, QUALIFIER_WORDS
from pxanalysis.extract import rules
from pxanalysis.extract.text import Text

NUMBER = re.compile(r"(?<![0-9.])(\d+(?:\.\d+)?)(?:\s*[%])?")
#: A number with thousands separators (1,200萬人): one figure when the commas are ASCII in the
#: source (a full-width ，, which normalises to the same ',', separates clauses).
GROUPED = re.compile(r"(?<![0-9.,])(\d{1,3}(?:,\d{3})+(?:\.\d+)?)(?![0-9])")
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
    sentence: int = 0  # normalised position of its sentence


@dataclass
class Section:
    """Where the scanner is: the heading path and what it implies."""

    path: list[str] = field(default_factory=list)
    mode: str = "unknown"  # review | plan | target | summary | unknown
    estimates_from_here: bool = False  # 预计(下同) seen
    pending_target: bool = False  # a target cue with no figure: its list is on the next line
    moved_by_line: bool = False  # the mode comes from a paragraph's cue, not a heading
    span: int = 1  # years a "from A to B" review spans (过去五年: 5)


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


def report_schema_units() -> frozenset:
    """The units a figure may carry (the report schema's)."""
    from pxanalysis.data.report_schema import UNITS

    return frozenset(UNITS)


def _excluded(line: str, start: int, end: int, after: int, quoted: bool | None = None) -> str:
    """Why a number is not a figure ('' when it is one).

    ``quoted``: whether the number is inside quotation marks (counted once per
    sentence by the caller; counted here when not given).
    """
    before = line[max(0, start - 12) : start]
    if quoted is None:
        quoted = line.count("“", 0, start) > line.count("”", 0, start)
    if quoted:
        return "inside quotation marks (a name)"
    if _ch(line, start - 1) in "第+" or before.endswith(("第", "前", "列全省", "居全省")):
        return "an ordinal or rank"
    if _ch(line, end) in "+大" or (
        start
        and line[start - 1].isascii()
        and line[start - 1].isalpha()
        and not line.endswith("GDP", 0, start)
    ):
        return "part of a name (PM2.5, 5G)"
    if before.endswith("时速"):
        return "a speed class (时速350公里高铁)"
    if re.search(r"(应到|实到|出席|列席|实出席)(人大)?(代表|委员)?$", before) or re.match(
        r"(名|位|人)(人大)?(代表|委员)", line[end : end + 6]
    ):
        return "meeting attendance"
    tail = line[after : after + 12].lstrip()
    if (tail[:2] in ("以上", "以下") and "\u4e00" <= _ch(tail, 2) <= "\u9fff"
            and line[end:after].strip() not in ("%", "倍") and not tail.startswith(("以上用", "以下用"))):  # fmt: skip
        return "a threshold inside a definition (2000万元以上项目)"
    if before.endswith("连续"):
        return "a streak"
    if line.startswith(("个方面", "方面", "大方面"), end):
        return "how many parts of work the report lists (6个方面工作)"
    if before.endswith(rules.MILESTONE_BEFORE) or "台阶" in line[after : after + 6]:
        return "a milestone (迈上千亿元台阶), not a figure"
    if line[end : end + 1] in "个项家条" and re.match(r"[^,;。]*?分别", line[after : after + 30]):
        return "a count that labels the items of a 分别 list (144个项目和30个项目分别完成投资)"
    if rules.RANKED.match(line, after):
        return "a ranked count (12项指标有7项位居全州前三)"
    if line.endswith("出现", 0, start) and line.startswith("次", end):
        return "a word count (“发展”出现67次)"
    if re.search(r"代表", line[max(0, start - 16) : start]) and line[end : end + 1] in "名人":
        return "meeting attendance"
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


def _shared_name(sentence: str, shared: int, start: int, index: int | None = None) -> str:
    """The name of the figure at ``start``, an item of the 分别 list opened at ``shared``.

    ``index``: how many numbers of the list come before it (counted here if not given).
    """
    head_start = max(sentence.rfind(ch, 0, shared) for ch in ",:;") + 1
    head = re.sub(
        r"^(预计|力争|争取|确保|全年|全市|全省|今年|其中)+", "", sentence[head_start:shared]
    )
    head = head.strip(" “”\"'()")
    parts = [p for p in re.split(r"[、和及与]", head) if p]
    if len(parts) == 1 and head.startswith("城乡") and len(head) > 2:
        parts = ["城镇", head[2:]]  # 城乡居民收入分别增长7%和8%: urban, then rural
        parts[1] = "农村" + parts[1]
    if index is None:
        index = len(NUMBER.findall(sentence[shared:start]))
    if len(parts) < 2:
        return head
    last = parts[-1]
    tail = next((t for t in SHARED_TAILS if last.endswith(t) and last != t), "")
    names = [p + tail for p in parts[:-1]] + [last]
    return names[min(index, len(names) - 1)]


def _name_after(sentence: str, after: int) -> str:
    """The name of a figure written number first (195个省大中小型项目): the words after it."""
    rest = re.split(r"[,。;:、]", sentence[after : after + 60], maxsplit=1)[0]
    rest = re.split(r"预计|实现|纳入|进驻|均|完成|达到|水质|住院|获评|加入", rest, maxsplit=1)[0]
    return rest.strip(" “”\"'()")[:20]


def scan(text: Text, report_year: int) -> list[Figure]:
    """Every figure of the text (duplicates and the summary box's repeats included)."""
    figures: list[Figure] = []
    section = Section()
    review_year = report_year - 1
    position = 0
    bullets: list[Figure] = []  # figures of consecutive bullet lines (●地区生产总值增长6%以上)
    for line in text.normal.split("\n"):
        line_start = position
        position += len(line) + 1
        if not line.strip():
            continue
        if not line.lstrip().startswith(BULLETS) and bullets:
            _target_list(bullets, report_year)
            bullets = []
        if _is_heading(line):
            heading = line.strip().strip("*").strip("●■ ")
            mode = _mode_for(heading, section.mode)
            top = mode != section.mode or rules.YEAR.match(heading) or not section.path
            section.mode = mode
            section.path = [heading] if top else [section.path[0], heading]
            section.pending_target = False
            section.moved_by_line = False
            section.span = 5 if "五年" in heading else 10 if "十年" in heading else 1
            if mode in ("plan", "target"):
                section.estimates_from_here = False
            continue
        pending = section.pending_target
        _line_mode(line, section, report_year, review_year)
        before = len(figures)
        _scan_line(text, line, line_start, section, report_year, review_year, figures, pending)
        if pending:
            section.pending_target = False
        elif _target_from(line, report_year) >= 0 and not any(
            f.in_target_list for f in figures[before:]
        ):
            section.pending_target = True  # 主要预期目标是:(words)。 the list follows
        if line.lstrip().startswith(BULLETS):
            for f in figures[before:]:
                f.sentence = bullets[0].sentence if bullets else f.sentence
            bullets += figures[before:]
        else:
            _target_list(figures[before:], report_year)
    _target_list(bullets, report_year)
    return figures


#: Marks of a bulleted list's lines.
BULLETS = ("●", "■", "•", "·", "▲", "◆")


#: Who is speaking, before a paragraph's own words (岑永杰说, 报告指出,).
_SPEAKER = re.compile(r"^.{0,10}?(?:说|指出|表示|强调|介绍|提出)[,:]")


def _line_mode(line: str, section: Section, report_year: int, review_year: int) -> None:
    """A paragraph's own cue to the mode when no heading gives one (a news write-up):
    it starts with the report's year or 今年 (plan), the review's year or 过去一年 (review),
    or announces the work (将重点抓好十方面工作: plan from here)."""
    if section.mode == "target":
        return
    mode_before = section.mode
    head = _SPEAKER.sub("", line.strip().lstrip("●■•·-*( )"))[:12]
    lead = rules.YEAR.match(head)
    if lead and int(lead.group(1)) == report_year or head.startswith("今年"):
        section.mode = "plan"
    elif lead and int(lead.group(1)) == review_year or head.startswith(rules.REVIEW_START):
        section.mode = "review"
        section.span = 5 if head.startswith(("过去五年", "五年来")) else section.span
    if (
        rules.PLAN_PHRASE.search(line)
        and section.mode == "unknown"
        or (rules.PLAN_PHRASE.search(line) and section.mode == "review" and section.moved_by_line)
    ):
        section.mode = "plan"
    section.moved_by_line = section.moved_by_line or section.mode != mode_before


#: Indicators a list of main targets names (one sentence with at least this many of
#: them, growth rates of the coming year, is the list of main targets).
TARGET_LIST_MIN = 3


def _target_like(f: Figure) -> bool:
    """A figure in the form of a main target: a rate, or its indicator's own measure
    (城镇新增就业900万人: a count in 万人)."""
    if f.unit == "%":
        return True
    entry = registry.get(rules.canonical(f.indicator) or "")
    return entry is not None and entry.measure in ("count", "level") and entry.unit == f.unit


def _target_list(figures: list[Figure], report_year: int) -> None:
    """A sentence listing growth rates of several main indicators for the coming year,
    under 力争/确保/预期 (a write-up's list of targets without its cue), is the target list."""
    by_sentence: dict[int, list[Figure]] = {}
    for f in figures:
        by_sentence.setdefault(f.sentence, []).append(f)
    for group in by_sentence.values():
        candidates = [f for f in group if f.kind == "commitment" and f.year == report_year
                      and _target_like(f)]  # fmt: skip
        ids = {rules.canonical(f.indicator) for f in candidates} - {None}
        if len(ids) < TARGET_LIST_MIN:
            continue
        for f in candidates:
            if rules.canonical(f.indicator) in ids:
                f.kind, f.main_target, f.in_target_list = "target", True, True


def _sentences(line: str):
    """The sentences of a line: up to 。, ! or ? (a ; list stays one sentence: 预计 before it
    governs every item)."""
    start = 0
    for m in re.finditer(r"[。!?]", line):
        yield start, m.end()
        start = m.end()
    if start < len(line):
        yield start, len(line)


#: Words around a year that make it a base of comparison, not the figure's year:
#: 是2015年的1.5倍, 恢复到2019年水平, 比2019年增长, 2020年以来.
_BASE_AFTER = ("的", "水平", "以来", "同期")
_BASE_BEFORE = ("比", "较", "与", "恢复到", "相当于")


def _bracketed(sentence: str, m) -> bool:
    """Whether the year matched by ``m`` is inside brackets (扣除2022年灾后重建支出外)."""
    return sentence.rfind("(", 0, m.start()) > sentence.rfind(")", 0, m.start())


def _base_year(sentence: str, m) -> bool:
    """Whether the year matched by ``m`` is a base of comparison (see :data:`_BASE_AFTER`)."""
    return sentence.startswith(_BASE_AFTER, m.end()) or sentence.endswith(
        _BASE_BEFORE, 0, m.start()
    )


#: The longest quotation (characters) read as a name: “1+3+N”, “十大攻坚行动”.
QUOTED_NAME = 24


class _Sentence:
    """One sentence and what every figure in it asks about its left context, found once.

    Each figure needs the last 预计/力争/… before it, the last year, the 分别 list it
    belongs to, whether it is inside quotation marks: looked up here by bisection,
    so a sentence of n figures costs O(n log n), never O(n²) (a 100 kB list).
    """

    def __init__(self, sentence: str, start: int):
        self.text, self.start = sentence, start
        self.numbers = [m.start(1) for m in NUMBER.finditer(sentence)]
        self.opens = [i for i, ch in enumerate(sentence) if ch == "“"]
        self.closes = [i for i, ch in enumerate(sentence) if ch == "”"]
        self.scoped = {w: [m.start() for m in re.finditer(w, sentence)] for w in rules.SCOPED}
        self.years = [(m.start(), int(m.group(1)), _base_year(sentence, m) or _bracketed(sentence, m))
                      for m in rules.YEAR.finditer(sentence)]  # fmt: skip
        self.semis = [i for i, ch in enumerate(sentence) if ch == ";"]
        self.shared = [m.start() for m in re.finditer("分别", sentence)]
        self.seps = [i for i, ch in enumerate(sentence) if ch in ",:;"]
        ytd = re.search(r"1至(\d{1,2})月|1-(\d{1,2})月", sentence)
        self.ytd = (ytd.start(), int(ytd.group(1) or ytd.group(2))) if ytd else None
        self.closings: dict[int, str] = {}
        self.last: Figure | None = None  # the previous figure of the sentence

    def quoted(self, at: int) -> bool:
        """Whether ``at`` is inside a short quotation (“1269”行动: a name); a long one is
        someone's words quoted (“2017年,全县实现生产总值255亿元……”), not a name."""
        if bisect.bisect_left(self.opens, at) <= bisect.bisect_left(self.closes, at):
            return False
        opened = self.opens[bisect.bisect_left(self.opens, at) - 1]
        close = bisect.bisect_left(self.closes, at)
        end = self.closes[close] if close < len(self.closes) else len(self.text)
        return end - opened <= QUOTED_NAME

    def last_before(self, positions: list[int], at: int, low: int = 0) -> int:
        """The last position in ``positions`` before ``at`` (and at or after ``low``), or -1."""
        i = bisect.bisect_left(positions, at) - 1
        return positions[i] if i >= 0 and positions[i] >= low else -1

    def year_before(self, at: int) -> int | None:
        """The last year written before ``at`` that is not a base year (:func:`_base_year`)
        nor in brackets; a year in an earlier item of a ``;`` list counts only from the
        list's lead (2023年主要预期目标:A;B(扣除2022年…)C: C is of 2023)."""
        first_semi = self.semis[0] if self.semis else len(self.text)
        own_item = self.last_before(self.semis, at) + 1
        i = bisect.bisect_left(self.years, (at,)) - 1
        while i >= 0:
            pos, year, skip = self.years[i]
            if not skip and (pos >= own_item or pos < first_semi):
                return year
            i -= 1
        return None

    def list_of(self, at: int) -> int:
        """Where the 分别 list holding the figure at ``at`` opens, or -1."""
        shared = self.last_before(self.shared, at)
        if shared >= 0 and self.last_before(self.seps, at, shared) >= 0:
            return -1  # the 分别 list ended before this figure
        return shared

    def closing(self, shared: int, after: int) -> str:
        """The qualifier closing the 分别 list opened at ``shared`` (walked once)."""
        if shared not in self.closings:
            self.closings[shared] = _list_closing(self.text, after)
        return self.closings[shared]

    def index_in_list(self, shared: int, at: int) -> int:
        """How many numbers of the list opened at ``shared`` come before ``at``."""
        return bisect.bisect_left(self.numbers, at) - bisect.bisect_left(self.numbers, shared)


def _phrase_year(m, report_year: int | None) -> int | None:
    """The year a write-up's target phrase names (今年: the report's), or None if unknown."""
    said = m.group(1) or m.group(2)
    if said == "今年":
        return report_year
    return int(said[:4])


def _target_from(sentence: str, report_year: int | None = None) -> int:
    """Where a sentence starts stating this year's targets (a cue, or a write-up's
    今年…目标设为), or -1.

    A cue that reviews targets (完成了…确定的主要目标任务, 预期目标顺利完成) is none; so is
    a phrase about another year's target (2025年广东设定GDP目标为5%左右).
    """
    at = []
    for cue in rules.TARGET_CUES:
        for m in re.finditer(cue, sentence):
            if rules.CUE_REVIEWED.search(sentence, max(0, m.start() - 12), m.start()):
                continue
            if sentence.startswith(rules.CUE_NOT_A_LIST, m.end()):
                continue
            if not rules.CUE_LIST.match(sentence, m.end()) and m.end() < len(sentence.rstrip("。")):
                continue  # 把年度主要预期目标作为一个有机整体: no list follows
            at.append(m.start())
    for phrase in rules.TARGET_PHRASE.finditer(sentence):
        if report_year is None or _phrase_year(phrase, report_year) == report_year:
            at.append(phrase.start())
    return min(at) if at else -1


def _past_target(sentence: str, start: int, report_year: int) -> int | None:
    """The earlier year whose target the figure at ``start`` states (2025年…目标为增长5%), or None."""
    for phrase in rules.TARGET_PHRASE.finditer(sentence, 0, start):
        year = _phrase_year(phrase, report_year)
        if year is not None and year < report_year and phrase.end() <= start:
            return year
    return None


def _numbers(text, sentence: str, start: int) -> list:
    """The numbers of a sentence: grouped ones (1,200 with ASCII commas in the source) as one."""
    grouped = [m for m in GROUPED.finditer(sentence)
               if all(text.source[text.origin[start + i]] == ","
                      for i in range(m.start(1), m.end(1)) if sentence[i] == ",")]  # fmt: skip
    taken = [(m.start(1), m.end(1)) for m in grouped]
    plain = [m for m in NUMBER.finditer(sentence)
             if not any(a <= m.start(1) < b for a, b in taken)]  # fmt: skip
    return grouped + plain + list(CHINESE_NUMBER.finditer(sentence))


def _scan_line(text, line, line_start, section, report_year, review_year, figures,
               pending=False):  # fmt: skip
    """The figures of one line; ``pending``: the line is the list a target cue announced."""
    target_line = pending or _target_from(line, report_year) >= 0
    line_mode = (section.mode, section.moved_by_line)
    for s_start, s_end in _sentences(line):
        sentence = line[s_start:s_end]
        if s_start and (section.moved_by_line or section.mode == "unknown"):
            _line_mode(sentence, section, report_year, review_year)  # 2024年,该县将…
        if re.search(r"预计\s*\(下同\)", sentence):
            section.estimates_from_here = True
        target_from = -1
        if target_line:
            target_from = 0 if pending else _target_from(sentence, report_year)
        found = _numbers(text, sentence, line_start + s_start)
        context = _Sentence(sentence, line_start + s_start)
        before = len(figures)
        for m in sorted(found, key=lambda m: m.start()):
            _figure(text, context, m, section, report_year, review_year, target_from, figures)
        note = rules.ESTIMATE_NOTE.search(sentence)
        if note:  # 增长6.5%(预计数,下同): the figures before the note are estimates
            for f in figures[before:]:
                if f.kind == "actual" and f.start < context.start + note.start():
                    f.kind = "estimate"
                    f.qualifiers = _order(["预计", *f.qualifiers])
            if note.group(1):
                section.estimates_from_here = True
    section.mode, section.moved_by_line = line_mode  # a sentence's own cue holds in its paragraph


def _value(m) -> tuple[float, str, bool]:
    token = m.group(1)
    if token[0].isdigit():
        return float(token.replace(",", "")), token, False
    import cn2an  # only for a Chinese numeral (it takes ~0.1 s to import)

    for candidate in (token, "一" + token):  # 千亿元 is written without its 一
        try:
            return float(cn2an.cn2an(candidate, "smart")), token, True
        except (ValueError, KeyError):
            continue
    return None, token, True


#: How far (characters) a figure's unit, range and threshold words are looked for after it.
_AHEAD = 40


def _figure(text, ctx: _Sentence, m, section, report_year, review_year, target_from, figures):
    sentence = ctx.text
    start, end = m.start(1), m.end(1)
    value, token, chinese = _value(m)
    if value is None:
        return
    after = end
    while after < len(sentence) and sentence[after] == " ":
        after += 1
    qualifiers, reasons = [], []
    range_to = None
    if sentence[after : after + 1] == "%" and _ch(sentence, after + 1) in rules.RANGE_SEP:
        after += 1  # 5%—5.5%: the first % closes the lower bound
    if _ch(sentence, after) in rules.RANGE_SEP:
        m2 = re.match(r"[-—–~～至到]\s*(\d+(?:\.\d+)?)", sentence[after : after + _AHEAD])
        if m2 and rules.unit_of(sentence[after + m2.end() : after + m2.end() + _AHEAD].lstrip()):
            range_to = m2.group(1)
            after += m2.end()
            while sentence[after : after + 1] == " ":
                after += 1
    for word in rules.BETWEEN:  # 400多万人, 1.2万余家
        if sentence.startswith(word, after):
            qualifiers.append(word)
            after += len(word)
            break
    scaled = re.match(r"(万|亿)(多|余)", sentence[after : after + 2])
    if scaled and rules.unit_of(sentence[after + 2 : after + 2 + _AHEAD]):
        qualifiers.append(scaled.group(2))  # 7万多家, 14亿多人口: 万家 / 亿人 with 多
        inner = rules.unit_of(sentence[after + 2 : after + 2 + _AHEAD])
        sentence_unit = scaled.group(1) + (inner[0] if inner[0] not in ("人口",) else "人")
        after_unit = after + 2 + inner[1]
    else:
        sentence_unit = None
    if sentence_unit is not None:
        found = (sentence_unit, after_unit - after)
    else:
        found = rules.unit_of(sentence[after : after + _AHEAD])
    if not found and sentence[after : after + 2] in ("亿多", "万多", "亿余", "万余"):
        people = rules.PEOPLE.match(sentence, after + 2)
        if people and people.end() - after <= 10:  # 14亿多人口
            qualifiers.append(sentence[after + 1])
            found = (sentence[after] + "人", 2)
    if not found:
        return
    unit, length = found
    if unit not in report_schema_units():
        return
    if _ch(sentence, after) == "年" or _ch(sentence, end) in "年月日":
        return
    after += length
    if (
        _ch(sentence, start - 1) in ".-—"
        or _ch(sentence, end) in ":："
        or sentence[start - 1 : start].isdigit()
        or re.search(r"\d%?\s*[-—–~～至到]\s*$", sentence[max(0, start - 12) : start])
    ):
        return
    why = _excluded(sentence, start, end, after, ctx.quoted(start))
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
    clause_start = max(sentence.rfind(ch, 0, start) for ch in ",、:;") + 1
    shared = ctx.list_of(start)
    # scoped qualifiers (预计, 力争, 争取, 确保): from the word to the end of the sentence;
    # one written right after 、 qualifies that item of the list only
    scoped, pledge_at = [], -1
    for word in rules.SCOPED:
        at = ctx.last_before(ctx.scoped[word], start)
        if at < 0:
            continue
        if _ch(sentence, at - 1) == "、" and any(sentence.find(ch, at, start) >= 0 for ch in ",、"):
            continue
        if word in rules.PLAN_ONLY:  # a later 确保 closes an earlier 力争's scope
            if at < pledge_at or sentence.find(";", at, start) >= 0:
                continue  # 力争 … ends at a ; (预计 does not)
            own = re.match(r"[^,;]*", sentence[at:start])
            if own and own.end() < start - at and not re.search(r"\d", own.group()):
                continue  # 在实际工作中争取更好结果,城镇新增就业…: it pledges no figure
            scoped = [w for w in scoped if w not in rules.PLAN_ONLY]
            pledge_at = at
        scoped.append(word)
    if section.estimates_from_here and "预计" not in scoped and section.mode != "plan":
        scoped.append("预计")  # 预计(下同): every later review figure is an estimate
    # 累计 governs the first figure after it in its clause, or each item of a 、 list after it
    item_start = max(sentence.rfind(ch, 0, start) for ch in ",:;") + 1
    at = sentence.rfind("累计", item_start, start)
    if at >= 0 and (not NUMBER.search(sentence, at, start)
                    or sentence.rfind("、", at, start) > sentence.rfind(",", at, start)):  # fmt: skip
        qualifiers.insert(0, "累计")
    for word in rules.ABOUT_BEFORE:  # 约6700万人
        if sentence.endswith(word, 0, start) and "左右" not in qualifiers:
            qualifiers.append("左右")
    # a 分别 list's closing qualifier covers the items without one of their own
    if shared >= 0 and not any(q in rules.AFTER for q in qualifiers):
        closing = ctx.closing(shared, after)
        if closing:
            qualifiers.append(closing)
    for word in rules.SURPASS:
        if sentence.endswith(word, 0, start) and not sentence.endswith("不" + word, 0, start):
            qualifiers.append("超")
            break
    for word, bound in rules.BOUND_BEFORE.items():
        if sentence.endswith(word, 0, start) and bound not in qualifiers:
            qualifiers.append(bound)
    # kind and year; a year followed by 的 (是2015年的1.5倍) is a base year, not the figure's
    explicit = ctx.year_before(start)
    stated = re.search(r"(20\d{2})年的$", sentence[max(0, start - 8) : start])
    if stated and unit != "倍":  # 提升到2020年的60.4%: the year is the figure's own
        explicit = int(stated.group(1))
    period = "full_year"
    if ctx.ytd is not None and ctx.ytd[0] < start and unit not in rules.COUNT_UNITS:
        month = ctx.ytd[1]
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
    if shared >= 0:
        measure = rules.measure_of(unit, sentence[shared : min(start, shared + 20)], whole=True)
    else:
        measure = rules.measure_of(unit, sentence[clause_start:start])
    verb_zone = sentence[max(clause_start, start - 8) : start]
    if shared >= 0:
        verb_zone = sentence[shared : min(start, shared + 8)]
    if measure in ("growth", "change") and any(w in verb_zone for w in rules.DECLINE):
        value = -value
    # the base of a change (常住人口城镇化率从60.2%提高到65.2%): the start of the span reviewed
    if kind in ("actual", "estimate") and _is_base(sentence, clause_start, start, after):
        if stated is None and not _YEAR_BEFORE.search(sentence, max(0, start - 6), start):
            year -= section.span  # 从60.2%提高到65.2%: the base is the span's start
    elif kind in ("actual", "estimate") and _CHANGED_TO.search(sentence, clause_start, start):
        year = review_year  # 由2017年929家增长到3605家: the new value is of the year reviewed
    # indicator name
    clause = sentence[clause_start:start]
    if shared >= 0:
        name = _shared_name(sentence, shared, start, ctx.index_in_list(shared, start))
    else:
        name = _indicator(clause, len(clause)) or _name_after(sentence, after)
    if not name and ctx.last is not None and ctx.last.indicator:
        name = ctx.last.indicator  # 地区生产总值增长4.1%,2024年预计增长5%: same subject
        reasons.append("name carried from the previous figure of the sentence")
    plan = re.search(r"(十四五|十五五)", sentence)
    if plan and kind in ("target", "commitment") and "年均" in clause:
        kind, year, is_target = "commitment", 2025 if plan.group(1) == "十四五" else 2030, False
        reasons.append("an average over a five-year plan: the plan's last year")
    past = _past_target(sentence, start, report_year) if kind == "actual" else None
    if past is not None:
        kind, year = "target", past  # 2025年设定GDP目标为增长5%左右: last year's target
        reasons.append("an earlier year's target, restated")
    if kind == "target" and unit in rules.COUNT_UNITS and unit not in ("万人", "人"):
        entry = registry.get(rules.canonical(name) or "")
        if entry is None or entry.measure != "count":
            kind, is_target = "commitment", False  # 推进55个试点项目: a plan's count, not a target
    if kind == "target" and rules.FISCAL_PLAN.search(name or clause):
        kind, is_target = "commitment", False  # 赤字率拟按3%安排: a fiscal plan, not a target
        reasons.append("a fiscal plan, not a growth target")
    # quote: the clause through the figure and its trailing qualifier, verbatim
    q_start = clause_start
    if shared >= 0:
        q_start = max(sentence.rfind(ch, 0, shared) for ch in ",:;") + 1
        if start - q_start > MAX_QUOTE:  # a list too long to quote whole: the item's clause
            q_start = clause_start
            reasons.append("a long list: the item's own clause quoted")
    quote = text.span(ctx.start + q_start, ctx.start + after).strip()
    confidence = 0.9
    if chinese:
        confidence = 0.6
        reasons.append("Chinese numeral converted")
    if reasons and any("no section" in r for r in reasons):
        confidence = min(confidence, 0.6)
    if not name:
        confidence = min(confidence, 0.5)
        reasons.append("no indicator name found")
    figure = Figure(
        start=ctx.start + start,
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
        sentence=ctx.start,
    )
    figures.append(figure)
    ctx.last = figure


_FROM = re.compile(r"(?:从|由)[^,;:、从由]{0,16}$")
_YEAR_BEFORE = re.compile(r"20\d{2}年(?:的)?$")
_CHANGED_TO = re.compile(r"(?:从|由)20\d{2}年[^,;:]{0,20}(?:提高|增加|增长|提升|上升|增)(?:到|至)$")
_TO = re.compile(
    r"\s*(?:以上)?(?:提高|增加|增至|提升|降|减少|下降|压缩|扩大|缩短|上升|升|增长|达)(?:到|至)"
)


def _is_base(sentence: str, clause_start: int, start: int, after: int) -> bool:
    """Whether the figure is the starting value of 从A提高到B (its year is the span's start)."""
    if not _FROM.search(sentence, clause_start, start):
        return False
    rest = sentence[after : after + 24]
    return bool(
        _TO.match(rest)
        or re.match(r"[^,;。]{0,14}?(?:提高|增加|增|提升|降|减少|压缩|扩大)(?:到|至)", rest)
    )


#: The longest quote of a 分别 list item (characters before the figure); longer lists
#: quote the item's own clause.
MAX_QUOTE = 200


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
