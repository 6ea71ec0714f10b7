"""The in-process engine and papermill's standard one (nbclient with an ipykernel) run the
same notebooks and write the same notebook: outputs, in the cell that wrote them, execution
counts, cell status, errors and the language. The only differences allowed are those of two
processes (a pid, an address) and the order of stdout against stderr, which ipykernel does
not keep and the in-process engine does."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import nbformat
import pytest

pytestmark = pytest.mark.slow

RUN = Path(__file__).with_name("engine_run.py")
ENGINES = ("snabb", "kernel")
ANSI = re.compile(r"\x1b\[[0-9;]*m")
PROCESS_NOISE = [
    (re.compile(r"ipykernel_\d+"), "ipykernel_PID"),
    (re.compile(r"0x[0-9a-f]+"), "0x"),
]


def code(source: str, *tags: str) -> Any:
    return nbformat.v4.new_code_cell(source, metadata={"tags": list(tags)} if tags else {})


NOTEBOOKS: dict[str, list[Any]] = {
    "strommar": [
        code("namnd = 'x'", "parameters"),
        code(
            "import logging, sys, warnings\n"
            "logging.basicConfig(format='%(levelname)s %(message)s')\n"
            "print('a', end='')\nprint('b')"
        ),
        code(
            "print('out1')\nprint('err1', file=sys.stderr)\nprint('out2')\n"
            "logging.warning('late')\nwarnings.warn('careful')"
        ),
        code("!echo shell"),
        code(
            "sys.stdout.write('w'); sys.stdout.flush(); sys.stderr.writelines(['l1\\n', 'l2\\n'])"
        ),
        code(
            "import threading\n"
            "t = threading.Thread(target=lambda: print('from thread'))\nt.start(); t.join()"
        ),
        code("print(hasattr(sys.stdout, 'buffer'), sys.stdout.isatty(), sys.stdout.encoding)"),
        code("%%capture cap\nprint('hidden')"),
        code("print(repr(cap.stdout), namnd)"),
    ],
    "visning": [
        code(
            "from IPython.display import display, clear_output, Markdown, HTML\n"
            "h = display('first', display_id=True)\ndisplay(Markdown('**md**'))"
        ),
        code("h.update('second')\nh2 = display('again', display_id=h.display_id)"),
        code("print('gone')\nclear_output()\nprint('kept')"),
        code("print('gone too')\nclear_output(wait=True)\nprint('after wait')"),
        code(
            "class R:\n    def _repr_html_(self): return '<b>r</b>'\n"
            "    def __repr__(self): return 'R()'\nR()"
        ),
        code("import matplotlib.pyplot as plt\nplt.plot([1, 2, 3])"),
        code("display(HTML('<i>x</i>'), display_id='fixed')\n42"),
        code(
            "from IPython.display import update_display\nupdate_display('no such', display_id='x')"
        ),
    ],
    "fel": [
        code(""),
        code("1/0", "raises-exception"),
        code("  \n"),
        code("y = 2\ny"),
        code("def f(:\n    pass"),
        code("print('never')"),
    ],
    "fel_i_cell": [
        code("raise ValueError('bad value')"),
        code("print('never')"),
    ],
    "trad": [  # a thread's output goes to the cell running when it writes, as in a kernel
        code(
            "import logging, threading, time\n"
            "def late():\n    time.sleep(1)\n    print('thread says')\n"
            "    logging.getLogger().warning('thread logs')\n"
            "threading.Thread(target=late).start()"
        ),
        code("time.sleep(2.5)\nprint('b done')"),
    ],
    "sys_exit": [
        code("import sys\nprint('bye')\nsys.exit(0)"),
        code("print('after exit')"),
    ],
    "indata": [
        code("try:\n    input('?')\nexcept Exception as e:\n    print(type(e).__name__, e)"),
        code(
            "import getpass\ntry:\n    getpass.getpass()\n"
            "except Exception as e:\n    print(type(e).__name__, e)"
        ),
        code("%pwd"),
    ],
}


def _text(value: str | list[str]) -> str:
    return "".join(value) if isinstance(value, list) else value


def _clean(text: str) -> str:
    text = ANSI.sub("", text)
    for pattern, replacement in PROCESS_NOISE:
        text = pattern.sub(replacement, text)
    return text


def normalised(path: Path) -> dict[str, Any]:
    """What the comparison looks at (see the module docstring)."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    cells = []
    for cell in nb["cells"]:
        streams: dict[str, str] = {}
        others = []
        for o in cell.get("outputs", []):
            if o["output_type"] == "stream":
                streams[o["name"]] = streams.get(o["name"], "") + _clean(_text(o["text"]))
            elif o["output_type"] == "error":
                tb = [_clean(line) for line in o["traceback"]]
                others.append(("error", o["ename"], _clean(o["evalue"]), tb))
            else:
                data = {
                    k: "png" if k == "image/png" else _clean(_text(v)) for k, v in o["data"].items()
                }
                others.append((o["output_type"], data, o["metadata"], o.get("execution_count")))
        cells.append(
            {
                "type": cell["cell_type"],
                "tags": cell["metadata"].get("tags", []),
                "source": _clean(_text(cell["source"])),
                "count": cell.get("execution_count"),
                "status": cell["metadata"].get("papermill", {}).get("status"),
                "streams": streams,
                "outputs": others,
            }
        )
    return {
        "language_info": nb["metadata"].get("language_info"),
        "failed": nb["metadata"]["papermill"].get("exception"),
        "cells": cells,
    }


@pytest.fixture(scope="module")
def executed(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Any]:
    """Every notebook run by both engines, all at once (one process each)."""
    folder = tmp_path_factory.mktemp("motorer")
    runs = {}
    for name, cells in NOTEBOOKS.items():
        nb = nbformat.v4.new_notebook(
            metadata={
                "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}
            }
        )
        nb.cells = cells
        source = folder / f"{name}.ipynb"
        nbformat.write(nb, source)
        for engine in ENGINES:
            target = folder / f"{name}.{engine}.ipynb"
            process = subprocess.Popen(
                [sys.executable, str(RUN), engine, str(source), str(target)],
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                cwd=folder,
                text=True,
            )
            runs[name, engine] = (process, target)
    results = {}
    for key, (process, target) in runs.items():
        stdout, _ = process.communicate(timeout=240)
        assert process.returncode == 0, (key, stdout)
        results[key] = (json.loads(stdout.splitlines()[-1]), target)
    return results


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_both_engines_write_the_same_notebook(
    executed: dict[tuple[str, str], Any], name: str
) -> None:
    (fast_outcome, fast), (kernel_outcome, kernel) = (executed[name, e] for e in ENGINES)
    assert fast_outcome == kernel_outcome
    fast_nb, kernel_nb = normalised(fast), normalised(kernel)
    assert fast_nb["language_info"] == kernel_nb["language_info"]
    assert fast_nb["failed"] == kernel_nb["failed"]
    assert len(fast_nb["cells"]) == len(kernel_nb["cells"])
    for index, (ours, theirs) in enumerate(zip(fast_nb["cells"], kernel_nb["cells"], strict=True)):
        assert ours == theirs, f"cell {index}"


def cells(executed: dict[tuple[str, str], Any], name: str) -> list[dict[str, Any]]:
    """The in-process engine's code cells of the notebook, as written (not papermill's)."""
    nb = normalised(executed[name, "snabb"][1])
    return [
        c for c in nb["cells"] if c["type"] == "code" and "injected-parameters" not in c["tags"]
    ]


def test_output_is_in_the_cell_that_wrote_it(executed: dict[tuple[str, str], Any]) -> None:
    got = cells(executed, "strommar")
    assert got[1]["streams"] == {"stdout": "ab\n"}  # basicConfig's handler was made here
    assert got[2]["streams"]["stderr"].startswith("err1\nWARNING late\n")  # but logs here
    assert "UserWarning: careful" in got[2]["streams"]["stderr"]
    assert got[3]["streams"] == {"stdout": "shell\r\n"}  # through a pty, as in a kernel
    assert got[5]["streams"] == {"stdout": "from thread\n"}
    assert got[8]["streams"] == {"stdout": "'hidden\\n' bun\n"}
    later = cells(executed, "trad")
    assert later[0]["streams"] == {}
    assert later[1]["streams"] == {"stdout": "thread says\nb done\n", "stderr": "thread logs\n"}


def test_stdout_and_stderr_keep_the_order_they_were_written_in(
    executed: dict[tuple[str, str], Any],
) -> None:
    nb = json.loads(executed["strommar", "snabb"][1].read_text(encoding="utf-8"))
    cell = next(c for c in nb["cells"] if "err1" in _text(c["source"]))
    assert [(o["name"], _text(o["text"])[:5]) for o in cell["outputs"]] == [
        ("stdout", "out1\n"),
        ("stderr", "err1\n"),
        ("stdout", "out2\n"),
        ("stderr", "WARNI"),
    ]


def test_displays_update_in_place_and_errors_follow_their_tags(
    executed: dict[tuple[str, str], Any],
) -> None:
    shown = cells(executed, "visning")
    assert shown[0]["outputs"][0][1] == {"text/plain": "'again'"}  # updated twice, in place
    assert [o[1] for o in shown[1]["outputs"]] == [{"text/plain": "'again'"}]
    assert shown[2]["streams"] == {"stdout": "kept\n"}
    assert shown[3]["streams"] == {"stdout": "after wait\n"}
    assert shown[7]["outputs"] == []  # an update of an id never shown changes nothing
    fel = cells(executed, "fel")
    assert [c["count"] for c in fel] == [None, 2, None, 3, 4, None]  # papermill's cell is In [1]
    assert [c["status"] for c in fel] == [
        "completed",
        "completed",
        "completed",
        "completed",
        "failed",
        "pending",
    ]
    assert fel[1]["outputs"][0][1] == "ZeroDivisionError"  # recorded, and the notebook went on
    syntax = fel[4]["outputs"][0]
    assert syntax[1] == "SyntaxError"
    assert re.fullmatch(r"invalid syntax \(\d+\.py, line 1\)", syntax[2])  # ipykernel's name
    assert executed["fel", "snabb"][0] == {
        "raised": "PapermillExecutionError",
        "ename": "SyntaxError",
        "cell": 5,  # papermill's index: after the cell it injected
    }
