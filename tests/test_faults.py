"""Faults survived: a scheduled run never hangs, never publishes an unreadable brief, never loses a good one.

Each case reproduces one fault found by an adversarial review (killed kernel and
chromium processes are real ``kill -9`` of processes this test started) and
records ``case | expected | observed`` for the table that ``make faults`` (and
``make test``) prints at the end. Every run is bounded: a run that exceeds its
timeout plus a margin fails the test.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil
import pytest

from pxanalysis import paths
from pxanalysis.briefs import fonts, publish
from pxanalysis.data import loaders
from pxanalysis.errors import DataValidationError, PublishError, UnreadablePdfError

from .conftest import ROOT

pytestmark = [pytest.mark.faults, pytest.mark.slow]
BIN = Path(sys.executable).parent
PXA = str(BIN / "pxanalysis")
NOTO = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
#: Seconds a whole CLI run may take before the test calls it a hang.
RUN_BOUND = 180


def _env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PXANALYSIS_")}
    env.update(PYTHONHASHSEED="0", **extra)
    return env


def run(args, env=None, timeout=RUN_BOUND, user=None):
    """Run the CLI; fail the test if it does not end within ``timeout`` seconds."""
    cmd = [PXA, *args]
    env = env or _env()
    if user:
        cmd = ["setpriv", f"--reuid={user}", f"--regid={user}", "--clear-groups", *cmd]
        env = dict(env, HOME="/tmp", MPLCONFIGDIR=tempfile.mkdtemp(prefix="pxa-mpl-"))
        os.chmod(env["MPLCONFIGDIR"], 0o777)
    start = time.monotonic()
    try:
        result = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True,
                                timeout=timeout)  # fmt: skip
    except subprocess.TimeoutExpired:
        pytest.fail(f"{' '.join(args)} did not end within {timeout} s (a hang)")
    result.seconds = time.monotonic() - start
    return result


def pdf_fonts(pdf: Path) -> list[str]:
    return [name for name, _ in fonts.embedded_fonts(pdf)]


@pytest.fixture(scope="module")
def good(tmp_path_factory):
    """An output folder with a good baseline brief (copied by the tests that need one)."""
    out = tmp_path_factory.mktemp("good")
    result = run(["brief", "--scenario", "baseline", "--out", str(out)])
    assert result.returncode == 0, result.stderr[-2000:]
    return out


def _copy_good(good: Path, target: Path) -> Path:
    shutil.copytree(good, target)
    return target


def _children(pid: int, needle: str) -> list[psutil.Process]:
    try:
        kids = psutil.Process(pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return []
    found = []
    for p in kids:
        try:
            if needle in " ".join(p.cmdline()):
                found.append(p)
        except psutil.Error:
            pass
    return found


# --------------------------------------------------------------------------- 1. kernel


def test_1_a_killed_kernel_fails_one_brief_and_the_rest_render(tmp_path, fault):
    row = fault("1 kernel killed (-9) mid-brief", "exit 1 naming the cell; others render; no hang")
    out = tmp_path / "out"
    proc = subprocess.Popen([PXA, "brief", "--scenario", "all", "--out", str(out)], cwd=ROOT,
                            env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip
    killed = None
    deadline = time.monotonic() + 120
    while killed is None and time.monotonic() < deadline and proc.poll() is None:
        if list(out.glob(".tmp-baseline-*/brief.ipynb")):  # the first brief is running
            time.sleep(0.5)  # well inside it
            for kernel in _children(proc.pid, "ipykernel_launcher"):
                kernel.kill()
                killed = kernel.pid
        time.sleep(0.05)
    try:
        stdout, stderr = proc.communicate(timeout=RUN_BOUND)
    except subprocess.TimeoutExpired:
        proc.kill()
        pytest.fail("the run hung after its kernel was killed")
    assert killed is not None, "the kernel was never seen"
    assert proc.returncode == 1
    assert "the kernel died" in stderr and "baseline failed: cell " in stderr
    assert list((out / "failed").glob("baseline-*.ipynb"))
    rendered = sorted(p.parent.name for p in (out / "2024").glob("*/brief.pdf"))
    assert rendered == ["custom_example", "optimistic", "pessimistic", "targets_met"]
    assert not list(out.glob(".tmp-*"))
    row["observed"] = f"exit 1, '{stderr.splitlines()[-1][:70]}…', 4 others rendered"


def test_1_a_brief_over_its_timeout_is_stopped(tmp_path, fault):
    row = fault("1 brief over --brief-timeout", "exit 1 within timeout + margin, says timeout")
    result = run(["brief", "--scenario", "baseline", "--brief-timeout", "0.3",
                  "--out", str(tmp_path / "out")], timeout=60)  # fmt: skip
    assert result.returncode == 1 and "brief timeout (0.3 s)" in result.stderr
    assert result.seconds < 60
    row["observed"] = f"exit 1 after {result.seconds:.0f} s: 'ran longer than the brief timeout'"


def test_1_a_cell_over_its_timeout_is_stopped(tmp_path, fault):
    row = fault("1 cell over --cell-timeout", "exit 1 naming the cell and the timeout")
    import nbformat

    home = tmp_path / "home"  # a home whose brief notebook has a cell that sleeps 30 s
    for part in ("data", "scenarios"):
        shutil.copytree(ROOT / part, home / part)
    nb = nbformat.read(ROOT / "notebooks/brief.ipynb", as_version=4)
    nb.cells.insert(3, nbformat.v4.new_code_cell("import time\ntime.sleep(30)"))
    (home / "notebooks").mkdir()
    nbformat.write(nb, home / "notebooks/brief.ipynb")
    result = run(["brief", "--scenario", "baseline", "--cell-timeout", "2",
                  "--out", str(tmp_path / "out")], env=_env(PXANALYSIS_HOME=str(home)), timeout=60)  # fmt: skip
    assert result.returncode == 1 and "cell timeout (2 s)" in result.stderr
    assert "baseline failed: cell " in result.stderr and "(import time)" in result.stderr
    assert result.seconds < 30
    row["observed"] = f"exit 1 after {result.seconds:.0f} s: 'cell 3 (import time): … cell timeout'"


# --------------------------------------------------------------------------- 2. fonts


def _fontconfig(tmp_path: Path, dirs: list[str]) -> Path:
    conf = tmp_path / "fonts.conf"
    entries = "".join(f"<dir>{d}</dir>" for d in dirs)
    conf.write_text(
        '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
        f"{entries}<cachedir>{tmp_path}/fc-cache</cachedir></fontconfig>",
        encoding="utf-8",
    )
    return conf


def test_2_chromium_no_longer_depends_on_fontconfig(tmp_path, fault):
    row = fault("2 DejaVu-only fontconfig + CJK_FONT", "exit 0, PDF text in the embedded Noto CJK")
    dirs = ["/usr/share/fonts/truetype/dejavu"]
    env = _env(FONTCONFIG_FILE=str(_fontconfig(tmp_path, dirs)), PXANALYSIS_CJK_FONT=NOTO)
    result = run(["brief", "--scenario", "baseline", "--out", str(tmp_path / "out")], env=env)
    assert result.returncode == 0, result.stderr[-2000:]
    pdf = tmp_path / "out/2024/baseline/brief.pdf"
    names = pdf_fonts(pdf)
    assert names and all(n.startswith("NotoSansCJKsc-") for n in names)
    fonts.check_pdf(pdf, "萍乡")
    row["observed"] = f"exit 0, fonts {sorted(set(names))}"


def test_2_an_empty_fontconfig_publishes_nothing(tmp_path, good, fault):
    row = fault("2 empty fontconfig + CJK_FONT", "exit 1 (no text), last good brief kept")
    out = _copy_good(good, tmp_path / "out")
    before = (out / "2024/baseline/brief.pdf").read_bytes()
    env = _env(FONTCONFIG_FILE=str(_fontconfig(tmp_path, [])), PXANALYSIS_CJK_FONT=NOTO)
    result = run(["brief", "--scenario", "baseline", "--out", str(out), "--force"], env=env)
    assert result.returncode == 1 and "has no text at all" in result.stderr
    assert "fonts-noto-cjk" in result.stderr
    assert (out / "2024/baseline/brief.pdf").read_bytes() == before
    row["observed"] = "exit 1 'has no text at all … check fontconfig', previous PDF unchanged"


def test_2_a_pdf_without_the_glyphs_is_not_published(tmp_path, good, fault):
    row = fault("2 CJK font lacking glyphs", "exit 1 naming the font; last good brief kept")
    from fontTools import subset
    from fontTools.ttLib import TTFont

    tiny = tmp_path / "tiny.otf"  # has 萍乡 (passes the pre-check) and little else
    font = TTFont(NOTO, fontNumber=2)
    subsetter = subset.Subsetter()
    subsetter.populate(text="萍乡0123456789")
    subsetter.subset(font)
    font.save(tiny)
    out = _copy_good(good, tmp_path / "out")
    before = (out / "2024/baseline/brief.pdf").read_bytes()
    conf = _fontconfig(tmp_path, ["/usr/share/fonts/truetype/dejavu"])
    env = _env(PXANALYSIS_CJK_FONT=str(tiny), FONTCONFIG_FILE=str(conf),
               XDG_CACHE_HOME=str(tmp_path / "cache"))  # fmt: skip
    result = run(["brief", "--scenario", "baseline", "--out", str(out), "--force"], env=env)
    assert result.returncode == 1
    assert "UnreadablePdfError" in result.stderr and "fonts-noto-cjk" in result.stderr
    assert (out / "2024/baseline/brief.pdf").read_bytes() == before
    row["observed"] = "exit 1 (UnreadablePdfError … fonts-noto-cjk), previous PDF unchanged"


def test_2_the_pdf_check_rejects_tofu(tmp_path, fault):
    row = fault("2 PDF printed via fontconfig without CJK", "UnreadablePdfError")
    from pxanalysis.briefs import pdf

    html = tmp_path / "t.html"
    html.write_text('<html><meta charset="utf-8"><body>萍乡市 2024</body></html>', encoding="utf-8")
    conf = _fontconfig(tmp_path, ["/usr/share/fonts/truetype/dejavu"])
    os.environ["FONTCONFIG_FILE"] = str(conf)
    try:
        with pdf.ChromiumPrinter() as printer:
            printer.print_pdf(html, tmp_path / "t.pdf")
    finally:
        del os.environ["FONTCONFIG_FILE"]
    with pytest.raises(UnreadablePdfError, match="instead of the CJK font") as info:
        fonts.check_pdf(tmp_path / "t.pdf", "萍乡")
    row["observed"] = str(info.value)[:80] + "…"


# --------------------------------------------------------------------------- 3. scenario files


def test_3_saved_and_broken_user_scenarios_do_not_break_the_weekly_job(tmp_path, fault):
    row = fault(
        "3 explorer save + invalid user file", "all valid render (file-stem folders), exit 1"
    )
    row_j = fault("9 --jobs 2 output", "each brief reported once")
    from pxanalysis.present.explorer import Explorer

    user = tmp_path / "scenarios"
    user.mkdir()
    os.environ["PXANALYSIS_SCENARIO_DIR"] = str(user)
    try:
        explorer = Explorer(warm=False)
        assert explorer.save() == user / "my_scenario.yaml"  # the default name
        assert explorer.save() is None and "exists" in explorer.w_message.value
        assert explorer.save(replace=True) == user / "my_scenario.yaml"
        assert explorer.save("optimistic") is None and "shipped" in explorer.w_message.value
    finally:
        del os.environ["PXANALYSIS_SCENARIO_DIR"]
    assert not (user / "optimistic.yaml").exists()
    (user / "broken.yaml").write_text("scenario: custom\n", encoding="utf-8")
    out = tmp_path / "out"
    result = run(["brief", "--scenario", "all", "--jobs", "2", "--out", str(out)],
                 env=_env(PXANALYSIS_SCENARIO_DIR=str(user)))  # fmt: skip
    assert result.returncode == 1
    assert "skipped: scenario file" in result.stderr and "broken.yaml" in result.stderr
    rendered = sorted(p.parent.name for p in (out / "2024").glob("*/brief.pdf"))
    assert rendered == sorted(
        ["baseline", "optimistic", "pessimistic", "targets_met", "custom_example", "my_scenario"]
    )
    row["observed"] = "exit 1, broken.yaml skipped, 6 briefs incl. my_scenario/"
    lines = [ln for ln in result.stdout.splitlines() if ln.startswith("brief ")]
    assert len(lines) == 6 and len({ln.split(":")[0] for ln in lines}) == 6
    row_j["observed"] = f"{len(lines)} lines for 6 briefs"


def test_3_a_params_file_never_overwrites_the_official_brief(tmp_path, good, fault):
    row = fault("3 --params with scenario: baseline", "rendered into <file stem>/, official kept")
    out = _copy_good(good, tmp_path / "out")
    before = (out / "2024/baseline/brief.pdf").read_bytes()
    mine = tmp_path / "what_if.yaml"
    mine.write_text("scenario: baseline\nmethod: mean\n", encoding="utf-8")
    result = run(["brief", "--params", str(mine), "--out", str(out)])
    assert result.returncode == 0, result.stderr[-2000:]
    assert (out / "2024/what_if/brief.pdf").exists()
    assert (out / "2024/baseline/brief.pdf").read_bytes() == before
    manifest = json.loads((out / "2024/manifest.json").read_text())
    assert set(manifest["scenarios"]) == {"baseline", "what_if"}
    row["observed"] = "what_if/ published, baseline/ byte-identical, manifest lists both"


# --------------------------------------------------------------------------- 4. manifest


def test_4_a_corrupt_manifest_is_kept_aside_and_rebuilt(tmp_path, good, fault):
    row = fault("4 corrupt manifest.json", "exit 0, kept as .corrupt-*, rebuilt from folders")
    out = _copy_good(good, tmp_path / "out")
    (out / "2024/manifest.json").write_text("{ not json", encoding="utf-8")
    result = run(["brief", "--scenario", "optimistic", "--out", str(out)])
    assert result.returncode == 0, result.stderr[-2000:]
    assert "was corrupt" in result.stdout
    assert list((out / "2024").glob("manifest.json.corrupt-*"))
    manifest = json.loads((out / "2024/manifest.json").read_text())
    assert set(manifest["scenarios"]) == {"baseline", "optimistic"}
    assert manifest["scenarios"]["baseline"]["rebuilt_from_folder"] is True
    row["observed"] = "exit 0, corrupt copy kept, manifest lists baseline (rebuilt) + optimistic"


def test_4_a_full_disk_publishes_nothing_and_leaves_no_temporary_file(
    tmp_path, good, fault, monkeypatch
):
    row = fault("4 disk full while publishing", "PublishError; old brief+manifest intact, no temp")
    out = _copy_good(good, tmp_path / "out")
    year = out / "2024"
    before = {p: p.read_bytes() for p in (year / "manifest.json", year / "baseline/brief.pdf")}
    build = publish.temp_dir(out, "baseline")
    for name in publish.OUTPUTS:
        (build / name).write_bytes((year / "baseline" / name).read_bytes() + b"\n")
    real_fsync = os.fsync

    def full(fd):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", full)
    entry = {"parameters": {}, "outputs": {"sha256": {}}}
    with pytest.raises(PublishError, match="No space left"):
        publish.publish(build, out, 2024, "baseline", entry, log=lambda m: None)
    monkeypatch.setattr(os, "fsync", real_fsync)
    assert {p: p.read_bytes() for p in before} == before
    assert not [p for p in year.iterdir() if p.name.startswith(".")]
    row["observed"] = "PublishError 'No space left', both files unchanged, no dot-files"


# --------------------------------------------------------------------------- 5. chromium


def test_5_a_chromium_that_exits_at_once_is_a_clear_error(tmp_path, fault):
    row = fault("5 chromium exits at once", "exit 1 'chromium crashed', no traceback")
    result = run(["brief", "--scenario", "baseline", "--out", str(tmp_path / "out")],
                 env=_env(PXANALYSIS_CHROMIUM="/bin/false"))  # fmt: skip
    assert result.returncode == 1
    assert "chromium crashed" in result.stderr and "Traceback" not in result.stderr
    row["observed"] = result.stderr.strip().splitlines()[-1][:90]


def test_5_chromium_killed_mid_run_fails_at_most_the_brief_being_printed(tmp_path, fault):
    row = fault(
        "5 chromium killed (-9) mid-run", "<= 1 brief fails; chromium restarted for the rest"
    )
    wrapper = tmp_path / "chromium"
    marker = tmp_path / "first-started"
    starts = tmp_path / "starts"
    wrapper.write_text(
        "#!/bin/bash\n"
        f'echo $$ >> "{starts}"\n'
        f'if [ ! -e "{marker}" ]; then touch "{marker}"; (sleep 4; kill -9 $$) & fi\n'
        'exec /usr/bin/chromium "$@"\n'
    )
    wrapper.chmod(0o755)
    out = tmp_path / "out"
    result = run(["brief", "--scenario", "all", "--out", str(out)],
                 env=_env(PXANALYSIS_CHROMIUM=str(wrapper)))  # fmt: skip
    failed = [ln for ln in result.stderr.splitlines() if " failed: " in ln]
    rendered = list((out / "2024").glob("*/brief.pdf"))
    assert len(failed) <= 1 and len(rendered) == 5 - len(failed)
    assert all("chromium crashed" in ln for ln in failed)
    assert result.returncode == (1 if failed else 0)
    launches = len(starts.read_text().split())
    assert launches == 2, "chromium was not killed mid-run and restarted"
    row["observed"] = (
        f"exit {result.returncode}, {len(failed)} failed, {len(rendered)} rendered, "
        f"chromium started {launches}x"
    )


# --------------------------------------------------------------------------- 6. usage


@pytest.fixture
def nobody_dir():
    """A folder under /tmp that user nobody may read but not write."""
    folder = Path(tempfile.mkdtemp(prefix="pxa-ro-"))
    folder.chmod(0o555)
    yield folder
    folder.chmod(0o755)
    shutil.rmtree(folder)


def _usage_case(fault, case, args, message, user=None):
    row = fault(f"6/9 {case}", "exit 2 before any kernel or chromium, no traceback")
    result = run(["brief", *args], timeout=60, user=user)
    assert result.returncode == 2, result.stderr[-1500:]
    assert message in result.stderr and "Traceback" not in result.stderr
    assert "Kernel" not in result.stderr  # no kernel was started
    said = [ln for ln in result.stderr.splitlines() if ln.startswith("pxanalysis")][-1]
    row["observed"] = f"exit 2 in {result.seconds:.1f} s: …{said[-70:]}"


def test_6_out_is_a_regular_file(tmp_path, fault):
    target = tmp_path / "file"
    target.write_text("x")
    _usage_case(fault, "--out is a file", ["--out", str(target / "sub")], "is a file")


def test_6_out_is_read_only(nobody_dir, fault):
    _usage_case(fault, "--out read-only", ["--out", str(nobody_dir / "out")],
                "Permission denied", user=65534)  # fmt: skip


def test_6_params_is_a_directory(tmp_path, fault):
    _usage_case(fault, "--params is a directory", ["--params", str(tmp_path)], "is a directory")


def test_6_params_is_not_utf8(tmp_path, fault):
    bad = tmp_path / "gbk.yaml"
    bad.write_bytes("scenario: baseline\ntitle: 萍乡\n".encode("gbk"))
    _usage_case(fault, "--params not UTF-8", ["--params", str(bad)], "not UTF-8 at line 2")


def test_6_params_is_unreadable(nobody_dir, fault):
    secret = nobody_dir / "secret.yaml"
    nobody_dir.chmod(0o755)
    secret.write_text("scenario: baseline\n")
    secret.chmod(0)
    nobody_dir.chmod(0o555)
    _usage_case(fault, "--params unreadable", ["--params", str(secret)], "cannot be read",
                user=65534)  # fmt: skip


def test_9_params_too_large(tmp_path, fault):
    big = tmp_path / "big.yaml"
    big.write_text("scenario: baseline\n" + "#" * 20_000_000 + "\n")
    _usage_case(fault, "--params of 20 MB", ["--params", str(big)], "at most 65536 bytes")


def test_9_duplicate_yaml_keys(tmp_path, fault):
    dup = tmp_path / "dup.yaml"
    dup.write_text("scenario: baseline\nmethod: mean\nmethod: trend\n")
    _usage_case(fault, "duplicate YAML key", ["--params", str(dup)], "duplicate key 'method'")


def test_9_invalid_chromium_variable(tmp_path, fault):
    row = fault("9 PXANALYSIS_CHROMIUM invalid", "exit 1 naming the variable (no PATH fallback)")
    result = run(["brief", "--scenario", "baseline", "--out", str(tmp_path / "out")],
                 env=_env(PXANALYSIS_CHROMIUM="/nonexistent/chromium"), timeout=60)  # fmt: skip
    assert result.returncode == 1 and "PXANALYSIS_CHROMIUM=/nonexistent/chromium" in result.stderr
    assert not (tmp_path / "out/2024").exists()
    row["observed"] = result.stderr.strip()[:90]


# --------------------------------------------------------------------------- 7. HTML


def test_7_a_title_is_text_not_markup(tmp_path, fault):
    row = fault("7 title '<script>…'", "escaped in HTML, no script, PDF within bound")
    params = tmp_path / "xss.yaml"
    params.write_text('scenario: baseline\ntitle: "<script>while(1){}</script><b>x"\n')
    result = run(["brief", "--params", str(params), "--out", str(tmp_path / "out")], timeout=90)
    assert result.returncode == 0, result.stderr[-2000:]
    html = (tmp_path / "out/2024/xss/brief.html").read_text(encoding="utf-8")
    assert "<script" not in html.lower() and "&lt;script&gt;" in html
    assert "Content-Security-Policy" in html
    row["observed"] = f"exit 0 in {result.seconds:.0f} s, '&lt;script&gt;' in the HTML"


# --------------------------------------------------------------------------- 8. publishing


def test_8_modes_and_leftovers(tmp_path, good, fault):
    row = fault(
        "8 folder modes, leftovers", "umask modes; dead runs' .tmp/.old, old failed/ cleaned"
    )
    out = _copy_good(good, tmp_path / "out")
    (out / ".tmp-baseline-999999999-abcdefgh").mkdir()
    (out / "2024/.baseline.old-999999999").mkdir()
    live = out / f".tmp-baseline-{os.getpid()}-abcdefgh"
    live.mkdir()
    failed = out / "failed"
    failed.mkdir()
    for i in range(8):
        nb = failed / f"baseline-2024010{i}T000000-1.ipynb"
        nb.write_text("{}")
        os.utime(nb, (1_700_000_000 + i, 1_700_000_000 + i))
    result = run(["brief", "--scenario", "pessimistic", "--out", str(out)],
                 env=_env())  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    assert not (out / ".tmp-baseline-999999999-abcdefgh").exists()
    assert not (out / "2024/.baseline.old-999999999").exists()
    assert live.exists()  # a running process's build folder is left alone
    assert len(list(failed.glob("*.ipynb"))) == publish.KEEP_FAILED
    mode = stat.S_IMODE((out / "2024/pessimistic").stat().st_mode)
    assert mode == 0o777 & ~_umask()
    row["observed"] = (
        f"mode {mode:o}, dead leftovers removed, live one kept, {publish.KEEP_FAILED} failed kept"
    )


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_8_a_publish_never_leaves_the_final_folder_missing(tmp_path, fault):
    row = fault("8 reader during publish", "brief.pdf present at every instant")
    out = tmp_path / "out"
    final = out / "2024/b"
    final.mkdir(parents=True)
    (final / "brief.pdf").write_bytes(b"%PDF-old")
    missing, stop = [], threading.Event()

    def reader():
        while not stop.is_set():
            if not (final / "brief.pdf").exists():
                missing.append(time.monotonic())

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        for i in range(200):
            build = publish.temp_dir(out, "b")
            (build / "brief.pdf").write_bytes(b"%PDF-" + str(i).encode())
            publish.swap_into_place(build, final)
    finally:
        stop.set()
        thread.join()
    assert missing == [] and (final / "brief.pdf").read_bytes() == b"%PDF-199"
    assert not list(out.glob(".tmp-*"))
    row["observed"] = "200 swaps, 0 instants without brief.pdf"


# --------------------------------------------------------------------------- 9. loaders


@pytest.mark.parametrize(
    ("case", "damage", "message"),
    [
        ("GBK figures.csv", lambda p: p.write_bytes(p.read_text("utf-8").encode("gbk", "replace")),
         "not UTF-8 at line 2"),
        ("truncated figures.csv", lambda p: p.write_bytes(p.read_bytes()[: p.read_bytes().index(b',"') + 4]),
         "figures.csv: not valid CSV at line"),
        ("broken datapackage.json", lambda p: p.parent.joinpath("datapackage.json").write_text("{\n  \"resources\": [\n"),
         "datapackage.json: not valid JSON at line 3"),
    ],
)  # fmt: skip
def test_9_bad_files_name_the_file(data_copy, fault, case, damage, message):
    row = fault(f"9 {case}", "DataValidationError naming the file (and line)")
    damage(data_copy / "2024/figures.csv")
    loaders.clear_cache()
    with pytest.raises(DataValidationError) as info:
        loaders.targets()
    assert message in str(info.value)
    row["observed"] = str(info.value).replace(str(data_copy), "…")[:90]


def test_9_the_default_out_does_not_depend_on_the_cwd(tmp_path, monkeypatch, fault):
    row = fault("9 default --out", "the checkout's reports/ from any cwd")
    monkeypatch.chdir(tmp_path)
    assert paths.reports_dir() == ROOT / "reports"
    row["observed"] = "reports/ of the checkout"
