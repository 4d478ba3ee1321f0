"""The moderators' service: screening over HTTP, a reviews store and the review page.

`create_app` (in `screener.service.app`) needs the ``serve`` extra (FastAPI, uvicorn); the
reviews store (`screener.service.reviews`) and its export (`screener.service.export`) need only
the standard library, so ``screener reviews export`` works without the extra. Names are
imported on first use (PEP 562) for that reason.
"""

from importlib import import_module
from typing import TYPE_CHECKING

__all__ = ["create_app", "ReviewStore", "write_export"]

_EXPORTS = {"create_app": "screener.service.app", "ReviewStore": "screener.service.reviews", "write_export": "screener.service.export"}


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'screener.service' has no attribute {name!r}")
    return getattr(import_module(module), name)


if TYPE_CHECKING:
    from screener.service.app import create_app  # noqa: F401
    from screener.service.export import write_export  # noqa: F401
    from screener.service.reviews import ReviewStore  # noqa: F401
