"""Explorer responsiveness for ``make bench``.

``explorer_update_p95_ms``: the 95th percentile of the time one control change
takes (recompute + redraw of the fan chart + the tables), over 200 random
changes (seeded) driven through the widgets' observers, once the explorer's
start-up warm-up has finished (``explorer_warmup_s``), as a user experiences it.
``explorer_update_cold_p95_ms``: the same 200 changes with the engine's caches
cleared and no warm-up (the worst case, for reference).
``explorer_construct_s``: ``Explorer()`` returning (the widgets can be shown);
``explorer_first_view_s``: until the first answer is on screen (empty disk cache).
With the background thread, a change whose view is not ready returns at once
(showing "computing…"): the handler's time is what ``explorer_update_*`` measure.
"""

from __future__ import annotations

import os
import random
import tempfile
import time

import numpy as np

from pxanalysis import data, engine
from pxanalysis.present.explorer import MAX_WINDOW, Explorer

CHANGES = 200


def _drive(explorer, n: int, seed: int = 0) -> list[float]:
    """``n`` changes; the time of each until its answer is on screen (ms)."""
    rng = random.Random(seed)
    shown_ms = []
    for _ in range(n):
        start = time.perf_counter()
        _change(explorer, rng)
        explorer.wait(120)  # returns at once without the background thread
        shown_ms.append((time.perf_counter() - start) * 1000)
    return shown_ms


def _change(explorer, rng) -> None:
    """One random change of one control."""
    methods = [v for _, v in explorer.w_method.options]
    indicators = [v for _, v in explorer.w_indicator.options]
    if True:  # noqa: SIM108 (one change)
        control = rng.choice(
            ["method", "window", "band", "q_low", "q_high", "indicator", "assumption"]
        )
        if control == "method":
            explorer.w_method.value = rng.choice(
                [m for m in methods if m != explorer.w_method.value]
            )
        elif control == "window":
            explorer.w_window.value = rng.choice(
                [v for v in range(MAX_WINDOW) if v != explorer.w_window.value]
            )
        elif control == "band":
            explorer.w_band.value = 95 if explorer.w_band.value == 80 else 80
        elif control == "q_low":
            explorer.w_q_low.value = round(rng.uniform(0.01, 0.49), 2)
        elif control == "q_high":
            explorer.w_q_high.value = round(rng.uniform(0.51, 0.99), 2)
        elif control == "indicator":
            explorer.w_indicator.value = rng.choice(
                [i for i in indicators if i != explorer.w_indicator.value]
            )
        else:
            if not explorer.w_use.value:
                explorer.w_use.value = True
            explorer.w_growth.value = f"{rng.uniform(-5, 10):.1f}"


def bench_explorer() -> dict:
    engine.clear_cache()
    data.clear_cache()
    cold = Explorer(warm=False)
    cold_ms = _drive(cold, CHANGES)

    engine.clear_cache()
    data.clear_cache()
    with tempfile.TemporaryDirectory() as cache:  # an empty disk cache: nothing seen before
        os.environ["PXANALYSIS_CACHE_DIR"] = cache
        try:
            start = time.perf_counter()
            explorer = Explorer(warm=True)
            constructed_s = time.perf_counter() - start
            explorer.wait(300)
            first_view_s = explorer.shown_at - start
            explorer.warmed.wait(600)
            warmup_s = time.perf_counter() - start
            warm_ms = _drive(explorer, CHANGES)
            explorer.close()
        finally:
            os.environ.pop("PXANALYSIS_CACHE_DIR", None)
    return {
        "explorer_changes": CHANGES,
        "explorer_updates": len(warm_ms),
        "explorer_update_p50_ms": float(np.percentile(warm_ms, 50)),
        "explorer_update_p95_ms": float(np.percentile(warm_ms, 95)),
        "explorer_warmup_s": warmup_s,
        "explorer_construct_s": constructed_s,
        "explorer_first_view_s": first_view_s,
        "explorer_update_cold_p95_ms": float(np.percentile(cold_ms, 95)),
    }
