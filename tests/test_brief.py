"""``pxanalysis brief``: Chinese A4 PDFs, no code, safe failures, concurrency."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from .conftest import ROOT, copy_data

pytestmark = pytest.mark.slow
BIN = Path(sys.executable).parent
PXA = str(BIN / "pxanalysis")


def run(args, env=None, **kw):
    full_env = dict(os.environ, PYTHONHASHSEED="0")
    full_env.update(env or {})
    return subprocess.run([PXA, *args], cwd=ROOT, env=full_env, capture_output=True, text=True,
                          timeout=600, **kw)  # fmt: skip


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout  # fmt: skip


def pdf_pages(path: Path) -> tuple[int, str]:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    size = re.search(r"Page size:\s+(.*)", info).group(1)
    return pages, size


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    """All scenarios rendered once, in parallel (--jobs 2)."""
    out = tmp_path_factory.mktemp("reports")
    result = run(["brief", "--scenario", "all", "--out", str(out), "--jobs", "2"])
    assert result.returncode == 0, result.stderr[-3000:]
    return out


SCENARIOS = {
    "baseline": "基准情景",
    "optimistic": "乐观情景",
    "pessimistic": "悲观情景",
    "targets_met": "目标全部实现",
    "custom_example": "自定义情景",
}


@pytest.mark.parametrize(("name", "label"), SCENARIOS.items())
def test_every_brief_is_a_chinese_a4_pdf(rendered, name, label):
    folder = rendered / "2024" / name
    assert {p.name for p in folder.iterdir()} == {"brief.ipynb", "brief.html", "brief.pdf"}
    text = pdf_text(folder / "brief.pdf")
    assert "萍乡" in text and label in text and "5.5" in text
    kind = "custom" if name == "custom_example" else name  # the file's `scenario:`
    assert f"'{kind}'" in text  # the run-parameters table, from papermill's metadata
    pages, size = pdf_pages(folder / "brief.pdf")
    assert "A4" in size and pages >= 2
    assert re.search(rf"\b1 ?/ ?{pages}\b", text), "page numbers missing"


def test_html_has_no_code_and_loads_nothing_from_the_network(rendered):
    html = (rendered / "2024" / "baseline" / "brief.html").read_text(encoding="utf-8")
    source = "\n".join(
        c.source for c in nbformat.read(ROOT / "notebooks/brief.ipynb", as_version=4).cells
    )
    for line in (
        "sections.setup(globals())",
        "from pxanalysis.present import sections",
        "sections.fan_charts(ctx)",
    ):
        assert line in source and line not in html
    assert "jp-InputArea" not in html and "highlight-ipython3" not in html
    assert "<script" not in html.lower()
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)
    assert "@import" not in html and "url(http" not in html
    assert "萍乡" in html and "data:image/png;base64" in html


def test_manifest_records_parameters_hashes_timings(rendered):
    m = json.loads((rendered / "2024" / "manifest.json").read_text())
    assert set(m["scenarios"]) == set(SCENARIOS)
    assert m["package_version"] and m["git_commit"]
    assert any(k.endswith("figures.csv") for k in m["data_files"])
    base = m["scenarios"]["baseline"]
    assert base["parameters"]["scenario"] == "baseline"
    assert set(base["timings_s"]) == {"execute", "html", "pdf"}
    assert len(base["outputs"]["sha256"]["brief.pdf"]) == 64


def test_english_brief(tmp_path):
    result = run(["brief", "--scenario", "optimistic", "--lang", "en", "--out", str(tmp_path)])
    assert result.returncode == 0, result.stderr[-2000:]
    text = pdf_text(tmp_path / "2024/optimistic/brief.pdf")
    assert "Optimistic" in text and "Key numbers" in text and "5.5" in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--scenario", "optimistc"], "unknown scenario 'optimistc'"),
        (["--scenario", "custom"], "needs --params"),
        (["--params", "nonexistent.yaml"], "not found"),
        (["--scenario", "all", "--jobs", "0"], "--jobs"),
    ],
)
def test_bad_parameters_exit_2_and_run_nothing(tmp_path, args, message):
    result = run(["brief", *args, "--out", str(tmp_path / "out")])
    assert result.returncode == 2
    assert message in result.stderr
    assert not (tmp_path / "out").exists()


def test_bad_scenario_file_exit_2(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("scenario: custom\nassumptions:\n  gdp: {growth: lots}\n", encoding="utf-8")
    result = run(["brief", "--params", str(bad), "--out", str(tmp_path / "out")])
    assert result.returncode == 2
    assert "assumptions['gdp'].growth = 'lots': not a number" in result.stderr
    assert not (tmp_path / "out").exists()


def test_failing_cell_keeps_the_partial_notebook_and_the_last_good_brief(tmp_path):
    out = tmp_path / "out"
    good = run(["brief", "--scenario", "baseline", "--out", str(out)])
    assert good.returncode == 0, good.stderr[-2000:]
    pdf = out / "2024/baseline/brief.pdf"
    before = pdf.read_bytes()
    broken = copy_data(tmp_path / "data")
    figures = broken / "pingxiang/2024/figures.csv"
    figures.write_text(
        figures.read_text(encoding="utf-8").replace(",5.5,5.5,", ",5.5,five,", 1), encoding="utf-8"
    )
    result = run(
        ["brief", "--scenario", "baseline", "--out", str(out)],
        env={"PXANALYSIS_DATA_DIR": str(broken)},
    )
    assert result.returncode == 1
    assert re.search(r"cell \d+ \(execution count \d+\) failed: DataValidationError", result.stderr)
    assert "figures.csv, row 63" in result.stderr
    kept = list((out / "failed").glob("baseline-*.ipynb"))
    assert len(kept) == 1
    nb = nbformat.read(kept[0], as_version=4)
    assert any(
        o.get("ename") == "DataValidationError" for c in nb.cells for o in c.get("outputs", [])
    )
    assert pdf.read_bytes() == before
    assert not list(out.glob(".tmp-*"))


def test_missing_cjk_font_is_a_clear_error_not_tofu(tmp_path):
    conf = tmp_path / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
        "<dir>/usr/share/fonts/truetype/dejavu</dir>"
        f"<cachedir>{tmp_path}/fc-cache</cachedir></fontconfig>",
        encoding="utf-8",
    )
    result = run(["brief", "--scenario", "baseline", "--out", str(tmp_path / "out")],
                 env={"FONTCONFIG_FILE": str(conf)})  # fmt: skip
    assert result.returncode == 1
    assert "fonts-noto-cjk" in result.stderr
    assert not list((tmp_path / "out").rglob("*.pdf"))


def test_missing_chromium_names_the_package(tmp_path):
    result = run(["brief", "--scenario", "baseline", "--out", str(tmp_path / "out")],
                 env={"PATH": str(BIN)})  # fmt: skip
    assert result.returncode == 1
    assert "install the Debian package chromium" in result.stderr
    assert not list((tmp_path / "out").rglob("*.pdf"))


def test_two_runs_into_one_out_do_not_corrupt_each_other(tmp_path):
    out = tmp_path / "out"
    env = dict(os.environ, PYTHONHASHSEED="0")
    procs = [
        subprocess.Popen([PXA, "brief", "--scenario", name, "--out", str(out)], cwd=ROOT, env=env,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for name in ("baseline", "pessimistic")
    ]  # fmt: skip
    for p in procs:
        _, err = p.communicate(timeout=600)
        assert p.returncode == 0, err[-2000:]
    m = json.loads((out / "2024/manifest.json").read_text())
    assert set(m["scenarios"]) == {"baseline", "pessimistic"}
    for name in ("baseline", "pessimistic"):
        assert (out / "2024" / name / "brief.pdf").read_bytes()[:5] == b"%PDF-"
    assert not list(out.glob(".tmp-*"))


def _outputs(nb):
    date = re.compile(r"\d{4}-\d{2}-\d{2}")
    out = []
    for cell in nb.cells:
        if cell.cell_type != "code" or "injected-parameters" in cell.metadata.get("tags", []):
            continue
        for o in cell.get("outputs", []):
            data = o.get("data", {})
            out.append({k: date.sub("DATE", v) for k, v in data.items() if k.startswith("text/")})
    return out


def test_plain_papermill_gives_the_same_notebook(rendered, tmp_path):
    out = tmp_path / "pm.ipynb"
    result = subprocess.run(
        [str(BIN / "papermill"), "notebooks/brief.ipynb", str(out), "-f", "scenarios/optimistic.yaml",
         "-k", "python3", "--cwd", str(ROOT)],
        cwd=ROOT, env=dict(os.environ, PYTHONHASHSEED="0"), capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    plain = nbformat.read(out, as_version=4)
    ours = nbformat.read(rendered / "2024/optimistic/brief.ipynb", as_version=4)
    resolved = {"region": "pingxiang", "year": 2024, "as_of": "2024-01-31"}  # recorded by us
    assert dict(plain.metadata.papermill.parameters) | resolved == dict(
        ours.metadata.papermill.parameters
    )
    assert _outputs(plain) == _outputs(ours)


def test_the_kernels_own_stderr_never_reaches_the_users_terminal(capfd):
    """What the kernel process writes to its stderr (ipykernel's warnings, a traceback of its
    heartbeat thread when it is shut down) is kept in a file, not printed over the brief's
    messages; the session can still show it (a kernel that does not start quotes it)."""
    from pxanalysis.briefs.kernel import KernelSession

    session = KernelSession()
    try:
        session.run("import os; os.write(2, b'PX-KERNEL-NOISE\\n')")
        time.sleep(0.2)
        assert "PX-KERNEL-NOISE" in session.stderr_tail()
    finally:
        session.close()
    assert "PX-KERNEL-NOISE" not in capfd.readouterr().err
