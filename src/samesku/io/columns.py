"""Matching a file's columns to the canonical columns.

For each canonical column, in this order:

1. a ``--map canonical=source`` entry whose source column is in the file;
2. a column with exactly the canonical name (unless that column is the source of a
   mapping entry for another canonical column);
3. a column whose name, stripped and lower-cased, is the canonical name
   (``" Title "``, ``OFFER_ID``).

One source column may feed several canonical columns. Every column not used is a
passthrough column, kept under its own name unless that name is reserved (a canonical
column, ``flags``, ``_row`` or ``_source``): then it is kept as ``<name>_input``.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa

from samesku import schema
from samesku.errors import MappingError

RESERVED: frozenset[str] = frozenset(
    (*schema.CANONICAL_COLUMNS, schema.FLAGS, schema.ROW_NUMBER, schema.SOURCE_FILE)
)


@dataclass(frozen=True)
class ColumnPlan:
    """How one file's columns become output columns.

    Attributes:
        canonical: Canonical column name to the file column it is read from.
        passthrough: (file column, output name) of every other column.
    """

    canonical: dict[str, str]
    passthrough: list[tuple[str, str]]

    def missing_required(self) -> list[str]:
        """Required canonical columns this file does not provide."""
        return [c for c in schema.REQUIRED_COLUMNS if c not in self.canonical]

    def apply(self, table: pa.Table) -> pa.Table:
        """Select and rename the columns of ``table`` (read from this file).

        Args:
            table: The file's records, columns named as in the file.

        Returns:
            Canonical columns (those provided) then passthrough columns.
        """
        names = [*self.canonical, *(out for _, out in self.passthrough)]
        columns = [table.column(src) for src in self.canonical.values()]
        columns += [table.column(src) for src, _ in self.passthrough]
        return pa.Table.from_arrays(columns, names=names)


def plan_columns(columns: list[str], mapping: dict[str, str]) -> ColumnPlan:
    """Decide which file column feeds each canonical column (see the module docstring).

    Args:
        columns: The file's column names.
        mapping: Canonical name to source column name (``--map``).

    Returns:
        The plan.
    """
    present = set(columns)
    mapped_sources = set(mapping.values())
    canonical: dict[str, str] = {}
    for name in schema.CANONICAL_COLUMNS:
        source = mapping.get(name)
        if source is not None and source in present:
            canonical[name] = source
        elif name in present and (name not in mapped_sources or mapping.get(name) == name):
            canonical[name] = name
        else:
            taken = set(canonical.values()) | mapped_sources
            for column in columns:
                if column.strip().lower() == name and column not in taken:
                    canonical[name] = column
                    break
    used = set(canonical.values())
    passthrough: list[tuple[str, str]] = []
    outputs = set(canonical)
    for column in columns:
        if column in used:
            continue
        out = column
        while out in RESERVED or out in outputs:
            out = f"{out}_input"
        outputs.add(out)
        passthrough.append((column, out))
    return ColumnPlan(canonical, passthrough)


def require_columns(
    plan: ColumnPlan, columns: list[str], mapping: dict[str, str], source: str
) -> None:
    """Raise a helpful MappingError if the file lacks a required column.

    Args:
        plan: The file's column plan.
        columns: The file's column names.
        mapping: The ``--map`` entries.
        source: The file, for the message.

    Raises:
        MappingError: ``offer_id`` or ``title`` cannot be found (an InputError and a
            UsageError: the fix is a ``--map``).
    """
    missing = plan.missing_required()
    if not missing:
        return
    found = ", ".join(repr(c) for c in columns) or "none"
    hints = []
    for name in missing:
        if name in mapping:
            hints.append(
                f"--map {name}={mapping[name]} was given but {mapping[name]!r} is not a column"
            )
        else:
            hints.append(f"use --map {name}=<column> to say which column holds the {name}")
    raise MappingError(
        f"{source}: required column{'s' if len(missing) > 1 else ''} "
        f"{', '.join(repr(m) for m in missing)} not found. Columns found: {found}. "
        + "; ".join(hints)
        + "."
    )


def check_mapped_columns(mapping: dict[str, str], columns: list[str]) -> None:
    """Raise if a ``--map`` source column is in none of the inputs.

    A mapped column only needs to be in some of the files (files may differ); one that
    is in none of them is a typo, which must not be ignored silently (the run would go
    on with a column of the canonical name, if there is one).

    Args:
        mapping: The ``--map`` entries.
        columns: Every column name of every input (empty when no input declares any
            column, e.g. only empty files: then nothing is checked).

    Raises:
        MappingError: A source column is in no input.
    """
    if not columns:
        return
    present = set(columns)
    missing = [(name, source) for name, source in mapping.items() if source not in present]
    if not missing:
        return
    given = ", ".join(f"--map {name}={source}" for name, source in missing)
    absent = ", ".join(repr(source) for _, source in missing)
    found = ", ".join(repr(c) for c in columns)
    what = "a column" if len(missing) == 1 else "the columns"
    raise MappingError(f"{given}: no input has {what} {absent}. Columns found: {found}.")
