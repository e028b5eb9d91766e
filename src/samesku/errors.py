"""The one exception root of samesku, and which errors are the user's invocation.

The command line turns these into exit codes (see :mod:`samesku.cli`):

- :class:`UsageError` (and its subclasses :class:`ConfigError` and :class:`MappingError`):
  the command was given something it cannot use (a bad option value, an unreadable or
  invalid config, a ``--map`` naming a column no input has): exit code 2.
- any other :class:`SameskuError`, e.g. :class:`InputError` (a missing or unreadable
  input file, a file in an unknown format or encoding): the run failed, exit code 1.
"""


class SameskuError(Exception):
    """Base class of every error samesku raises on purpose."""


class UsageError(SameskuError):
    """The invocation is wrong: an option, a config or a column mapping cannot be used."""


class InputError(SameskuError):
    """The input cannot be read at all (missing file, unknown format or encoding, ...)."""


class ConfigError(UsageError):
    """The configuration is invalid."""


class MappingError(InputError, UsageError):
    """The column mapping does not fit the input: a required column or a ``--map`` source
    column is not in it. An :class:`InputError` (raised while reading) that is a usage error."""


class StoreError(SameskuError):
    """A cluster store cannot be used: not a store, written by a newer samesku, or in use."""


class StoreBusyError(StoreError):
    """Another process holds the store (one writer at a time; readers wait for it too)."""
