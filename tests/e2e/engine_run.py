"""Execute one notebook with papermill and one engine, in a process of its own.

``python engine_run.py snabb|kernel IN.ipynb OUT.ipynb`` prints, as JSON, whether papermill
raised and, for a ``PapermillExecutionError``, the error's name and cell. The in-process
engine runs a notebook only in a fresh process; so the comparison runs both engines so.
"""

from __future__ import annotations

import json
import sys

import papermill
from papermill.exceptions import PapermillExecutionError

from kommunrapport.batch import engine


def main(name: str, source: str, target: str) -> None:
    engine.register()
    outcome: dict[str, object] = {"raised": None}
    try:
        papermill.execute_notebook(
            source,
            target,
            engine_name=engine.ENGINE_NAME if name == "snabb" else "nbclient",
            kernel_name="python3",
            parameters={"namnd": "bun"},
            progress_bar=False,
        )
    except PapermillExecutionError as exc:
        outcome = {"raised": type(exc).__name__, "ename": exc.ename, "cell": exc.cell_index}
    print(json.dumps(outcome))


if __name__ == "__main__":
    main(*sys.argv[1:4])
