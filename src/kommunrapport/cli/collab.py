"""The collaboration commands: ``lab``, ``check-notebooks`` and ``setup-git``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from kommunrapport.cli.common import ExitCode, RootOption, fail, out, paths_for, warn
from kommunrapport.data.errors import KommunrapportError


def lab(
    root: RootOption = None,
    ip: Annotated[
        str,
        typer.Option(
            "--ip",
            help="Adress att lyssna på. Standard 127.0.0.1: bara den här datorn. "
            "0.0.0.0 delar labbet på kommunens nätverk: alla med länken kan köra kod.",
        ),
    ] = "127.0.0.1",
    port: Annotated[
        int, typer.Option("--port", help="Port att lyssna på (0 = välj en ledig port).")
    ] = 8888,
    browser: Annotated[
        bool,
        typer.Option("--webblasare/--ingen-webblasare", help="Öppna labbet i webbläsaren."),
    ] = True,
) -> None:
    """Starta JupyterLab med realtidssamarbete i projektets rotkatalog."""
    from kommunrapport.collab.lab import prepare_lab, root_warning, run_lab, sharing_warning

    try:
        session = prepare_lab(paths_for(root), ip=ip, port=port, open_browser=browser)
    except KommunrapportError as exc:
        raise fail(str(exc), ExitCode.USAGE) from None
    for warning in (sharing_warning(session), root_warning(session)):
        if warning:
            warn(warning)
    out.print(
        f"JupyterLab med realtidssamarbete startar i {session.paths.root}",
        markup=False,
        soft_wrap=True,
    )
    out.print(f"Öppna: {session.url}", markup=False, soft_wrap=True)
    out.print("Stoppa med Ctrl+C.")
    out.file.flush()
    run_lab(session)


def check_notebooks(
    targets: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Anteckningsböcker eller mappar (standard: projektets notebooks/).",
            metavar="SÖKVÄG",
            show_default=False,
        ),
    ] = None,
    root: RootOption = None,
) -> None:
    """Kontrollera att anteckningsböckerna saknar utdata och körnummer, som i git (körs i CI)."""
    from kommunrapport.collab.nbhygiene import (
        DirtyNotebooksError,
        count_noun,
        require_clean_notebooks,
    )

    try:
        if targets:
            count = require_clean_notebooks(targets, root=Path.cwd())
        else:
            paths = paths_for(root)
            count = require_clean_notebooks([paths.notebooks_dir], root=paths.root)
    except DirtyNotebooksError as exc:
        raise fail(str(exc), ExitCode.DATA_INVALID) from None
    except KommunrapportError as exc:
        raise fail(str(exc), ExitCode.USAGE) from None
    out.print(f"Kontrollerade {count_noun(count)}: inga utdata eller körnummer.")


def setup_git(root: RootOption = None) -> None:
    """Ställ in git-klonen så att anteckningsböcker rensas från utdata vid commit (en gång)."""
    from kommunrapport.collab.nbhygiene import install_git_filter

    try:
        settings = install_git_filter(paths_for(root).root)
    except KommunrapportError as exc:
        raise fail(str(exc), ExitCode.USAGE) from None
    for key, value in settings.items():
        out.print(f"git config {key} {value}", markup=False, soft_wrap=True)
    out.print("Klart: anteckningsböcker rensas nu från utdata och körnummer vid git add.")
    out.print("Har du pre-commit? Kör också: pre-commit install", markup=False)
