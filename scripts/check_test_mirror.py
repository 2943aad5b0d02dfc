#!/usr/bin/env python3
"""Tests mirror the sources (ctest lint.test_mirror): every sim/src/<area>/<Concept>.cpp has its unit tests in
tests/sim/<area>/test_<Concept>.cpp, or is listed in tests/untested_sources.txt with a one-line reason.

Fails when
- a source is neither mirrored nor listed (a new source without tests, or a mirrored test file that was
  deleted or renamed: the source falls back to unlisted);
- a listed source now has its mirrored test file (take it off the list: the list only shrinks);
- a listed source does not exist, is listed twice, or has no reason.

Test files under tests/sim/<area>/ that mirror no source (a header-only concept such as base/State.h, or a
cross-cutting check such as core/test_Determinism.cpp) are printed as notes, not failures.

`--self-test` first checks a made-up tree with one violation of each kind: the checker must report each (a
checker that finds nothing would pass every tree).
"""
from __future__ import annotations

import argparse
import pathlib
import sys
import tempfile

ALLOW = "tests/untested_sources.txt"


def sources(root: pathlib.Path) -> list[str]:
    """sim/src/<area>/<Concept>.cpp, relative to the root."""
    return sorted(p.relative_to(root).as_posix() for p in (root / "sim/src").glob("*/*.cpp"))


def mirror(src: str) -> str:
    """tests/sim/<area>/test_<Concept>.cpp for sim/src/<area>/<Concept>.cpp."""
    area, name = src.split("/")[2:4]
    return f"tests/sim/{area}/test_{name}"


def read_allow(root: pathlib.Path) -> tuple[dict[str, str], list[str]]:
    """The allow-list: `sim/src/<area>/<Concept>.cpp: reason` per line; '#' comments and blank lines skipped."""
    listed: dict[str, str] = {}
    errors: list[str] = []
    path = root / ALLOW
    if not path.exists():
        return listed, [f"{ALLOW}: missing (list the sources knowingly without a mirrored test there)"]
    for no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        src, _, reason = text.partition(":")
        src, reason = src.strip(), reason.strip()
        if src in listed:
            errors.append(f"{ALLOW}:{no}: {src} is listed twice")
        elif not reason:
            errors.append(f"{ALLOW}:{no}: {src} has no reason (`{src}: why it has no test file of its own`)")
        listed[src] = reason
    return listed, errors


def check(root: pathlib.Path) -> tuple[list[str], list[str], int, int]:
    """(errors, notes, sources, mirrored)."""
    srcs = sources(root)
    listed, errors = read_allow(root)
    mirrored = 0
    for s in srcs:
        has = (root / mirror(s)).is_file()
        mirrored += has
        if has and s in listed:
            errors.append(f"{s}: has its test file {mirror(s)} now; take it off {ALLOW}")
        elif not has and s not in listed:
            errors.append(f"{s}: no test file {mirror(s)} (write one, or list the source in {ALLOW} with a reason)")
    for s in sorted(set(listed) - set(srcs)):
        errors.append(f"{ALLOW}: {s} is not a source (sim/src/<area>/<Concept>.cpp); take it off the list")
    notes = []
    for t in sorted((root / "tests/sim").glob("*/test_*.cpp")):
        area, concept = t.parent.name, t.stem[len("test_") :]
        if (root / "sim/src" / area / f"{concept}.cpp").exists():
            continue
        header = [h for h in (f"sim/include/buurt/{area}/{concept}.h", f"sim/include/buurt/{area}/{concept}.def") if (root / h).exists()]
        what = f"mirrors the header {header[0]}" if header else "mirrors no source (a cross-cutting test)"
        notes.append(f"{t.relative_to(root).as_posix()}: {what}")
    return errors, notes, len(srcs), mirrored


def self_test() -> None:
    clean = {
        "sim/src/a/Kept.cpp": "",
        "tests/sim/a/test_Kept.cpp": "",
        "sim/src/a/Listed.cpp": "",
        "sim/src/b/Tested.cpp": "",
        "tests/sim/b/test_Tested.cpp": "",
        "sim/include/buurt/b/Header.h": "",
        "tests/sim/b/test_Header.cpp": "",
        ALLOW: "# comment\nsim/src/a/Listed.cpp: covered elsewhere\n",
    }
    faults = {
        "sim/src/b/New.cpp": "",
        ALLOW: "sim/src/a/Listed.cpp: covered elsewhere\nsim/src/b/Tested.cpp: listed, but now tested\n"
        "sim/src/b/Gone.cpp: a removed source\nsim/src/a/Listed.cpp: twice\nsim/src/a/Kept.cpp\n",
    }
    expected = [
        "sim/src/b/New.cpp: no test file",
        "sim/src/b/Tested.cpp: has its test file",
        "sim/src/b/Gone.cpp is not a source",
        "sim/src/a/Listed.cpp is listed twice",
        "sim/src/a/Kept.cpp has no reason",
    ]
    fail = "check_test_mirror.py self-test failed: "
    with tempfile.TemporaryDirectory() as d:
        root = pathlib.Path(d)

        def write(files: dict[str, str]) -> None:
            for name, text in files.items():
                (root / name).parent.mkdir(parents=True, exist_ok=True)
                (root / name).write_text(text)

        write(clean)
        errors, notes, n, m = check(root)
        if (n, m) != (3, 2) or errors:
            raise SystemExit(fail + f"the clean tree gave {n} sources, {m} mirrored, errors {errors}")
        if notes != ["tests/sim/b/test_Header.cpp: mirrors the header sim/include/buurt/b/Header.h"]:
            raise SystemExit(fail + f"notes {notes}")
        (root / "tests/sim/a/test_Kept.cpp").unlink()
        errors = check(root)[0]
        if len(errors) != 1 or not errors[0].startswith("sim/src/a/Kept.cpp: no test file"):
            raise SystemExit(fail + "deleting a mirrored test file gave:\n  " + "\n  ".join(errors))
        write(faults)
        errors = check(root)[0]
        missing = [e for e in expected if not any(e in x for x in errors)]
        if missing or len(errors) != len(expected):
            raise SystemExit(fail + "expected one error each of " + repr(expected) + ", got:\n  " + "\n  ".join(errors))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--root", default=pathlib.Path(__file__).resolve().parent.parent, type=pathlib.Path)
    ap.add_argument("--self-test", action="store_true", help="check the checker on a made-up tree first")
    a = ap.parse_args()
    if a.self_test:
        self_test()
    errors, notes, n, mirrored = check(a.root)
    for note in notes:
        print("note:", note)
    for e in errors:
        print(e)
    listed = len(read_allow(a.root)[0])
    print(f"check_test_mirror: {mirrored} of {n} sources have a mirrored test file, {listed} listed in {ALLOW}, {len(errors)} violations")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
