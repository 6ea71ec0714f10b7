"""Benchmark of `kommunrapport build` on the bundled example kommun.

Builds a temporary copy of the example and prints, from one run on this machine:

1. the cold full build (all periods and nämnder; check + execution, render excluded),
2. the floor: one plain Python process running the same library calls as the
   templates' cells (and rendering every displayed result the way Jupyter would),
   for every job, without notebooks or papermill,
3. the no-op rebuild (nothing changed),
4. the rebuild after changing one nämnd's data, and how many jobs re-ran,
5. the peak memory (RSS) of a worker process,
6. the executed notebooks' total size, and the time of a plain
   ``pandoc -f markdown -t markdown`` read (the pass Quarto adds for typst and PDF) of the
   last period's report with its embeds expanded as Quarto does: with the figures as
   files (as built) and, for comparison, as ``data:`` URIs (the same images inlined),

and the ratio cold/floor. Build times are wall-clock times of the real command
(`kommunrapport build --no-render`) in a fresh process, as a user would run it.

Then the render step (`kommunrapport build`, notebooks cached unless the scenario changes
data), scenario by scenario: the full render, a build with nothing changed, one sentence
changed in one nämnd's text, one nämnd's data changed, and `--format html` after a text
change. For each it prints how many pages and files Quarto rendered and in how many Quarto
processes. With a real Quarto on PATH (or $QUARTO_PATH) it also prints each scenario's wall
time and its ratio to the full render; without one (or with --fake-quarto) it uses the fake
quarto of the tests (tests/quarto_fake_bin.py), which writes stamped outputs instantly, so
only the page counts mean something.

Usage: python bench/bench_build.py [--jobs N] [--kernel] [--namnd kfn] [--fake-quarto]
  --kernel       also time a cold build with one Jupyter kernel per notebook (--motor kernel)
  --fake-quarto  render with the tests' fake quarto even when a real one is installed
  --no-render    skip the render scenarios
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
COPY = ("data", "params", "notebooks", "reports")


def make_copy(target: Path) -> Path:
    root = target / "projekt"
    root.mkdir()
    for name in COPY:
        shutil.copytree(
            REPO / name,
            root / name,
            ignore=shutil.ignore_patterns("_executed", "oppna-data", "index.qmd"),
        )
    return root


def timed_build(
    root: Path, *extra: str, render: bool = False, env: dict[str, str] | None = None
) -> tuple[float, str]:
    cmd = [sys.executable, "-m", "kommunrapport", "build", "--rot", str(root), *extra]
    if not render:
        cmd.append("--no-render")
    start = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, check=False, env=env)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"bygget misslyckades ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return seconds, done.stdout


def floor(root: Path) -> float:
    """Run every job's cells as plain Python in one process; return the seconds."""
    code = f"""
import ast, json, time, sys
start = time.perf_counter()
import IPython.display
from IPython.core.formatters import DisplayFormatter
from kommunrapport.data.loader import load_model
from kommunrapport.data.paths import ProjectPaths
from kommunrapport.batch.jobs import plan
from pathlib import Path
import matplotlib
matplotlib.use("agg")
formatter = DisplayFormatter()
import matplotlib.figure
from IPython.core.pylabtools import print_figure
png = formatter.formatters["image/png"]
png.for_type(matplotlib.figure.Figure, lambda f: print_figure(f, "png"))
rendered = []
def show(*objs, **kw):
    for o in objs:
        rendered.append(formatter.format(o))
IPython.display.display = show
paths = ProjectPaths(Path({str(root)!r}))
model = load_model(paths)
def cells(template):
    nb = json.loads(paths.template(template).read_text("utf-8"))
    return [("".join(c["source"]) if isinstance(c["source"], list) else c["source"])
            for c in nb["cells"]
            if c["cell_type"] == "code" and "parameters" not in c["metadata"].get("tags", [])]
sources = {{t: cells(t) for t in ("namnd", "kommun")}}
for job in plan(model):
    ns = dict(job.parameters)
    ns["display"] = show
    for src in sources[job.template]:
        tree = ast.parse(src)
        last = tree.body[-1] if tree.body and isinstance(tree.body[-1], ast.Expr) else None
        body = tree.body[:-1] if last is not None else tree.body
        exec(compile(ast.Module(body=body, type_ignores=[]), "<cell>", "exec"), ns)
        if last is not None:
            value = eval(compile(ast.Expression(last.value), "<cell>", "eval"), ns)
            if value is not None:
                show(value)
    from kommunrapport.content import keyfigures
    keyfigures.compute(model, job.period, job.namnd)
print(json.dumps({{"seconds": time.perf_counter() - start, "outputs": len(rendered)}}))
"""
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"golvmätningen misslyckades:\n{done.stderr}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    print(f"   (golvet renderade {result['outputs']} utdata)")
    return wall


def change_one_namnd(root: Path, namnd: str) -> None:
    path = root / "data" / "driftredovisning.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    for i, line in enumerate(lines):
        if line.startswith(f"{namnd},"):
            fields = line.split(",")
            fields[-1] = str(float(fields[-1].replace(" ", "").replace(",", ".")) + 1)
            lines[i] = ",".join(fields)
            break
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def count_ran(stdout: str) -> int:
    return sum(1 for line in stdout.splitlines() if line.startswith("klar "))


def worker_peak_mb(root: Path) -> float:
    entries = json.loads((root / ".kommunrapport" / "build-cache.json").read_text("utf-8"))
    return max(float(e.get("topp_minne_mb", 0)) for e in entries.values())


def pandoc_read(root: Path) -> tuple[str, int, float, int, float]:
    """(period, bytes and seconds of the read with files, bytes and seconds with data URIs)."""
    sys.path.insert(0, str(REPO / "tests" / "e2e"))  # the test suite's Quarto stand-in
    from pandoc_standin import expand, pandoc_binary

    from kommunrapport.data.loader import load_model
    from kommunrapport.data.paths import ProjectPaths
    from kommunrapport.site.write import prepare_site

    paths = ProjectPaths(root)
    model = load_model(paths)
    prepare_site(model)
    period = max(model.perioder.perioder, key=lambda p: p.slutdatum).id
    page = paths.period_report(period)
    _, with_files = expand(page, quarto_divs=True)

    def inline(m: re.Match[str]) -> str:
        data = base64.b64encode((page.parent / m.group(2)).read_bytes()).decode("ascii")
        return f"{m.group(1)}data:image/png;base64,{data}"

    with_uris = re.sub(r"(!\[[^\]]*\]\()([^)\s]+\.png)", inline, with_files)

    def timed(text: str) -> float:
        source = root / ".bench-read.md"
        source.write_text(text, encoding="utf-8")
        start = time.perf_counter()
        cmd = [pandoc_binary(), "-f", "markdown", "-t", "markdown", str(source), "-o", os.devnull]
        subprocess.run(cmd, check=True, capture_output=True)
        return time.perf_counter() - start

    size = len(with_files.encode())
    return period, size, timed(with_files), len(with_uris.encode()), timed(with_uris)


def notebooks_size(root: Path) -> tuple[int, int]:
    """(bytes of the executed notebooks, bytes of their figure files)."""
    notebooks = sum(p.stat().st_size for p in root.glob("reports/*/_executed/*.ipynb"))
    figures = sum(p.stat().st_size for p in root.glob("reports/*/_executed/*_files/*"))
    return notebooks, figures


RENDERED = re.compile(
    r"Renderade (?P<pages>\d+) av (?P<total>\d+) sidor \((?P<files>\d+) filer\) "
    r"i (?P<runs>\d+) Quarto"
)


def render_counts(stdout: str) -> tuple[int, int, int]:
    """(pages, files, Quarto processes) from the build's summary line."""
    if "Inget att rendera" in stdout:
        return 0, 0, 0
    m = RENDERED.search(stdout)
    if m is None:
        sys.exit(f"hittar ingen renderingsrad i utdata:\n{stdout}")
    return int(m.group("pages")), int(m.group("files")), int(m.group("runs"))


def quarto_env(tmp: Path, fake: bool) -> tuple[dict[str, str], bool]:
    """The environment for the render scenarios, and whether Quarto is real."""
    env = dict(os.environ)
    if not fake:
        from kommunrapport.site.quarto import find_quarto

        if find_quarto() is not None:
            return env, True
    sys.path.insert(0, str(REPO / "tests"))
    from quarto_fake_bin import install_fake_quarto

    install_fake_quarto(tmp / "bin", tmp / "quarto-anrop.jsonl")
    env["PATH"] = f"{tmp / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env.pop("QUARTO_PATH", None)
    return env, False


def change_text(root: Path, period: str, namnd: str) -> None:
    path = root / "reports" / period / f"{namnd}.qmd"
    with path.open("a", encoding="utf-8") as handle:
        handle.write(f"\nEn mening till ({time.time_ns()}).\n")


def render_scenarios(root: Path, tmp: Path, namnd: str, fake: bool) -> list[str]:
    env, real = quarto_env(tmp, fake)
    period = sorted(p.name for p in (root / "reports").iterdir() if p.is_dir())[-1]
    rows: list[tuple[str, float, tuple[int, int, int]]] = []

    def step(label: str, *extra: str) -> None:
        seconds, out = timed_build(root, *extra, render=True, env=env)
        rows.append((label, seconds, render_counts(out)))

    step("a. full rendering")
    step("b. inget ändrat")
    change_text(root, period, namnd)
    step(f"c. en mening i {period}/{namnd}.qmd")
    change_one_namnd(root, namnd)
    step(f"d. nämnden {namnd}s data (jobben körs om)")
    change_text(root, period, namnd)
    step("e. en mening, --format html", "--format", "html")
    full = rows[0][1]
    kind = "riktig Quarto" if real else "falsk quarto (tests/quarto_fake_bin.py): bara antalen"
    lines = ["", f"Rendering ({kind})"]
    for label, seconds, (pages, files, runs) in rows:
        line = f"{label}: {pages} sidor, {files} filer, {runs} Quarto-körningar, {seconds:6.1f} s"
        if real:
            line += f" (kvot mot full rendering {seconds / full:.3f})"
        lines.append(line)
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--jobs", type=int, default=None)
    parser.add_argument("--kernel", action="store_true")
    parser.add_argument("--namnd", default="kfn", help="nämnden vars data ändras i steg 4")
    parser.add_argument("--fake-quarto", action="store_true")
    parser.add_argument("--no-render", action="store_true")
    args = parser.parse_args()
    jobs = ("--jobs", str(args.jobs)) if args.jobs else ()
    with tempfile.TemporaryDirectory() as tmp:
        root = make_copy(Path(tmp))
        cold, out = timed_build(root, *jobs)
        total = count_ran(out)
        low = floor(root)
        noop, out_noop = timed_build(root, *jobs)
        change_one_namnd(root, args.namnd)
        one, out_one = timed_build(root, *jobs)
        peak = worker_peak_mb(root)
        nb_bytes, fig_bytes = notebooks_size(root)
        period, files_size, files_read, uris_size, uris_read = pandoc_read(root)
        kernel = None
        if args.kernel:
            (Path(tmp) / "k").mkdir()
            kroot = make_copy(Path(tmp) / "k")
            kernel, _ = timed_build(kroot, "--motor", "kernel", *jobs)
        rendering = (
            []
            if args.no_render
            else render_scenarios(root, Path(tmp), args.namnd, args.fake_quarto)
        )
    print()
    print(f"Byggtider för exempelkommunen ({total} jobb)")
    print(f"1. kallt helt bygge (utan rendering): {cold:6.2f} s")
    print(f"2. golv (samma biblioteksanrop, en process): {low:6.2f} s")
    print(f"3. bygge utan ändringar: {noop:6.2f} s ({count_ran(out_noop)} jobb kördes)")
    print(
        f"4. bygge efter ändring i nämnden {args.namnd}: {one:6.2f} s "
        f"({count_ran(out_one)} jobb kördes)"
    )
    print(f"5. toppminne för en arbetsprocess: {peak:6.1f} MB")
    print(f"kvot kallt/golv: {cold / low:.2f}")
    print(
        f"6. körda anteckningsböcker: {nb_bytes / 1e6:.2f} MB, diagramfiler bredvid: "
        f"{fig_bytes / 1e6:.2f} MB"
    )
    print(
        f"   pandoc läser periodrapporten {period} (-f markdown -t markdown): "
        f"{files_read:6.2f} s med diagrammen som filer ({files_size / 1e3:.0f} kB), "
        f"{uris_read:6.2f} s som data-URI ({uris_size / 1e3:.0f} kB)"
    )
    if kernel is not None:
        print(
            f"(jämförelse: kallt bygge med en Jupyter-kärna per anteckningsbok: {kernel:6.2f} s, "
            f"kvot {kernel / low:.2f})"
        )

    for line in rendering:
        print(line)


if __name__ == "__main__":
    main()
