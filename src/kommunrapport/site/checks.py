"""What is wrong with the text of the site, in Swedish, before Quarto runs.

Two checks, one before and one after the build:

- :func:`narrative_problems` (``kommunrapport check``, and the first step of ``build``): every
  analysts' file of every period in params, against the template notebooks' labels, the
  period's jobs and the key-figure keys. Works before any build.
- :func:`unresolved_references` (the last step of :func:`kommunrapport.site.write.prepare_site`):
  every ``embed`` and ``meta nyckeltal``/``kapitel`` reference of one page, resolved against
  the files Quarto will read (executed notebooks, key-figure files), relative to the page.

Both only read files, and report every problem rather than the first.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from kommunrapport.content import period as per
from kommunrapport.content.labels import EGEN_PREFIX, TEMPLATE_LABELS
from kommunrapport.data.errors import DataValidationError, Problem
from kommunrapport.data.model import Kommunmodell, Period
from kommunrapport.data.paths import ProjectPaths
from kommunrapport.data.yamlio import load_yaml
from kommunrapport.site.chapters import REPORT_KEY
from kommunrapport.site.frontmatter import unknown_keys
from kommunrapport.site.narrative import (
    KEY_PREFIX,
    KOMMUN_JOB,
    STATUSES,
    KeySets,
    Narrative,
    cell_labels,
    default_key_sets,
    is_generated,
    key_hint,
    own_labels,
    period_jobs,
    read_narrative,
    template_for,
    template_labels,
)
from kommunrapport.site.textsafety import (
    front_matter_findings,
    raw_html_findings,
    review_comments,
    shortcode_findings,
)

_EMBED_TARGET = re.compile(r"^_executed/(?P<job>[A-Za-z0-9_.-]+)\.ipynb$")


class UnresolvedReferencesError(DataValidationError):
    """A page embeds a label or cites a key figure that the build did not produce."""


# --- the analysts' files, before the build ---------------------------------------------------


def _shortcode_problems(
    shown: str,
    job: str,
    period: Period,
    narrative: Narrative,
    labels: Mapping[str, frozenset[str]],
    keys: KeySets | None,
    jobs: Sequence[str],
    own: Mapping[str, frozenset[str]] | None = None,
) -> list[Problem]:
    problems = []
    for sc in narrative.shortcodes:
        if sc.name == "embed":
            target, _, label = sc.target.partition("#")
            m = _EMBED_TARGET.match(target)
            if not label:
                problems.append(
                    Problem(
                        shown, sc.line, sc.text, "inbäddningen saknar etikett (…ipynb#etikett)."
                    )
                )
                continue
            if m is None:
                problems.append(
                    Problem(
                        shown,
                        sc.line,
                        sc.text,
                        "inbäddningen ska peka på en körd anteckningsbok i samma period: "
                        "_executed/<nämnd>.ipynb eller _executed/kommun.ipynb.",
                    )
                )
                continue
            target_job = m.group("job")
            if target_job not in jobs:
                problems.append(
                    Problem(
                        shown,
                        sc.line,
                        sc.text,
                        f"'{target_job}' körs inte för perioden {period.id}; "
                        f"välj en av: {', '.join(jobs)}.",
                    )
                )
                continue
            template = template_for(target_job)
            known = labels.get(template, frozenset()) | (own or {}).get(target_job, frozenset())
            if label not in known:
                problems.append(
                    Problem(
                        shown,
                        sc.line,
                        sc.text,
                        f"etiketten '{label}' finns inte i notebooks/{template}.ipynb"
                        + (
                            f" eller bland nämndens egna tabeller (data/egna/{target_job}/)"
                            if label.startswith(EGEN_PREFIX)
                            else ""
                        )
                        + f"; finns: {', '.join(sorted(known)) or '(inga)'}.",
                    )
                )
        elif sc.name == "meta":
            key = sc.target
            if key != KEY_PREFIX and not key.startswith(KEY_PREFIX + "."):
                continue
            name = key[len(KEY_PREFIX) + 1 :]
            if not name:
                problems.append(
                    Problem(
                        shown,
                        sc.line,
                        sc.text,
                        "ange vilket nyckeltal, t.ex. {{< meta nyckeltal.avvikelse_tkr >}}.",
                    )
                )
                continue
            if keys is None:
                continue
            known_keys = keys.get(template_for(job), ())
            if name not in known_keys:
                problems.append(
                    Problem(
                        shown,
                        sc.line,
                        sc.text,
                        f"okänt nyckeltal '{name}'."
                        + key_hint(name, per.is_full_year(period))
                        + f" Finns: {', '.join(sorted(known_keys))}.",
                    )
                )
    return problems


def markup_problems(shown: str, narrative: Narrative) -> list[Problem]:
    """Shortcodes other than embed and meta (anywhere in the file), raw HTML other than
    plain comments, code cells, and front-matter keys or values that could bring in files,
    code or HTML (:mod:`kommunrapport.site.textsafety`)."""
    found = [
        *shortcode_findings(narrative.source),
        *raw_html_findings(narrative.body, narrative.body_line),
    ]
    problems = [Problem(shown, f.line, f.snippet, f.message) for f in found]
    for kf in front_matter_findings(narrative.front_matter or {}):
        line = narrative.line_of(*kf.key) or narrative.line_of(kf.key[0]) or 1
        problems.append(Problem(shown, line, str(kf.key[0]), kf.message))
    return sorted(problems, key=lambda p: p.row or 0)


def _front_matter_problems(shown: str, job: str, narrative: Narrative) -> list[Problem]:
    problems = [Problem(shown, line, None, message) for line, message in narrative.front_problems]
    if narrative.front_matter is None:
        return problems
    status = narrative.get("status")
    if status is None:
        problems.append(
            Problem(shown, 1, "status", f"fältet saknas; ange en av: {', '.join(STATUSES)}.")
        )
    elif status not in STATUSES:
        problems.append(
            Problem(
                shown,
                narrative.line_of("status"),
                "status",
                f"ogiltigt värde {status!r}; tillåtna: {', '.join(STATUSES)}.",
            )
        )
    if status == "klar":
        reviews = review_comments(narrative.source)
        if reviews:
            lines = ", ".join(str(f.line) for f in reviews)
            problems.append(
                Problem(
                    shown,
                    narrative.line_of("status"),
                    "status",
                    f"status är klar, men texten har kvar {len(reviews)} "
                    f"granskningskommentar{'er' if len(reviews) > 1 else ''} "
                    f"(<!-- granskning: … -->, rad {lines}); ta bort "
                    f"{'dem' if len(reviews) > 1 else 'den'} eller sätt status granskning.",
                )
            )
    ansvarig = narrative.get("ansvarig")
    if "ansvarig" not in narrative.front_matter:
        problems.append(Problem(shown, 1, "ansvarig", "fältet saknas; ange vem som skriver."))
    elif ansvarig is not None and not isinstance(ansvarig, str):
        problems.append(
            Problem(shown, narrative.line_of("ansvarig"), "ansvarig", "ska vara text (ett namn).")
        )
    elif not (ansvarig or "").strip() and status in ("granskning", "klar"):
        problems.append(
            Problem(
                shown,
                narrative.line_of("ansvarig"),
                "ansvarig",
                f"får inte vara tomt när status är {status}.",
            )
        )
    if narrative.title is None:
        problems.append(Problem(shown, narrative.line_of("title") or 1, "title", "titel saknas."))
    wanted = f"_executed/{job}.yml"
    for other in narrative.metadata_files:
        if other != wanted:
            problems.append(
                Problem(
                    shown,
                    narrative.line_of("metadata-files") or 1,
                    "metadata-files",
                    f"får bara innehålla {wanted}, inte {other!r} (en annan fil kan föra in "
                    "värden från utanför rapporten).",
                )
            )
    if wanted not in narrative.metadata_files:
        problems.append(
            Problem(
                shown,
                narrative.line_of("metadata-files") or 1,
                "metadata-files",
                f"ska innehålla {wanted}, så att {{{{< meta nyckeltal.… >}}}} hittar nyckeltalen.",
            )
        )
    if status == "klar":
        for heading in narrative.unwritten:
            problems.append(
                Problem(
                    shown,
                    heading.line,
                    "status",
                    f"status är klar men rubriken '{heading.text}' har bara sin vägledande "
                    "fråga; skriv text eller ändra status.",
                )
            )
    return problems


def file_problems(
    paths: ProjectPaths,
    period: Period,
    job: str,
    *,
    labels: Mapping[str, frozenset[str]] | None = None,
    keys: KeySets | None = None,
    jobs: Sequence[str] | None = None,
) -> list[Problem]:
    """Problems in one narrative file (which must exist); ``jobs`` are the period's jobs
    an embed may name (default: the kommun and the period's nämnder)."""
    path = paths.narrative_file(period.id, job)
    shown = paths.relative(path)
    try:
        narrative = read_narrative(path)
    except UnicodeDecodeError:
        return [Problem(shown, None, None, "filen är inte UTF-8.")]
    if labels is None:
        labels = {t: template_labels(paths, t) for t in TEMPLATE_LABELS}
    embeddable = jobs if jobs is not None else [KOMMUN_JOB, *(n.id for n in period.namnder)]
    return [
        *_front_matter_problems(shown, job, narrative),
        *markup_problems(shown, narrative),
        *_shortcode_problems(
            shown,
            job,
            period,
            narrative,
            labels,
            keys,
            embeddable,
            {j: own_labels(paths, j) for j in embeddable},
        ),
    ]


def narrative_problems(
    paths: ProjectPaths, model: Kommunmodell, *, keys: KeySets | None = None
) -> list[Problem]:
    """Every problem in the analysts' narrative of every period in params.

    Works before any build: embeds are checked against the template notebooks' labels and
    the period's jobs, ``meta nyckeltal.*`` against the key-figure keys (``keys``, default
    the keys of each period's kind: :func:`kommunrapport.site.narrative.default_key_sets`).
    """
    labels = {t: template_labels(paths, t) for t in TEMPLATE_LABELS}
    problems: list[Problem] = []
    for period in model.perioder.perioder:
        jobs = period_jobs(model, period)
        period_keys = keys if keys is not None else default_key_sets(per.is_full_year(period))
        for job in jobs:
            if paths.narrative_file(period.id, job).is_file():
                problems.extend(
                    file_problems(paths, period, job, labels=labels, keys=period_keys, jobs=jobs)
                )
        folder = paths.period_dir(period.id)
        if not folder.is_dir():
            continue
        report = paths.period_report(period.id)
        if report.exists() and not is_generated(report):
            problems.append(
                Problem(
                    paths.relative(report),
                    1,
                    None,
                    "filen skrivs av kommunrapport build (periodens hela rapport) men saknar "
                    "markeringen att den är genererad; flytta texten till kommun.qmd eller "
                    "en nämnds fil och ta bort filen.",
                )
            )
        for stray in sorted(folder.glob("*.qmd")):
            if stray.stem not in jobs and stray != report and stray.stem != KOMMUN_JOB:
                problems.append(
                    Problem(
                        paths.relative(stray),
                        None,
                        None,
                        f"'{stray.stem}' ingår inte i perioden {period.id} i "
                        "params/perioder.yml; filen kommer inte med i rapporten.",
                    )
                )
    return problems


def narrative_warnings(paths: ProjectPaths, model: Kommunmodell) -> list[str]:
    """Sound narratives worth a word: an unknown front-matter key (often a typo, such as
    ``stauts: klar``), with the nearest known key."""
    out = []
    for period in model.perioder.perioder:
        for job in period_jobs(model, period):
            path = paths.narrative_file(period.id, job)
            if not path.is_file():
                continue
            try:
                narrative = read_narrative(path)
            except (OSError, UnicodeDecodeError):
                continue  # narrative_problems names it
            for key, near in unknown_keys(narrative.front_matter or {}):
                line = narrative.line_of(key)
                where = f"{paths.relative(path)}, rad {line}" if line else paths.relative(path)
                hint = f" Menade du '{near}'?" if near else ""
                out.append(
                    f"{where}: okänt fält '{key}' i front matter; varken kommunrapport eller "
                    f"Quarto läser det.{hint}"
                )
    return out


# --- every page, after the generated files are written ----------------------------------


def _notebook_targets(notebook: Path) -> set[str]:
    """Everything ``embed`` can name in a notebook: cell ids, labels and tags."""
    data = json.loads(notebook.read_text(encoding="utf-8"))
    found: set[str] = set()
    for cell in data.get("cells", []):
        if cell.get("id"):
            found.add(str(cell["id"]))
        found.update(str(t) for t in cell.get("metadata", {}).get("tags", []))
        found.update(cell_labels(cell))
    return found


def _lookup(data: Any, dotted: str) -> bool:
    node = data
    for part in dotted.split("."):
        if not isinstance(node, Mapping) or part not in node:
            return False
        node = node[part]
    return True


def unresolved_references(paths: ProjectPaths, page: Path) -> list[Problem]:
    """The ``embed`` targets and ``meta nyckeltal``/``kapitel`` keys of a page that do not
    resolve against the files Quarto will read (paths relative to the page, like Quarto)."""
    shown = paths.relative(page)
    narrative = read_narrative(page)
    metadata: dict[str, Any] = dict(narrative.front_matter or {})
    for rel in narrative.metadata_files:
        source = page.parent / rel
        if source.is_file():
            loaded = load_yaml(source.read_text(encoding="utf-8")) or {}
            if isinstance(loaded, dict):
                metadata.update(loaded)
    cache: dict[Path, set[str]] = {}
    problems = []
    for sc in narrative.shortcodes:
        if sc.name == "embed":
            target, _, label = sc.target.partition("#")
            notebook = page.parent / target
            if not notebook.is_file():
                problems.append(
                    Problem(
                        shown,
                        sc.line,
                        sc.text,
                        f"{paths.relative(notebook)} finns inte (kör build).",
                    )
                )
                continue
            if notebook not in cache:
                cache[notebook] = _notebook_targets(notebook)
            if label and label not in cache[notebook]:
                problems.append(
                    Problem(
                        shown,
                        sc.line,
                        sc.text,
                        f"{paths.relative(notebook)} har ingen cell med etiketten '{label}'.",
                    )
                )
        elif (
            sc.name == "meta"
            and sc.target.split(".")[0] in (KEY_PREFIX, REPORT_KEY)
            and not _lookup(metadata, sc.target)
        ):
            problems.append(
                Problem(
                    shown,
                    sc.line,
                    sc.text,
                    f"'{sc.target}' finns inte i sidans metadata "
                    f"({', '.join(narrative.metadata_files) or 'inga metadata-files'}).",
                )
            )
    return problems
