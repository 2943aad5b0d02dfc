#!/usr/bin/env python3
"""Is a scenario's neighbourhood at rest? Runs it for 15 years with several seeds (`buurt run`) and prints the
yearly means of every headline outcome, the change of each year against year 2, and the criterion of
docs/ODD.md ("Steady state"): |yearly mean - year-2 mean| <= max(tolerance x year-2 mean, 2 replicate
standard deviations); `--scale 2` doubles both (the criterion for the library scenarios).

    /usr/bin/python3 analysis/steady_state.py [scenario.toml] [--seeds 4] [--years 15] [--tolerance 0.05] [--scale 1]
"""
import argparse
import pathlib
import subprocess
import sys
import tempfile

import h5py
import numpy as np

ROOT = pathlib.Path(__file__).resolve().parents[1]


def headlines():
    """Headline outcomes (name, label) in rank order, read from the schema (`buurt describe --json`), and the clustering of ties; per-client outcomes (window `end`:
    pooled over the intake cohorts reported so far, none before year 3) are not weekly levels and are left out."""
    sys.path.insert(0, str(ROOT))
    from analysis.params import outcome_table
    tab = outcome_table()
    rows = sorted((int(o.headline), o.name, o.label) for o in tab.itertuples() if o.headline > 0 and o.window == "year")
    # The clustering of ties is checked with them (issue 48: the network settles too).
    return [(n, label) for _, n, label in rows] + [("clustering", "clustering of ties")]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("scenario", nargs="?", default=str(ROOT / "scenarios/baseline.toml"))
    ap.add_argument("--seeds", type=int, default=4)
    ap.add_argument("--years", type=int, default=15)
    ap.add_argument("--tolerance", type=float, default=0.05)
    ap.add_argument("--scale", type=float, default=1.0, help="multiply the tolerance and the 2 standard deviations (2: library scenarios)")
    ap.add_argument("--buurt", default=str(ROOT / "build/release/buurt"))
    a = ap.parse_args()
    outs = headlines()
    yearly = {n: [] for n, _ in outs}
    with tempfile.TemporaryDirectory() as tmp:
        for k in range(a.seeds):
            f = pathlib.Path(tmp) / f"r{k}.h5"
            subprocess.run([a.buurt, "run", a.scenario, "--weeks", str(52 * a.years), "--seed", str(11 + k), "--out", str(f), "-q"], check=True, capture_output=True)
            with h5py.File(f) as h:
                for n, _ in outs:
                    v = h["timeseries"][n][()][1:]
                    yearly[n].append([v[y * 52:(y + 1) * 52].mean() for y in range(a.years)])
    failing = []
    print(f"{'outcome':40s} {'year 2':>10s} {'year ' + str(a.years):>10s} {'worst dev':>10s} {'allowed':>10s}")
    for n, label in outs:
        y = np.array(yearly[n])  # seeds x years
        mean = y.mean(axis=0)
        sd = y.std(axis=0, ddof=1) if a.seeds > 1 else np.zeros(a.years)
        dev = np.abs(mean[1:] - mean[1])
        allowed = a.scale * np.maximum(a.tolerance * abs(mean[1]), 2 * sd[1:])
        worst = int(np.argmax(dev - allowed))  # the year that breaks the criterion most
        ok = bool(np.all(dev <= allowed))
        if not ok:
            failing.append(label)
        print(f"{label[:40]:40s} {mean[1]:10.4g} {mean[-1]:10.4g} {dev[worst]:10.3g} {allowed[worst]:10.3g} {'' if ok else 'DRIFTS'}")
    print(f"\n{len(outs) - len(failing)} of {len(outs)} headline outcomes (and clustering) at rest over years 2-{a.years} ({a.seeds} seeds)")
    return 1 if failing else 0


if __name__ == "__main__":
    sys.exit(main())
