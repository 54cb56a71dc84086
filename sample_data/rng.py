"""Deterministic random streams: one independent generator per (seed, purpose, keys...).

Each part of the district (a school's attendance in one year, its assessments, ...) draws from
its own stream, so output is the same for the same arguments whatever the order of work, and
changing one part does not shift the random numbers of another.
"""
import zlib

import numpy as np


def stream(seed: int, purpose: str, *keys: int) -> np.random.Generator:
    """A generator seeded by the run seed, a purpose name and non-negative integer keys."""
    return np.random.default_rng([int(seed), zlib.crc32(purpose.encode()), *(int(k) for k in keys)])


def apportion(total: int, weights) -> np.ndarray:
    """Split an integer total in proportion to weights (largest remainder); sums to total."""
    w = np.asarray(weights, dtype=float)
    if total <= 0 or w.sum() <= 0:
        return np.zeros(len(w), dtype=np.int64)
    exact = total * w / w.sum()
    base = np.floor(exact).astype(np.int64)
    rest = total - int(base.sum())
    if rest:
        order = np.argsort(-(exact - base), kind="stable")
        base[order[:rest]] += 1
    return base


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def group_bounds(keys: np.ndarray, n_groups: int) -> tuple[np.ndarray, np.ndarray]:
    """(order, bounds): rows of group k are order[bounds[k]:bounds[k+1]], in their original order."""
    order = np.argsort(keys, kind="stable")
    bounds = np.searchsorted(keys[order], np.arange(n_groups + 1))
    return order, bounds


def ragged_gather(starts: np.ndarray, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each i, the integers starts[i] .. starts[i]+counts[i]-1, concatenated.

    Returns (values, owner) where owner[j] is the i that produced values[j].
    """
    counts = np.asarray(counts, dtype=np.int64)
    total = int(counts.sum())
    owner = np.repeat(np.arange(len(counts)), counts)
    if total == 0:
        return np.zeros(0, dtype=np.int64), owner
    offsets = np.cumsum(counts) - counts
    values = np.asarray(starts, dtype=np.int64)[owner] + (np.arange(total) - offsets[owner])
    return values, owner
