"""Write the example's data/README.md from its one source.

A development tool, not part of the package. The guide to the data folder is written in
``src/kommunrapport/templates/datamapp/README.md``; the example's ``data/README.md`` and the one
``kommunrapport init`` writes are both made from it (``kommunrapport.data.registrydoc``). Edit
the source, then run:

    python tools/write_data_readme.py
"""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

from kommunrapport.data.registrydoc import data_readme  # noqa: E402


def main() -> None:
    target = REPO / "data" / "README.md"
    target.write_text(data_readme(), encoding="utf-8")
    print(f"skrev {target.relative_to(REPO)}")


if __name__ == "__main__":
    main()
