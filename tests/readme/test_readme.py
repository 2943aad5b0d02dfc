#!/usr/bin/env python3
"""Every code line of README.md works, in order; those whose second run tests something new run again.

Usage: test_readme.py BUURT_EXE SOURCE_DIR [--list]

What counts as a README code line: every line of a ```sh block and every `$ `-prefixed line of a
plain ``` block (the transcripts of measured commands), comments and blank lines left out.

How lines are run (the README says so above its Quick start):
- the two top commands (`bash scripts/main.sh`, `bash scripts/test.sh`) are skipped: CI runs them;
  lines marked `# not in the README test: REASON` are skipped with that reason (the hour-long fuzzing,
  the sanitizer and lint builds: developer tools that build their own toolchains);
- a line marked `# slow` runs with `--quick` added (every such command has that option);
- a line marked `# on a Slurm cluster` runs only where `sinfo` answers and BUURT_README_SLURM is not 0
  (ctest sets 0: its `sweep.slurm` test starts a real one-node Slurm and runs the same script);
- a `buurt-view` line runs under xvfb-run with a week limit and `--screenshot`, unless it already has them;
- the folder is a new one with the checkout's `scenarios/`, `scripts/`, `analysis/` and the build's
  `build/release` linked in, so outputs land in it; `results/main_comparison.h5` (the main job's file,
  from the skipped command 1) is made first by a short comparison of the same three scenarios.
Every line runs once; a line runs a second time, in the same folder after the first pass, only when that
second run tests something the first did not (second_pass below): a `--resume` (of a finished sweep), a
`calibrate` that finds its own finished output (it resumes), and per command the first line that replaces
an output it wrote in pass 1 (`--force`, or `report`, which writes beside its input). Further lines of a
command that replaces its output take the same path again and run once. Each line that runs must exit 0.
The test fails naming the line, the pass and its output's tail.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TOP_COMMANDS = {"bash scripts/main.sh", "bash scripts/test.sh"}
VIEW_SIZE = "-screen 0 1280x800x24"


def readme_lines(readme: Path) -> list[tuple[int, str]]:
    """(line number, command with its comment) of every README code line, in order."""
    out, fence = [], None
    for no, raw in enumerate(readme.read_text(encoding="utf-8").splitlines(), start=1):
        s = raw.strip()
        if s.startswith("```"):
            fence = None if fence is not None else s[3:].strip()
            continue
        if fence is None or not s:
            continue
        if fence == "sh":
            if not s.startswith("#"):
                out.append((no, s))
        elif s.startswith("$ "):
            out.append((no, s[2:].strip()))
    return out


def split_comment(line: str) -> tuple[str, str]:
    """The command and its trailing `# comment` (a # inside quotes is not a comment)."""
    quote, i = None, 0
    while i < len(line):
        c = line[i]
        if quote:
            if c == quote:
                quote = None
        elif c in "'\"":
            quote = c
        elif c == "#" and (i == 0 or line[i - 1].isspace()):
            return line[:i].rstrip(), line[i + 1:].strip()
        i += 1
    return line.rstrip(), ""


def plan(cmd: str, comment: str, have_slurm: bool, n: int) -> tuple[str | None, str]:
    """The command as the test runs it (None: skipped) and why it differs from the README."""
    if cmd in TOP_COMMANDS:
        return None, "top command (CI runs it)"
    if comment.startswith("not in the README test"):
        return None, comment.split(":", 1)[-1].strip()
    if comment.startswith("on a Slurm cluster"):
        return (cmd, "Slurm") if have_slurm else (None, "no Slurm cluster answers here (ctest sweep.slurm runs the script on a real one-node Slurm)")
    why = []
    if comment.startswith("slow"):
        cmd += " --quick"
        why.append("--quick")
    if "buurt-view" in cmd:
        if "--screenshot" not in cmd:
            cmd += f" --weeks 8 --screenshot readme_view_{n}.png"
            why.append("--weeks 8 --screenshot")
        if not cmd.startswith("xvfb-run"):
            cmd = f'xvfb-run -a -s "{VIEW_SIZE}" {cmd}'
            why.append("xvfb-run")
    return cmd, ", ".join(why)


def command_of(cmd: str) -> str:
    """The command a line runs: `buurt compare`, `mpirun buurt sweep`, `analysis tables`, `buurt-view`, ..."""
    words = cmd.split()
    prefix = "mpirun " if words and words[0] == "mpirun" else ""
    for i, w in enumerate(words):
        if w.endswith("/buurt") and i + 1 < len(words):
            return prefix + "buurt " + words[i + 1]
        if w == "analysis" and i > 0 and words[i - 1] == "-m" and i + 1 < len(words):
            return "analysis " + words[i + 1]
        if w.endswith("/buurt-view"):
            return "buurt-view"
    return words[0] if words else ""


def second_pass(runs: list[str | None]) -> list[bool]:
    """Which lines run a second time: those whose second run meets what the first left and takes a path no
    earlier line's second run took: a resume (`--resume`, a `calibrate` whose output is there), or the
    first line per command that replaces an output of its own (`--force`)."""
    seen, out = set(), []
    for run in runs:
        if run is None:
            out.append(False)
            continue
        command = command_of(run)
        if "--resume" in run.split():
            again = True
        elif command == "buurt calibrate":
            again = command not in seen
        elif "--force" in run.split():
            again = command not in seen
        else:
            again = False
        if again:
            seen.add(command)
        out.append(again)
    return out


def slurm_answers() -> bool:
    """A Slurm cluster to submit to: `sinfo` answers, and BUURT_README_SLURM is not 0 (ctest sets it to 0, so
    the README's Slurm line does not compete with the one-node Slurm of the sweep.slurm test)."""
    if os.environ.get("BUURT_README_SLURM", "1") == "0" or shutil.which("sinfo") is None:
        return False
    try:
        return subprocess.run(["sinfo", "-h"], capture_output=True, timeout=10).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


def main() -> int:
    exe, src = Path(sys.argv[1]).resolve(), Path(sys.argv[2]).resolve()
    lines = readme_lines(src / "README.md")
    have_slurm = slurm_answers()
    steps = []
    for n, (no, line) in enumerate(lines):
        cmd, comment = split_comment(line)
        run, why = plan(cmd, comment, have_slurm, n)
        steps.append((no, line, run, why))
    again = second_pass([run for _, _, run, _ in steps])
    if "--list" in sys.argv:
        for (no, line, run, why), twice in zip(steps, again):
            print(f"{no:4d}  {'SKIP' if run is None else 'run2' if twice else 'run '}  {run or line}{'   [' + why + ']' if why else ''}")
        return 0

    work = Path(tempfile.mkdtemp(prefix="buurt-readme-"))
    for d in ("scenarios", "scripts", "analysis", "docs"):
        (work / d).symlink_to(src / d)
    (work / "build").mkdir()
    (work / "build" / "release").symlink_to(exe.parent)
    env = dict(os.environ, PYTHONPATH=str(src), OMP_NUM_THREADS="1")
    env.pop("DISPLAY", None)  # viewer lines get their own X server

    # Stand-in for command 1's output (results/main_comparison.h5): the same three scenarios, short.
    (work / "results").mkdir()
    subprocess.run([str(exe), "compare", "scenarios/baseline.toml", "scenarios/team_facilitating.toml", "scenarios/community_managers.toml",
                    "-r", "2", "--weeks", "52", "--set", "population.residents=1500", "--out", "results/main_comparison.h5", "-q"],
                   cwd=work, env=env, check=True, capture_output=True)

    failures, t_all = [], time.monotonic()
    for rnd in (1, 2):
        for (no, line, run, why), twice in zip(steps, again):
            if run is None or (rnd == 2 and not twice):
                continue
            t0 = time.monotonic()
            try:
                p = subprocess.run(["bash", "-c", run], cwd=work, env=env, capture_output=True, text=True, timeout=300)
                rc, tail = p.returncode, (p.stdout + p.stderr)[-1500:]
            except subprocess.TimeoutExpired:
                rc, tail = 124, "timed out after 300 s"
            dt = time.monotonic() - t0
            print(f"{'ok  ' if rc == 0 else 'FAIL'} pass {rnd} line {no:4d} ({dt:5.1f} s) {run}{'   [' + why + ']' if why else ''}", flush=True)
            if rc != 0:
                failures.append(no)
                print(f"     exit {rc}; README line: {line}\n" + "\n".join("     | " + l for l in tail.splitlines()), flush=True)
    skipped = [(no, why) for no, _, run, why in steps if run is None]
    print(f"{len(steps) - len(skipped)} lines run, {sum(again)} of them twice, in {time.monotonic() - t_all:.1f} s; skipped: "
          + "; ".join(f"line {no} ({why})" for no, why in skipped))
    shutil.rmtree(work, ignore_errors=True)
    if failures:
        print(f"FAILED README lines: {sorted(set(failures))}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
