"""Where kg's own files are: lexicons, the ontology, named queries and the bundled sample articles.

The repository keeps them at its root (``data/``, ``ontology/``, ``queries/``)
so that a reviewer finds them without opening the package; a wheel carries
them inside the package as ``kg/_resources/…`` (``setup.py`` maps the folders
in). One function answers for both, so no module computes a data path of its
own, and an installed kg works from any directory.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

# resource kind -> its folder in the repository (relative to the checkout root)
CHECKOUT_DIRS = {
    "lexicons": "data/lexicons",
    "samples": "data/samples",
    "ontology": "ontology",
    "queries": "queries",
}


class ResourceError(FileNotFoundError):
    """A file kg ships is missing: a broken install, not a user's mistake."""


def resource_dir(kind: str) -> Path:
    """The folder of one kind of resource: inside the installed package, else beside the checkout's package."""
    if kind not in CHECKOUT_DIRS:
        raise KeyError(f"unknown resource kind {kind!r} (one of {', '.join(CHECKOUT_DIRS)})")
    package = Path(str(files("kg")))
    for candidate in (package / "_resources" / kind, package.parent / CHECKOUT_DIRS[kind]):
        if candidate.is_dir():
            return candidate
    raise ResourceError(f"kg's {kind} folder is missing (looked in {package / '_resources' / kind} and "
                        f"{package.parent / CHECKOUT_DIRS[kind]}); reinstall kg")


def resource(kind: str, name: str) -> Path:
    """One shipped file, with an error that says which one is missing."""
    path = resource_dir(kind) / name
    if not path.is_file():
        raise ResourceError(f"kg's {kind} file {name} is missing ({path}); reinstall kg")
    return path


__all__ = ["CHECKOUT_DIRS", "ResourceError", "resource", "resource_dir"]
