"""The one exception root of samesku."""


class SameskuError(Exception):
    """Base class of every error samesku raises on purpose."""


class InputError(SameskuError):
    """The input cannot be read at all (missing file, no title column, ...)."""


class ConfigError(SameskuError):
    """The configuration is invalid."""
