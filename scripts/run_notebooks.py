"""Execute every notebook of an unzipped notebook archive, as a student would.

Run with the Python of an environment made from ``requirements-notebooks.txt``
(the download test does): ``python scripts/run_notebooks.py <archive folder>``.
Prints one JSON report: per notebook, its errors, the mime types of each
chart output, and whether each chart's Vega-Lite v5 spec compiles with
Vega-Lite 5 (what JupyterLab's own renderer uses).
"""

import json
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

V5 = "application/vnd.vegalite.v5+json"


def run(path: Path) -> dict:
    import vl_convert

    notebook = nbformat.read(path, as_version=4)
    started = time.monotonic()
    error = ""
    try:
        NotebookClient(notebook, timeout=300, kernel_name="python3",
                       resources={"metadata": {"path": str(path.parent)}}).execute()
    except CellExecutionError as exc:  # the first error, as the student reads it
        error = f"{exc.ename}: {exc.evalue}"
    charts, compiled = [], []
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if any("vegalite" in mime for mime in data):
                charts.append(sorted(data))
                if V5 in data:
                    vl_convert.vegalite_to_vega(data[V5], vl_version="5.21")
                    compiled.append(True)
    return {"error": error, "charts": charts, "compiled_v5": len(compiled),
            "seconds": round(time.monotonic() - started, 1)}


if __name__ == "__main__":
    folder = Path(sys.argv[1])
    targets = sorted((folder / "chapters").glob("*.ipynb")) if len(sys.argv) < 3 else [Path(sys.argv[2])]
    print(json.dumps({p.name: run(p) for p in targets}))
