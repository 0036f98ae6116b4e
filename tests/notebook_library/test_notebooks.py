"""Every chapter runs top to bottom as a notebook, as a student would run it.

Each chapter's MyST Markdown is converted with jupytext and executed by
nbclient in a fresh kernel with ``chapters/`` as the working folder.
"""

from __future__ import annotations

import jupytext
import nbclient
import pytest
import yaml

from conftest import REPO


def notebook_chapters() -> list[str]:
    """Chapters in the table of contents that are notebooks (they have a kernel)."""
    toc = yaml.safe_load((REPO / "_toc.yml").read_text(encoding="utf-8"))
    files = [toc["root"]] + [c["file"] for part in toc.get("parts", []) for c in part["chapters"]]
    found = []
    for name in files:
        text = (REPO / f"{name}.md").read_text(encoding="utf-8")
        front_matter = text.split("---")[1] if text.startswith("---") else ""
        if "kernelspec:" in front_matter:
            found.append(name)
    return found


def test_there_are_notebook_chapters():
    assert "chapters/_template" not in notebook_chapters()
    assert "chapters/timeline" in notebook_chapters()


@pytest.mark.parametrize("chapter", notebook_chapters() + ["chapters/_template"])
def test_chapter_runs_top_to_bottom(chapter):
    path = REPO / f"{chapter}.md"
    notebook = jupytext.read(path)
    client = nbclient.NotebookClient(
        notebook, timeout=300, kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute()  # raises CellExecutionError on any failing cell
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.get("outputs", [])]
    html = "".join(o.get("data", {}).get("text/html", "") for o in outputs)
    assert not [o for o in outputs if o.get("output_type") == "error"]
    charts = [o for o in outputs if 'application/vnd.walledoff.chart+json' in o.get('data', {})]
    assert charts, f"{chapter} drew no chart"
