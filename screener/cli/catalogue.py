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
    stats: Optional[list[Path]] = typer.Option(None, "--stats", help="Files of ads (repeat for several): print how many ads per 1,000 each indicator fires on, per file. Run it on real legitimate ads to find indicators that need narrowing."),
    text_column: str = typer.Option("text", "--text-column", help="With --stats: the column holding the ad text."),
) -> None:
    """List the indicator catalogue, check that its examples hold, or measure how often indicators fire."""
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
    if stats:
        _print_firing_rates(Extractor(folder), selected, stats, text_column)
        return
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
                        "unless": [pattern.text for pattern in indicator.unless],
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


def _print_firing_rates(extractor, selected, files: list[Path], text_column: str) -> None:
    """Per 1,000 ads of each file, how many have a non-negated hit of each selected indicator."""
    from collections import Counter

    rates = {}
    for path in files:
        _, texts = read_texts(path, text_column, None)
        fired = Counter(ind for hits in extractor.extract_many(texts) for ind in {h.indicator for h in hits if not h.negated})
        rates[path.name] = {i.id: 1000 * fired[i.id] / max(len(texts), 1) for i in selected}
    names = list(rates)
    typer.echo(f"{'indicator':<40} {'element':<8} {'strength':<8} " + " ".join(f"{n[:14]:>14}" for n in names))
    for indicator in sorted(selected, key=lambda i: -max(rates[n][i.id] for n in names)):
        if any(rates[n][indicator.id] for n in names):
            cells = " ".join(f"{rates[n][indicator.id]:>14.1f}" for n in names)
            typer.echo(f"{indicator.id:<40} {indicator.element:<8} {indicator.strength:<8} {cells}")
    typer.echo("ads per 1,000 with a non-negated hit of the indicator", err=True)
