"""kommunrapport: delårsrapport and årsredovisning for Swedish kommuner.

The public surface is small: load a project, validate it, build it. Everything a
template notebook calls lives in the submodules.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("kommunrapport")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    __version__ = "0.0.0"

__all__ = ["__version__"]
