"""The ``serve`` command (the moderators' service) and ``screener reviews export``."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from screener.cli.common import Profile

__all__ = ["serve", "reviews"]

reviews = typer.Typer(help="The moderators' reviews recorded by `screener serve`.", no_args_is_help=True)


def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on; 127.0.0.1 keeps the service on this machine."),
    port: int = typer.Option(8000, "--port", min=1, max=65535, help="Port to listen on."),
    model: Optional[Path] = typer.Option(None, "--model", help="A model bundle folder (default: $SCREENER_MODEL or the shipped model)."),
    profile: Profile = typer.Option(Profile.balanced, "--profile", metavar="<str>", help="Threshold profile when a request names none: balanced, high_precision or high_recall."),
    db: Path = typer.Option(Path("reviews.sqlite"), "--db", help="SQLite file that keeps the reviews (created if missing). It holds ad texts."),
    api_key_env: Optional[str] = typer.Option(None, "--api-key-env", metavar="VAR", help="Name of an environment variable holding an API key: every /v1 call must then send it in the X-API-Key header."),
    workers: int = typer.Option(1, "--workers", min=1, help="Server processes; one per core (each loads the model once)."),
    threads: int = typer.Option(1, "--threads", min=1, help="Screening threads per server process (the work holds the GIL: more only add switching)."),
    access_log: bool = typer.Option(True, "--access-log/--no-access-log", help="Log one line per request (method, path, status; never ad text)."),
) -> None:
    """Serve screening over HTTP and the review page (at /; API docs at /docs). Needs the serve extra."""
    from screener.service.server import serve as run

    typer.echo(f"screener: serving on http://{host}:{port}/ (reviews in {db}); Ctrl+C stops", err=True)
    run(host, port, model, profile.value, db, api_key_env, workers, threads, access_log)


@reviews.command("export")
def export(
    db: Path = typer.Option(Path("reviews.sqlite"), "--db", help="The reviews database written by `screener serve`."),
    out: Path = typer.Option(..., "--out", "-o", help="CSV to write: text, label, ad_type, elements, decision, note, reviewed_at, model, ..."),
) -> None:
    """Export the reviews as a CSV that `screener train --data` reads (unsure rows have no label and are skipped)."""
    from screener.service.export import write_export

    typer.echo(f"wrote {out} ({write_export(db, out)} reviews)")
