"""score_file(workers=2) from a script without a __main__ guard stops at once with a message (it used to hang)."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_unguarded_script_fails_fast_with_the_fix_in_the_message(tmp_path):
    (tmp_path / "ads.csv").write_text("text\nGirls wanted abroad, free flight\nNurse wanted\n")
    (tmp_path / "run.py").write_text('import screener\nscreener.score_file("ads.csv", "out.csv", workers=2, quiet=True)\n')
    done = subprocess.run([sys.executable, "run.py"], cwd=tmp_path, capture_output=True, text=True, timeout=300, env={"PYTHONPATH": str(ROOT), "PATH": ""})
    assert done.returncode != 0
    assert 'if __name__ == "__main__":' in done.stderr
    assert not (tmp_path / "out.csv").exists()
