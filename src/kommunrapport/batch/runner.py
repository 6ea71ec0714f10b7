"""Execute the template notebooks for every job, in parallel, isolated and incremental.

Each job runs in its own process, forked from a multiprocessing *forkserver* that has
pandas, matplotlib, IPython, papermill and this package imported once. With the default
engine (:mod:`kommunrapport.batch.engine`) the cells run in that fresh process, so a job
pays neither a kernel start nor the imports, and no state can pass from one job to another.
``engine="kernel"`` uses papermill's standard Jupyter-kernel engine instead (with retries
of kernel-start failures).

A job's output replaces the previous one only when it succeeded: the notebook is
written to a temporary file and renamed. A failed job's notebook is kept beside it as
``<job>.failed.ipynb`` for the analyst to open.

A job has a time limit (``build --tidsgrans``, ``bygg.tidsgrans`` in params/perioder.yml,
900 s by default). Past it the engine stops the running cell (:mod:`.timelimit`) and the job
fails like any other, naming the cell; a job that does not stop then is killed, with every
process it started, :data:`KILL_GRACE_SECONDS` later, and its temporary notebook removed.
"""

from __future__ import annotations

import json
import logging
import multiprocessing
import os
import resource
import signal
import time
from collections import deque
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from multiprocessing.connection import Connection
from multiprocessing.connection import wait as connection_wait
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import pandas as pd

from kommunrapport import __version__
from kommunrapport.batch import figure_files, timelimit
from kommunrapport.batch.cache import BuildCache, Fingerprinter
from kommunrapport.batch.jobs import Job, notebook_source, plan, validate_jobs
from kommunrapport.content.opendata.tabell import OpenTable
from kommunrapport.data.fsutil import replace_dir, staging_dir, write_atomic
from kommunrapport.data.model import Kommunmodell
from kommunrapport.data.paths import ROOT_ENV, ProjectPaths

if TYPE_CHECKING:
    from papermill.exceptions import PapermillExecutionError

EngineName = Literal["snabb", "kernel"]
Status = Literal["klar", "cachad", "misslyckad", "ej körd"]

KERNEL_START_RETRIES = 3
KILL_GRACE_SECONDS = 10.0
"""How long past its time limit a job may take to stop its cell and save its notebook
before the runner kills its process."""
_PRELOAD = [
    "numpy",
    "pandas",
    "matplotlib.pyplot",
    "matplotlib_inline.backend_inline",
    "IPython.core.interactiveshell",
    "papermill",
    "nbformat",
    "ipykernel.compiler",
    "kommunrapport.batch.engine",
    "kommunrapport.batch.runner",
]
_TRANSIENT_KERNEL_ERRORS = (
    "Address already in use",
    "Kernel didn't respond",
    "Kernel died before replying",
    "kernel_info",
    "Timeout waiting for",
)


@dataclass(frozen=True)
class JobResult:
    job: Job
    status: Status
    seconds: float = 0.0
    peak_rss_mb: float = 0.0
    notebook: Path | None = None
    cell: str | None = None
    error: str | None = None
    attempts: int = 1
    figures: tuple[Path, ...] = ()
    """The figure files the job's notebook references."""


@dataclass
class BuildReport:
    results: list[JobResult] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def failed(self) -> list[JobResult]:
        return [r for r in self.results if r.status == "misslyckad"]

    @property
    def ok(self) -> bool:
        return not self.failed and all(r.status in ("klar", "cachad") for r in self.results)

    def count(self, status: Status) -> int:
        return sum(1 for r in self.results if r.status == status)


@dataclass(frozen=True)
class _Spec:
    root: str
    job: Job
    fingerprint: str
    engine: EngineName
    model: Kommunmodell
    time_limit: float


ProgressCallback = Callable[[str, int, int], None]
"""(job key, code cells done, code cells in all)."""

_parent: Connection | None = None
"""In a job's process: where it sends ``("cell", position, total, index)`` before each cell,
``("writing",)`` once the notebook has run, and ``("result", JobResult)`` at the end."""


class _KnownParameters(logging.Filter):
    """papermill's own inference misses PEP 604 annotations (``x: str | None = None``) and
    then warns of an "unknown parameter"; ours (jobs.declared_parameters) has already
    validated every parameter against the template, so the warning is noise."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("Passed unknown parameter")


def _init_worker(parent: Connection) -> None:
    global _parent
    _parent = parent
    logging.getLogger("papermill").addFilter(_KnownParameters())
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, "1")


def _is_transient(exc: BaseException) -> bool:
    text = f"{type(exc).__name__}: {exc}"
    return isinstance(exc, TimeoutError) or any(t in text for t in _TRANSIENT_KERNEL_ERRORS)


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _send(*message: Any) -> None:
    if _parent is not None:
        _parent.send(message)


def run_job(spec: _Spec) -> JobResult:
    """Execute one job in this (fresh) process. Runs in a worker; never raises."""
    import papermill
    from papermill.exceptions import PapermillExecutionError

    from kommunrapport.batch import engine
    from kommunrapport.data import loader

    job = spec.job
    paths = ProjectPaths(Path(spec.root))
    os.environ[ROOT_ENV] = spec.root
    deadline = timelimit.Deadline.starting_now(spec.time_limit)
    loader.preload(spec.model)
    started = time.perf_counter()
    start_time = datetime.now(UTC)
    out_dir = paths.executed_dir(job.period)
    out_dir.mkdir(parents=True, exist_ok=True)
    final = paths.executed_notebook(job.period, job.name)
    tmp = paths.running_notebook(job.period, job.name, os.getpid())
    engine.set_cell_hook(lambda done, total, index: _send("cell", done, total, index))
    if spec.engine == "snabb":
        engine.register()
        engine_name = engine.ENGINE_NAME
        engine_kwargs: dict[str, Any] = {"deadline": deadline}
    else:
        engine_name = "nbclient"
        engine_kwargs = {"timeout_func": lambda cell: deadline.cell_timeout()}
    attempts = 0

    def result(status: Status, **details: Any) -> JobResult:
        seconds = time.perf_counter() - started
        return JobResult(job, status, seconds, _peak_rss_mb(), attempts=attempts, **details)

    def failed(exc: PapermillExecutionError) -> JobResult:
        kept = paths.failed_notebook(job.period, job.name)
        if tmp.exists():
            os.replace(tmp, kept)
        cell: str | None = f"cell {exc.cell_index} (In [{exc.exec_count}])"
        error = f"{exc.ename}: {exc.evalue}"
        if exc.ename == timelimit.ENAME:  # the message names the cell itself
            cell, error = None, f"{timelimit.message(spec.time_limit)} i {cell}"
        notebook = kept if kept.exists() else None
        return result("misslyckad", notebook=notebook, cell=cell, error=error)

    while True:
        attempts += 1
        try:
            papermill.execute_notebook(
                notebook_source(paths, job, spec.model),
                str(tmp),
                parameters=dict(job.parameters),
                engine_name=engine_name,
                kernel_name="python3",
                progress_bar=False,
                log_output=False,
                cwd=str(paths.notebooks_dir),
                **engine_kwargs,
            )
            break
        except PapermillExecutionError as exc:
            if _only_expected_errors(tmp):
                break
            return failed(exc)
        except Exception as exc:
            if _is_cell_timeout(exc) and tmp.exists():
                return failed(_record_timeout(tmp, spec.time_limit))
            tmp.unlink(missing_ok=True)
            if spec.engine == "kernel" and _is_transient(exc) and attempts < KERNEL_START_RETRIES:
                time.sleep(0.5 * attempts)
                continue
            return result(
                "misslyckad", cell="när körningen startade", error=f"{type(exc).__name__}: {exc}"
            )
    _send("writing")
    staged: figure_files.Staged | None = None
    try:
        nb = json.loads(tmp.read_text(encoding="utf-8"))
        nb["metadata"]["kommunrapport"] = {
            "parametrar": dict(job.parameters),
            "fingeravtryck": spec.fingerprint,
            "version": __version__,
            "motor": spec.engine,
            "start": start_time.isoformat(timespec="seconds"),
            "sekunder": round(time.perf_counter() - started, 3),
        }
        _write_companions(paths, job, spec.model)
        # The figures become files beside the notebook, moved into place right before it.
        staged = figure_files.externalise(nb, paths, job.period, job.name)
        tmp.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        staged.commit()
        os.replace(tmp, final)
    except Exception as exc:
        if staged is not None:
            staged.discard()
        tmp.unlink(missing_ok=True)
        return result(
            "misslyckad",
            cell="efter körningen (nyckeltal, öppna data, diagram)",
            error=f"{type(exc).__name__}: {exc}",
        )
    figure_files.remove_stale(paths.figures_dir(job.period, job.name), staged.files)
    return result("klar", notebook=final, figures=tuple(staged.files))


def _only_expected_errors(notebook: Path) -> bool:
    """True when papermill failed the notebook only for errors in cells tagged
    ``raises-exception`` (the engine ran on after them; papermill raises for any error
    output): the notebook is then a success, and papermill's error banner is taken out."""
    import nbformat
    from papermill.execute import remove_error_markers

    try:
        nb = nbformat.read(notebook, as_version=4)  # type: ignore[no-untyped-call]
    except (OSError, ValueError):
        return False
    if nb.metadata.get("papermill", {}).get("exception"):
        return False  # a cell that was not expected to fail did
    text = nbformat.writes(remove_error_markers(nb))  # type: ignore[no-untyped-call]
    write_atomic(notebook, text.encode("utf-8"))
    return True


def _is_cell_timeout(exc: BaseException) -> bool:
    from nbclient.exceptions import CellTimeoutError

    return isinstance(exc, CellTimeoutError)


def _record_timeout(notebook: Path, limit: float) -> PapermillExecutionError:
    """nbclient stopped a cell at the deadline: write the error into that cell, as the
    in-process engine does, and let papermill mark the notebook failed (its banner, its
    ``PapermillExecutionError``, which is returned)."""
    import nbformat
    from papermill.exceptions import PapermillExecutionError
    from papermill.execute import raise_for_execution_errors

    nb = nbformat.read(notebook, as_version=4)  # type: ignore[no-untyped-call]
    running = [
        c
        for c in nb.cells
        if c.cell_type == "code" and c.metadata.get("papermill", {}).get("start_time")
    ]
    cell = running[-1]
    text = timelimit.message(limit)
    # Stopping the kernel may have interrupted the cell: keep where, but say why.
    interrupted = [o for o in cell.outputs if o.output_type == "error"]
    where = list(interrupted[-1].traceback[:-1]) if interrupted else []
    cell.outputs = [o for o in cell.outputs if o.output_type != "error"]
    cell.outputs.append(
        nbformat.v4.new_output(  # type: ignore[no-untyped-call]
            "error",
            ename=timelimit.ENAME,
            evalue=text,
            traceback=[*where, f"{timelimit.ENAME}: {text}"],
        )
    )
    cell.metadata.papermill["status"] = "failed"
    cell.metadata.papermill["exception"] = True
    nb.metadata.papermill["exception"] = True
    try:
        raise_for_execution_errors(nb, str(notebook))
    except PapermillExecutionError as exc:
        return exc
    raise AssertionError("papermill fann inget fel i anteckningsboken")


GENERATED_HEADER = (
    "# Genererad av kommunrapport build. Ändra inte för hand: ändringar skrivs över.\n"
)


def _write_companions(paths: ProjectPaths, job: Job, model: Kommunmodell) -> None:
    """The job's key figures (``<job>.yml``, for narrative to cite) and its open data
    (``<job>_data/``: one CSV per table and ``kolumner.csv`` describing every column)."""
    import yaml

    from kommunrapport.content import keyfigures, opendata
    from kommunrapport.content.markup import md_text

    figures = keyfigures.compute(model, job.period, job.namnd)
    # the narrative cites them with {{< meta >}}, which reads them as Markdown
    body = yaml.safe_dump(
        {"nyckeltal": {k: md_text(f.text) for k, f in figures.items()}},
        allow_unicode=True,
        sort_keys=True,
    )
    write_atomic(paths.key_figures_file(job.period, job.name), (GENERATED_HEADER + body).encode())
    write_open_data(
        paths.open_data_dir(job.period, job.name), opendata.tables(model, job.period, job.namnd)
    )


def write_open_data(target: Path, tables: Mapping[str, OpenTable]) -> None:
    """Replace the folder ``target`` with the tables as UTF-8 CSV, all at once."""
    import shutil

    staging = staging_dir(target)
    try:
        described: list[tuple[str, str, str]] = []
        for name, table in tables.items():
            frame = table.frame.copy()
            floats = frame.select_dtypes("float").columns
            frame[floats] = frame[floats] + 0.0  # -0.0 (a zero subtracted) reads as 0.0
            frame.to_csv(staging / f"{name}.csv", index=False, encoding="utf-8")
            described.append((f"{name}.csv", "", table.description))
            described.extend((f"{name}.csv", col, text) for col, text in table.columns.items())
        pd.DataFrame(described, columns=["tabell", "kolumn", "beskrivning"]).to_csv(
            staging / "kolumner.csv", index=False, encoding="utf-8"
        )
        replace_dir(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _forkserver_context() -> multiprocessing.context.BaseContext:
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(_PRELOAD)
    return ctx


def default_jobs() -> int:
    return max(1, len(os.sched_getaffinity(0)))


class Reporter:
    """Receives progress; the CLI supplies a rich one, tests a silent one."""

    def planned(self, jobs: list[Job], cached: list[Job]) -> None: ...

    def started(self, job: Job) -> None: ...

    def progress(self, key: str, done: int, total: int) -> None: ...

    def finished(self, result: JobResult) -> None: ...


def build(
    model: Kommunmodell,
    periods: Iterable[str] = (),
    namnder: Iterable[str] = (),
    *,
    jobs: int | None = None,
    force: bool = False,
    fail_fast: bool = False,
    engine: EngineName = "snabb",
    reporter: Reporter | None = None,
    only: Collection[str] = (),
    time_limit: float | None = None,
) -> BuildReport:
    """Execute every planned job whose inputs changed; see the module docstring.

    ``only``: job names (a nämnd's id, or ``kommun``) to keep of the planned jobs, for a
    step that needs one job's output (``kommunrapport skriv``). ``time_limit``: seconds per
    job (default: the project's ``bygg.tidsgrans``)."""
    reporter = reporter or Reporter()
    started = time.perf_counter()
    paths = model.paths
    planned = plan(model, periods, namnder)
    if only:
        planned = [j for j in planned if j.name in only]
    cache = BuildCache(paths)
    fingerprinter = Fingerprinter(model)
    fingerprints = {job.key: fingerprinter.job(job, engine) for job in planned}
    todo = [j for j in planned if force or not cache.is_current(j, fingerprints[j.key])]
    # A cached job was validated when it ran, and its fingerprint covers the template
    # and the parameters: only the jobs about to run need validating (and papermill).
    validate_jobs(model, todo)
    cached = [j for j in planned if j not in todo]
    reporter.planned(planned, cached)
    report = BuildReport()
    results: dict[str, JobResult] = {j.key: JobResult(j, "cachad") for j in cached}
    for job in cached:
        reporter.finished(results[job.key])
    if todo:
        limit = time_limit if time_limit is not None else model.perioder.bygg.tidsgrans
        specs = [
            _Spec(str(paths.root), job, fingerprints[job.key], engine, model, limit) for job in todo
        ]

        def finished(result: JobResult) -> None:
            results[result.job.key] = result
            reporter.finished(result)
            if result.status == "klar":
                info = {
                    "sekunder": round(result.seconds, 3),
                    "topp_minne_mb": round(result.peak_rss_mb, 1),
                }
                figures = [paths.relative(p) for p in result.figures]
                cache.record(result.job, fingerprints[result.job.key], info, figures)

        workers = max(1, min(jobs or default_jobs(), len(todo)))
        _Pool(paths, workers, reporter, finished).run(specs, fail_fast)
        cache.save()
    report.results = [results[j.key] for j in planned]
    report.seconds = time.perf_counter() - started
    return report


def _job_process(parent: Connection, spec: _Spec) -> None:
    """A job's process: its own process group, so a kill stops what the job started too."""
    os.setpgid(0, 0)
    _init_worker(parent)
    try:
        result = run_job(spec)
    except BaseException as exc:
        result = JobResult(spec.job, "misslyckad", error=f"{type(exc).__name__}: {exc}")
    parent.send(("result", result))
    parent.close()


@dataclass
class _Running:
    spec: _Spec
    process: BaseProcess
    conn: Connection
    started: float
    cell: int | None = None
    """The index (in the notebook) of the cell running now, when the engine reports it."""
    writing: bool = False
    """The notebook has run; the job is writing its files (never killed then)."""
    result: JobResult | None = None

    @property
    def job(self) -> Job:
        return self.spec.job

    def overdue(self, now: float) -> bool:
        return not self.writing and now > self.started + self.spec.time_limit + KILL_GRACE_SECONDS


class _Pool:
    """Runs the jobs, at most ``workers`` at a time, each in a new process, and kills one
    that overruns its time limit (see the module docstring)."""

    def __init__(
        self,
        paths: ProjectPaths,
        workers: int,
        reporter: Reporter,
        finished: Callable[[JobResult], None],
    ) -> None:
        self.paths = paths
        self.workers = workers
        self.reporter = reporter
        self.finished = finished
        self.ctx = _forkserver_context()

    def run(self, specs: list[_Spec], fail_fast: bool) -> None:
        queue = deque(specs)
        running: list[_Running] = []
        try:
            while queue or running:
                while queue and len(running) < self.workers:
                    running.append(self._start(queue.popleft()))
                waitables: list[Any] = [r.conn for r in running]
                waitables += [r.process.sentinel for r in running]
                connection_wait(waitables, timeout=0.25)
                now = time.monotonic()
                for r in list(running):
                    ended = not r.process.is_alive()  # first: then all it sent is in the pipe
                    self._receive(r)
                    if ended:
                        r.process.join()
                        done = r.result or self._died(r)
                    elif r.overdue(now):
                        self._kill(r)
                        done = _killed(r, now)
                    else:
                        continue
                    running.remove(r)
                    r.conn.close()
                    self.finished(done)
                    if done.status == "misslyckad" and fail_fast:
                        for spec in queue:
                            self.finished(JobResult(spec.job, "ej körd"))
                        queue.clear()
        finally:  # interrupted (Ctrl-C): no job goes on running, nothing half-written stays
            for r in running:
                self._kill(r)
                r.conn.close()

    def _start(self, spec: _Spec) -> _Running:
        reader, writer = self.ctx.Pipe(duplex=False)
        process = self.ctx.Process(  # type: ignore[attr-defined]
            target=_job_process, args=(writer, spec), name=f"kommunrapport {spec.job.key}"
        )
        process.start()
        writer.close()  # the job holds the other end: its end of file is the job's end
        self.reporter.started(spec.job)
        return _Running(spec, process, reader, time.monotonic())

    def _receive(self, r: _Running) -> None:
        try:
            while r.conn.poll():
                message = r.conn.recv()
                if message[0] == "cell":
                    _, done, total, index = message
                    r.cell = index
                    self.reporter.progress(r.job.key, done, total)
                elif message[0] == "writing":
                    r.writing = True
                elif message[0] == "result":
                    r.result = message[1]
        except (EOFError, OSError):
            return

    def _kill(self, r: _Running) -> None:
        pid = r.process.pid
        if pid is not None:
            try:
                os.killpg(pid, signal.SIGKILL)
            except OSError:  # not yet its own group, or gone already
                r.process.kill()
        r.process.join()
        self._clean_up(r)

    def _died(self, r: _Running) -> JobResult:
        self._clean_up(r)
        return JobResult(
            r.job,
            "misslyckad",
            seconds=time.monotonic() - r.started,
            error=f"jobbets process avslutades oväntat (kod {r.process.exitcode})",
        )

    def _clean_up(self, r: _Running) -> None:
        """A job that ended without a result leaves no notebook in progress behind."""
        if r.process.pid is not None and r.result is None:
            self.paths.running_notebook(r.job.period, r.job.name, r.process.pid).unlink(
                missing_ok=True
            )


def _killed(r: _Running, now: float) -> JobResult:
    where = f" i cell {r.cell}" if r.cell is not None else ""
    return JobResult(
        r.job,
        "misslyckad",
        seconds=now - r.started,
        error=f"{timelimit.message(r.spec.time_limit)}{where}; jobbet stoppades",
    )
