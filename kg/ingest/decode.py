"""Bytes to text for crawled Chinese pages, whose encoding is rarely declared.

Crawls mix UTF-8 with GBK/GB18030 (mainland sites) and Big5 (Taiwan, Hong Kong
and overseas sites). Guessing wrong gives mojibake that later stages would turn
into nonsense entities, so the encoding is detected and a file that cannot be
read with confidence is refused with a reason rather than half-decoded.
"""

from __future__ import annotations

import codecs
import os
import stat
from pathlib import Path

import charset_normalizer

from kg.ingest.errors import IngestError, shown

DEFAULT_MAX_BYTES = 10_000_000

# Detectors name the narrow legacy charsets; decode with their supersets so that
# rarer characters (names often use them) don't fail or turn into replacements.
_SUPERSETS = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "hz": "gb18030",
    "big5": "big5hkscs",
    "cp950": "big5hkscs",
}

# Share of control characters above which a "text" is really binary data.
_MAX_CONTROL_SHARE = 0.05


def read_text(path: str | Path, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """The text of a file, refusing empty, binary, oversized and undecodable files."""
    return decode_bytes(read_bytes(path, max_bytes), shown(path))


def read_bytes(path: str | Path, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """The bytes of a file, refusing unreadable and oversized files (IngestError naming the file)."""
    path = Path(path)
    try:
        st = os.stat(path)
    except OSError as e:
        raise IngestError(shown(path), f"cannot read file ({e.strerror or e})") from e
    if not stat.S_ISREG(st.st_mode):  # a FIFO would block the read forever, a device never end
        raise IngestError(shown(path), "not a regular file (a FIFO, socket or device)")
    size = st.st_size
    # Checked before reading so that a stray multi-gigabyte dump costs nothing.
    if size > max_bytes:
        raise IngestError(shown(path), f"file of {size} bytes exceeds the size limit of {max_bytes} bytes")
    try:
        return path.read_bytes()
    except OSError as e:
        raise IngestError(shown(path), f"cannot read file ({e.strerror or e})") from e


def decode_bytes(data: bytes, source: str = "<bytes>") -> str:
    """Decode ``data``: UTF-8 first (by far the most common), then a detected charset.

    Line ends are unified to "\\n" here, so that every later offset counts
    characters the same way whatever system wrote the file.
    """
    if not data.strip():
        raise IngestError(source, "empty file")
    text = _decode(data, source)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise IngestError(source, "empty file")
    return text


def _decode(data: bytes, source: str) -> str:
    if data.startswith(codecs.BOM_UTF8):
        return _strict(data, "utf-8-sig", source)
    # A UTF-16 BOM is the one case where NUL bytes are legitimate text.
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _strict(data, "utf-16", source)
    if b"\x00" in data:
        raise IngestError(source, "binary file (contains NUL bytes)")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    best = charset_normalizer.from_bytes(data).best()
    if best is None or best.encoding is None:
        raise IngestError(source, "undecodable file (no text encoding fits its bytes)")
    encoding = _SUPERSETS.get(best.encoding.lower().replace("_", ""), best.encoding)
    text = _strict(data, encoding, source)
    controls = sum(1 for c in text if ord(c) < 32 and c not in "\t\n\r\f")
    if controls > _MAX_CONTROL_SHARE * len(text):
        raise IngestError(source, "binary file (mostly control characters)")
    return text


def _strict(data: bytes, encoding: str, source: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as e:
        raise IngestError(source, f"undecodable file (not valid {encoding}: {e.reason})") from e
    except LookupError as e:
        raise IngestError(source, f"undecodable file (unknown encoding {encoding})") from e
