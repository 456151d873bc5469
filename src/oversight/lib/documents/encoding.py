"""Bytes -> text for the text formats: the byte-order mark first, then UTF-8, then a measured guess.

Documents here come from UK public bodies: UTF-8 (with or without a BOM), UTF-16 from Windows
"Unicode text", and Windows-1252 from older systems. Those are decided exactly; anything else goes
to charset-normalizer, and a guess it is unsure of is refused rather than shown as mojibake.
"""

from __future__ import annotations

import codecs

from charset_normalizer import from_bytes

from oversight.lib.documents.shapes import DocumentError

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# Control characters other than tab, newline, carriage return and form feed: never in a document.
_CONTROL = frozenset(chr(c) for c in range(32) if c not in (9, 10, 12, 13)) | {"\x7f"}
# The most noise (0..1) charset-normalizer may report for a guess we accept.
_MAX_CHAOS = 0.2
# Encodings in which English text written on Windows commonly arrives; cp1252 is tried for them.
_WESTERN = frozenset({"cp1252", "latin_1", "iso8859_15", "cp1250", "iso8859_2", "mac_roman", "cp850", "ascii"})

NOT_TEXT = (
    "This file does not contain readable text: it may be a program, an image or a damaged file. "
    "Oversight reads PDF, Word (.docx), HTML, Markdown and plain text."
)
UNKNOWN_ENCODING = (
    "Oversight cannot tell how the text in this file is encoded, so it would show the wrong characters. "
    "Save it again as UTF-8 (in most editors: Save As, Encoding: UTF-8) and upload it again."
)


def decode_text(data: bytes) -> str:
    """The text of `data`, or DocumentError when it is not text or its encoding cannot be told."""
    text = _decode(data)
    if _looks_binary(text):
        raise DocumentError(NOT_TEXT)
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _decode(data: bytes) -> str:
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return _strict(data[len(bom) :], codec)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    unmarked_utf16 = _utf16_without_bom(data)
    if unmarked_utf16:
        return _strict(data, unmarked_utf16)
    if b"\x00" in data:
        raise DocumentError(NOT_TEXT)
    return _guess(data)


def _strict(data: bytes, codec: str) -> str:
    try:
        return data.decode(codec)
    except UnicodeDecodeError as error:
        raise DocumentError(UNKNOWN_ENCODING) from error


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 without a BOM: ASCII text has a zero in every other byte, on one side only."""
    sample = data[:4096]
    if len(sample) < 8:
        return None
    even_zeros = sample[0::2].count(0) / len(sample[0::2])
    odd_zeros = sample[1::2].count(0) / len(sample[1::2])
    if odd_zeros > 0.4 and even_zeros < 0.05:
        return "utf-16-le"
    if even_zeros > 0.4 and odd_zeros < 0.05:
        return "utf-16-be"
    return None


def _guess(data: bytes) -> str:
    best = from_bytes(data).best()
    if best is None:
        raise DocumentError(NOT_TEXT)
    if best.encoding in _WESTERN:
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError:
            pass  # bytes cp1252 leaves undefined (0x81, 0x8d, ...): trust the guess instead
    if best.chaos > _MAX_CHAOS:
        raise DocumentError(UNKNOWN_ENCODING)
    return str(best)


def _looks_binary(text: str) -> bool:
    sample = text[:65536]
    if not sample:
        return False
    controls = sum(1 for char in sample if char in _CONTROL)
    return controls > max(2, len(sample) // 1000) or "\ufffd" * 4 in sample
