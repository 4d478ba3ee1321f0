"""The wheel carries everything `screen()` needs: catalogue, data, scenarios and the default model."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent


@pytest.mark.slow
def test_screen_works_from_the_installed_wheel(tmp_path):
    wheels, site = tmp_path / "wheels", tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", str(ROOT), "-w", str(wheels)], check=True)
    (wheel,) = wheels.glob("screener-*.whl")
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(site), str(wheel)], check=True)
    # The dependencies come from this environment; the package itself only from the wheel.
    code = (
        "import screener, sys; assert screener.__file__.startswith(sys.argv[1]), screener.__file__; "
        "r = screener.screen('Girls 18-25 wanted abroad, free ticket, salary deducted until the debt is paid'); "
        "print(r.flagged, r.model.name)"
    )
    env = {**os.environ, "PYTHONPATH": str(site)}
    env.pop("SCREENER_MODEL", None)
    done = subprocess.run([sys.executable, "-c", code, str(site)], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True", "default"]
