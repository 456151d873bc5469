"""Zip files (a DOCX is one) opened without trusting them: entries counted, sizes and ratios checked, reads capped.

A zip bomb declares small sizes and inflates to gigabytes, or declares honestly and relies on no one
checking. Both are refused before anything is inflated, and every read stops at its cap whatever the
zip declared, so memory stays bounded by the caps below.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

from oversight.lib.documents.shapes import DocumentError

# A Word document has a few dozen parts; tens of thousands of entries is an attack on the reader.
MAX_ENTRIES = 5_000
# The most a single part may inflate to, and all parts together (declared sizes).
MAX_PART_BYTES = 64 * 1024 * 1024
MAX_TOTAL_BYTES = 256 * 1024 * 1024
# Word's XML compresses about 5 to 20 times; 100 times or more is a bomb, not a document.
MAX_RATIO = 100
# Small parts compress well without being dangerous; the ratio is only judged above this size.
RATIO_FLOOR_BYTES = 1024 * 1024

_END_OF_DIRECTORY = b"PK\x05\x06"
_BOMB = "This file is a compressed archive that would expand to far more than any document: it is refused."


def entry_count(data: bytes) -> int:
    """The number of entries the zip's end record declares, read before `zipfile` builds its directory."""
    tail_start = max(0, len(data) - 65_557)  # the end record plus the longest comment
    at = data.rfind(_END_OF_DIRECTORY, tail_start)
    if at < 0 or at + 22 > len(data):
        raise DocumentError("This file looks like a zip archive (as Word documents are) but it is damaged.")
    (entries,) = struct.unpack_from("<H", data, at + 10)
    return int(entries)


def open_zip(data: bytes) -> zipfile.ZipFile:
    """The zip, refused when it has too many entries (0xFFFF means a ZIP64 count: also too many)."""
    if entry_count(data) > MAX_ENTRIES:
        raise DocumentError(_BOMB)
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, struct.error) as error:
        raise DocumentError("This file looks like a zip archive (as Word documents are) but it is damaged.") from error


def check_declared_sizes(archive: zipfile.ZipFile) -> None:
    """Refuse on what the zip declares: a part or the whole too large, or compressed too hard."""
    total = 0
    for info in archive.infolist():
        total += info.file_size
        if info.file_size > MAX_PART_BYTES or total > MAX_TOTAL_BYTES:
            raise DocumentError(_BOMB)
        if info.file_size > RATIO_FLOOR_BYTES and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise DocumentError(_BOMB)


def read_part(archive: zipfile.ZipFile, name: str, cap: int = MAX_PART_BYTES) -> bytes | None:
    """A part's bytes, or None when absent; inflating stops at `cap` whatever the zip declared."""
    try:
        info = archive.getinfo(name)
    except KeyError:
        return None
    try:
        with archive.open(info) as part:
            data = part.read(cap + 1)
    except (zipfile.BadZipFile, zlib.error, NotImplementedError, RuntimeError, OSError, EOFError, ValueError) as error:
        raise DocumentError("This Word document is damaged: a part of it cannot be unpacked.") from error
    if len(data) > cap:
        raise DocumentError(_BOMB)
    return data
