"""The researcher notebooks run top to bottom (stored without outputs)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

NOTEBOOKS = sorted((Path(__file__).resolve().parent.parent / "notebooks").glob("*.ipynb"))


def test_there_are_three_notebooks_stored_without_outputs():
    assert [p.stem for p in NOTEBOOKS] == ["01_screen_an_ad", "02_retrain", "03_error_analysis"]
    for path in NOTEBOOKS:
        cells = nbformat.read(path, as_version=4).cells
        assert all(not cell.get("outputs") and cell.get("execution_count") is None for cell in cells if cell.cell_type == "code")


@pytest.fixture(scope="module")
def kernel():
    """One kernel for the three notebooks: started, and `import screener` paid for, once.

    Each notebook starts from an empty namespace (`%reset -f` before its first cell), so a name
    that one notebook leaves behind cannot make another pass; modules stay imported, like in a
    kernel restarted by a reader who already ran another notebook.
    """
    from jupyter_client.manager import KernelManager

    # The kernel imports this checkout's package, whatever the working folder and PYTHONPATH.
    root = str(NOTEBOOKS[0].parent.parent)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")]))}
    manager = KernelManager(kernel_name="python3")
    manager.start_kernel(cwd=str(NOTEBOOKS[0].parent), env=env)
    yield manager
    manager.shutdown_kernel(now=True)


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs(kernel, path):
    notebook = nbformat.read(path, as_version=4)
    notebook.cells.insert(0, nbformat.v4.new_code_cell('get_ipython().run_line_magic("reset", "-f")\nimport os\nos.chdir(' + repr(str(path.parent)) + ")"))
    client = nbclient.NotebookClient(notebook, km=kernel, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}})
    client.execute()
    notebook.cells.pop(0)
    errors = [o for cell in notebook.cells for o in cell.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors
    assert any(cell.get("outputs") for cell in notebook.cells if cell.cell_type == "code")
