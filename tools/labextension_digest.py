"""Print the SHA-256 of the AI-product panel's sources (labextension/: src, style, package files).

tools/build_labextension.sh writes it beside the build; tests/packaging compares it with the
sources, so a change to the panel that was not rebuilt fails ``make test``.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ("src", "style", "package.json", "package-lock.json", "tsconfig.json")


def digest(root: Path = ROOT / "labextension") -> str:
    """Return the SHA-256 over the panel's source files, by relative path and content."""
    h = hashlib.sha256()
    for name in SOURCES:
        path = root / name
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for f in files:
            h.update(f.relative_to(root).as_posix().encode() + b"\0" + f.read_bytes() + b"\0")
    return h.hexdigest()


if __name__ == "__main__":
    print(digest())
