"""screener: screen job, dating and marriage ads for indicators of trafficking recruitment.

The output is a suspicion for a person to review, never a verdict.
"""

from screener.batch import score_file, score_frame
from screener.bundle import BundleError
from screener.errors import CatalogueError, InputError, ScreenerError
from screener.evidence import MAX_TEXT_CHARS, Extractor, extract
from screener.indicators import Catalogue, Indicator, load_catalogue
from screener.normalize import NormalizedText, normalize
from screener.redact import redact
from screener.results import ElementFinding, IndicatorHit, ScreeningResult
from screener.screening import Screener, load_model, screen, screen_batch

__version__ = "0.1.0"

__all__ = [
    "MAX_TEXT_CHARS",
    "BundleError",
    "Catalogue",
    "CatalogueError",
    "Extractor",
    "Indicator",
    "IndicatorHit",
    "InputError",
    "NormalizedText",
    "ScreenerError",
    "__version__",
    "ElementFinding",
    "Screener",
    "ScreeningResult",
    "extract",
    "load_catalogue",
    "load_model",
    "normalize",
    "redact",
    "screen",
    "screen_batch",
    "score_file",
    "score_frame",
]
