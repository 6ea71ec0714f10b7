"""A papermill engine that runs a notebook's cells in this very process.

Starting a Jupyter kernel costs 1–2 s and the imports (pandas, matplotlib) as much
again, per notebook. The batch runner therefore executes each job in a fresh process
forked from a server that has those modules imported already (see :mod:`batch`), and
this engine runs the cells there in a new IPython shell. Nothing leaks between jobs:
every job has its own process, and the forking server never runs user code.

The engine does what papermill's standard engine (nbclient with an ipykernel) does, and
a test runs both on the same notebooks (``tests/e2e/test_engine_parity.py``):

- outputs are captured the way ipykernel publishes them: ``stream``, ``display_data``,
  ``execute_result`` and ``error`` (with the formatted traceback), so papermill's own error
  handling (``PapermillExecutionError`` naming the cell) works unchanged;
- the shell has one standard output and one standard error for the whole notebook, which
  always write to the cell now running (a ``logging`` handler made in one cell writes a
  later cell's warning under that later cell), in the order they were written;
- ``display(…, display_id=True)`` and its ``update`` change the earlier output in place,
  and ``clear_output`` (also with ``wait=True``) clears the cell's outputs;
- a cell tagged ``raises-exception`` may raise: its error is recorded and the next cell
  runs; an empty cell is not run and gets no execution count;
- cells are compiled by ipykernel's compiler, so a SyntaxError names the cell the same
  way, and ``metadata.language_info`` is the kernel's;
- there is no standard input: ``input()`` and ``getpass()`` raise ipykernel's error;
- past the job's deadline (:mod:`kommunrapport.batch.timelimit`) the running cell is
  stopped with :class:`~kommunrapport.batch.timelimit.TimeLimitExceeded`.
"""

from __future__ import annotations

import builtins
import getpass
import io
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TextIO, cast

from ipykernel.compiler import XCachingCompiler
from IPython.core.displayhook import DisplayHook
from IPython.core.displaypub import DisplayPublisher
from IPython.core.error import StdinNotImplementedError
from IPython.core.interactiveshell import InteractiveShell
from nbformat import NotebookNode
from papermill.engines import Engine, papermill_engines

from kommunrapport.batch import timelimit

ENGINE_NAME = "kommunrapport"
RAISES_EXCEPTION_TAG = "raises-exception"
"""nbclient's tag for a cell that is expected to raise."""

CellHook = Callable[[int, int, int], None]
"""Called before each code cell runs with its position among the code cells, the number of
code cells, and its index in the notebook (the one papermill's errors name)."""

_cell_hook: CellHook | None = None
_node = cast(Callable[..., NotebookNode], NotebookNode)


def set_cell_hook(hook: CellHook | None) -> None:
    """Report progress per cell (the batch runner's progress bars use this)."""
    global _cell_hook
    _cell_hook = hook


def language_info() -> dict[str, Any]:
    """What ipykernel reports as the kernel's language (nbclient writes it to the notebook)."""
    return {
        "name": "python",
        "version": sys.version.split()[0],
        "mimetype": "text/x-python",
        "codemirror_mode": {"name": "ipython", "version": sys.version_info[0]},
        "pygments_lexer": "ipython3",
        "nbconvert_exporter": "python",
        "file_extension": ".py",
    }


def expects_error(cell: NotebookNode) -> bool:
    """True for a cell tagged ``raises-exception``: its error does not stop the notebook."""
    return RAISES_EXCEPTION_TAG in cell.get("metadata", {}).get("tags", [])


class _DisplayIds:
    """The outputs shown with a display id, in every cell so far (an update changes them all)."""

    def __init__(self) -> None:
        self.outputs: dict[str, list[NotebookNode]] = {}

    def update(self, display_id: str, data: dict[str, Any], metadata: dict[str, Any]) -> None:
        for node in self.outputs.get(display_id, []):
            node.data = data
            node.metadata = metadata

    def record(self, display_id: str, node: NotebookNode) -> None:
        self.outputs.setdefault(display_id, []).append(node)

    def forget(self, nodes: list[NotebookNode]) -> None:
        cleared = {id(n) for n in nodes}
        for display_id, shown in self.outputs.items():
            self.outputs[display_id] = [n for n in shown if id(n) not in cleared]


class _Sink:
    """One cell's outputs, in order, merging consecutive stream text like Jupyter does."""

    def __init__(self, display_ids: _DisplayIds) -> None:
        self.outputs: list[NotebookNode] = []
        self._display_ids = display_ids
        self._clear_before_next = False

    def _add(self, node: NotebookNode) -> NotebookNode:
        self._clear_pending()
        self.outputs.append(node)
        return node

    def _clear_pending(self) -> None:
        if self._clear_before_next:
            self._clear_before_next = False
            self.clear()

    def clear(self, wait: bool = False) -> None:
        if wait:
            self._clear_before_next = True
            return
        self._display_ids.forget(self.outputs)
        self.outputs.clear()

    def stream(self, name: str, text: str) -> None:
        if not text:
            return
        self._clear_pending()
        last = self.outputs[-1] if self.outputs else None
        if last is not None and last.output_type == "stream" and last.name == name:
            last.text += text
        else:
            self.outputs.append(_node(output_type="stream", name=name, text=text))

    def display(
        self, data: dict[str, Any], metadata: dict[str, Any], display_id: str | None
    ) -> None:
        if display_id is not None:
            self._display_ids.update(display_id, data, metadata)
        node = self._add(_node(output_type="display_data", data=data, metadata=metadata))
        if display_id is not None:
            self._display_ids.record(display_id, node)

    def update_display(
        self, display_id: str, data: dict[str, Any], metadata: dict[str, Any]
    ) -> None:
        self._display_ids.update(display_id, data, metadata)

    def result(self, count: int, data: dict[str, Any], metadata: dict[str, Any]) -> None:
        self._add(
            _node(
                output_type="execute_result",
                data=data,
                metadata=metadata,
                execution_count=count,
            )
        )

    def error(self, ename: str, evalue: str, traceback: list[str]) -> None:
        self._add(_node(output_type="error", ename=ename, evalue=evalue, traceback=traceback))

    def has_error(self) -> bool:
        return any(o.output_type == "error" for o in self.outputs)


class _Stream(io.TextIOBase):
    """The shell's standard output or error: writes to the cell now running, and between
    cells (papermill's own messages) to the process's own stream."""

    def __init__(self, shell: _Shell, name: str, fallback: TextIO) -> None:
        super().__init__()
        self._shell = shell
        self._name = name
        self._fallback = fallback

    @property
    def encoding(self) -> str:  # type: ignore[override]  # read-only, as on sys.stdout
        return "UTF-8"

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        if not isinstance(text, str):
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        sink = self._shell.sink
        if sink is not None:
            sink.stream(self._name, text)
        else:
            self._fallback.write(text)
        return len(text)

    def flush(self) -> None:
        if self._shell.sink is None:
            self._fallback.flush()

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
        if self.sink is None:
            return
        display_id = (transient or {}).get("display_id")
        if update:
            if display_id is not None:
                self.sink.update_display(display_id, data, metadata or {})
        else:
            self.sink.display(data, metadata or {}, display_id)

    def clear_output(self, wait: bool = False) -> None:
        if self.sink is not None:
            self.sink.clear(wait)


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
    display_ids: _DisplayIds

    def enable_gui(self, gui: str | None = None) -> None:
        return None  # no event loop: figures are rendered inline

    def _showtraceback(self, etype: Any, evalue: Any, stb: list[str]) -> None:
        if self.sink is not None:
            name = getattr(etype, "__name__", str(etype))
            self.sink.error(name, str(evalue), list(stb))

    @contextmanager
    def streams(self) -> Iterator[None]:
        """Standard output and error for the whole notebook (see :class:`_Stream`), and no
        standard input: ``input()`` and ``getpass()`` raise as in a kernel whose client
        (papermill's) allows none."""
        saved = sys.stdout, sys.stderr, builtins.input, getpass.getpass
        sys.stdout = cast(TextIO, _Stream(self, "stdout", saved[0]))
        sys.stderr = cast(TextIO, _Stream(self, "stderr", saved[1]))
        builtins.input = _no_input
        getpass.getpass = _no_getpass
        try:
            yield
        finally:
            sys.stdout, sys.stderr, builtins.input, getpass.getpass = saved

    def run_captured(
        self, source: str, deadline: timelimit.Deadline | None = None
    ) -> tuple[list[NotebookNode], bool]:
        """Run one cell; its outputs, and whether it failed."""
        sink = _Sink(self.display_ids)
        self.sink = sink
        hook, publisher = self.displayhook, self.display_pub
        assert isinstance(hook, _Hook) and isinstance(publisher, _Publisher)
        hook.sink = sink
        publisher.sink = sink
        failed = False
        try:
            with timelimit.cell_alarm(deadline):
                result = self.run_cell(  # type: ignore[no-untyped-call]
                    source, store_history=True, silent=False
                )
            failed = not result.success
        except timelimit.TimeLimitExceeded as exc:
            # raised outside the cell's own code (while IPython formats a result, say)
            timelimit.disarm()
            failed = True
            if not sink.has_error():
                sink.error(timelimit.ENAME, str(exc), [f"{timelimit.ENAME}: {exc}"])
        finally:
            self.sink = hook.sink = publisher.sink = None
        return sink.outputs, failed


def _no_input(prompt: object = "") -> str:
    raise StdinNotImplementedError(
        "raw_input was called, but this frontend does not support input requests."
    )


def _no_getpass(prompt: str = "Password: ", stream: TextIO | None = None) -> str:
    raise StdinNotImplementedError(
        "getpass was called, but this frontend does not support input requests."
    )


def new_shell() -> _Shell:
    """A fresh IPython shell with matplotlib's inline backend, as a Jupyter kernel has."""
    if _Shell.initialized():
        raise RuntimeError("kommunrapport-motorn kör redan en anteckningsbok i denna process.")
    shell = _Shell.instance(colors="nocolor", compiler_class=XCachingCompiler)
    shell.display_ids = _DisplayIds()
    shell.enable_matplotlib("inline")  # type: ignore[no-untyped-call]
    return shell


class InProcessEngine(Engine):  # type: ignore[misc]
    """papermill engine: execute the managed notebook's cells in a fresh IPython shell.

    ``deadline`` (a :class:`~kommunrapport.batch.timelimit.Deadline`, passed through
    ``papermill.execute_notebook``'s engine arguments) stops the job's running cell."""

    @classmethod
    def execute_managed_notebook(
        cls,
        nb_man: Any,
        kernel_name: str,
        log_output: bool = False,
        deadline: timelimit.Deadline | None = None,
        **kwargs: Any,
    ) -> None:
        shell = new_shell()
        nb_man.nb.metadata["language_info"] = language_info()
        cells = nb_man.nb.cells
        code_cells = [i for i, c in enumerate(cells) if c.cell_type == "code"]
        with shell.streams():
            for position, index in enumerate(code_cells):
                cell = cells[index]
                if _cell_hook is not None:
                    _cell_hook(position, len(code_cells), index)
                if not cell.source.strip():
                    continue  # nbclient does not run an empty cell either
                nb_man.cell_start(cell, index)
                try:
                    outputs, failed = shell.run_captured(cell.source, deadline)
                    cell.outputs = outputs
                    cell.execution_count = shell.execution_count - 1
                    if failed and not (expects_error(cell) and _not_stopped(outputs)):
                        nb_man.cell_exception(cell, cell_index=index, exception=None)
                        break
                finally:
                    nb_man.cell_complete(cell, cell_index=index)


def _not_stopped(outputs: list[NotebookNode]) -> bool:
    """False when the job's time limit stopped the cell: a cell may expect to raise, but
    the job stops all the same (nbclient's timeout is not a cell error either)."""
    return all(o.get("ename") != timelimit.ENAME for o in outputs)


def register() -> None:
    """Make the engine known to papermill under :data:`ENGINE_NAME`."""
    papermill_engines.register(ENGINE_NAME, InProcessEngine)
