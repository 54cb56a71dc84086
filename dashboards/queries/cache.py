"""The dashboard's caches: query results and drawn pages, kept until the next load publishes.

One mechanism for both (cachetools' LRU, capped in bytes, not entries): a key names the function,
the warehouse file and its version, what the viewer may see (not who they are) and the
arguments the function reads; a refusal is an exception, never kept, so every refused request is
checked and logged again.
"""
from __future__ import annotations

import functools
import pickle
import sys
import threading
from pathlib import Path

import cachetools
import pandas as pd

from dashboards.queries.audience import staff_public
from dashboards.queries.connection import path_of, warehouse_version

QUERY_BYTES = 256 * 2**20
PAGE_BYTES = 128 * 2**20


def size_of(value) -> int:
    """Bytes a cached value holds, roughly: frames by their memory use, containers by their
    parts, anything else (a drawn page) by its pickled size."""
    if isinstance(value, pd.DataFrame):
        return int(value.memory_usage(index=True, deep=True).sum())
    if isinstance(value, dict):
        return sum(size_of(v) for v in value.values()) + 64
    if isinstance(value, (list, tuple)) and all(isinstance(v, (str, int, float, dict)) for v in value):
        return sum(size_of(v) for v in value) + 64
    if isinstance(value, (str, int, float, bool, type(None))):
        return sys.getsizeof(value)
    try:
        return len(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
    except Exception:  # not picklable: count it as large, it will be the first to go
        return 2**20


class SizedCache:
    """A thread-safe LRU cache of at most `max_bytes` (as size_of counts them)."""

    def __init__(self, max_bytes: int) -> None:
        self._cache = cachetools.LRUCache(maxsize=max_bytes, getsizeof=size_of)
        self._lock = threading.Lock()

    def get(self, key):
        with self._lock:
            return self._cache.get(key)

    def put(self, key, value) -> None:
        """Keep `value`, unless it alone would take an eighth of the cache (a whole export)."""
        if size_of(value) > self._cache.maxsize // 8:
            return
        with self._lock:
            self._cache[key] = value

    def clear(self) -> None:
        with self._lock:
            self._cache.clear()

    def keys(self) -> list:
        with self._lock:
            return list(self._cache.keys())

    @property
    def bytes(self) -> int:
        return self._cache.currsize


QUERIES = SizedCache(QUERY_BYTES)
PAGES = SizedCache(PAGE_BYTES)


def version_key(warehouse: str | Path | None, viewer) -> tuple | None:
    """The part of every key that a load or a different viewer changes; None without a warehouse."""
    path = path_of(warehouse)
    try:
        version = warehouse_version(path)
    except OSError:
        return None
    return str(path.resolve()), version, viewer.access, staff_public()


def _copy(result):
    if isinstance(result, pd.DataFrame):
        return result.copy()
    if isinstance(result, dict):
        return {k: _copy(v) for k, v in result.items()}
    if isinstance(result, list):
        return [_copy(v) for v in result]
    return result


def cached(function):
    """Cache a query function taking (viewer, *args, warehouse=..., **kwargs); callers get a
    copy, so changing a result never changes the cache."""
    @functools.wraps(function)
    def wrapper(viewer, *args, warehouse: str | Path | None = None, **kwargs):
        base = version_key(warehouse, viewer)
        if base is None:
            return function(viewer, *args, warehouse=warehouse, **kwargs)  # raises the DataError
        key = (function.__qualname__, function.__module__, base, args, tuple(sorted(kwargs.items())))
        hit = QUERIES.get(key)
        if hit is not None:
            return _copy(hit)
        result = function(viewer, *args, warehouse=warehouse, **kwargs)
        QUERIES.put(key, _copy(result))
        return result
    return wrapper


def clear_cache() -> None:
    QUERIES.clear()
    PAGES.clear()
