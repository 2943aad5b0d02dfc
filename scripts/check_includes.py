#!/usr/bin/env python3
"""Checks every #include line against the layer table of docs/architecture.md (ctest lint.includes).

The table (between the markers `<!-- includes:begin -->` and `<!-- includes:end -->`) has one row per folder:
the folders whose headers it may include (`buurt/<folder>/...`), private headers of other modules it may
include (`<folder>/<File>.h` under sim/src), and the third-party headers its public headers may include
(`File.h: prefix, prefix`). A folder's own headers and its private headers (sim/src/<folder>) are always
allowed to itself. Checked:

- every `#include "buurt/<f>/..."` in sim/include/buurt/<folder>, sim/src/<folder>, sim/app (folder `app`)
  and visualizer/src (folder `visualizer`) names a folder the row allows;
- every `#include "<f>/<File>"` of a private header (sim/src/<f>/<File>) comes from folder f or is listed;
- a public header (sim/include/buurt/...) includes no third-party header (`<x/...>` or `<x.h>`) unless its
  row lists it;
- the table's folders form no cycle, and neither do the folders as the files actually include each other,
  nor the public headers among themselves.

`--self-test` first checks a small made-up tree with one violation of each kind: the checker must report
each (a checker that finds nothing would pass every tree).
"""
from __future__ import annotations

import argparse
import pathlib
import re
import sys
import tempfile

INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]', re.M)
BEGIN, END = "<!-- includes:begin -->", "<!-- includes:end -->"


def parse_table(markdown: str) -> dict[str, dict]:
    if BEGIN not in markdown or END not in markdown:
        raise SystemExit(f"docs/architecture.md: no include table between {BEGIN} and {END}")
    rows = {}
    body = markdown.split(BEGIN, 1)[1].split(END, 1)[0]
    for line in body.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 3 or not cells[0].startswith("`") or cells[0].startswith("`folder"):
            continue
        folder = cells[0].strip("`")
        names = re.findall(r"`([^`]+)`", cells[1])
        folders = {n for n in names if "/" not in n}
        private = {n for n in names if "/" in n}
        third = {}
        for m in re.finditer(r"`([\w.]+)`:\s*((?:`[^`]+`(?:,\s*)?)+)", cells[2]):
            third[m.group(1)] = set(re.findall(r"`([^`]+)`", m.group(2)))
        rows[folder] = {"folders": folders, "private": private, "third": third}
    if not rows:
        raise SystemExit("docs/architecture.md: the include table has no rows")
    return rows


def sources(root: pathlib.Path):
    """(folder, path, is_public_header) for every C++ file the table governs."""
    inc = root / "sim/include/buurt"
    for p in sorted(inc.rglob("*")):
        if p.is_file() and p.suffix in (".h", ".def", ".inc"):
            yield p.relative_to(inc).parts[0], p, True
    src = root / "sim/src"
    for p in sorted(src.rglob("*")):
        if p.is_file() and p.suffix in (".h", ".cpp", ".def", ".inc"):
            yield p.relative_to(src).parts[0], p, False
    for folder, base in (("app", root / "sim/app"), ("visualizer", root / "visualizer/src")):
        for p in sorted(base.rglob("*")):
            if p.is_file() and p.suffix in (".h", ".cpp"):
                yield folder, p, False


def third_party(name: str) -> bool:
    return "/" in name or "." in name


def cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle of the directed graph, or None."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(n: str) -> list[str] | None:
        state[n] = 1
        stack.append(n)
        for m in sorted(graph.get(n, ())):
            if state.get(m) == 1:
                return stack[stack.index(m):] + [m]
            if m not in state:
                found = visit(m)
                if found:
                    return found
        stack.pop()
        state[n] = 2
        return None

    for n in sorted(graph):
        if n not in state:
            found = visit(n)
            if found:
                return found
    return None


def check(root: pathlib.Path, rows: dict[str, dict]) -> list[str]:
    errors = []
    table_graph = {f: set(r["folders"]) for f, r in rows.items()}
    for f, r in rows.items():
        for g in r["folders"]:
            if g not in rows:
                errors.append(f"table: row `{f}` names `{g}`, which has no row")
    if c := cycle(table_graph):
        errors.append("table: the allowed folders form a cycle: " + " -> ".join(c))
    used: dict[str, set[str]] = {}
    header_graph: dict[str, set[str]] = {}
    src = root / "sim/src"
    for folder, path, public in sources(root):
        rel = path.relative_to(root).as_posix()
        row = rows.get(folder)
        if row is None:
            errors.append(f"{rel}: folder `{folder}` has no row in the include table")
            continue
        text = path.read_text(errors="replace")
        for m in INCLUDE.finditer(text):
            kind, name = m.group(1), m.group(2)
            line = text.count("\n", 0, m.start()) + 1
            where = f"{rel}:{line}: #include {kind}{name}{'>' if kind == '<' else kind}"
            if kind == '"' and name.startswith("buurt/"):
                target = name.split("/")[1]
                if target != folder:
                    used.setdefault(folder, set()).add(target)
                    if target not in row["folders"]:
                        errors.append(f"{where}: `{folder}` may not include `{target}` (docs/architecture.md, include table)")
                if public:
                    header_graph.setdefault(rel, set()).add(f"sim/include/{name}")
            elif kind == '"' and "/" in name and (src / name).is_file():
                target = name.split("/")[0]
                if target != folder and name not in row["private"]:
                    errors.append(f"{where}: private header of `{target}` (sim/src/{name}); `{folder}` may not include it")
                if public:
                    errors.append(f"{where}: a public header includes a private one")
            elif kind == "<" and public and third_party(name):
                allowed = row["third"].get(path.name, set())
                if not any(name == a or name.startswith(a.rstrip("/") + "/") for a in allowed):
                    errors.append(f"{where}: public header leaks a third-party header (list it in the include table if callers need its templates)")
    if c := cycle(used):
        errors.append("includes: the folders include each other in a cycle: " + " -> ".join(c))
    if c := cycle(header_graph):
        errors.append("includes: public headers include each other in a cycle: " + " -> ".join(c))
    return errors


def self_test() -> None:
    table = f"""{BEGIN}
| folder | may include | public headers may include |
|---|---|---|
| `schema` | — | — |
| `base` | `schema` | `Parallel.h`: `tbb` |
| `core` | `base`, `schema`, `scenario/Toml.h` | — |
| `scenario` | `schema` | — |
| `app` | `core`, `base`, `schema` | — |
| `visualizer` | `core` | — |
{END}"""
    files = {
        "sim/include/buurt/schema/Schema.h": "#include <vector>\n",
        "sim/include/buurt/base/Parallel.h": '#include <tbb/parallel_for.h>\n#include "buurt/schema/Schema.h"\n',
        "sim/include/buurt/base/Bad.h": '#include "buurt/core/Sim.h"\n#include <hdf5.h>\n',
        "sim/include/buurt/core/Sim.h": '#include "buurt/base/Parallel.h"\n',
        "sim/src/scenario/Toml.h": "#include <toml++/toml.h>\n",
        "sim/src/scenario/Load.cpp": '#include "scenario/Toml.h"\n',
        "sim/src/core/Sim.cpp": '#include "scenario/Toml.h"\n#include "buurt/core/Sim.h"\n',
        "sim/src/base/Bad.cpp": '#include "scenario/Toml.h"\n',
        "sim/app/main.cpp": '#include "buurt/core/Sim.h"\n',
        "visualizer/src/App.cpp": '#include "buurt/core/Sim.h"\n',
    }
    with tempfile.TemporaryDirectory() as d:
        root = pathlib.Path(d)
        for name, text in files.items():
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            (root / name).write_text(text)
        errors = check(root, parse_table(table))
        expected = ["`base` may not include `core`", "leaks a third-party header", "private header of `scenario`", "folders include each other in a cycle"]
        missing = [e for e in expected if not any(e in x for x in errors)]
        if missing or len(errors) != len(expected):
            raise SystemExit("check_includes.py self-test failed: expected one error each of " + repr(expected) + ", got:\n  " + "\n  ".join(errors))
        (root / "sim/include/buurt/base/Bad.h").unlink()
        (root / "sim/src/base/Bad.cpp").unlink()
        if errors := check(root, parse_table(table)):
            raise SystemExit("check_includes.py self-test failed: a clean tree gave errors:\n  " + "\n  ".join(errors))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--root", default=pathlib.Path(__file__).resolve().parent.parent, type=pathlib.Path)
    ap.add_argument("--self-test", action="store_true", help="check the checker on a made-up tree first")
    a = ap.parse_args()
    if a.self_test:
        self_test()
    rows = parse_table((a.root / "docs/architecture.md").read_text())
    errors = check(a.root, rows)
    for e in errors:
        print(e)
    n = sum(1 for _ in sources(a.root))
    print(f"check_includes: {n} files, {len(rows)} folders, {len(errors)} violations")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
