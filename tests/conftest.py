"""Shared fixtures: what is costly to build is built once per test session.

A spaCy pipeline takes seconds to build and a model bundle seconds to train, so the screener,
the extractors and a tiny trained bundle are session-scoped. Tests must treat them as read-only
(copy a bundle folder before changing it; make a fresh `Screener` before patching one).

`cli` runs the console entry point (`screener.cli.main`) in this process with typer's
`CliRunner`, so a command test costs no new interpreter, no imports and no pipeline build;
`test_cli.py` keeps one real subprocess for exit codes and the installed console script.
"""

from __future__ import annotations

import math
import os
import sys
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import settings

# The same hypothesis examples on every run, so that CI passes or fails for a reason; run with
# HYPOTHESIS_PROFILE=explore to draw new examples.
settings.register_profile("ci", derandomize=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
FIXTURES = TESTS / "fixtures"
MINI_CATALOGUE = str(FIXTURES / "catalogue")
BANKS = str(FIXTURES / "banks")
EXAMPLE_ADS = ROOT / "corpora" / "examples" / "ads.csv"

#: How the tiny bundle is made; `test_model` makes it again to show training is deterministic.
TINY_CORPUS = {"n": 400, "seed": 3, "banks": BANKS, "version": 1}
TINY_TRAINING = {"seed": 5, "name": "test-model", "version": "0.1"}


@pytest.fixture(scope="session")
def screener():
    """A `Screener` with the shipped model (read-only: make your own to patch it)."""
    from screener import Screener

    return Screener()


@pytest.fixture(scope="session")
def default_bundle():
    """The shipped model bundle, loaded once."""
    from screener import load_model

    return load_model()


@pytest.fixture(scope="session")
def extractor():
    """An `Extractor` of the shipped catalogue."""
    from screener import Extractor

    return Extractor()


@pytest.fixture(scope="session")
def mini_extractor():
    """An `Extractor` of the eight-indicator fixture catalogue (`fixtures/catalogue`)."""
    from screener import Extractor

    return Extractor(MINI_CATALOGUE)


@pytest.fixture(scope="session")
def tiny_corpus(tmp_path_factory):
    """A 400-ad corpus from the fixture banks (generator 1): train.csv, dev.csv, test.csv."""
    from screener.corpus import write_corpus

    folder = tmp_path_factory.mktemp("tiny-corpus")
    write_corpus(folder, **TINY_CORPUS)
    return folder


@pytest.fixture(scope="session")
def tiny_bundle(tiny_corpus, tmp_path_factory):
    """A model bundle trained once on `tiny_corpus` (read-only: copy it before changing it)."""
    from screener.training import train_bundle

    folder = tmp_path_factory.mktemp("tiny-bundle")
    train_bundle(tiny_corpus / "train.csv", folder, dev=tiny_corpus / "dev.csv", **TINY_TRAINING)
    return folder


@pytest.fixture(scope="session")
def tiny_screener(tiny_bundle):
    """A `Screener` of the tiny bundle."""
    from screener import Screener

    return Screener(tiny_bundle)


@dataclass(frozen=True)
class CliResult:
    """What one command left: its exit code and what it printed."""

    exit_code: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


def run_cli(*args: str) -> CliResult:
    """Run `screener ARGS` through the console entry point, in this process.

    `main` is called (not only the typer app) because it maps errors to exit codes: 2 for a
    `ScreenerError`, 1 for an internal error. typer's `CliRunner` isolates the streams.
    """
    from typer.testing import CliRunner

    from screener.cli import main

    runner = CliRunner()
    argv = sys.argv
    with runner.isolation() as streams:
        sys.argv = ["screener", *map(str, args)]
        try:
            main()
            code = 0
        except SystemExit as done:
            code = done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
        finally:
            sys.argv = argv
            sys.stdout.flush()
            sys.stderr.flush()
        out, err = streams[0].getvalue(), streams[1].getvalue()
    return CliResult(code, out.decode("utf-8", "replace"), err.decode("utf-8", "replace"))


@pytest.fixture()
def cli():
    """`cli("score", ...)` -> `CliResult`; see `run_cli`."""
    return run_cli


@contextmanager
def running(app, **config):
    """Run an ASGI `app` with uvicorn on a free loopback port in a background thread; yields its
    base URL and stops the server afterwards. `config` goes to `uvicorn.Config`."""
    import uvicorn

    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, **{"log_level": "warning", **config}))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)


def assert_close(a, b, path: str = "result") -> None:
    """`a` equals `b` (dicts with their keys in the same order), floats to 1e-9."""
    if isinstance(a, float) and isinstance(b, float):
        assert math.isclose(a, b, rel_tol=0, abs_tol=1e-9), path
    elif isinstance(a, dict):
        assert list(a) == list(b), path
        for key in a:
            assert_close(a[key], b[key], f"{path}.{key}")
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b), path
        for i, (x, y) in enumerate(zip(a, b)):
            assert_close(x, y, f"{path}[{i}]")
    else:
        assert a == b, path
