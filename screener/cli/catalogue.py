"""The catalogue commands: list or check the indicators, print the evidence found in ads."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer

from screener.cli.common import fail, read_stdin, read_texts

__all__ = ["indicators", "extract"]


def indicators(
    element: Optional[str] = typer.Option(None, "--element", help="Only indicators of this element: ACT, MEANS or PURPOSE."),
    as_json: bool = typer.Option(False, "--json", help="Print the catalogue as JSON lines instead of a table."),
    check: bool = typer.Option(False, "--check", help="Run every example of the catalogue; exit 2 if any fails."),
    catalogue: Optional[Path] = typer.Option(None, "--catalogue", help="A catalogue folder of *.yaml files (default: the shipped one)."),
) -> None:
    """List the indicator catalogue, or check that its examples hold."""
    from screener.evidence import Extractor
    from screener.indicators import load_catalogue
    from screener.legal import ELEMENTS

    if element is not None and element.upper() not in ELEMENTS:
        fail(f"--element {element!r} is not an element; use one of {', '.join(ELEMENTS)}")
    if catalogue is not None and not catalogue.is_dir():
        fail(f"--catalogue {catalogue} is not a folder; give a folder of indicator *.yaml files")
    folder = str(catalogue) if catalogue is not None else ""
    loaded = load_catalogue(folder or None)
    if check:
        failures = Extractor(folder).check_examples()
        examples = sum(len(i.positive_examples) + len(i.negative_examples) for i in loaded)
        for failure in failures:
            typer.echo(failure)
        typer.echo(f"{len(loaded)} indicators, {examples} examples, {len(failures)} failing (catalogue {loaded.version})")
        raise typer.Exit(2 if failures else 0)
    selected = [i for i in loaded if element is None or i.element == element.upper()]
    for indicator in selected:
        if as_json:
            typer.echo(
                json.dumps(
                    {
                        "id": indicator.id,
                        "label": indicator.label,
                        "element": indicator.element,
                        "sub_element": indicator.sub_element,
                        "ilo": list(indicator.ilo),
                        "strength": indicator.strength,
                        "ad_types": list(indicator.ad_types),
                        "child": indicator.child,
                        "description": indicator.description,
                        "patterns": [pattern.text for pattern in indicator.patterns],
                        "signals": list(indicator.signals),
                    },
                    ensure_ascii=False,
                )
            )
        else:
            child = " [child]" if indicator.child else ""
            typer.echo(f"{indicator.element:<8} {indicator.sub_element:<24} {indicator.strength:<7} {indicator.id:<34} {indicator.label}{child}")
    if not as_json:
        typer.echo(f"{len(selected)} of {len(loaded)} indicators (catalogue {loaded.version})", err=True)


def extract(
    text: Optional[str] = typer.Argument(None, help="One ad text, or - to read it from standard input. Omit it and give --csv to read a file."),
    csv: Optional[Path] = typer.Option(None, "--csv", help="A CSV file of ads; hits are printed per row."),
    text_column: str = typer.Option("text", "--text-column", help="The CSV column holding the ad text."),
    id_column: Optional[str] = typer.Option(None, "--id-column", help="A CSV column to name rows by (default: row number)."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object per ad."),
) -> None:
    """Print the indicator evidence found in an ad or in each ad of a CSV file."""

    from screener.evidence import Extractor
    from screener.legal import ELEMENTS

    if (text is None) == (csv is None):
        fail("give either one ad TEXT or --csv FILE")
    if csv is not None:
        names, texts = read_texts(csv, text_column, id_column)
    else:
        names, texts = ["1"], [read_stdin() if text == "-" else text]
    extractor = Extractor()
    for name, ad, hits in zip(names, texts, extractor.extract_many(texts)):
        if as_json:
            typer.echo(json.dumps({"id": name, "hits": [h.to_dict() for h in hits]}, ensure_ascii=False))
            continue
        found = [h for h in hits if not h.negated]
        elements = sorted({h.element for h in found}, key=ELEMENTS.index)
        typer.echo(f"[{name}] {len(found)} hit(s); elements: {', '.join(elements) or '-'}")
        for hit in hits:
            mark = "  (negated)" if hit.negated else ""
            typer.echo(f"    {hit.element:<8} {hit.indicator:<32} {hit.start:>5}-{hit.end:<5} {hit.text!r}{mark}")
