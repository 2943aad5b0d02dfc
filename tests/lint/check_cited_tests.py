#!/usr/bin/env python3
"""Every test the docs cite exists: each `Suite.TestName` (or `Suite.*`) in backticks in README.md and
docs/*.md must name a test ctest knows in this build (`ctest -N`), so a renamed or deleted test cannot
stay behind as evidence.

Usage: check_cited_tests.py BUILD_DIR SOURCE_DIR
"""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

CITED = re.compile(r"`([A-Z][A-Za-z0-9]*)\.([A-Z][A-Za-z0-9_]*|\*)`")


def known_tests(build: Path) -> set[str]:
    out = subprocess.run(["ctest", "--test-dir", str(build), "-N"], capture_output=True, text=True, check=True).stdout
    return {m.group(1) for m in re.finditer(r"Test\s+#\d+: (\S+)", out)}


def main() -> int:
    build, src = Path(sys.argv[1]), Path(sys.argv[2])
    tests = known_tests(build)
    suites = {t.split(".")[0] for t in tests if "." in t}
    # Control: a name that does not exist must be reported, or the check is blind.
    assert "NoSuchSuite.NoSuchTest" not in tests
    files = [src / "README.md", *sorted((src / "docs").glob("*.md"))]
    missing, cited = [], 0
    for f in files:
        for no, line in enumerate(f.read_text(encoding="utf-8").splitlines(), start=1):
            for m in CITED.finditer(line):
                suite, name = m.groups()
                cited += 1
                ok = suite in suites if name == "*" else f"{suite}.{name}" in tests
                if not ok:
                    missing.append(f"{f.relative_to(src)}:{no}: `{suite}.{name}`")
    if missing:
        print("cited tests that do not exist in this build:\n  " + "\n  ".join(missing))
        return 1
    print(f"ok: {cited} citations of tests in {len(files)} files, every one exists ({len(tests)} tests known)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
