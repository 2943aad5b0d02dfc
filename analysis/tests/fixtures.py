"""Builders of small result files for the tests (and for the example reports).

* ``run_sim``: one `buurt run`.
* ``make_compare``: a comparison file. Uses `buurt compare` when the binary has it; otherwise
  assembles the documented layout (docs/analysis.md) with h5py from real `buurt run` outputs.
* ``write_sweep``: a sweep file in the documented layout from a design and outputs (used for
  functions with known sensitivity indices, e.g. Ishigami).
* ``make_sim_sweep``: a small Latin-hypercube sweep of the simulator, assembled from `buurt run`s.
"""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

import h5py
import numpy as np

from analysis import stats

REPO = Path(__file__).resolve().parents[2]
BASELINE = REPO / "scenarios" / "baseline.toml"


def buurt_binary() -> str | None:
    exe = os.environ.get("BUURT")
    if exe and os.access(exe, os.X_OK):
        return exe
    for cand in ("build/release/buurt", "build/analysis/buurt"):
        p = REPO / cand
        if p.is_file():
            return str(p)
    return None


def has_subcommand(exe: str, name: str) -> bool:
    r = subprocess.run([exe, "--help"], capture_output=True, text=True)
    return any(line.split()[:1] == [name] for line in r.stdout.splitlines() if line.startswith("  "))


def run_sim(exe: str, out: Path, scenario: Path = BASELINE, sets: list[str] | None = None, seed: int | None = None,
            weeks: int = 60, residents: int = 1500) -> Path:
    cmd = [exe, "run", str(scenario), "--set", f"population.residents={residents}", "--weeks", str(weeks), "--out", str(out),
           "--quiet", "--threads", "1"]
    for s in sets or []:
        cmd += ["--set", s]
    if seed is not None:
        cmd += ["--seed", str(seed)]
    subprocess.run(cmd, check=True, capture_output=True, text=True)
    return out


def write_variant(dirpath: Path, name: str, description: str, body: str) -> Path:
    """A scenario file that starts from the baseline (as users write them)."""
    p = dirpath / f"{name}.toml"
    p.write_text(f'base = "{BASELINE}"\nname = "{name}"\ndescription = "{description}"\n\n{body}\n', encoding="utf-8")
    return p


def _str_dataset(g, name, values):
    dt = h5py.string_dtype("utf-8")
    if isinstance(values, str):
        g.create_dataset(name, data=values, dtype=dt)
    else:
        g.create_dataset(name, data=np.array(values, dtype=object), dtype=dt)


def assemble_compare(run_files: list[list[Path]], names: list[str], seeds: list[int], weeks: int, out: Path,
                     command: str = "test fixture") -> Path:
    """Write the comparison layout from run files [S][R] (what `buurt compare` writes)."""
    S, R = len(run_files), len(run_files[0])
    with h5py.File(run_files[0][0], "r") as f0:
        outcomes = sorted(k for k in f0["timeseries"] if k != "week")
        version = f0["meta/program_version"][()]
        commit = f0["meta/git_commit"][()]
    final = np.zeros((S, R, len(outcomes)))
    lym = np.zeros_like(final)
    with h5py.File(out, "w") as dst:
        dst.attrs["kind"] = "compare"
        m = dst.create_group("meta")
        _str_dataset(m, "scenario_names", names)
        m.create_dataset("replicates", data=np.int64(R))
        m.create_dataset("seeds", data=np.array(seeds, dtype=np.int64))
        m.create_dataset("weeks", data=np.int64(weeks))
        _str_dataset(m, "command", command)
        m.create_dataset("program_version", data=version)
        m.create_dataset("git_commit", data=commit)
        for s in range(S):
            for r in range(R):
                with h5py.File(run_files[s][r], "r") as src:
                    g = dst.create_group(f"runs/s{s:02d}/r{r:03d}")
                    for part in ("meta", "timeseries", "final", "population"):
                        src.copy(src[part], g, name=part)
                    for k, o in enumerate(outcomes):
                        ts = src[f"timeseries/{o}"][()]
                        final[s, r, k] = ts[-1]
                        lym[s, r, k] = ts[-52:].mean()
        c = dst.create_group("compare")
        _str_dataset(c, "outcomes", outcomes)
        c.create_dataset("final", data=final)
        c.create_dataset("last_year_mean", data=lym)
        summ = stats.paired_differences(lym)
        sg = c.create_group("summary")
        for k, v in summ.items():
            sg.create_dataset(k, data=v)
    return out


def make_compare(exe: str, tmp: Path, out: Path, replicates: int = 4, weeks: int = 60, residents: int = 1500,
                 seed: int = 1000) -> Path:
    """Baseline against a variant with more willing helpers, paired over ``replicates`` seeds."""
    variant = write_variant(tmp, "more_helpers", "Baseline with more willing helpers and larger budgets",
                            "[helping]\nshare_willing = 0.7\nbudget_mean = 6.0")
    scenarios = [BASELINE, variant]
    if has_subcommand(exe, "compare") and os.environ.get("BUURT_FIXTURE_COMPARE") != "h5py":
        cmd = [exe, "compare", *map(str, scenarios), "--replicates", str(replicates), "--weeks", str(weeks),
               "--seed", str(seed), "--set", f"population.residents={residents}", "--out", str(out), "--quiet"]
        r = subprocess.run(cmd, capture_output=True, text=True)
        if r.returncode == 0:
            return out
        # The real command exists but takes other arguments: fall back, and say so in the test log.
        print(f"buurt compare failed ({r.returncode}): {r.stderr.strip()[:300]}; assembling the file with h5py")
    seeds = [seed + r for r in range(replicates)]
    files = [[run_sim(exe, tmp / f"s{s}_r{r}.h5", scen, seed=seeds[r], weeks=weeks, residents=residents)
              for r in range(replicates)] for s, scen in enumerate(scenarios)]
    return assemble_compare(files, ["baseline", "more_helpers"], seeds, weeks, out)


def write_sweep(out: Path, design: np.ndarray, names: list[str], kind: str, final: np.ndarray, outcomes: list[str],
                replicates: int = 1, units: list[str] | None = None, timeseries: dict[str, np.ndarray] | None = None,
                definition: str = "", seed: int = 7, descriptions: list[str] | None = None,
                provenance: dict[str, str] | None = None) -> Path:
    """Write the sweep layout. final: [points * replicates, K] in run order (point-major)."""
    points = design.shape[0]
    n = points * replicates
    with h5py.File(out, "w") as f:
        f.attrs["kind"] = "sweep"
        sw = f.create_group("sweep")
        _str_dataset(sw, "definition", definition or f"# fixture\n[sweep]\ndesign = \"{kind}\"\n")
        _str_dataset(sw, "base_resolved", "")
        _str_dataset(sw, "design_kind", kind)
        _str_dataset(sw, "parameter_names", names)
        sw.create_dataset("design", data=np.asarray(design, dtype=float))
        sw.create_dataset("replicates", data=np.int64(replicates))
        sw.create_dataset("seed", data=np.int64(seed))
        sw.create_dataset("points", data=np.int64(points))
        for k, v in (provenance or {}).items():
            _str_dataset(sw, k, v)
        r = f.create_group("runs")
        r.create_dataset("run_index", data=np.arange(n, dtype=np.int64))
        r.create_dataset("point", data=np.repeat(np.arange(points), replicates).astype(np.int64))
        r.create_dataset("replicate", data=np.tile(np.arange(replicates), points).astype(np.int64))
        r.create_dataset("seed", data=(seed + np.tile(np.arange(replicates), points)).astype(np.int64))
        _str_dataset(r, "outcome_names", outcomes)
        r.create_dataset("final", data=np.asarray(final, dtype=float))
        if units:
            _str_dataset(r, "outcome_units", units)
        if descriptions:
            _str_dataset(r, "outcome_descriptions", descriptions)
        for name, arr in (timeseries or {}).items():
            r.create_dataset(f"timeseries/{name}", data=arr)
    return out


def saltelli_design(N: int, lo, hi, seed: int = 3) -> np.ndarray:
    """Interleaved Saltelli design (A, AB_1..AB_P, B per base sample), as `buurt sweep` lays it out."""
    from scipy.stats import qmc
    lo, hi = np.asarray(lo, float), np.asarray(hi, float)
    P = len(lo)
    u = qmc.Sobol(2 * P, seed=seed).random(N)
    A, B = lo + (hi - lo) * u[:, :P], lo + (hi - lo) * u[:, P:]
    rows = []
    for j in range(N):
        rows.append(A[j])
        for i in range(P):
            r = A[j].copy()
            r[i] = B[j, i]
            rows.append(r)
        rows.append(B[j])
    return np.array(rows)


def morris_design(T: int, P: int, levels: int = 4, seed: int = 5) -> np.ndarray:
    """Morris trajectories in the unit cube (each of P steps moves one coordinate by delta)."""
    g = np.random.default_rng(seed)
    delta = levels / (2 * (levels - 1))
    grid = np.arange(levels // 2) / (levels - 1)
    rows = []
    for _ in range(T):
        x = g.choice(grid, size=P)
        rows.append(x.copy())
        for i in g.permutation(P):
            x[i] += delta
            rows.append(x.copy())
    return np.array(rows)


def ishigami(X: np.ndarray, a: float = 7.0, b: float = 0.1) -> np.ndarray:
    return np.sin(X[:, 0]) + a * np.sin(X[:, 1]) ** 2 + b * X[:, 2] ** 4 * np.sin(X[:, 0])


def ishigami_indices(a: float = 7.0, b: float = 0.1):
    """Analytic first- and total-order indices of the Ishigami function."""
    pi = np.pi
    v1 = 0.5 * (1 + b * pi ** 4 / 5) ** 2
    v2 = a ** 2 / 8
    v13 = b ** 2 * pi ** 8 * (1 / 18 - 1 / 50)
    V = v1 + v2 + v13
    return np.array([v1, v2, 0.0]) / V, np.array([v1 + v13, v2, v13]) / V


def make_sim_sweep(exe: str, tmp: Path, out: Path, points: int = 16, replicates: int = 2, weeks: int = 40,
                   residents: int = 1000, seed: int = 11, kind: str = "lhs", names: list[str] | None = None,
                   lo=None, hi=None) -> Path:
    """A sweep of the simulator (Latin hypercube, or Saltelli with ``points`` base samples), assembled
    from one `buurt run` per design point and replicate."""
    from scipy.stats import qmc
    names = names or ["helping.share_willing", "asking.shame_mean", "ties.decay"]
    lo = np.array(lo if lo is not None else [0.2, 0.2, 0.002])
    hi = np.array(hi if hi is not None else [0.7, 0.7, 0.03])
    if kind == "saltelli":
        design = saltelli_design(points, lo, hi, seed=seed)
    else:
        design = lo + (hi - lo) * qmc.LatinHypercube(d=len(names), seed=seed).random(points)
    # The design as written: the values passed on the command line (rounded to 6 digits).
    design = np.array([[float(f"{v:.6g}") for v in row] for row in design])
    rows, units, outcomes, series, descs, prov = [], None, None, [], None, {}
    for p in range(len(design)):
        for r in range(replicates):
            f = run_sim(exe, tmp / f"sw_{p}_{r}.h5", sets=[f"{n}={v:.6g}" for n, v in zip(names, design[p])],
                        seed=seed + r, weeks=weeks, residents=residents)
            with h5py.File(f, "r") as h:
                if outcomes is None:
                    outcomes = sorted(k for k in h["final"] if isinstance(h["final"][k], h5py.Dataset))
                    units = [h[f"timeseries/{o}"].attrs["unit"] for o in outcomes]
                    descs = [h[f"timeseries/{o}"].attrs["description"] for o in outcomes]
                    prov = {k: h[f"meta/{k}"][()].decode() if isinstance(h[f"meta/{k}"][()], bytes) else str(h[f"meta/{k}"][()])
                            for k in ("program_version", "git_commit")}
                rows.append([float(h[f"final/{o}"][()]) for o in outcomes])
                series.append(h["timeseries/in_need_share"][()])
            os.unlink(f)
    definition = (f"# assembled from `buurt run` by analysis/tests/fixtures.py (make_sim_sweep)\n"
                  f"design = \"{kind}\"\npoints = {points}\nreplicates = {replicates}\nweeks = {weeks}\n"
                  f"residents = {residents}\nseed = {seed}\n"
                  + "".join(f"[[factor]]\nkey = \"{n}\"\nmin = {a:g}\nmax = {b:g}\n" for n, a, b in zip(names, lo, hi)))
    return write_sweep(out, design, names, kind, np.array(rows), outcomes, replicates=replicates, units=units,
                       timeseries={"in_need_share": np.array(series)}, seed=seed, definition=definition,
                       descriptions=descs, provenance=prov)
