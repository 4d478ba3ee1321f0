"""screener: screen job, dating and marriage ads for indicators of trafficking recruitment.

The output is a suspicion for a person to review, never a verdict.

Names are imported on first use (PEP 562), so that ``import screener`` and ``screener --help``
do not load spaCy, scikit-learn and pandas.
"""

from importlib import import_module
from typing import TYPE_CHECKING

# Functions named like their modules are bound now (both modules are light): importing the
# submodule later would otherwise put the module where the function should be.
from screener.normalize import NormalizedText, normalize
from screener.redact import redact

__version__ = "0.1.0"

#: Public name -> the module that defines it.
_EXPORTS = {
    "score_file": "screener.batch",
    "score_frame": "screener.batch",
    "BundleError": "screener.errors",
    "CatalogueError": "screener.errors",
    "InputError": "screener.errors",
    "ScreenerError": "screener.errors",
    "MAX_TEXT_CHARS": "screener.evidence",
    "Extractor": "screener.evidence",
    "extract": "screener.evidence",
    "Catalogue": "screener.indicators",
    "Indicator": "screener.indicators",
    "load_catalogue": "screener.indicators",
    "ElementFinding": "screener.results",
    "IndicatorHit": "screener.results",
    "ScreeningResult": "screener.results",
    "Screener": "screener.screening",
    "load_model": "screener.screening",
    "screen": "screener.screening",
    "screen_batch": "screener.screening",
}

__all__ = ["__version__", "NormalizedText", "normalize", "redact", *sorted(_EXPORTS)]


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'screener' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))


if TYPE_CHECKING:  # for type checkers and editors
    from screener.batch import score_file, score_frame  # noqa: F401
    from screener.errors import BundleError, CatalogueError, InputError, ScreenerError  # noqa: F401
    from screener.evidence import MAX_TEXT_CHARS, Extractor, extract  # noqa: F401
    from screener.indicators import Catalogue, Indicator, load_catalogue  # noqa: F401
    from screener.results import ElementFinding, IndicatorHit, ScreeningResult  # noqa: F401
    from screener.screening import Screener, load_model, screen, screen_batch  # noqa: F401
