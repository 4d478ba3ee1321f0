"""The ``screener bundle`` commands: model bundles of older formats."""

from __future__ import annotations

from pathlib import Path

import typer

__all__ = ["app"]

app = typer.Typer(help="Convert model bundles of older formats.", no_args_is_help=True)


@app.command("upgrade")
def bundle_upgrade(
    old: Path = typer.Argument(..., help="A format-2 bundle folder (model.joblib, manifest.json)."),
    new: Path = typer.Argument(..., help="The folder to write the format-3 bundle into."),
    trust: bool = typer.Option(False, "--trust", help="Unpickle model.joblib; unpickling runs code, so only for a bundle you made or trust."),
) -> None:
    """Convert a format-2 bundle (a pickle) to the pickle-free format with the same model, after checking its digests."""
    from screener.legacy import upgrade_bundle

    manifest = upgrade_bundle(old, new, trust=trust)
    typer.echo(f"wrote {new} (model sha256 {manifest['model_sha256'][:12]}...)")
