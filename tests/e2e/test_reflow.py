"""Reflow on a phone (WCAG 1.4.10): no page is wider than the screen at 320 px and 375 px.

The real render showed a nämnd page 476 px wide at 375 px: the "next page" link at the
bottom, with a long nämnd name, did not wrap. Quarto's own rules for that link are quoted
below (quarto-cli ``src/resources/projects/website/navigation/quarto-nav.scss``); the page
here is Quarto's page-navigation markup under those rules and the rules section of the
project's ``assets/kommunrapport.scss``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from a11y_tool import REPO, a11y_unavailable, run_reflow

pytestmark = pytest.mark.skipif(a11y_unavailable() is not None, reason=str(a11y_unavailable()))

QUARTO_NAV_RULES = """
.page-navigation { display: flex; justify-content: space-between; }
.nav-page { padding-bottom: 0.75em; }
.nav-page .bi { font-size: 1.8rem; vertical-align: middle; }
.nav-page .nav-page-text { font-size: 0.925rem; padding-left: 0.25em; padding-right: 0.25em;
  margin-bottom: 5px; }
.nav-page a { text-decoration: none; display: flex; align-items: center; }
"""

PAGE = """<!DOCTYPE html>
<html lang="sv"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Samhällsbyggnadsnämnden</title>
<style>body {{ margin: 0; font-size: 17px; }} main {{ padding: 0 12px; }}
{quarto}
{project}</style></head>
<body><main class="content">
<h1 class="title">Samhällsbyggnadsnämnden</h1>
<p>Nämndens del av delårsrapporten.</p>
<nav class="page-navigation">
  <div class="nav-page nav-page-previous">
    <a href="bun.html" class="pagination-link"><i class="bi bi-arrow-left-short">&lt;</i>
    <span class="nav-page-text">Barn- och utbildningsnämnden</span></a>
  </div>
  <div class="nav-page nav-page-next">
    <a href="mhn.html" class="pagination-link">
    <span class="nav-page-text">Miljö- och hälsoskyddsnämnden med byggnadsnämndsuppgifter</span>
    <i class="bi bi-arrow-right-short">&gt;</i></a>
  </div>
</nav></main></body></html>
"""


def _project_rules(scss: str) -> str:
    """The plain-CSS rules section of the theme (after ``/*-- scss:rules --*/``)."""
    rules = scss.split("/*-- scss:rules --*/", 1)[1]
    rules = re.sub(r"^\s*//.*$", "", rules, flags=re.M)
    assert "$" not in rules, "the rules section uses SCSS variables; compile it for the test"
    return rules


def _page(tmp_path: Path, project_css: str) -> Path:
    page = tmp_path / "sbn.html"
    page.write_text(PAGE.format(quarto=QUARTO_NAV_RULES, project=project_css), encoding="utf-8")
    return page


def test_without_the_projects_rules_the_page_is_too_wide(tmp_path: Path) -> None:
    result = run_reflow(_page(tmp_path, ""))
    assert result.returncode == 1, result.stdout + result.stderr
    assert "nav-page-next" in result.stdout


@pytest.mark.parametrize("scss", ["assets/kommunrapport.scss"])
def test_the_projects_rules_make_the_page_fit(tmp_path: Path, scss: str) -> None:
    css = _project_rules((REPO / scss).read_text(encoding="utf-8"))
    result = run_reflow(_page(tmp_path, css))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 för breda" in result.stdout


def test_the_rendered_site_fits_a_phone() -> None:
    site = REPO / "_site"
    if not (site / "index.html").is_file():
        pytest.skip("ingen renderad webbplats i _site/ (kör kommunrapport build med Quarto)")
    result = run_reflow(site)
    assert result.returncode == 0, result.stdout + result.stderr
