"""A fake ``quarto`` binary for the render tests (stdlib and PyYAML only, so it starts fast).

`install_fake_quarto` puts a `quarto` first on PATH that runs this file. It records every
call (argv, working directory, the pages it rendered) as a JSON line in a log, and does
what a real Quarto does to the files the build looks at:
- `--version`: prints `$FAKE_QUARTO_VERSION` (default 1.10.18), without logging;
- `render`: the project's render list (`_quarto.yml` + the generated `_webbplats.yml`, as
  Quarto merges them), `--to a,b` (else each page's own formats, else the project's),
  `--no-clean` (else `_site/` is emptied first); writes `_site/<page>.html|.docx|.pdf`
  with a stamp (a docx is the project's reference docx with the stamp as an extra part)
  and prints `[n/N] page` like Quarto. A page whose text contains FAKE_FAILURE fails the
  render (exit 1) after the pages before it were written.
- `preview <page> --port P --host H`: renders the page's HTML, serves `_site/` on H:P
  (starting a helper child process, as Quarto's deno does) until SIGINT or SIGTERM.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

FAKE_FAILURE = "FAKE-QUARTO-FEL"
_LOG_ENV = "FAKE_QUARTO_LOG"
VERSION_ENV = "FAKE_QUARTO_VERSION"
"""What the fake's ``--version`` prints (default 1.10.18, the version the project targets)."""
_EXT = {"html": ".html", "docx": ".docx", "typst": ".pdf", "pdf": ".pdf"}


def install_fake_quarto(bin_dir: Path, log: Path) -> Path:
    """Write ``bin_dir/quarto`` (runs this file with this Python, logging to ``log``)."""
    import sys

    bin_dir.mkdir(parents=True, exist_ok=True)
    exe = bin_dir / "quarto"
    script = Path(__file__).resolve()
    exe.write_text(
        f'#!/bin/sh\n{_LOG_ENV}="{log}" exec "{sys.executable}" "{script}" "$@"\n',
        encoding="utf-8",
    )
    exe.chmod(0o755)
    return exe


def read_calls(log: Path) -> list[dict[str, Any]]:
    """Every call of the fake so far, in order."""
    if not log.is_file():
        return []
    return [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines() if line]


def _log(entry: dict[str, Any]) -> None:
    import os

    with open(os.environ[_LOG_ENV], "a", encoding="utf-8") as handle:
        handle.write(json.dumps(entry, ensure_ascii=False) + "\n")


def _yaml(path: Path) -> dict[str, Any]:
    import yaml

    if not path.is_file():
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data if isinstance(data, dict) else {}


def _front_formats(page: Path) -> list[str] | None:
    import yaml

    text = page.read_text(encoding="utf-8")
    if not text.startswith("---\n"):
        return None
    front = yaml.safe_load(text[4:].split("\n---", 1)[0]) or {}
    fmt = front.get("format") if isinstance(front, dict) else None
    if isinstance(fmt, str):
        return [fmt]
    return list(fmt) if isinstance(fmt, dict) else None


def _option(argv: list[str], name: str) -> str | None:
    return argv[argv.index(name) + 1] if name in argv and argv.index(name) + 1 < len(argv) else None


def _write_output(root: Path, page: str, fmt: str) -> Path:
    import hashlib
    import time

    source = root / page
    out = root / "_site" / Path(page).with_suffix(_EXT.get(fmt, f".{fmt}"))
    out.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256(source.read_bytes()).hexdigest()[:12]
    stamp = f"fake-quarto {fmt} {page} {digest} {time.time_ns()}\n"
    reference = root / "assets" / "referens.docx"
    if fmt == "docx" and reference.is_file():
        # A real Word file (the build finishes every docx after a render): the reference
        # document pandoc starts from, with the stamp as an extra part.
        import shutil
        import zipfile

        shutil.copyfile(reference, out)
        with zipfile.ZipFile(out, "a") as docx:
            docx.writestr("fake-quarto.txt", stamp)
        return out
    out.write_text(stamp, encoding="utf-8")
    return out


def _fake_render(root: Path, argv: list[str]) -> int:
    import shutil
    import sys

    config = _yaml(root / "_quarto.yml")
    pages: list[str] = []
    for source in [config, *(_yaml(root / m) for m in config.get("metadata-files", []))]:
        project = source.get("project") or {}
        for page in project.get("render", []) or []:
            if page not in pages:
                pages.append(page)
    to = _option(argv, "--to")
    clean = "--no-clean" not in argv
    entry = {"cmd": "render", "argv": argv, "cwd": str(root), "pages": pages, "to": to}
    _log(entry)
    if clean and (root / "_site").is_dir():
        shutil.rmtree(root / "_site")
    project_formats = list(config.get("format") or ["html"])
    for n, page in enumerate(pages, start=1):
        if len(pages) > 1:
            print(f"[{n:>{len(str(len(pages)))}}/{len(pages)}] {page}", flush=True)
        source = root / page
        if FAKE_FAILURE in source.read_text(encoding="utf-8"):
            print(f"ERROR: {page}: rendering failed (fake)", file=sys.stderr, flush=True)
            return 1
        formats = to.split(",") if to else (_front_formats(source) or project_formats)
        for fmt in formats:
            out = _write_output(root, page, fmt)
            print(f"Output created: {out.relative_to(root).as_posix()}", flush=True)
    return 0


def _fake_preview(root: Path, argv: list[str]) -> int:
    import functools
    import http.server
    import os
    import signal
    import subprocess
    import sys
    import threading

    page = argv[1]
    port = int(_option(argv, "--port") or 4848)
    host = _option(argv, "--host") or "127.0.0.1"
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
    _log({"cmd": "preview", "argv": argv, "cwd": str(root), "pid": os.getpid(), "child": child.pid})
    _write_output(root, page, "html")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(root / "_site"))
    server = http.server.ThreadingHTTPServer((host, port), handler)

    def stop(signum: int, frame: Any) -> None:
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    print("Watching files for changes", flush=True)
    html = Path(page).with_suffix(".html").as_posix()
    print(f"Browse at http://localhost:{port}/{html}", flush=True)
    server.serve_forever()
    server.server_close()
    child.terminate()
    child.wait()
    return 0


def main(argv: list[str]) -> int:
    root = Path.cwd()
    if argv[:1] == ["--version"]:  # asked before every render; not logged
        import os

        print(os.environ.get(VERSION_ENV, "1.10.18"))
        return 0
    if argv[:1] == ["render"]:
        return _fake_render(root, argv)
    if argv[:1] == ["preview"]:
        return _fake_preview(root, argv)
    _log({"cmd": argv[0] if argv else "", "argv": argv, "cwd": str(root)})
    return 2


if __name__ == "__main__":
    import sys

    sys.exit(main(sys.argv[1:]))
