"""What the commands share: the error exit, the choices of options, and reading ads from a table.

Light on purpose: ``screener --help`` imports it, so heavy libraries are imported inside functions.
"""

from __future__ import annotations

import sys

from enum import Enum
from pathlib import Path
from typing import NoReturn, Optional

import typer

from screener.errors import InputError
from screener.results import PROFILES
from screener.tables import FORMATS

__all__ = ["fail", "Profile", "Engine", "TableFormat", "read_texts"]

# The help text of each option names its choices, so the options show `metavar="<str>"` as before.
#: Threshold profiles (`screener.results.PROFILES`) as a choice of ``--profile``.
Profile = Enum("Profile", [(name, name) for name in PROFILES], type=str)
#: Batch engines as a choice of ``--engine``.
Engine = Enum("Engine", [(name, name) for name in ("local", "dask")], type=str)
#: Table formats (`screener.tables.FORMATS`) as a choice of ``--format``.
TableFormat = Enum("TableFormat", [(name, name) for name in FORMATS], type=str)


def fail(message: str, code: int = 2) -> NoReturn:
    """Print ``screener: error: message`` to standard error and exit with `code`."""
    typer.echo(f"screener: error: {message}", err=True)
    raise typer.Exit(code)


def read_texts(csv: Path, text_column: str, id_column: Optional[str]) -> tuple[list[str], list[str]]:
    """Row names (the `id_column`, else row numbers from 1) and texts of a CSV file; exit 2 when it
    cannot be read or lacks a column."""
    from screener.tables import read_table

    try:
        frame = read_table(csv, [text_column, *([id_column] if id_column else [])], fmt="csv", hint="use --text-column or --id-column")
    except InputError as error:
        fail(str(error))
    names = frame[id_column].tolist() if id_column else [str(n) for n in range(1, len(frame) + 1)]
    return names, frame[text_column].tolist()


def read_stdin() -> str:
    """Standard input as UTF-8 text; exit 2 when it is not UTF-8."""
    data = sys.stdin.buffer.read()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        fail(f"standard input is not valid UTF-8 (byte {error.start}); convert it first, e.g. iconv -f latin1 -t utf-8")
