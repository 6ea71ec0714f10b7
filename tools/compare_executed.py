"""Compare two copies of the example's build output, ignoring what legitimately differs.

Usage: python tools/compare_executed.py BEFORE_DIR AFTER_DIR [--replace OLD=NEW ...]

Each directory holds one folder per period with the contents of `reports/<period>/_executed/`
(executed notebooks, key figures, open data). Notebooks are compared as JSON with their
volatile parts removed: times and durations, papermill's input and temporary output paths
(they name the checkout), the random id papermill gives the injected cell, and the job's cache
fingerprint (it hashes the template, so it changes whenever the template does). Every other
file is compared byte for byte.
``--replace OLD=NEW`` applies a text replacement to BEFORE's notebooks first, for an expected
change of source (a moved import). Prints each difference and exits 1 if there is any.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

_VOLATILE = {
    "start_time",
    "end_time",
    "duration",
    "execution",
    "id",
    "input_path",
    "output_path",
    "sekunder",
    "start",
    "fingeravtryck",
}


def _scrub(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: _scrub(v) for k, v in node.items() if k not in _VOLATILE}
    if isinstance(node, list):
        return [_scrub(v) for v in node]
    return node


def _files(root: Path) -> dict[str, Path]:
    return {str(p.relative_to(root)): p for p in sorted(root.rglob("*")) if p.is_file()}


def compare(before: Path, after: Path, replace: dict[str, str] | None = None) -> list[str]:
    old, new = _files(before), _files(after)
    problems = [f"only before: {name}" for name in sorted(old.keys() - new.keys())]
    problems += [f"only after: {name}" for name in sorted(new.keys() - old.keys())]
    for name in sorted(old.keys() & new.keys()):
        a, b = old[name].read_bytes(), new[name].read_bytes()
        if name.endswith(".ipynb"):
            for old_text, new_text in (replace or {}).items():
                a = a.replace(old_text.encode(), new_text.encode())
            same = _scrub(json.loads(a)) == _scrub(json.loads(b))
        else:
            same = a == b
        if not same:
            problems.append(f"differs: {name}")
    return problems


def main() -> int:
    args = sys.argv[1:]
    if len(args) < 2 or any(a != "--replace" for a in args[2::2]) or len(args) % 2:
        print(__doc__)
        return 2
    replace = dict(value.split("=", 1) for value in args[3::2])
    problems = compare(Path(args[0]), Path(args[1]), replace)
    for line in problems:
        print(line)
    print(f"{len(problems)} differences")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
