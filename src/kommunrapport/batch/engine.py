"""A papermill engine that runs a notebook's cells in this very process.

Starting a Jupyter kernel costs 1–2 s and the imports (pandas, matplotlib) as much
again, per notebook. The batch runner therefore executes each job in a fresh process
forked from a server that has those modules imported already (see :mod:`batch`), and
this engine runs the cells there in a new IPython shell. Nothing leaks between jobs:
every job has its own process, and the forking server never runs user code.

Outputs are captured the way ipykernel publishes them: ``stream``, ``display_data``,
``execute_result`` and ``error`` (with the formatted traceback), so papermill's own error
handling (``PapermillExecutionError`` naming the cell) works unchanged.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any, TextIO, cast

from IPython.core.displayhook import DisplayHook
from IPython.core.displaypub import DisplayPublisher
from IPython.core.interactiveshell import InteractiveShell
from nbformat import NotebookNode
from papermill.engines import Engine, papermill_engines

ENGINE_NAME = "kommunrapport"

CellHook = Callable[[int, int], None]
"""Called with (index of the code cell, number of code cells) before each cell runs."""

_cell_hook: CellHook | None = None
_node = cast(Callable[..., NotebookNode], NotebookNode)


def set_cell_hook(hook: CellHook | None) -> None:
    """Report progress per cell (the batch runner's progress bars use this)."""
    global _cell_hook
    _cell_hook = hook


class _Sink:
    """Collects outputs in order, merging consecutive stream text like Jupyter does."""

    def __init__(self) -> None:
        self.outputs: list[NotebookNode] = []

    def stream(self, name: str, text: str) -> None:
        if not text:
            return
        last = self.outputs[-1] if self.outputs else None
        if last is not None and last.output_type == "stream" and last.name == name:
            last.text += text
        else:
            self.outputs.append(_node(output_type="stream", name=name, text=text))

    def display(self, data: dict[str, Any], metadata: dict[str, Any]) -> None:
        self.outputs.append(_node(output_type="display_data", data=data, metadata=metadata))

    def result(self, count: int, data: dict[str, Any], metadata: dict[str, Any]) -> None:
        self.outputs.append(
            _node(
                output_type="execute_result",
                data=data,
                metadata=metadata,
                execution_count=count,
            )
        )

    def error(self, ename: str, evalue: str, traceback: list[str]) -> None:
        self.outputs.append(
            _node(output_type="error", ename=ename, evalue=evalue, traceback=traceback)
        )


class _Stream:
    def __init__(self, sink: _Sink, name: str) -> None:
        self._sink = sink
        self._name = name
        self.encoding = "utf-8"

    def write(self, text: str) -> int:
        self._sink.stream(self._name, text)
        return len(text)

    def flush(self) -> None:
        return None

    def isatty(self) -> bool:
        return False


class _Publisher(DisplayPublisher):
    sink: _Sink | None = None

    def publish(
        self,
        data: dict[str, Any],
        metadata: dict[str, Any] | None = None,
        source: str | None = None,
        *,
        transient: dict[str, Any] | None = None,
        update: bool = False,
        **kwargs: Any,
    ) -> None:
        if self.sink is not None:
            self.sink.display(data, metadata or {})

    def clear_output(self, wait: bool = False) -> None:
        if self.sink is not None:
            self.sink.outputs.clear()


class _Hook(DisplayHook):
    sink: _Sink | None = None

    def start_displayhook(self) -> None:
        self._data: dict[str, Any] = {}
        self._metadata: dict[str, Any] = {}

    def write_output_prompt(self) -> None:
        return None

    def write_format_data(
        self, format_dict: dict[str, Any], md_dict: dict[str, Any] | None = None
    ) -> None:
        self._data = format_dict
        self._metadata = md_dict or {}

    def finish_displayhook(self) -> None:
        if self.sink is not None and self._data:
            self.sink.result(int(self.prompt_count), self._data, self._metadata)
        self._data = {}


class _Shell(InteractiveShell):
    displayhook_class = _Hook
    display_pub_class = _Publisher
    sink: _Sink | None = None

    def enable_gui(self, gui: str | None = None) -> None:
        return None  # no event loop: figures are rendered inline

    def _showtraceback(self, etype: Any, evalue: Any, stb: list[str]) -> None:
        if self.sink is not None:
            name = getattr(etype, "__name__", str(etype))
            self.sink.error(name, str(evalue), list(stb))

    def run_captured(self, source: str) -> tuple[list[NotebookNode], bool]:
        sink = _Sink()
        self.sink = sink
        hook, publisher = self.displayhook, self.display_pub
        assert isinstance(hook, _Hook) and isinstance(publisher, _Publisher)
        hook.sink = sink
        publisher.sink = sink
        saved = sys.stdout, sys.stderr
        sys.stdout = cast(TextIO, _Stream(sink, "stdout"))
        sys.stderr = cast(TextIO, _Stream(sink, "stderr"))
        try:
            result = self.run_cell(  # type: ignore[no-untyped-call]
                source, store_history=True, silent=False
            )
        finally:
            sys.stdout, sys.stderr = saved
            self.sink = None
        return sink.outputs, not result.success


def new_shell() -> _Shell:
    """A fresh IPython shell with matplotlib's inline backend, as a Jupyter kernel has."""
    if _Shell.initialized():
        raise RuntimeError("kommunrapport-motorn kör redan en anteckningsbok i denna process.")
    shell = _Shell.instance(colors="nocolor")
    shell.enable_matplotlib("inline")  # type: ignore[no-untyped-call]
    return shell


class InProcessEngine(Engine):  # type: ignore[misc]
    """papermill engine: execute the managed notebook's cells in a fresh IPython shell."""

    @classmethod
    def execute_managed_notebook(
        cls, nb_man: Any, kernel_name: str, log_output: bool = False, **kwargs: Any
    ) -> None:
        shell = new_shell()
        cells = nb_man.nb.cells
        code_cells = [i for i, c in enumerate(cells) if c.cell_type == "code"]
        for position, index in enumerate(code_cells):
            cell = cells[index]
            if _cell_hook is not None:
                _cell_hook(position, len(code_cells))
            nb_man.cell_start(cell, index)
            try:
                outputs, failed = shell.run_captured(cell.source)
                cell.outputs = outputs
                cell.execution_count = shell.execution_count - 1
                if failed:
                    nb_man.cell_exception(cell, cell_index=index, exception=None)
                    break
            finally:
                nb_man.cell_complete(cell, cell_index=index)


def register() -> None:
    """Make the engine known to papermill under :data:`ENGINE_NAME`."""
    papermill_engines.register(ENGINE_NAME, InProcessEngine)
