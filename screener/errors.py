"""The exceptions screener raises. Messages say what was given, what was expected, how to fix it."""

from __future__ import annotations

__all__ = ["ScreenerError", "CatalogueError", "InputError", "BundleError"]


class ScreenerError(Exception):
    """Base class of every error screener raises on purpose."""


class CatalogueError(ScreenerError):
    """A data file (indicator catalogue, legal elements, negation cues) is invalid."""


class InputError(ScreenerError, ValueError):
    """Input given to a command or function cannot be used as it is."""


class BundleError(ScreenerError):
    """A model bundle is missing, foreign, or altered."""
