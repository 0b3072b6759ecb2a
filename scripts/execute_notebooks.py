"""Re-execute committed notebooks in place (``make notebooks``).

Each notebook runs in a fresh ``python3`` kernel with ``PYTHONHASHSEED=0`` and
its own directory as cwd (as nbval runs it). The file is replaced only when
every cell succeeded; on failure the committed notebook stays as it was and the
failing cell is reported.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError


def execute(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        kernel_name="python3",
        timeout=600,
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute()
    # Widget state is not stored (it would hold every PNG the explorer drew), so a
    # stored widget could only show "model not found" or a stale text dump: a widget's
    # output is dropped, and the notebook opens clean. This also keeps random model ids
    # out of the committed diff.
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        if "outputs" in cell:
            cell.outputs = [
                output
                for output in cell.outputs
                if "application/vnd.jupyter.widget-view+json" not in output.get("data", {})
            ]
    tmp = path.with_suffix(".ipynb.tmp")
    nbformat.write(nb, tmp)
    os.replace(tmp, path)


def main(argv: list[str]) -> int:
    os.environ["PYTHONHASHSEED"] = "0"
    status = 0
    for name in argv:
        path = Path(name)
        try:
            execute(path)
        except CellExecutionError as exc:
            print(
                f"{path}: a cell failed; the committed notebook is unchanged\n{exc}",
                file=sys.stderr,
            )
            status = 1
            continue
        print(f"executed {path}")
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
