"""Which text encoding a landing file is in, and a UTF-8 copy of it when it is not UTF-8.

Exports come as UTF-8 (with or without a byte-order mark) or, from Excel and older SIS tools on
Windows, as Windows-1252 / Latin-1. A district can declare a file's encoding in its config
(`ingest: {encoding: {schools: cp1252}}` in $ALIGNBOARD_CONFIG); otherwise it is detected with
charset-normalizer. DuckDB reads UTF-8 only, so any other file is first transcoded, line for line,
into a temporary UTF-8 copy: the warehouse always stores UTF-8 and line numbers stay the same.
"""
from __future__ import annotations

import codecs
import shutil
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from assets.config import config_path, read_mapping

SAMPLE = 1 << 20  # the bytes looked at to detect an encoding
BLOCK = 1 << 22
WESTERN = ["cp1252", "latin_1"]  # what non-UTF-8 exports are, in order of preference


class EncodingError(ValueError):
    """str(exc) is a one-line reason naming the file (and line)."""


def canonical(name: str) -> str:
    return codecs.lookup(name).name


def declared_encoding(file: str) -> str | None:
    """The encoding the district's config declares for `file` (a contract name), if any."""
    path = config_path()
    if path is None:
        return None
    section = read_mapping(path, EncodingError).get("ingest") or {}
    name = (section.get("encoding") or {}).get(file)
    if name is None:
        return None
    try:
        return canonical(str(name))
    except LookupError:
        raise EncodingError(f"{path}: ingest.encoding.{file}: unknown encoding {name!r}") from None


def detect(head: bytes) -> str:
    """The encoding of a file that starts with `head`: UTF-8 when it decodes as such."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)  # a cut last character is fine
        return "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(head, cp_isolation=WESTERN).best()
    return canonical(best.encoding) if best else "latin-1"  # latin-1 decodes any byte


def is_utf8(path: Path) -> bool:
    """The whole file decodes as UTF-8 (read in blocks: the file may be gigabytes)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    with path.open("rb") as handle:
        try:
            for block in iter(lambda: handle.read(BLOCK), b""):
                decoder.decode(block)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return False
    return True


def choose(path: Path, file: str) -> tuple[str, bool]:
    """(encoding, declared?) for a landing file."""
    declared = declared_encoding(file)
    if declared:
        return declared, True
    with path.open("rb") as handle:
        head = handle.read(SAMPLE)
    if b"\x00" in head.split(b"\n", 1)[0]:
        return "utf-8", False  # binary: the reader rejects it with its own reason
    encoding = detect(head)
    if encoding == "utf-8" and len(head) == SAMPLE and not is_utf8(path):
        encoding = "cp1252" if _decodes(path, "cp1252") else "latin-1"  # an accent past the sample
    return encoding, False


def _decodes(path: Path, encoding: str) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)()
    with path.open("rb") as handle:
        try:
            for block in iter(lambda: handle.read(BLOCK), b""):
                decoder.decode(block)
        except UnicodeDecodeError:
            return False
    return True


@contextmanager
def utf8_source(path: Path, file: str, temp_dir: Path) -> Iterator[tuple[Path, str]]:
    """(a UTF-8 file with the same name and lines, the encoding read); the copy, if one was
    needed, is removed on exit."""
    encoding, declared = choose(path, file)
    if encoding in ("utf-8", "utf-8-sig") and not declared:
        yield path, encoding
        return
    folder = temp_dir / f"utf8-{uuid.uuid4().hex[:12]}"
    folder.mkdir(parents=True)
    try:
        copy = folder / path.name
        _transcode(path, copy, encoding)
        yield copy, encoding
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _transcode(source: Path, target: Path, encoding: str) -> None:
    decoder = codecs.getincrementaldecoder(encoding)()
    line = 1
    with source.open("rb") as src, target.open("w", encoding="utf-8", newline="") as out:
        for block in iter(lambda: src.read(BLOCK), b""):
            try:
                text = decoder.decode(block)
            except UnicodeDecodeError as exc:
                line += block[: exc.start].count(b"\n")
                raise EncodingError(f"{source.name}: line {line}: not {encoding} text (byte 0x{block[exc.start]:02x})") from None
            line += block.count(b"\n")
            out.write(text.removeprefix("\ufeff") if out.tell() == 0 else text)
        out.write(decoder.decode(b"", final=True))
