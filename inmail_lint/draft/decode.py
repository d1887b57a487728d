"""Bytes to text: a draft file must be UTF-8 (a byte-order mark is allowed), without NUL bytes, at most 1 MiB."""

from __future__ import annotations

MAX_BYTES = 1024 * 1024
BOM = "\ufeff"


def decode(data: bytes) -> tuple[str | None, str | None, bool]:
    """Decode a draft file's bytes: (text, problem message, had a byte-order mark)."""
    if len(data) > MAX_BYTES:
        size = len(data) / MAX_BYTES
        return None, f"file is {size:.1f} MiB; drafts over 1 MiB are not read", False
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None, "file is UTF-16; save it as UTF-8", False
    nul = data.find(b"\x00")
    if nul >= 0:
        return None, f"file holds a NUL byte at byte {nul}: it looks like a binary file, not a draft", False
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        bad = data[exc.start : exc.start + 1].hex().upper()
        hint = "; it looks like Latin-1 or Windows-1252" if _looks_single_byte(data) else ""
        return None, f"file is not UTF-8 (byte 0x{bad} at line {line}){hint}: save it as UTF-8", False
    if text.startswith(BOM):
        return text[1:], None, True
    return text, None, False


def _looks_single_byte(data: bytes) -> bool:
    try:
        data.decode("cp1252")
    except UnicodeDecodeError:
        return False
    return True
