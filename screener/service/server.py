"""Run the service with uvicorn: one server process, or several sharing the port and the database.

With ``workers > 1`` uvicorn starts the processes itself and each one makes its app with
`app_from_environment`, from the settings `serve` leaves in ``$SCREENER_SERVE`` (the API key
stays in the variable the user named, never copied).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from screener.errors import InputError, ScreenerError

__all__ = ["serve", "app_from_environment", "require_extra"]

_SETTINGS = "SCREENER_SERVE"


def require_extra() -> None:
    """Raise `ScreenerError` when FastAPI or uvicorn (the ``serve`` extra) is not installed."""
    try:
        import fastapi  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError as error:
        raise ScreenerError(f"the service needs the serve extra ({error.name} is not installed): pip install 'screener[serve]'") from None


def _api_key(variable: str | None) -> str | None:
    if variable is None:
        return None
    key = os.environ.get(variable, "")
    if not key:
        raise InputError(f"--api-key-env {variable}: that environment variable is not set or empty; set it to the key callers must send")
    return key


def app_from_environment():
    """The app of one worker process, from ``$SCREENER_SERVE`` (written by `serve`)."""
    from screener.service.app import create_app

    settings = json.loads(os.environ[_SETTINGS])
    return create_app(settings["model"], settings["profile"], settings["db"], _api_key(settings["api_key_env"]), settings["threads"])


def serve(
    host: str = "127.0.0.1",
    port: int = 8000,
    model: str | Path | None = None,
    profile: str = "balanced",
    db: str | Path = "reviews.sqlite",
    api_key_env: str | None = None,
    workers: int = 1,
    threads: int = 2,
    access_log: bool = True,
) -> None:
    """Serve until interrupted; see `screener.service.app.create_app` for the app.

    Raises
    ------
    ScreenerError
        If the serve extra is missing, the model cannot be loaded, the database cannot be
        opened, or `api_key_env` names an unset variable (all checked before listening).
    """
    require_extra()
    import uvicorn

    from screener.service.app import create_app

    key = _api_key(api_key_env)
    model = str(model) if model is not None else None
    if workers == 1:
        uvicorn.run(create_app(model, profile, db, key, threads), host=host, port=port, access_log=access_log, log_level="info")
        return
    create_app(model, profile, db, key, threads)  # fail here, once, rather than in every worker
    os.environ[_SETTINGS] = json.dumps({"model": model, "profile": profile, "db": str(db), "api_key_env": api_key_env, "threads": threads})
    uvicorn.run(
        "screener.service.server:app_from_environment", factory=True, host=host, port=port, workers=workers, access_log=access_log, log_level="info"
    )
