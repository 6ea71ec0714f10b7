"""An analyst's text made into a chapter of its period's whole report (``index.qmd``).

The whole report puts every job's text on one page, so its references are made unique
within the page: labels get the job after their cross-reference type
(:func:`unique_label`: ``tbl-drift`` of ``bun`` becomes ``tbl-bun-drift``),
``{{< embed _executed/bun.ipynb#tbl-drift >}}`` becomes
``{{< embed _executed/_rapport/bun.ipynb#tbl-bun-drift >}}`` (the relabelled copy of the
executed notebook) and ``{{< meta nyckeltal.x >}}`` becomes
``{{< meta kapitel.bun.nyckeltal.x >}}`` (backed by ``_executed/_rapport.yml``).
HTML comments are left out and headings shifted so the chapter's highest is ``##``.
Pure text in, text out.
"""

from __future__ import annotations

import re
from typing import Final

from kommunrapport.site.narrative import KEY_PREFIX

REPORT_KEY: Final = "kapitel"
"""Top-level key of ``_rapport.yml``: ``kapitel.<job>.nyckeltal.<key>``."""
_CROSSREF_TYPES: Final = ("fig", "tbl", "lst", "sec", "eq")


def slot(job: str) -> str:
    """A job's key under ``kapitel`` (dots would break Quarto's meta dereferencing)."""
    return job.replace(".", "_")


def unique_label(job: str, label: str) -> str:
    """``tbl-drift`` of job ``bun`` becomes ``tbl-bun-drift`` (keeping the cross-reference
    type first, as Quarto needs)."""
    kind, sep, rest = label.partition("-")
    if sep and kind in _CROSSREF_TYPES:
        return f"{kind}-{job}-{rest}"
    return f"{job}-{label}"


_TOKENS = re.compile(
    r"(?P<escaped>\{\{\{<.*?>\}\}\})"
    r"|(?P<shortcode>\{\{<\s*(?P<name>[A-Za-z][\w-]*)(?P<args>(?:[^>]|>(?!\}\}))*?)\s*>\}\})"
    r"|(?<![\w.])@(?P<ref>(?:fig|tbl|lst|sec|eq)-[A-Za-z0-9_-]*[A-Za-z0-9_])"
    r"|(?<=[{\s])#(?P<id>(?:fig|tbl|lst|sec|eq)-[A-Za-z0-9_-]*[A-Za-z0-9_])",
    re.DOTALL,
)
_ATX = re.compile(r"^(?P<hashes>#{1,6})(?P<rest>[ \t].*)?$")
_FENCE = re.compile(r"^[ \t]{0,3}(?P<fence>`{3,}|~{3,})")
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_EMBED_PATH = re.compile(r"^_executed/(?P<job>[A-Za-z0-9_.-]+)\.ipynb$")


def _shift_headings(body: str, to_level: int = 2) -> str:
    """Shift ATX headings so the highest level in ``body`` is ``to_level``."""
    lines = body.split("\n")
    fence: str | None = None
    levels = []
    headings = []
    for i, line in enumerate(lines):
        fm = _FENCE.match(line)
        if fence is not None:
            if fm and fm.group("fence")[0] == fence[0] and len(fm.group("fence")) >= len(fence):
                fence = None
            continue
        if fm:
            fence = fm.group("fence")
            continue
        hm = _ATX.match(line)
        if hm and hm.group("rest") is not None:
            levels.append(len(hm.group("hashes")))
            headings.append(i)
    if not levels or min(levels) >= to_level:
        return body
    shift = to_level - min(levels)
    for i in headings:
        hm = _ATX.match(lines[i])
        assert hm is not None
        lines[i] = "#" * min(6, len(hm.group("hashes")) + shift) + (hm.group("rest") or "")
    return "\n".join(lines)


def chapter_body(body: str, job: str) -> str:
    """The analysts' text of ``job`` made fit for the period report (see module doc).
    HTML comments (the guiding questions, notes to colleagues) are left out."""
    ids: dict[str, str] = {}
    for m in _TOKENS.finditer(body):
        if m.group("shortcode") and m.group("name") == "embed":
            args = m.group("args").split()
            target, _, label = (args[0] if args else "").partition("#")
            em = _EMBED_PATH.match(target)
            if em and label:
                ids.setdefault(label, unique_label(em.group("job"), label))
        elif m.group("id"):
            ids.setdefault(m.group("id"), unique_label(job, m.group("id")))

    def replace(m: re.Match[str]) -> str:
        if m.group("escaped"):
            return m.group(0)
        if m.group("ref"):
            ref = m.group("ref")
            return "@" + ids.get(ref, ref)
        if m.group("id"):
            return "#" + ids.get(m.group("id"), m.group("id"))
        name = m.group("name")
        args = m.group("args").split()
        if name == "embed" and args:
            target, _, label = args[0].partition("#")
            em = _EMBED_PATH.match(target)
            if em and label:
                other = em.group("job")
                args[0] = f"_executed/_rapport/{other}.ipynb#{unique_label(other, label)}"
                return "{{< embed " + " ".join(args) + " >}}"
        if name == "meta" and args and args[0].startswith(KEY_PREFIX + "."):
            args[0] = f"{REPORT_KEY}.{slot(job)}.{args[0]}"
            return "{{< meta " + " ".join(args) + " >}}"
        return m.group(0)

    body = _COMMENT.sub("", body)
    body = re.sub(r"\n{3,}", "\n\n", body)
    return _shift_headings(_TOKENS.sub(replace, body)).strip("\n")
