"""Execute the template notebooks for every job, in parallel, isolated and incremental.

Each job runs in its own process (``max_tasks_per_child=1``), forked from a
multiprocessing *forkserver* that has pandas, matplotlib, IPython, papermill and this
package imported once. With the default engine (:mod:`kommunrapport.batch.engine`) the cells
run in that fresh process, so a job pays neither a kernel start nor the imports, and
no state can pass from one job to another. ``engine="kernel"`` uses papermill's
standard Jupyter-kernel engine instead (with retries of kernel-start failures).

A job's output replaces the previous one only when it succeeded: the notebook is
written to a temporary file and renamed. A failed job's notebook is kept beside it as
``<job>.failed.ipynb`` for the analyst to open.
"""

from __future__ import annotations

import json
import logging
import multiprocessing
import os
import queue as queue_module
import resource
import time
from collections.abc import Callable, Collection, Iterable, Mapping
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from kommunrapport import __version__
from kommunrapport.batch import figure_files
from kommunrapport.batch.cache import BuildCache, Fingerprinter
from kommunrapport.batch.jobs import Job, notebook_source, plan, validate_jobs
from kommunrapport.content.opendata.tabell import OpenTable
from kommunrapport.data.fsutil import replace_dir, staging_dir, write_atomic
from kommunrapport.data.model import Kommunmodell
from kommunrapport.data.paths import ROOT_ENV, ProjectPaths

EngineName = Literal["snabb", "kernel"]
Status = Literal["klar", "cachad", "misslyckad", "ej körd"]

KERNEL_START_RETRIES = 3
_PRELOAD = [
    "numpy",
    "pandas",
    "matplotlib.pyplot",
    "matplotlib_inline.backend_inline",
    "IPython.core.interactiveshell",
    "papermill",
    "nbformat",
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


ProgressCallback = Callable[[str, int, int], None]
"""(job key, code cells done, code cells in all)."""

_progress_queue: Any = None


class _KnownParameters(logging.Filter):
    """papermill's own inference misses PEP 604 annotations (``x: str | None = None``) and
    then warns of an "unknown parameter"; ours (jobs.declared_parameters) has already
    validated every parameter against the template, so the warning is noise."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("Passed unknown parameter")


def _init_worker(progress_queue: Any) -> None:
    global _progress_queue
    _progress_queue = progress_queue
    logging.getLogger("papermill").addFilter(_KnownParameters())
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, "1")


def _is_transient(exc: BaseException) -> bool:
    text = f"{type(exc).__name__}: {exc}"
    return isinstance(exc, TimeoutError) or any(t in text for t in _TRANSIENT_KERNEL_ERRORS)


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def run_job(spec: _Spec) -> JobResult:
    """Execute one job in this (fresh) process. Runs in a worker; never raises."""
    import papermill
    from papermill.exceptions import PapermillExecutionError

    from kommunrapport.batch import engine
    from kommunrapport.data import loader

    job = spec.job
    paths = ProjectPaths(Path(spec.root))
    os.environ[ROOT_ENV] = spec.root
    loader.preload(spec.model)
    started = time.perf_counter()
    start_time = datetime.now(UTC)
    out_dir = paths.executed_dir(job.period)
    out_dir.mkdir(parents=True, exist_ok=True)
    final = paths.executed_notebook(job.period, job.name)
    tmp = out_dir / f".{job.name}.{os.getpid()}.tmp.ipynb"
    if _progress_queue is not None:
        key = job.key
        engine.set_cell_hook(lambda done, total: _progress_queue.put((key, done, total)))
    engine_name = engine.ENGINE_NAME if spec.engine == "snabb" else "nbclient"
    if spec.engine == "snabb":
        engine.register()
    attempts = 0

    def result(status: Status, **details: Any) -> JobResult:
        seconds = time.perf_counter() - started
        return JobResult(job, status, seconds, _peak_rss_mb(), attempts=attempts, **details)

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
            )
            break
        except PapermillExecutionError as exc:
            failed = paths.failed_notebook(job.period, job.name)
            if tmp.exists():
                os.replace(tmp, failed)
            return result(
                "misslyckad",
                notebook=failed if failed.exists() else None,
                cell=f"cell {exc.cell_index} (In [{exc.exec_count}])",
                error=f"{exc.ename}: {exc.evalue}",
            )
        except Exception as exc:
            tmp.unlink(missing_ok=True)
            if spec.engine == "kernel" and _is_transient(exc) and attempts < KERNEL_START_RETRIES:
                time.sleep(0.5 * attempts)
                continue
            return result(
                "misslyckad", cell="när körningen startade", error=f"{type(exc).__name__}: {exc}"
            )
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
) -> BuildReport:
    """Execute every planned job whose inputs changed; see the module docstring.

    ``only``: job names (a nämnd's id, or ``kommun``) to keep of the planned jobs, for a
    step that needs one job's output (``kommunrapport skriv``)."""
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
        ctx = _forkserver_context()
        progress_queue = ctx.Queue()
        workers = max(1, min(jobs or default_jobs(), len(todo)))
        with ProcessPoolExecutor(
            max_workers=workers,
            mp_context=ctx,
            initializer=_init_worker,
            initargs=(progress_queue,),
            max_tasks_per_child=1,
        ) as pool:
            pending: dict[Future[JobResult], Job] = {}
            for job in todo:
                spec = _Spec(
                    str(paths.root),
                    job,
                    fingerprints[job.key],
                    engine,
                    model,
                )
                pending[pool.submit(run_job, spec)] = job
                reporter.started(job)
            stop = False
            while pending:
                done, _ = wait(list(pending), timeout=0.1, return_when=FIRST_COMPLETED)
                _drain(progress_queue, reporter)
                for future in done:
                    job = pending.pop(future)
                    if future.cancelled():
                        result = JobResult(job, "ej körd")
                    else:
                        try:
                            result = future.result()
                        except Exception as exc:  # the worker process died
                            result = JobResult(
                                job, "misslyckad", error=f"{type(exc).__name__}: {exc}"
                            )
                    results[job.key] = result
                    reporter.finished(result)
                    if result.status == "klar":
                        info = {
                            "sekunder": round(result.seconds, 3),
                            "topp_minne_mb": round(result.peak_rss_mb, 1),
                        }
                        figures = [paths.relative(p) for p in result.figures]
                        cache.record(job, fingerprints[job.key], info, figures)
                    elif result.status == "misslyckad" and fail_fast and not stop:
                        stop = True
                        for other in pending:
                            other.cancel()
            _drain(progress_queue, reporter)
        cache.save()
    report.results = [results[j.key] for j in planned]
    report.seconds = time.perf_counter() - started
    return report


def _drain(progress_queue: Any, reporter: Reporter) -> None:
    while True:
        try:
            key, done, total = progress_queue.get_nowait()
        except queue_module.Empty:
            return
        reporter.progress(key, done, total)
