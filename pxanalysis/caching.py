"""Every cache of the package, registered in one place and invalidated in one place.

A cached function is declared with :func:`memoize` (an ``lru_cache`` that
registers itself). Its arguments must include what makes its answer valid: the
engine's caches take the report's :attr:`~pxanalysis.data.reports.Report.key`,
which holds a fingerprint of the data files the report's judgements read
(their sizes and modification times), so a cache never serves an answer
computed from other data. :func:`clear` empties every cache at once; it is what
``pxanalysis.data.clear_cache()`` calls after a data file was edited in a
session.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

_CACHES: list[Callable] = []


def memoize(maxsize: int = 128):
    """``functools.lru_cache(maxsize)``, registered so that :func:`clear` empties it."""

    def decorate(fn):
        cached = functools.lru_cache(maxsize=maxsize)(fn)
        _CACHES.append(cached)
        return cached

    return decorate


def register(cache) -> None:
    """Register an object with a ``cache_clear()`` (or ``clear()``) method."""
    _CACHES.append(cache)


def clear() -> None:
    """Empty every registered cache."""
    for cache in _CACHES:
        (getattr(cache, "cache_clear", None) or cache.clear)()


def count() -> int:
    """How many caches are registered (for tests)."""
    return len(_CACHES)
