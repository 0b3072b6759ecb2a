"""The explorer in a real JupyterLab, driven by playwright on Debian's chromium.

The test starts its own JupyterLab (127.0.0.1, a free port, a token, temporary
Jupyter config/data/runtime directories), opens ``notebooks/explore.ipynb`` in a
fresh workspace, runs it, changes a control and checks that the displayed
P(meet target) changes and that Chinese text is on the page. It saves a
screenshot under ``reports/`` and stops the server by its PID. Every wait has a
timeout.
"""

from __future__ import annotations

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


@pytest.fixture
def lab(tmp_path):
    port, token = _free_port(), secrets.token_hex(16)
    env = dict(os.environ, PYTHONHASHSEED="0")
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
        yield base, token
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


def test_explorer_updates_in_the_browser(lab, tmp_path):
    from playwright.sync_api import sync_playwright

    base, token = lab
    workspace = f"ci{secrets.token_hex(4)}"
    url = f"{base}/lab/workspaces/{workspace}/tree/notebooks/explore.ipynb?reset&token={token}"
    shot = ROOT / "reports" / "explorer.png"
    shot.parent.mkdir(exist_ok=True)
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
            run_first_code_cell(page, panel)
            p_meet = panel.locator(".px-p-meet").first
            p_meet.wait_for(timeout=90_000)
            before = p_meet.inner_text()
            table_before = panel.locator(".px-key-numbers").first.inner_text()
            assert before.endswith("%")
            assert "达标概率" in page.content() and "地区生产总值" in table_before

            # change the method: the displayed probability must change
            panel.locator(".widget-dropdown select").nth(2).select_option(label="mean")
            page.wait_for_function(
                "([sel, old]) => { const e = document.querySelector(sel); return e && e.innerText !== old; }",
                arg=[f"{NOTEBOOK_PANEL} .px-p-meet", before], timeout=30_000,
            )  # fmt: skip
            after = p_meet.inner_text()
            assert after != before

            # a bad assumption: a message, and the last valid chart stays
            panel.locator(".widget-checkbox input").first.check()
            growth = panel.locator(".widget-text input").first
            growth.fill("abc")
            growth.press("Enter")
            page.wait_for_function(
                "(sel) => document.querySelector(sel)?.innerText.includes('not a number')",
                arg=f"{NOTEBOOK_PANEL} .widget-html", timeout=30_000,
            )  # fmt: skip
            assert p_meet.inner_text() == after
            assert "Traceback" not in panel.inner_text()
            page.screenshot(path=str(shot), full_page=False)
        except Exception:
            page.screenshot(path=str(shot.with_name("explorer-failure.png")))
            raise
        finally:
            browser.close()
    assert shot.stat().st_size > 10_000
