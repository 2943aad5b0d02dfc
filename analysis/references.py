"""The full entries of docs/references.md, so a report can list every source it cites in full.

Sources in the schema cite keys in brackets (`[seed002]`, `[cbs-mantelzorg-2022]`); this module reads the
entries (`- **[key]** text…`, continued on indented lines) from the checkout's docs/references.md.
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from .params import SOURCE_DIR

_ENTRY = re.compile(r"^- \*\*\[([A-Za-z0-9_.-]+)\]\*\*\s*(.*)$")
_KEY = re.compile(r"\[([a-z][A-Za-z0-9_.-]*)\]")


@lru_cache(maxsize=1)
def entries(path: str | None = None) -> dict[str, str]:
    """key -> entry text (markdown, one line), in the page's order; {} if the page is not there."""
    p = Path(path) if path else SOURCE_DIR / "docs" / "references.md"
    if not p.is_file():
        return {}
    out, key = {}, None
    for line in p.read_text(encoding="utf-8").splitlines():
        m = _ENTRY.match(line)
        if m:
            key = m.group(1)
            out[key] = m.group(2).strip()
        elif key and line.startswith("  ") and line.strip():
            out[key] += " " + line.strip()
        else:
            key = None
    return out


def cited(texts) -> list[tuple[str, str]]:
    """(key, full entry) of every reference key cited in `texts`, in the order of docs/references.md."""
    keys = {k for t in texts for k in _KEY.findall(str(t or ""))}
    return [(k, e) for k, e in entries().items() if k in keys]


def plain(entry: str) -> str:
    """An entry without markdown emphasis or links, for HTML text."""
    entry = re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", entry)
    return entry.replace("**", "").replace("*", "").replace("`", "")
