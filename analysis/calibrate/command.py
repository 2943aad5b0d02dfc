"""`python3 -m analysis calibrate` (run by `buurt calibrate`): load, run the waves, write and summarise."""
from __future__ import annotations

import math
import os
import sys
import time
from pathlib import Path

import numpy as np

from .history import NothingPlausible, Posterior, history_match
from .loader import THRESHOLD, Calibration, CalibrationError, load_calibration
from .simulator import BuurtSimulator
from .writer import calibration_digest, finished_digest, model_fingerprint, write_posterior


def estimate_seconds(cal: Calibration, rate_rw_per_s: float = 1.2e6) -> float:
    """Expected wall time: resident-weeks of every run (burn-in included) over a measured rate per core."""
    from ..params import resolved_parameters
    s = cal.settings
    base = resolved_parameters(cal.base.read_text(encoding="utf-8"))
    residents = float(cal.fixed.get("population.residents", base.get("population.residents", 6500)))
    weeks = float(cal.fixed.get("run.weeks", base.get("run.weeks", 260))) + float(cal.fixed.get("run.burn_in", base.get("run.burn_in", 104)))
    runs = (s.waves * s.points + math.ceil(s.ensemble * s.oversample)) * s.replicates
    cores = max(1, os.cpu_count() or 1)
    return runs * residents * weeks / (rate_rw_per_s * cores) + 0.1 * runs / cores


def run_command(a) -> int:
    from ..params import _buurt_binary
    exe = _buurt_binary()
    if not exe:
        raise CalibrationError(a.file, 0, "", "cannot find the buurt executable (set BUURT_EXE)")
    cal = load_calibration(a.file)
    if a.quick:
        cal = cal.with_quick()
    if a.drop:
        cal = cal.drop(a.drop)
    out = a.out
    d = os.path.dirname(os.path.abspath(out))
    if not os.path.isdir(d):
        raise FileExistsError(f"output directory '{d}' does not exist")
    fp = model_fingerprint(exe)
    digest = calibration_digest(a.file, a.quick, a.drop, fp)
    if os.path.exists(out) and not a.force:
        # The same command again on its finished result does nothing (like `buurt sweep --resume`); anything else
        # in that place is never replaced without --force.
        if finished_digest(out) == digest:
            print(f"'{out}' already holds this calibration (same file, options and model); nothing to do "
                  "(pass --force to redo it)", flush=True)
            return 0
        raise FileExistsError(f"'{out}' already exists and holds another calibration (another file, --quick/--drop or model); "
                              "choose another --out or pass --force to replace it")
    work = Path(out + ".work")
    if a.force and work.exists():
        import shutil
        shutil.rmtree(work)
    work.mkdir(exist_ok=True)
    s = cal.settings
    eta = estimate_seconds(cal)
    print(f"calibrate {cal.name}{' (quick)' if a.quick else ''}: {len(cal.priors)} parameters, {len(cal.fitted)} fitted targets "
          f"({len(cal.targets) - len(cal.fitted)} held out), {s.waves} waves of {s.points} points x {s.replicates} replicates, "
          f"ensemble {s.ensemble}; expected time about {max(1, round(eta / 60))} min on {os.cpu_count()} cores; "
          f"finished runs are kept in {work}/ (rerun the same command to resume)", flush=True)
    sim = BuurtSimulator(cal, work, exe, threads=a.threads, launcher=a.launcher or "", quiet=a.quiet)
    t0 = time.monotonic()

    def log(msg):
        print(f"[{time.monotonic() - t0:6.0f} s] {msg}", flush=True)
    try:
        post = history_match(cal, sim, log=log, quick=a.quick, dropped=a.drop or [])
    except NothingPlausible as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    write_posterior(post, out, fp, " ".join(sys.argv), digest)
    print(summary_text(post))
    print(f"wrote {out} ({len(post.members)} members; {time.monotonic() - t0:.0f} s)")
    return 0


def summary_text(post: Posterior) -> str:
    lines = [f"{'target':34s} {'observed':>18s} {'ensemble (95% of members)':>28s}  fit"]
    for t in post.cal.targets:
        v = post.member_outputs[t.name].mean(axis=1)
        lo, hi = np.percentile(v, [2.5, 97.5])
        tag = "dropped" if t.name in post.dropped else ("held out" if t.held_out else "fitted")
        inside = float(t.distance(v.mean())) / math.sqrt(t.sd ** 2 + t.discrepancy ** 2 + post.stoch_var[t.name]) < THRESHOLD
        lines.append(f"{t.name:34s} {t.shown():>18s} {lo:12.4g} – {hi:<12.4g}  {tag}{'' if inside else ', NOT reproduced'}")
    return "\n".join(lines)
