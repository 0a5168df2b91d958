"""The notebooks run top to bottom on what the project ships (so they never rot)."""

from pathlib import Path

import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parents[2] / "notebooks").glob("*.ipynb"))
# what each notebook prints when it worked (a notebook not listed here must print a type label)
MARKERS = {
    "01_quickstart.ipynb": "timeliness",
    "02_batch_and_trends.ipynb": "planted spike found: logistics",
    "03_retrain_on_your_labels.ipynb": "macro",
}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_executes(path, tmp_path):
    nbformat = pytest.importorskip("nbformat", reason="notebook tests need the dev extras: pip install -e '.[dev]'")
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code"), "commit notebooks with outputs stripped"
    NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    text = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []))
    marker = MARKERS.get(path.name, "timeliness")
    assert marker in text, f"{path.name} ran but its output lacks {marker!r}"


def test_there_is_a_notebook():
    assert NOTEBOOKS, "notebooks/ holds the executed examples"
