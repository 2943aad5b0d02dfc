"""The parameter and outcome schema (units, ranges, roles, labels, sources) and resolved scenarios.

The schema is declared once in the kernel (Params.def, Outcomes.def); `buurt describe --json` prints every
column of it and docs/schema.json holds the same generated text (for a checkout without a built binary;
the drift test `SchemaJson.DocsSchemaJsonMatchesTheSchema` fails when it is stale). This module reads that
JSON instead of repeating the schema, so prices, units and sources in reports always match the program.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import tomllib
from functools import lru_cache
from pathlib import Path

import pandas as pd

SOURCE_DIR = Path(__file__).resolve().parent.parent
COLUMNS = ["section", "key", "name", "type", "default", "min", "max", "unit", "description", "source", "role", "steerable", "slider"]


def _buurt_binary() -> str | None:
    for var in ("BUURT_EXE", "BUURT"):
        exe = os.environ.get(var)
        if exe and os.access(exe, os.X_OK):
            return exe
    for cand in (SOURCE_DIR / "build" / "release" / "buurt",):
        if cand.is_file() and os.access(cand, os.X_OK):
            return str(cand)
    return shutil.which("buurt")


@lru_cache(maxsize=4)
def schema(origin: str | None = None) -> tuple[dict, str]:
    """The schema as `buurt describe --json` prints it, and where it came from.

    ``origin``: a `buurt` executable or a JSON file; default: $BUURT_EXE / $BUURT, then build/release/buurt,
    then docs/schema.json.
    """
    if origin and os.path.isfile(origin) and not os.access(origin, os.X_OK):
        return json.loads(Path(origin).read_text(encoding="utf-8")), origin
    exe = origin or _buurt_binary()
    if exe:
        try:
            out = subprocess.run([exe, "describe", "--json"], capture_output=True, text=True, timeout=30, check=True)
            return json.loads(out.stdout), f"{exe} describe --json"
        except (OSError, subprocess.SubprocessError, json.JSONDecodeError):
            pass
    doc = SOURCE_DIR / "docs" / "schema.json"
    if doc.is_file():
        return json.loads(doc.read_text(encoding="utf-8")), str(doc)
    return {"parameters": [], "outcomes": []}, "none"


def parameter_table(origin: str | None = None) -> pd.DataFrame:
    """Every scenario parameter: section, key, name, type, default, min, max, unit, description, source, role
    (run, structure, behaviour, policy, price), steerable and the viewer's slider range (or None).
    ``df.attrs['origin']`` says where the schema was read."""
    doc, where = schema(origin)
    df = pd.DataFrame([{c: p.get(c) for c in COLUMNS} for p in doc["parameters"]], columns=COLUMNS)
    df.attrs["origin"] = where
    return df


def outcome_table(origin: str | None = None) -> pd.DataFrame:
    """Every recorded outcome (Outcomes.def): name, unit, description, label, label_nl, format, kind, direction,
    adults_only, reference, headline (rank, 0 if none) and window (year or end), in declaration order."""
    doc, where = schema(origin)
    df = pd.DataFrame(doc["outcomes"])
    df.attrs["origin"] = where
    return df


def is_price(role: str) -> bool:
    """A price (Params.def role `price`): a valuation used in costs and the MKBA that no behaviour reads."""
    return role == "price"


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
