"""The parameter schema (units, ranges, sources) and resolved scenarios.

The schema is declared once in the kernel; `buurt describe --markdown` prints it and
docs/scenarios.md holds the same generated table. This module parses that table instead of
repeating it, so prices, units and sources in reports always match the program.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import tomllib
from functools import lru_cache
from pathlib import Path

import pandas as pd

SOURCE_DIR = Path(__file__).resolve().parent.parent
COLUMNS = ["section", "key", "name", "type", "default", "range", "unit", "description", "source"]


def _buurt_binary() -> str | None:
    for var in ("BUURT_EXE", "BUURT"):
        exe = os.environ.get(var)
        if exe and os.access(exe, os.X_OK):
            return exe
    for cand in (SOURCE_DIR / "build" / "release" / "buurt",):
        if cand.is_file() and os.access(cand, os.X_OK):
            return str(cand)
    return shutil.which("buurt")


def parse_schema_markdown(text: str) -> pd.DataFrame:
    """Parse the tables of `buurt describe --markdown` into one row per parameter."""
    rows, section = [], None
    for line in text.splitlines():
        m = re.match(r"^###\s+\[([^\]]+)\]", line)
        if m:
            section = m.group(1).strip()
            continue
        if section is None or not line.startswith("|"):
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 7 or cells[0] in ("key",) or set(cells[0]) <= set("-: "):
            continue
        key = cells[0].strip("`")
        rows.append([section, key, f"{section}.{key}", *cells[1:7]])
    return pd.DataFrame(rows, columns=COLUMNS)


@lru_cache(maxsize=4)
def _schema_text(origin: str | None) -> tuple[str, str]:
    if origin and os.path.isfile(origin) and not os.access(origin, os.X_OK):
        return Path(origin).read_text(encoding="utf-8"), origin
    exe = origin or _buurt_binary()
    if exe:
        try:
            out = subprocess.run([exe, "describe", "--markdown"], capture_output=True, text=True, timeout=30, check=True)
            return out.stdout, f"{exe} describe --markdown"
        except (OSError, subprocess.SubprocessError):
            pass
    doc = SOURCE_DIR / "docs" / "scenarios.md"
    if doc.is_file():
        return doc.read_text(encoding="utf-8"), str(doc)
    return "", "none"


def parameter_table(origin: str | None = None) -> pd.DataFrame:
    """Every scenario parameter with type, default, range, unit, description and source.

    ``origin``: a `buurt` executable or a Markdown file; default: $BUURT_EXE / $BUURT, then
    build/release/buurt, then docs/scenarios.md. ``df.attrs['origin']`` says which was used.
    """
    text, where = _schema_text(origin)
    df = parse_schema_markdown(text)
    df.attrs["origin"] = where
    return df


def resolved_parameters(toml_text: str) -> dict[str, object]:
    """Flatten a resolved scenario (TOML) into {'section.key': value}; top-level keys keep their name."""
    try:
        data = tomllib.loads(toml_text)
    except tomllib.TOMLDecodeError:
        return {}
    flat: dict[str, object] = {}
    for k, v in data.items():
        if isinstance(v, dict):
            for k2, v2 in v.items():
                flat[f"{k}.{k2}"] = v2
        else:
            flat[k] = v
    return flat


def is_price(unit: str, section: str = "") -> bool:
    """A price: a parameter in euro (the unit says so), or any key of a cost/MKBA section."""
    u = (unit or "").lower()
    s = (section or "").lower()
    return "euro" in u or "€" in u or "eur/" in u or s in ("costs", "cost", "prices", "mkba")


def is_money(unit: str) -> bool:
    u = (unit or "").lower()
    return "euro" in u or "€" in u
