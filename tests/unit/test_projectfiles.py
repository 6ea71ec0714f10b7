"""File paths in data (issue 24, item 3): ``kommun.logotyp`` stays an image inside data/ or
assets/, and no file of the project's folders is a link out of the project. Each attack is
refused by check and build with file, row and column, never copied into the site."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from kommunrapport.cli import app
from kommunrapport.cli.common import ExitCode
from kommunrapport.data.loader import collect, load_model
from kommunrapport.data.paths import ProjectPaths
from kommunrapport.data.projectfiles import links_out, named_file
from kommunrapport.site.write import site_config

runner = CliRunner()
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><title>Logotyp</title></svg>\n'


def _set_logo(paths: ProjectPaths, value: str) -> int:
    """Write ``logotyp: <value>`` into kommun.yml; return its line."""
    source = paths.yaml_file("kommun")
    text = source.read_text(encoding="utf-8")
    text = text.replace('  kolada_id: "1487"\n', f'  kolada_id: "1487"\n  logotyp: {value!r}\n')
    source.write_text(text, encoding="utf-8")
    return text.splitlines().index(f"  logotyp: {value!r}") + 1


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("../.git/config", "pekar ut ur data/"),
        ("../params/perioder.yml", "pekar ut ur data/"),
        ("/etc/passwd", "absolut sökväg"),
        ("C:\\Windows\\logo.png", "absolut sökväg"),
        ("bilder\\..\\..\\x.png", "absolut sökväg"),
        ("https://example.org/logo.png", "är en adress"),
        ("kommun.yml", "är inte en bild"),
        ("finns-inte.svg", "finns inte"),
        ("", "är tomt"),
    ],
)
def test_a_logo_outside_data_is_refused_with_its_place(
    minimal_project: ProjectPaths, value: str, expected: str
) -> None:
    line = _set_logo(minimal_project, value)
    model, problems = collect(minimal_project)
    assert model is None
    (problem,) = problems
    assert (problem.file, problem.row, problem.column) == ("data/kommun.yml", line, "logotyp")
    assert expected in problem.message


def test_a_logo_that_links_out_of_the_project_is_refused(
    minimal_project: ProjectPaths, tmp_path: Path
) -> None:
    outside = tmp_path / "hemlig.svg"
    outside.write_bytes(SVG)
    (minimal_project.data_dir / "logo.svg").symlink_to(outside)
    _set_logo(minimal_project, "logo.svg")
    _, problems = collect(minimal_project)
    messages = [str(p) for p in problems]
    assert any("data/kommun.yml" in m and "länk till en fil utanför data/" in m for m in messages)
    assert any(m.startswith("data/logo.svg: är en symbolisk länk") for m in messages), messages


def test_a_logo_in_data_or_assets_is_used(minimal_project: ProjectPaths) -> None:
    (minimal_project.data_dir / "logo.svg").write_bytes(SVG)
    _set_logo(minimal_project, "logo.svg")
    config = site_config(load_model(minimal_project), [])
    assert config["website"]["navbar"]["logo"] == "data/logo.svg"
    # a link inside the project to assets/ is allowed; the site names the file itself
    minimal_project.assets_dir.mkdir(exist_ok=True)
    (minimal_project.assets_dir / "vapen.svg").write_bytes(SVG)
    (minimal_project.data_dir / "vapen.svg").symlink_to(minimal_project.assets_dir / "vapen.svg")
    source = minimal_project.yaml_file("kommun")
    text = source.read_text(encoding="utf-8").replace("'logo.svg'", "'vapen.svg'")
    source.write_text(text, encoding="utf-8")
    config = site_config(load_model(minimal_project), [])
    assert config["website"]["navbar"]["logo"] == "assets/vapen.svg"


def test_a_data_table_that_links_out_of_the_project_is_refused(
    minimal_project: ProjectPaths, tmp_path: Path
) -> None:
    table = minimal_project.data_dir / "aktiviteter.csv"
    outside = tmp_path / "annat.csv"
    outside.write_bytes(table.read_bytes())
    table.unlink()
    table.symlink_to(outside)
    (minimal_project.params_dir / "borta.yml").symlink_to(tmp_path / "finns-inte.yml")
    found = links_out(minimal_project, [minimal_project.data_dir, minimal_project.params_dir])
    assert [p.name for p, _ in found] == ["aktiviteter.csv", "borta.yml"]
    for command in (["check"], ["build", "--no-render"]):
        result = runner.invoke(app, [*command, "--rot", str(minimal_project.root)])
        assert result.exit_code == ExitCode.DATA_INVALID, (command, result.output)
        assert "data/aktiviteter.csv: är en symbolisk länk till" in result.output
        assert "params/borta.yml: är en symbolisk länk" in result.output
        assert "Traceback" not in result.output


def test_check_and_build_refuse_a_logo_path_and_copy_nothing(
    minimal_project: ProjectPaths,
) -> None:
    line = _set_logo(minimal_project, "../.git/config")
    for command in (["check"], ["build", "--no-render"]):
        result = runner.invoke(app, [*command, "--rot", str(minimal_project.root)])
        assert result.exit_code == ExitCode.DATA_INVALID, (command, result.output)
        assert f"data/kommun.yml, rad {line}, kolumn 'logotyp'" in result.output
        assert "Traceback" not in result.output
    assert not minimal_project.site_config_file.exists()


def test_named_file_accepts_a_plain_image(minimal_project: ProjectPaths) -> None:
    (minimal_project.data_dir / "bilder").mkdir()
    (minimal_project.data_dir / "bilder" / "Logo.PNG").write_bytes(b"\x89PNG\r\n")
    named = named_file(minimal_project, "bilder/Logo.PNG")
    assert named.problem is None and named.path is not None
    assert named.path.name == "Logo.PNG"
