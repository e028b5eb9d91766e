"""Text encodings and binary content of CSV / JSON inputs.

Text inputs are UTF-8 unless an encoding is declared (``--encoding NAME``,
``read_offers(..., encoding=NAME)``):

- no encoding declared: a file that is UTF-8 is read as it is. A file holding a few
  lines that are not UTF-8 (at most 5 %, or one line) is read too, those records being
  rejected as ``invalid_utf8``. A file whose header, or more than that share of lines,
  is not UTF-8 is in another encoding: reading it stops with an :class:`InputError`
  suggesting ``--encoding`` (and the encodings the file decodes in without error).
- an encoding declared: the file is decoded with it and every record is read; bytes
  that the encoding cannot decode make their record an ``invalid_utf8`` reject (they
  are kept as they are, so they stay invalid UTF-8). Declaring ``utf-8`` reads a UTF-8
  file with many bad lines record by record instead of stopping.

A text file whose first bytes hold NUL bytes or a known binary signature (ZIP / Excel,
PDF, images, ...) is not text: an :class:`InputError` says what it looks like.

The encoding of a run is passed explicitly or set for a block of code with
:func:`reading_encoding` (the CLI does that around the pipeline).
"""

from __future__ import annotations

import codecs
import contextvars
import re
from collections.abc import Iterator
from contextlib import contextmanager

from samesku.errors import InputError, UsageError

_ENCODING: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "samesku_encoding", default=None
)

#: Encodings tried on the undecodable lines to suggest one (listed when they decode them).
CANDIDATES: tuple[str, ...] = ("cp949", "shift_jis", "gb18030", "big5", "euc_jp", "cp1252")
_SINGLE_BYTE: tuple[str, ...] = ("cp1252",)
_NON_ASCII = re.compile(rb"[\x80-\xff]+")
_MAX_BAD_SHARE = 0.05
_HEAD = 4096

_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"PK\x03\x04", "a ZIP archive (an Excel .xlsx workbook?)"),
    (b"\xd0\xcf\x11\xe0", "an OLE2 file (an Excel .xls workbook?)"),
    (b"PAR1", "a Parquet file (name it .parquet)"),
    (b"\x1f\x8b", "gzip-compressed (name it .gz)"),
    (b"BZh", "bzip2-compressed"),
    (b"\xfd7zXZ", "xz-compressed"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
    (b"Rar!", "a RAR archive"),
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"SQLite format 3", "an SQLite database"),
    (b"ARROW1", "an Arrow IPC file"),
)


def normalise_encoding(name: str | None) -> str | None:
    """The codec name of ``name`` (``"EUC-KR"`` -> ``"euc_kr"``), None for None.

    Raises:
        UsageError: Python knows no such encoding.
    """
    if name is None:
        return None
    try:
        return codecs.lookup(name.strip()).name
    except LookupError:
        raise UsageError(
            f"unknown encoding {name!r}; use a Python codec name such as utf-8, cp949, "
            "euc-kr, shift_jis, gb18030, cp1252 or latin-1"
        ) from None


@contextmanager
def reading_encoding(name: str | None) -> Iterator[None]:
    """Read text inputs with encoding ``name`` inside the block (None: UTF-8, checked).

    :func:`samesku.io.read_offers` calls without an ``encoding`` argument use it.
    """
    token = _ENCODING.set(normalise_encoding(name))
    try:
        yield
    finally:
        _ENCODING.reset(token)


def current_encoding(explicit: str | None = None) -> str | None:
    """``explicit`` (normalised) if given, else the encoding set by :func:`reading_encoding`."""
    return normalise_encoding(explicit) if explicit is not None else _ENCODING.get()


def to_utf8(data: bytes, encoding: str) -> bytes:
    """Re-encode ``data`` from ``encoding`` to UTF-8; undecodable bytes are kept as they are.

    Kept bytes are not valid UTF-8 (as a rule), so the reader rejects their records as
    ``invalid_utf8``.
    """
    if encoding in ("utf-8", "utf-8-sig"):
        return data  # the readers drop a byte-order mark
    if encoding.startswith(("utf_16", "utf_32")) or encoding == "utf-8-sig":
        # these codecs handle their own byte-order mark
        return data.decode(encoding, errors="replace").encode("utf-8")
    text = data.decode(encoding, errors="surrogateescape")
    return text.encode("utf-8", errors="surrogateescape")


def _looks_utf16(head: bytes) -> bool:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    even, odd = head[0::2], head[1::2]
    return len(head) >= 4 and (even.count(0) > 0.4 * len(even) or odd.count(0) > 0.4 * len(odd))


def check_text(data: bytes, source: str) -> None:
    """Raise if ``data`` (a CSV / JSON file's content) is not text at all.

    Raises:
        InputError: It starts with a known binary signature, or its first bytes hold NUL.
    """
    head = data[:_HEAD]
    what = next((name for magic, name in _SIGNATURES if head.startswith(magic)), None)
    if what is None and b"\x00" in head:
        if _looks_utf16(head):
            raise InputError(
                f"{source}: the file looks like UTF-16 text; rerun with --encoding utf-16"
            )
        what = "binary data (it holds NUL bytes)"
    if what is not None:
        raise InputError(
            f"{source}: not a CSV, JSON Lines or Parquet file: it looks like {what}; "
            "export it as CSV (UTF-8) or Parquet"
        )


def _bad_lines(data: bytes) -> tuple[list[int], int]:
    """(indices of the non-blank lines that are not UTF-8, number of non-blank lines)."""
    bad: list[int] = []
    n = 0
    for line in data.split(b"\n"):
        if not line.strip():
            continue
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            bad.append(n)
        n += 1
    return bad, n


def _single_byte_like(lines: list[bytes]) -> bool:
    """True if some run of non-ASCII bytes has odd length: not a double-byte (CJK) text."""
    return any(len(run) % 2 for line in lines for run in _NON_ASCII.findall(line))


def decodes_as(lines: list[bytes]) -> list[str]:
    """The :data:`CANDIDATES` that decode every one of ``lines`` without error.

    Most plausible first: Western single-byte encodings when non-ASCII bytes come in runs
    of odd length (``K\xe4se``), else the double-byte East Asian ones.
    """
    found = []
    order = CANDIDATES
    if _single_byte_like(lines):
        order = (*_SINGLE_BYTE, *(c for c in CANDIDATES if c not in _SINGLE_BYTE))
    for name in order:
        try:
            for line in lines:
                line.decode(name)
        except UnicodeDecodeError:
            continue
        found.append(name)
    return found


def check_utf8(data: bytes, source: str, *, has_header: bool) -> None:
    """Raise if ``data`` is not UTF-8 beyond a few bad lines (see the module docstring).

    Args:
        data: The file content (not known to be valid UTF-8).
        source: The file, for the message.
        has_header: The first non-blank line is a header (CSV): it must be UTF-8.

    Raises:
        InputError: The file is in another encoding; the message suggests ``--encoding``.
    """
    bad, n = _bad_lines(data)
    if not bad:
        return
    if not (has_header and bad[0] == 0) and (len(bad) < 2 or len(bad) <= _MAX_BAD_SHARE * n):
        return
    lines = [line for line in data.split(b"\n") if line.strip()]
    sample = [lines[i] for i in bad[:200]]
    fits = decodes_as(sample)
    where = ", the header among them" if has_header and bad[0] == 0 else ""
    hint = f" (it decodes without error as {', '.join(fits)})" if fits else ""
    example = fits[0] if fits else "cp949"
    raise InputError(
        f"{source} is not UTF-8: {len(bad)} of {n} lines hold bytes that are not UTF-8"
        f"{where}{hint}; rerun with --encoding NAME, e.g. --encoding {example} "
        "(--encoding utf-8 reads it anyway and rejects those rows as invalid_utf8)"
    )
