"""The ``screener`` command. Thin: each command parses its options and calls library functions.

Exit codes: 0 success, 2 bad usage or bad input, 1 internal error.
"""

from __future__ import annotations

import sys

import typer

from screener.cli import bundle, corpus
from screener.cli.catalogue import extract, indicators
from screener.cli.link import link
from screener.cli.models import compare, evaluate, fairness, robustness, train
from screener.cli.screen import score, screen
from screener.cli.serve import reviews, serve
from screener.errors import ScreenerError

__all__ = ["app", "main"]

app = typer.Typer(
    help="Screen job, dating and marriage ads for indicators of trafficking recruitment. "
    "Every flag is a suspicion for a person to review, never a verdict.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
for command in (indicators, extract, train, evaluate, compare, robustness, fairness, screen, score, link, serve):
    app.command(command.__name__)(command)
app.add_typer(corpus.app, name="corpus")
app.add_typer(bundle.app, name="bundle")
app.add_typer(reviews, name="reviews")


def main() -> None:
    """Entry point of the console script; maps errors to exit codes without tracebacks."""
    try:
        app()
    except ScreenerError as error:
        typer.echo(f"screener: error: {error}", err=True)
        sys.exit(2)
    except KeyboardInterrupt:
        typer.echo("screener: interrupted", err=True)
        sys.exit(130)
    except Exception as error:  # an internal error: say so, without ad text
        typer.echo(f"screener: internal error: {type(error).__name__}. Please report it.", err=True)
        sys.exit(1)
