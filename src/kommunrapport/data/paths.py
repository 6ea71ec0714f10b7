"""The one place that names every path of a kommunrapport project.

Paths are built from the project root, never from the working directory. Code asks
for a dataset by name (see :mod:`kommunrapport.data.datasets`) and gets its file here.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from kommunrapport.data.errors import ProjectNotFoundError

ROOT_ENV = "KOMMUNRAPPORT_ROOT"
STATE_HOME_ENV = "XDG_STATE_HOME"
MARKER = Path("params") / "perioder.yml"
TABLE_SUFFIXES = (".csv", ".xlsx")
WORKBOOK_NAME = "kommunrapport.xlsx"
RUNNING_NOTEBOOK_SUFFIX = ".tmp.ipynb"
"""How a notebook's name ends while a job's process writes it (``running_notebook``)."""


@dataclass(frozen=True)
class ProjectPaths:
    root: Path

    # --- the kommun's shared data ---------------------------------------------------
    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    def yaml_file(self, stem: str) -> Path:
        return self.data_dir / f"{stem}.yml"

    def table_candidates(self, stem: str) -> list[Path]:
        """Existing files for a table dataset: ``<stem>.csv`` and/or ``<stem>.xlsx``."""
        return [p for s in TABLE_SUFFIXES if (p := self.data_dir / f"{stem}{s}").exists()]

    @property
    def workbook_file(self) -> Path:
        """The one workbook that may hold every table, a sheet per table (``excel-mall``)."""
        return self.data_dir / WORKBOOK_NAME

    def table_csv(self, stem: str) -> Path:
        """Where a tool writes the table dataset ``stem`` (always CSV)."""
        return self.data_dir / f"{stem}.csv"

    # --- the nämnder's own tables ------------------------------------------------------
    @property
    def egna_dir(self) -> Path:
        """``data/egna/``: one folder per nämnd id, a ``<namn>.yml`` + table per own table."""
        return self.data_dir / "egna"

    def egen_stem(self, namnd: str, name: str) -> str:
        """The stem (under data/) of a nämnd's own table, for :meth:`table_candidates`."""
        return f"egna/{namnd}/{name}"

    # --- Kolada (written by `kommunrapport kolada`, not datasets of the registry) -------
    @property
    def kolada_provenance_file(self) -> Path:
        return self.data_dir / "kolada_kalla.yml"

    @property
    def kolada_kpi_file(self) -> Path:
        return self.data_dir / "kolada_kpi.yml"

    # --- which reports exist ---------------------------------------------------------
    @property
    def params_dir(self) -> Path:
        return self.root / "params"

    @property
    def params_file(self) -> Path:
        return self.root / MARKER

    # --- templates ---------------------------------------------------------------------
    @property
    def notebooks_dir(self) -> Path:
        return self.root / "notebooks"

    def template(self, name: str) -> Path:
        return self.notebooks_dir / f"{name}.ipynb"

    # --- reports: analysts' narrative and build output --------------------------------
    @property
    def reports_dir(self) -> Path:
        return self.root / "reports"

    def period_dir(self, period: str) -> Path:
        return self.reports_dir / period

    def executed_dir(self, period: str) -> Path:
        return self.period_dir(period) / "_executed"

    def executed_notebook(self, period: str, job: str) -> Path:
        return self.executed_dir(period) / f"{job}.ipynb"

    def key_figures_file(self, period: str, job: str) -> Path:
        return self.executed_dir(period) / f"{job}.yml"

    def open_data_dir(self, period: str, job: str) -> Path:
        return self.executed_dir(period) / f"{job}_data"

    def figures_dir(self, period: str, job: str) -> Path:
        """The job's figures as image files (``<label>.png``), which its notebook references."""
        return self.executed_dir(period) / f"{job}_files"

    @property
    def site_dir(self) -> Path:
        return self.root / "_site"

    def site_period_dir(self, period: str) -> Path:
        """Where a rendered site keeps a period's pages (``_site/reports/<period>/``)."""
        return self.site_dir / self.reports_dir.relative_to(self.root) / period

    @property
    def quarto_config(self) -> Path:
        return self.root / "_quarto.yml"

    def site_output(self, page: Path, extension: str) -> Path:
        """Where Quarto writes a page's output: ``reports/2022-12/kfn.qmd`` as ``.html`` is
        ``_site/reports/2022-12/kfn.html`` (docx and PDF beside it)."""
        rel = page.relative_to(self.root).with_suffix(extension)
        return self.site_dir / rel

    def site_support_dir(self, page: Path) -> Path:
        """A page's figures and other files in ``_site/`` (``<stem>_files/``)."""
        rel = page.relative_to(self.root)
        return self.site_dir / rel.parent / f"{rel.stem}_files"

    # --- the Quarto project (see kommunrapport.site.write and kommunrapport.site.narrative) ----
    def narrative_file(self, period: str, job: str) -> Path:
        """The analysts' text for a nämnd (or ``kommun``) and period; never written by a build."""
        return self.period_dir(period) / f"{job}.qmd"

    def period_report(self, period: str) -> Path:
        """The whole report of a period (generated: kommun chapters, then each nämnd)."""
        return self.period_dir(period) / "index.qmd"

    def report_notebook(self, period: str, job: str) -> Path:
        """A copy of the executed notebook with labels unique within the period report."""
        return self.executed_dir(period) / "_rapport" / f"{job}.ipynb"

    def report_metadata_file(self, period: str) -> Path:
        """Every job's key figures of a period, for the period report (generated)."""
        return self.executed_dir(period) / "_rapport.yml"

    def published_open_data_root(self, period: str) -> Path:
        """The folder the site publishes a period's open data from (generated whole)."""
        return self.period_dir(period) / "oppna-data"

    def published_open_data_dir(self, period: str, job: str) -> Path:
        """Where the open-data files are copied so that the site publishes them."""
        return self.published_open_data_root(period) / job

    def preview_file(self, period: str, job: str) -> Path:
        """`kommunrapport preview`: a quick HTML of one executed notebook."""
        return self.executed_dir(period) / f"{job}.html"

    @property
    def site_index(self) -> Path:
        return self.root / "index.qmd"

    @property
    def site_config_file(self) -> Path:
        """Generated website navigation, merged into _quarto.yml via ``metadata-files``."""
        return self.root / "_webbplats.yml"

    @property
    def periods_include_file(self) -> Path:
        """Generated list of the periods, included by the start page."""
        return self.root / "_perioder.md"

    @property
    def assets_dir(self) -> Path:
        """Reference docx, Lua filter and styles the Quarto project uses."""
        return self.root / "assets"

    @property
    def review_filter_file(self) -> Path:
        """The Lua filter that takes the review comments out of every page."""
        return self.assets_dir / "granskning.lua"

    # --- tool state (git-ignored) --------------------------------------------------------
    @property
    def state_dir(self) -> Path:
        return self.root / ".kommunrapport"

    @property
    def build_cache_file(self) -> Path:
        return self.state_dir / "build-cache.json"

    @property
    def render_cache_file(self) -> Path:
        """Fingerprint of each page and format Quarto last rendered successfully."""
        return self.state_dir / "render-cache.json"

    @property
    def model_cache_file(self) -> Path:
        return self.state_dir / "model.pickle"

    @property
    def build_lock_file(self) -> Path:
        """Held by the build that runs (one at a time per project)."""
        return self.state_dir / "build.lock"

    def failed_notebook(self, period: str, job: str) -> Path:
        return self.executed_dir(period) / f"{job}.failed.ipynb"

    def running_notebook(self, period: str, job: str, pid: int) -> Path:
        """Where the job's process ``pid`` writes the notebook while it runs:
        ``.<job>.<pid>.tmp.ipynb``, renamed into place when the job succeeds."""
        return self.executed_dir(period) / f".{job}.{pid}{RUNNING_NOTEBOOK_SUFFIX}"

    @property
    def lab_state_dir(self) -> Path:
        """JupyterLab's real-time collaboration state (document history, file ids, sessions)."""
        return self.state_dir / "lab"

    @property
    def lab_ystore_file(self) -> Path:
        return self.lab_state_dir / "jupyter_ystore.db"

    @property
    def lab_file_ids_file(self) -> Path:
        return self.lab_state_dir / "file_id_manager.db"

    @property
    def lab_sessions_file(self) -> Path:
        return self.lab_state_dir / "collaboration_sessions.json"

    @property
    def kolada_cache_dir(self) -> Path:
        return self.state_dir / "kolada-cache"

    def relative(self, path: Path) -> str:
        """A path as shown to a person: relative to the project root, with slashes."""
        try:
            return path.resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return path.as_posix()


def user_state_dir() -> Path:
    """The user's own state folder for kommunrapport, outside every project (so that it is
    never copied, shared or committed with one): ``$XDG_STATE_HOME/kommunrapport``, else
    ``~/.local/state/kommunrapport``; on Windows ``%LOCALAPPDATA%\\kommunrapport``."""
    if os.name == "nt":
        base = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
    else:
        base = os.environ.get(STATE_HOME_ENV) or str(Path.home() / ".local" / "state")
    return Path(base) / "kommunrapport"


def model_cache_key_file() -> Path:
    """The user's secret key that signs the model caches this user writes (see
    :mod:`kommunrapport.data.modelcache`)."""
    return user_state_dir() / "model-cache.key"


def find_root(start: Path | None = None) -> Path:
    """The project root: ``$KOMMUNRAPPORT_ROOT``, else the nearest directory at or above
    ``start`` (default: the working directory) that holds ``params/perioder.yml``."""
    env = os.environ.get(ROOT_ENV)
    if env and start is None:
        root = Path(env).resolve()
        if (root / MARKER).is_file():
            return root
        raise ProjectNotFoundError(f"{ROOT_ENV}={env} pekar inte på ett projekt (saknar {MARKER}).")
    here = (start or Path.cwd()).resolve()
    for candidate in (here, *here.parents):
        if (candidate / MARKER).is_file():
            return candidate
    raise ProjectNotFoundError(
        f"Hittar inget kommunrapport-projekt i {here} eller ovanför (letar efter {MARKER})."
    )


def project_paths(start: Path | None = None) -> ProjectPaths:
    return ProjectPaths(find_root(start))
