"""`kommunrapport build` on the bundled example kommun, as the README's first command
runs it: check → execute every (period, nämnd) and the kommun → prepare the Quarto
project → render (here with a stand-in for the quarto binary, and without one)."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from quarto_fake_bin import install_fake_quarto, read_calls
from tests_support import make_example_copy
from typer.testing import CliRunner

from kommunrapport.cli import app
from kommunrapport.cli.common import ExitCode
from kommunrapport.content.labels import TEMPLATE_LABELS
from kommunrapport.data.loader import load_model
from kommunrapport.data.paths import ProjectPaths

runner = CliRunner()


@pytest.fixture(scope="module")
def built(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[ProjectPaths, Path, str]:
    paths = make_example_copy(tmp_path_factory.mktemp("bygge"))
    log = paths.root.parent / "quarto-anrop.jsonl"
    fake = install_fake_quarto(paths.root.parent / "bin", log)
    old = os.environ.get("QUARTO_PATH")
    os.environ["QUARTO_PATH"] = str(fake)
    try:
        result = runner.invoke(app, ["build", "--rot", str(paths.root)])
    finally:
        if old is None:
            os.environ.pop("QUARTO_PATH", None)
        else:
            os.environ["QUARTO_PATH"] = old
    return paths, log, f"slutkod {result.exit_code}\n{result.output}"


@pytest.fixture
def fake_quarto(
    built: tuple[ProjectPaths, Path, str], monkeypatch: pytest.MonkeyPatch
) -> Callable[[], list[dict[str, Any]]]:
    """The fake quarto for one test, and a function returning its calls in that test."""
    _, log, _ = built
    monkeypatch.setenv("QUARTO_PATH", str(log.parent / "bin" / "quarto"))
    before = len(read_calls(log))
    return lambda: read_calls(log)[before:]


def test_build_executes_every_job_without_errors_and_renders_once(
    built: tuple[ProjectPaths, Path, str],
) -> None:
    paths, log, output = built
    assert output.startswith("slutkod 0\n"), output
    assert "24 klara, 0 cachade, 0 misslyckade" in output, output
    model = load_model(paths)
    for period in model.perioder.perioder:
        for job in [*(n.id for n in period.namnder), "kommun"]:
            nb = json.loads(paths.executed_notebook(period.id, job).read_text("utf-8"))
            outputs = [o for c in nb["cells"] for o in c.get("outputs", [])]
            assert not [o for o in outputs if o["output_type"] == "error"], (period.id, job)
            template = "kommun" if job == "kommun" else "namnd"
            labelled = {c["id"]: c for c in nb["cells"] if c["id"] in TEMPLATE_LABELS[template]}
            assert set(labelled) == set(TEMPLATE_LABELS[template]), (period.id, job)
            assert all(c["outputs"] for c in labelled.values()), (period.id, job)
            assert paths.key_figures_file(period.id, job).is_file()
            assert (paths.open_data_dir(period.id, job) / "kolumner.csv").is_file()
        assert paths.period_report(period.id).read_text("utf-8").startswith("---")
    (call,) = read_calls(log)
    assert call["argv"] == ["render"] and call["cwd"] == str(paths.root)  # a full render
    assert len(call["pages"]) == 28  # start page, and 3 periods × (report + kommun + 7 nämnder)
    assert "Renderade 28 av 28 sidor (82 filer) i 1 Quarto-körning till _site/" in output


def test_a_build_with_nothing_changed_does_not_start_quarto(
    built: tuple[ProjectPaths, Path, str], fake_quarto: Callable[[], list[dict[str, Any]]]
) -> None:
    paths, _, _ = built
    started = time.perf_counter()
    result = runner.invoke(app, ["build", "--rot", str(paths.root)])
    seconds = time.perf_counter() - started
    assert result.exit_code == ExitCode.OK, result.output
    assert "Inget att rendera: alla 28 sidor i _site/ är aktuella" in result.output
    assert fake_quarto() == []
    print(f"bygge utan ändringar: {seconds:.2f} s")


def test_one_changed_text_renders_its_page_and_period_report_only(
    built: tuple[ProjectPaths, Path, str], fake_quarto: Callable[[], list[dict[str, Any]]]
) -> None:
    paths, _, _ = built
    text = paths.narrative_file("2022-12", "kfn")
    original = text.read_bytes()
    text.write_bytes(original + b"\nEn ny mening.\n")
    try:
        result = runner.invoke(app, ["build", "--rot", str(paths.root)])
        assert result.exit_code == ExitCode.OK, result.output
        assert "Renderade 2 av 28 sidor (6 filer) i 1 Quarto-körning" in result.output
        (call,) = fake_quarto()
        assert call["argv"] == ["render", "--no-clean"]
        assert call["pages"] == ["reports/2022-12/index.qmd", "reports/2022-12/kfn.qmd"]
    finally:
        text.write_bytes(original)
        runner.invoke(app, ["build", "--rot", str(paths.root)])


def test_a_second_build_finds_every_job_cached(built: tuple[ProjectPaths, Path, str]) -> None:
    paths, _, _ = built
    result = runner.invoke(app, ["build", "--rot", str(paths.root), "--no-render"])
    assert result.exit_code == ExitCode.OK, result.output
    assert "24 jobb: 0 ska köras, 24 är oförändrade (cachade)." in result.output


def test_without_quarto_everything_before_the_render_is_done(
    built: tuple[ProjectPaths, Path, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    paths, _, _ = built
    monkeypatch.delenv("QUARTO_PATH", raising=False)
    monkeypatch.setenv("PATH", str(Path(os.__file__).parent))  # no quarto here
    monkeypatch.setattr("kommunrapport.site.quarto._package_binary", lambda: None)
    index = paths.period_report("2022-08")
    index.unlink()
    (paths.site_dir / "reports" / "2022-08" / "sn.html").unlink()  # something to render
    result = runner.invoke(app, ["build", "--rot", str(paths.root)])
    assert result.exit_code == ExitCode.QUARTO_MISSING, result.output
    assert 'pip install "quarto-cli>=1.10"' in result.output
    assert index.is_file()  # the generated project was written before the render


def test_publish_refuses_while_a_narrative_is_not_klar(
    built: tuple[ProjectPaths, Path, str],
) -> None:
    paths, _, _ = built
    text_file = paths.narrative_file("2022-08", "sn")
    original = text_file.read_bytes()
    text_file.write_text(
        original.decode("utf-8").replace("status: klar", "status: granskning", 1), "utf-8"
    )
    try:
        result = runner.invoke(app, ["build", "--rot", str(paths.root), "--publish"])
        assert result.exit_code == ExitCode.NOT_READY, result.output
        assert "reports/2022-08/sn.qmd" in result.output
        assert "granskning" in result.output
    finally:
        text_file.write_bytes(original)


def test_build_never_touches_what_analysts_wrote(
    built: tuple[ProjectPaths, Path, str], example_project: Callable[[], ProjectPaths]
) -> None:
    paths, _, _ = built
    pristine = example_project()
    for source in sorted(pristine.reports_dir.rglob("*.qmd")):
        rel = source.relative_to(pristine.root)
        assert (paths.root / rel).read_bytes() == source.read_bytes(), rel


def _koncern_result_from_inputs(root: Path, period: str) -> float:
    """The koncern's result recomputed from the example's input files alone."""
    import pandas as pd
    import yaml

    data = root / "data"
    costs = {"verksamhetens_kostnader", "avskrivningar", "finansiella_kostnader"}

    def signed(post: str, value: float) -> float:
        return -abs(value) if post in costs else value

    rr = pd.read_csv(data / "resultatrakning.csv")
    rr = rr[rr["period"] == period]
    total = sum(signed(p, v) for p, v in zip(rr["post"], rr["utfall"], strict=True))
    koncern = yaml.safe_load((data / "koncern.yml").read_text(encoding="utf-8"))
    shares = {f["id"]: f["andel_kapital"] / 100 for f in koncern["foretag"] if f.get("ingar", True)}
    companies = pd.read_csv(data / "koncernrakenskaper.csv")
    companies = companies[(companies["period"] == period) & companies["foretag"].isin(shares)]
    rr_posts = set(rr["post"])
    for company, post, value in zip(
        companies["foretag"], companies["post"], companies["belopp"], strict=True
    ):
        if post in rr_posts:
            total += shares[company] * signed(post, value)
    shares["kommun"] = 1.0
    elims = pd.read_csv(data / "koncernelimineringar.csv")
    elims = elims[elims["period"] == period]
    for typ, part, motpart, post, value in zip(
        elims["typ"], elims["part"], elims["motpart"], elims["post"], elims["belopp"], strict=True
    ):
        if post not in rr_posts:
            continue
        share = (
            shares[part] if typ in ("aktier", "utdelning") else min(shares[part], shares[motpart])
        )
        total -= signed(post, value * share)
    return float(total)


def test_the_arsredovisning_has_the_koncern_and_its_sums_reconcile(
    built: tuple[ProjectPaths, Path, str],
) -> None:
    import csv

    import yaml

    from kommunrapport.content import formatting as fmt

    paths, _, _ = built
    nb = json.loads(paths.executed_notebook("2022-12", "kommun").read_text("utf-8"))
    markdown = {
        c["id"]: "".join(o["data"]["text/markdown"])
        for c in nb["cells"]
        for o in c.get("outputs", [])
        if "text/markdown" in o.get("data", {})
    }
    for label in ("tbl-koncern-resultatrakning", "tbl-koncern-balansrakning"):
        assert (
            "| Post | Kommunen 2022 (mnkr) | Kommunen 2021 (mnkr) | Koncernen 2022 (mnkr) "
            "| Koncernen 2021 (mnkr) |" in markdown[label]
        ), markdown[label]
    assert "Vänerstadens Bostäder AB" in markdown["tbl-koncern-organisation"]
    assert "| Elimineringar | Koncernen |" in markdown["tbl-koncern-avstamning"]
    assert "Koncernen 2022 (mnkr)" in markdown["tbl-noter"]

    figures = yaml.safe_load(paths.key_figures_file("2022-12", "kommun").read_text("utf-8"))
    expected = _koncern_result_from_inputs(paths.root, "2022-12")
    assert figures["nyckeltal"]["koncern_arets_resultat_mnkr"] == fmt.mnkr(expected, 1)
    assert figures["nyckeltal"]["koncern_arets_resultat_foregaende_ar_mnkr"] == fmt.mnkr(
        _koncern_result_from_inputs(paths.root, "2021-12"), 1
    )

    with (paths.open_data_dir("2022-12", "kommun") / "koncern_avstamning.csv").open(
        encoding="utf-8"
    ) as handle:
        rows = list(csv.DictReader(handle))
    parts: dict[tuple[str, str], dict[str, float]] = {}
    for r in rows:
        if r["belopp_mnkr"]:
            parts.setdefault((r["ar"], r["post"]), {})[r["del"]] = float(r["belopp_mnkr"])
    assert ("2022", "verksamhetens_intakter") in parts and ("2021", "eget_kapital") in parts
    for key, amounts in parts.items():
        companies = sum(
            v for k, v in amounts.items() if k not in ("kommun", "eliminering", "koncern")
        )
        assert amounts["koncern"] == pytest.approx(
            amounts.get("kommun", 0) + companies - amounts.get("eliminering", 0)
        ), key
    for year in ("2022", "2021"):
        koncern = {post: a["koncern"] for (y, post), a in parts.items() if y == year}
        assets = sum(
            koncern.get(p, 0)
            for p in (
                "immateriella_anlaggningstillgangar",
                "materiella_anlaggningstillgangar",
                "finansiella_anlaggningstillgangar",
                "forrad_och_exploatering",
                "fordringar",
                "kortfristiga_placeringar",
                "kassa_och_bank",
            )
        )
        claims = sum(
            koncern.get(p, 0)
            for p in (
                "eget_kapital",
                "avsattningar_pensioner",
                "andra_avsattningar",
                "langfristiga_skulder",
                "kortfristiga_skulder",
            )
        )
        assert assets == pytest.approx(claims), year
        soliditet = figures["nyckeltal"]["koncern_soliditet_procent"]
        if year == "2022":
            assert soliditet == fmt.percent(koncern["eget_kapital"] / assets * 100, 1)


def test_publish_checks_every_period_on_the_site_whatever_period_says(
    built: tuple[ProjectPaths, Path, str],
) -> None:
    """2022-04 stays on the site when only 2022-12 is built, so its draft stops --publish."""
    paths, _, _ = built
    text_file = paths.narrative_file("2022-04", "bun")
    original = text_file.read_bytes()
    text_file.write_text(
        original.decode("utf-8").replace("status: klar", "status: utkast", 1), "utf-8"
    )
    try:
        result = runner.invoke(
            app, ["build", "--rot", str(paths.root), "--publish", "--period", "2022-12"]
        )
        assert result.exit_code == ExitCode.NOT_READY, result.output
        assert "reports/2022-04/bun.qmd" in result.output
        assert "utkast" in result.output
    finally:
        text_file.write_bytes(original)
