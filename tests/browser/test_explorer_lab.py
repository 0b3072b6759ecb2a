"""The explorer in a real JupyterLab, driven by playwright on Debian's chromium.

The test starts its own JupyterLab (127.0.0.1, a free port, a token, temporary
Jupyter config/data/runtime directories and explorer cache), opens
``notebooks/explore.ipynb`` in a fresh workspace and runs it, twice: with an empty
explorer cache ("cold") and with the views an earlier session computed on disk
("cached": that session ran until its background warm-up had finished, as an
explorer kept open does). It measures the time to usable (Shift+Enter to P(meet) and the
key-numbers table on screen) and 20 updates (method and as-of changes, each
timed in the page until its answer is shown), drives the as-of control and saves
a scenario under a Chinese name (the file holds the as-of date), checks a bad
assumption's Chinese message, and writes the figures to
``reports/explorer_browser.json`` (``make bench`` records them). The < 2 s and
< 100 ms goals are not asserted: on this shared 2-core machine they are not
reliably met (see the JSON). It saves a screenshot under ``reports/`` and stops
the server by its PID. Every wait has a timeout.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from pxanalysis.briefs.pdf import FLAGS, find_chromium

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.browser, pytest.mark.slow]
NOTEBOOK_PANEL = ".jp-NotebookPanel:not(.lm-mod-hidden)"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(params=["cold", "cached"])
def lab(request, tmp_path):
    """JupyterLab with an empty explorer cache ("cold": nothing computed yet), or one
    holding the views an earlier session computed and warmed ("cached")."""
    port, token = _free_port(), secrets.token_hex(16)
    env = dict(os.environ, PYTHONHASHSEED="0", PXANALYSIS_CACHE_DIR=str(tmp_path / "cache"))
    if request.param == "cached":
        subprocess.run(
            [sys.executable, "-c", "from pxanalysis.present.explorer import Explorer; "
             "e = Explorer(); e.update(); assert e.warmed.wait(240); e.close()"],
            env=env, cwd=ROOT, check=True, timeout=300,
        )  # fmt: skip
    for name in ("CONFIG", "DATA", "RUNTIME"):
        (tmp_path / name.lower()).mkdir()
        env[f"JUPYTER_{name}_DIR"] = str(tmp_path / name.lower())
    env["JUPYTERLAB_WORKSPACES_DIR"] = str(tmp_path / "workspaces")
    log = open(tmp_path / "lab.log", "w")
    proc = subprocess.Popen(
        [str(Path(sys.executable).parent / "jupyter"), "lab", "--no-browser", "--ip=127.0.0.1",
         f"--port={port}", f"--ServerApp.token={token}", "--allow-root",
         f"--ServerApp.root_dir={ROOT}", "--ServerApp.port_retries=0"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            if proc.poll() is not None:
                pytest.fail(f"jupyter lab exited: {(tmp_path / 'lab.log').read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("jupyter lab did not answer within 90 s")
            time.sleep(0.3)
        yield base, token, request.param
    finally:
        proc.send_signal(signal.SIGTERM)  # the server stops its kernels too
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
        log.close()


def run_first_code_cell(page, panel, attempts: int = 3) -> None:
    """Shift+Enter on the first code cell until its prompt shows it ran (or runs)."""
    cell = panel.locator(".jp-CodeCell").first
    prompt = cell.locator(".jp-InputPrompt").first
    for _ in range(attempts):
        cell.locator(".jp-InputArea-editor").click()
        page.keyboard.press("Shift+Enter")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            text = prompt.inner_text()
            if "*" in text or any(ch.isdigit() for ch in text):
                return
            page.wait_for_timeout(250)
    raise AssertionError(f"the explorer cell never started (prompt {prompt.inner_text()!r})")


#: One update in the page: pick option ``index`` of the ``nth`` dropdown, then the time (ms)
#: until the P(meet) line shows a new answer (not "computing…"); -1 after 30 s.
_UPDATE_JS = """
async ([panel, nth, index]) => {
  const root = document.querySelector(panel);
  const select = root.querySelectorAll('.widget-dropdown select')[nth];
  const line = root.querySelector('.px-p-line');
  const message = root.querySelector('.px-message');
  const old = line.innerText, oldMessage = message.innerText;
  const t0 = performance.now();
  select.selectedIndex = index;
  select.dispatchEvent(new Event('change', {bubbles: true}));
  return await new Promise((resolve) => {
    const done = () => {
      const text = line.innerText;
      if (message.innerText !== oldMessage && message.innerText.includes('⚠')) return true;
      return text !== old && !text.includes('计算中');
    };
    const observer = new MutationObserver(() => {
      if (done()) { observer.disconnect(); resolve(performance.now() - t0); }
    });
    observer.observe(line, {subtree: true, childList: true, characterData: true});
    observer.observe(message, {subtree: true, childList: true, characterData: true});
    setTimeout(() => { observer.disconnect(); resolve(-1); }, 30000);
  });
}
"""
#: The 20 updates: (dropdown, option index): methods (2) and as-of dates (3) in turn.
UPDATES = (
    [(2, i) for i in (1, 2, 3, 4, 7, 5, 6, 0, 1, 3)] + [(3, i) for i in (1, 2, 0) * 3] + [(2, 2)]
)
RESULTS = ROOT / "reports" / "explorer_browser.json"


def test_explorer_updates_in_the_browser(lab, tmp_path):
    from playwright.sync_api import sync_playwright

    base, token, cache = lab
    workspace = f"ci{secrets.token_hex(4)}"
    url = f"{base}/lab/workspaces/{workspace}/tree/notebooks/explore.ipynb?reset&token={token}"
    shot = ROOT / "reports" / f"explorer-{cache}.png"
    shot.parent.mkdir(exist_ok=True)
    notebook = ROOT / "notebooks" / "explore.ipynb"
    committed = notebook.read_bytes()  # JupyterLab's autosave would store the widget output
    try:
        widgets_s, usable_s, times = _drive_lab(sync_playwright, url, shot)
    finally:
        notebook.write_bytes(committed)
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    results[cache] = {
        "widgets_s": round(widgets_s, 3),
        "time_to_usable_s": round(usable_s, 3),
        "update_p95_ms": round(p95, 1),
        "update_median_ms": round(ordered[len(ordered) // 2], 1),
        "updates_ms": [round(t, 1) for t in times],
    }
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print(f"explorer in the browser ({cache}): {results[cache]}")
    assert shot.stat().st_size > 10_000


def _drive_lab(sync_playwright, url: str, shot: Path) -> tuple[float, float, list[float]]:
    """Open the notebook, run it, time it, drive it; return (widgets s, usable s, updates ms)."""
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=find_chromium(), headless=True,
            args=[f for f in FLAGS if f != "--headless"],
        )  # fmt: skip
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        try:
            page.set_default_timeout(60_000)
            page.goto(url, timeout=90_000)
            panel = page.locator(NOTEBOOK_PANEL)
            panel.locator(".jp-Cell").first.wait_for()
            page.wait_for_selector(
                '.jp-Notebook-ExecutionIndicator[data-status="idle"]', timeout=90_000
            )
            # time to usable: Shift+Enter to the first answer (P(meet) and the table) on screen
            start = time.monotonic()
            run_first_code_cell(page, panel)
            panel.locator(".widget-dropdown select").first.wait_for(timeout=90_000)
            widgets_s = time.monotonic() - start
            p_meet = panel.locator(".px-p-meet").first
            p_meet.wait_for(timeout=90_000)
            panel.locator(".px-key-numbers").first.wait_for(timeout=90_000)
            usable_s = time.monotonic() - start
            before = p_meet.inner_text()
            table_before = panel.locator(".px-key-numbers").first.inner_text()
            assert before.endswith("%")
            assert "达标概率" in page.content() and "地区生产总值" in table_before
            assert "近五年均值" in panel.locator(".widget-dropdown select").nth(2).inner_text()

            # 20 updates, each timed in the page until the new answer is shown
            times = [page.evaluate(_UPDATE_JS, [NOTEBOOK_PANEL, n, i]) for n, i in UPDATES]
            assert min(times) > 0, f"an update never showed its answer: {times}"

            # the as-of control and a year-to-date release it allows, saved under a Chinese name
            as_of = panel.locator(".widget-dropdown select").nth(3)
            as_of.select_option(index=7)  # 2024-08-20
            panel.locator(".widget-dropdown select").first.select_option(index=1)
            name = "稳增长" + secrets.token_hex(2)
            texts = panel.locator(".widget-text input")
            texts.nth(3).fill(name)
            texts.nth(3).press("Enter")
            panel.locator("button", has_text="保存情景").click()
            page.wait_for_function(
                "(sel) => document.querySelector(sel)?.innerText.includes('已保存')",
                arg=f"{NOTEBOOK_PANEL} .widget-html", timeout=30_000,
            )  # fmt: skip
            saved = ROOT / "scenarios" / f"{name}.yaml"
            try:
                assert saved.is_file()
                text = saved.read_text(encoding="utf-8")
                assert "as_of: '2024-08-20'" in text or "as_of: 2024-08-20" in text, text
            finally:
                saved.unlink(missing_ok=True)

            # a bad assumption: a Chinese message, and the last valid answer stays
            shown = p_meet.inner_text()
            panel.locator(".widget-checkbox input").first.check()
            growth = texts.first
            growth.fill("abc")
            growth.press("Enter")
            page.wait_for_function(
                "(sel) => [...document.querySelectorAll(sel)].some(e => e.innerText.includes('不是数字'))",
                arg=f"{NOTEBOOK_PANEL} .widget-html", timeout=30_000,
            )  # fmt: skip
            assert p_meet.inner_text() == shown
            assert "Traceback" not in panel.inner_text()
            page.screenshot(path=str(shot), full_page=False)
        except Exception:
            page.screenshot(path=str(shot.with_name(shot.stem + "-failure.png")))
            raise
        finally:
            browser.close()
    return widgets_s, usable_s, times
