"""Data and code versions: short hashes that change exactly when what they describe changes.

A table's data version is a hash of what it was built from (a landing file's sha256, its
contract, the versions of the tables it read) and of the code that built it. It is stamped on
the table in the warehouse (assets/warehouse.py), so a nightly reload can compare it with what
it would build now and skip the work when they are equal.
"""
from __future__ import annotations

import hashlib
from pathlib import Path


def version_of(*parts: str) -> str:
    """A short hash of the parts, in order."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode())
        digest.update(b"\x00")
    return digest.hexdigest()[:16]


def code_version_of(*paths: Path) -> str:
    """The version of the code in these files: any edit gives a new one."""
    return version_of(*(p.read_text() for p in paths))
