"""Result files (HDF5) as tidy pandas tables.

Three kinds of file, told apart by the root attribute ``kind`` (a file without it is a run):

* ``run``      one `buurt run` (layout: docs/output.md)
* ``compare``  scenarios x replicates (`buurt compare`); every run is a full run group under /runs
* ``sweep``    a parameter sweep (`buurt sweep`, merged shards included): design + final outcomes

Outcome and parameter names are never listed here: they are read from each file.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

import h5py
import numpy as np
import pandas as pd


class ResultError(Exception):
    """A result file is missing, unreadable, or lacks a dataset the analysis needs."""


# ---------------------------------------------------------------- low-level helpers

def _text(v: Any) -> str:
    if isinstance(v, bytes):
        return v.decode("utf-8", errors="replace")
    if isinstance(v, np.ndarray) and v.shape == ():
        return _text(v[()])
    return str(v)


def _texts(ds) -> list[str]:
    return [_text(x) for x in np.atleast_1d(ds[()])]


def _scalar(ds) -> Any:
    v = ds[()]
    if isinstance(v, (bytes, str)):
        return _text(v)
    if isinstance(v, np.ndarray):
        if v.shape == ():
            v = v[()]
        elif v.dtype.kind in "OSU":
            return [_text(x) for x in v]
        else:
            return v
    if isinstance(v, np.generic):
        return v.item()
    return v


def _open(path: str | os.PathLike) -> h5py.File:
    path = os.fspath(path)
    if not os.path.exists(path):
        raise ResultError(f"{path}: no such file")
    if os.path.isdir(path):
        raise ResultError(f"{path}: is a directory, expected an HDF5 result file")
    try:
        return h5py.File(path, "r")
    except OSError as e:
        raise ResultError(f"{path}: not a readable HDF5 result file ({e})") from None


def _need(group: h5py.Group, name: str, path: str) -> Any:
    if name not in group:
        raise ResultError(f"{path}: dataset '{group.name.rstrip('/')}/{name}' is missing; "
                          "is this a complete Buurtkracht result file?")
    return group[name]


def _read_meta(group: h5py.Group | None) -> dict[str, Any]:
    if group is None:
        return {}
    return {k: _scalar(v) for k, v in group.items() if isinstance(v, h5py.Dataset)}


def result_kind(path: str | os.PathLike) -> str:
    """'run', 'compare' or 'sweep' (a file without the ``kind`` attribute is a run)."""
    with _open(path) as f:
        return _kind_of(f, os.fspath(path))


def _kind_of(f: h5py.File, path: str) -> str:
    kind = _text(f.attrs["kind"]) if "kind" in f.attrs else "run"
    if kind == "sweep-partial":
        raise ResultError(f"{path}: an unfinished sweep working file; finish it with `buurt sweep --resume` "
                          "(see its progress with `buurt sweep --status`)")
    if kind not in ("run", "compare", "sweep"):
        raise ResultError(f"{path}: unknown result kind '{kind}' (expected run, compare or sweep)")
    return kind


def load(path: str | os.PathLike):
    """Open any result file: returns a RunResult, CompareResult or SweepResult."""
    path = os.fspath(path)
    with _open(path) as f:
        kind = _kind_of(f, path)
    try:
        return {"run": RunResult, "compare": CompareResult, "sweep": SweepResult}[kind](path)
    except KeyError as e:  # h5py raises KeyError for missing members deep inside
        raise ResultError(f"{path}: incomplete {kind} file ({e})") from None


# ---------------------------------------------------------------- one run

@dataclass
class RunResult:
    """One run: a `buurt run` file, or one run group inside a comparison file."""

    path: str
    group: str = "/"
    scenario: str = ""          # label used in tidy tables (default: meta scenario_name)
    replicate: int = 0
    meta: dict[str, Any] = field(default_factory=dict)
    outcomes: list[str] = field(default_factory=list)
    units: dict[str, str] = field(default_factory=dict)
    descriptions: dict[str, str] = field(default_factory=dict)
    weeks: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int32))
    _ts: dict[str, np.ndarray] = field(default_factory=dict, repr=False)
    _final: dict[str, float] = field(default_factory=dict, repr=False)
    _by_group: pd.DataFrame | None = field(default=None, repr=False)

    kind = "run"

    def __post_init__(self):
        self.path = os.fspath(self.path)
        with _open(self.path) as f:
            if self.group not in f:
                raise ResultError(f"{self.path}: group '{self.group}' is missing")
            g = f[self.group]
            self.meta = _read_meta(g.get("meta"))
            ts = _need(g, "timeseries", self.path)
            self.weeks = np.asarray(_need(ts, "week", self.path)[()])
            for name, ds in ts.items():
                if name == "week" or not isinstance(ds, h5py.Dataset):
                    continue
                self.outcomes.append(name)
                self._ts[name] = np.asarray(ds[()], dtype=float)
                self.units[name] = _text(ds.attrs.get("unit", ""))
                self.descriptions[name] = _text(ds.attrs.get("description", ""))
            fin = _need(g, "final", self.path)
            for name, ds in fin.items():
                if isinstance(ds, h5py.Dataset):
                    self._final[name] = float(ds[()])
            if "by_group" in fin:
                bg = fin["by_group"]
                groups = _texts(_need(bg, "group", self.path))
                cols = {k: np.asarray(v[()], dtype=float) for k, v in bg.items() if k != "group"}
                self._by_group = pd.DataFrame({"group": groups, **cols})
        if not self.scenario:
            self.scenario = str(self.meta.get("scenario_name", os.path.basename(self.path)))

    # --- tidy tables
    @property
    def seed(self) -> int | None:
        s = self.meta.get("seed")
        return int(s) if s is not None else None

    def timeseries(self, outcomes: list[str] | None = None) -> pd.DataFrame:
        """Long table: scenario, replicate, seed, week, outcome, value, unit."""
        names = outcomes or self.outcomes
        frames = []
        for o in names:
            if o not in self._ts:
                raise ResultError(f"{self.path}: no outcome '{o}' (have: {', '.join(self.outcomes)})")
            frames.append(pd.DataFrame({"week": self.weeks, "outcome": o, "value": self._ts[o], "unit": self.units[o]}))
        df = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=["week", "outcome", "value", "unit"])
        df.insert(0, "seed", self.seed)
        df.insert(0, "replicate", self.replicate)
        df.insert(0, "scenario", self.scenario)
        return df

    def timeseries_wide(self) -> pd.DataFrame:
        """One row per week, one column per outcome (units in ``df.attrs['units']``)."""
        df = pd.DataFrame(self._ts, index=pd.Index(self.weeks, name="week"))[self.outcomes]
        df.attrs["units"] = dict(self.units)
        return df

    def series(self, outcome: str) -> np.ndarray:
        return self._ts[outcome]

    def final(self) -> pd.DataFrame:
        """Long table: scenario, replicate, seed, outcome, value, unit (last week)."""
        rows = [(self.scenario, self.replicate, self.seed, o, self._final[o], self.units.get(o, ""))
                for o in self.outcomes if o in self._final]
        return pd.DataFrame(rows, columns=["scenario", "replicate", "seed", "outcome", "value", "unit"])

    def by_group(self) -> pd.DataFrame:
        """Long table: scenario, replicate, dimension, group, residents, measure, value.

        ``dimension`` is the part before ':' of the group label (income, household, start_ties).
        """
        if self._by_group is None:
            return pd.DataFrame(columns=["scenario", "replicate", "dimension", "group", "residents", "measure", "value"])
        bg = self._by_group
        dims = bg["group"].str.split(":", n=1, expand=True)
        wide = pd.DataFrame({"dimension": dims[0], "group": dims[1] if dims.shape[1] > 1 else bg["group"]})
        wide["residents"] = bg["residents"] if "residents" in bg else np.nan
        measures = [c for c in bg.columns if c not in ("group", "residents")]
        out = wide.join(bg[measures]).melt(id_vars=["dimension", "group", "residents"], value_vars=measures,
                                           var_name="measure", value_name="value")
        out.insert(0, "replicate", self.replicate)
        out.insert(0, "scenario", self.scenario)
        return out

    def population(self) -> pd.DataFrame:
        """One row per resident; coded columns become pandas categoricals (codes from the attributes)."""
        with _open(self.path) as f:
            g = f[self.group]
            if "population" not in g:
                raise ResultError(f"{self.path}: no /population group")
            pop = g["population"]
            cols = {k: np.asarray(v[()]) for k, v in pop.items() if isinstance(v, h5py.Dataset)}
            attrs = {k: _text(v) for k, v in pop.attrs.items()}
        df = pd.DataFrame(cols)
        for col in list(df.columns):
            codes = attrs.get(f"{col}_codes")
            if codes:
                mapping = _parse_codes(codes)
                df[col] = pd.Categorical(df[col].map(mapping), categories=list(mapping.values()))
        return df

    def snapshot_weeks(self) -> np.ndarray:
        with _open(self.path) as f:
            g = f[self.group]
            if "snapshots" not in g or "week" not in g["snapshots"]:
                return np.zeros(0, dtype=np.int32)
            return np.asarray(g["snapshots/week"][()])

    def snapshot(self, week: int) -> pd.DataFrame:
        """Per-resident state at one snapshot week: one row per resident, one column per variable."""
        weeks = list(self.snapshot_weeks())
        if week not in weeks:
            raise ResultError(f"{self.path}: no snapshot at week {week} (have {weeks})")
        i = weeks.index(week)
        with _open(self.path) as f:
            s = f[self.group]["snapshots"]
            cols = {k: np.asarray(v[i]) for k, v in s.items() if isinstance(v, h5py.Dataset) and k != "week"}
            units = {k: _text(v.attrs.get("unit", "")) for k, v in s.items() if k != "week"}
        df = pd.DataFrame(cols)
        df.attrs["units"] = units
        return df

    def network(self, week: int) -> pd.DataFrame:
        """Active ties at a snapshot week: a, b, kind, strength, balance."""
        with _open(self.path) as f:
            name = f"network/week_{week:05d}"
            g = f[self.group]
            if name not in g:
                raise ResultError(f"{self.path}: no ties stored for week {week}")
            return pd.DataFrame({k: np.asarray(v[()]) for k, v in g[name].items()})


def _parse_codes(text: str) -> dict[int, str]:
    """'0 benefits, 1 low, 2 middle' -> {0: 'benefits', 1: 'low', 2: 'middle'}."""
    out = {}
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        code, _, label = part.partition(" ")
        try:
            out[int(code)] = label.strip()
        except ValueError:
            continue
    return out


# ---------------------------------------------------------------- comparison

class CompareResult:
    """Scenarios x replicates from `buurt compare` (or a single run seen as one)."""

    kind = "compare"

    def __init__(self, path: str | os.PathLike):
        self.path = os.fspath(path)
        with _open(self.path) as f:
            meta = _need(f, "meta", self.path)
            self.meta = _read_meta(meta)
            self.scenario_names = _texts(_need(meta, "scenario_names", self.path))
            self.seeds = np.asarray(_need(meta, "seeds", self.path)[()], dtype=np.int64)
            self.replicates = int(self.meta.get("replicates", len(self.seeds)))
            cmp = _need(f, "compare", self.path)
            self.outcomes = _texts(_need(cmp, "outcomes", self.path))
            self._final = np.asarray(_need(cmp, "final", self.path)[()], dtype=float)
            self._lym = np.asarray(_need(cmp, "last_year_mean", self.path)[()], dtype=float)
            summ = _need(cmp, "summary", self.path)
            self._summary = {k: np.asarray(v[()], dtype=float) for k, v in summ.items()}
            S, R, K = len(self.scenario_names), self.replicates, len(self.outcomes)
            for name, arr in (("final", self._final), ("last_year_mean", self._lym)):
                if arr.shape != (S, R, K):
                    raise ResultError(f"{self.path}: /compare/{name} has shape {arr.shape}, expected {(S, R, K)}")
            self._run_groups = [[f"/runs/s{s:02d}/r{r:03d}" for r in range(R)] for s in range(S)]
            for s in range(S):
                for r in range(R):
                    if self._run_groups[s][r] not in f:
                        raise ResultError(f"{self.path}: run group {self._run_groups[s][r]} is missing")
        self._runs: dict[tuple[int, int], RunResult] = {}
        first = self.run(0, 0)
        self.units = {o: first.units.get(o, "") for o in self.outcomes}
        with _open(self.path) as f:
            if "units" in f["compare"]:  # written by `buurt compare`; the run groups carry the same
                self.units.update(dict(zip(self.outcomes, _texts(f["compare/units"]))))
        self.descriptions = {o: first.descriptions.get(o, "") for o in self.outcomes}
        self.weeks = int(self.meta.get("weeks", first.weeks.max() if len(first.weeks) else 0))

    def run(self, s: int, r: int) -> RunResult:
        key = (s, r)
        if key not in self._runs:
            self._runs[key] = RunResult(self.path, self._run_groups[s][r], scenario=self.scenario_names[s], replicate=r)
        return self._runs[key]

    def runs(self):
        for s in range(len(self.scenario_names)):
            for r in range(self.replicates):
                yield self.run(s, r)

    def _long(self, arr: np.ndarray) -> pd.DataFrame:
        S, R, K = arr.shape
        idx = pd.MultiIndex.from_product([self.scenario_names, range(R), self.outcomes], names=["scenario", "replicate", "outcome"])
        df = pd.DataFrame({"value": arr.reshape(-1)}, index=idx).reset_index()
        df.insert(2, "seed", np.repeat(np.tile(self.seeds[:R], S), K))
        df["unit"] = df["outcome"].map(self.units)
        return df

    def final(self) -> pd.DataFrame:
        """Long table of last-week values: scenario, replicate, seed, outcome, value, unit."""
        return self._long(self._final)

    def last_year_mean(self) -> pd.DataFrame:
        """Long table of the mean over the last 52 weeks (the basis of the comparison)."""
        return self._long(self._lym)

    def array(self, which: str = "last_year_mean") -> np.ndarray:
        """[S, R, K] array: 'final' or 'last_year_mean'."""
        return {"final": self._final, "last_year_mean": self._lym}[which]

    def summary(self) -> pd.DataFrame:
        """The stored paired comparison vs scenario 0: one row per scenario and outcome."""
        rows = []
        for s, name in enumerate(self.scenario_names):
            for k, o in enumerate(self.outcomes):
                row = {"scenario": name, "outcome": o, "unit": self.units[o]}
                for key, arr in self._summary.items():
                    row[key] = arr[s, k]
                rows.append(row)
        return pd.DataFrame(rows)

    def timeseries(self, outcomes: list[str] | None = None) -> pd.DataFrame:
        return pd.concat([r.timeseries(outcomes) for r in self.runs()], ignore_index=True)

    def series_array(self, outcome: str) -> np.ndarray:
        """[S, R, W+1] weekly values of one outcome."""
        return np.stack([np.stack([self.run(s, r).series(outcome) for r in range(self.replicates)])
                         for s in range(len(self.scenario_names))])

    def by_group(self) -> pd.DataFrame:
        return pd.concat([r.by_group() for r in self.runs()], ignore_index=True)

    def scenario_meta(self, s: int) -> dict[str, Any]:
        return self.run(s, 0).meta


class RunAsComparison(CompareResult):
    """A single run file presented through the comparison interface (1 scenario, 1 replicate)."""

    def __init__(self, run: RunResult):  # noqa: D401 - no call to super: nothing to read
        self.path = run.path
        self.meta = {"command": "buurt run", "weeks": int(run.weeks.max()) if len(run.weeks) else 0,
                     "program_version": run.meta.get("program_version", ""), "git_commit": run.meta.get("git_commit", "")}
        self.scenario_names = [run.scenario]
        self.seeds = np.array([run.seed if run.seed is not None else 0], dtype=np.int64)
        self.replicates = 1
        self.outcomes = list(run.outcomes)
        self.units = dict(run.units)
        self.descriptions = dict(run.descriptions)
        self.weeks = self.meta["weeks"]
        self._runs = {(0, 0): run}
        self._run_groups = [[run.group]]
        last = np.array([run.series(o)[-min(52, len(run.weeks) - 1 or 1):].mean() if len(run.weeks) > 1 else run.series(o)[-1]
                         for o in self.outcomes])
        self._lym = last.reshape(1, 1, -1)
        self._final = np.array([run.final().set_index("outcome")["value"].get(o, np.nan) for o in self.outcomes]).reshape(1, 1, -1)
        m = self._lym[:, 0, :]
        nan = np.full_like(m, np.nan)
        self._summary = {"mean": m, "diff_mean": np.zeros_like(m), "diff_lo": nan, "diff_hi": nan,
                         "rel_mean": np.zeros_like(m), "rel_lo": nan, "rel_hi": nan}


def as_comparison(res) -> CompareResult:
    """A CompareResult view of a run or comparison (what the comparison report draws)."""
    if isinstance(res, CompareResult):
        return res
    if isinstance(res, RunResult):
        return RunAsComparison(res)
    raise ResultError(f"{res.path}: a {res.kind} file is not a comparison")


# ---------------------------------------------------------------- sweep

class SweepResult:
    """A parameter sweep: design points x replicates, final outcomes per run."""

    kind = "sweep"

    def __init__(self, path: str | os.PathLike):
        self.path = os.fspath(path)
        with _open(self.path) as f:
            sw = _need(f, "sweep", self.path)
            self.design_kind = _text(_need(sw, "design_kind", self.path)[()])
            self.parameter_names = _texts(_need(sw, "parameter_names", self.path))
            self._design = np.atleast_2d(np.asarray(_need(sw, "design", self.path)[()], dtype=float))
            self.definition = _text(sw["definition"][()]) if "definition" in sw else ""
            self.base_resolved = _text(sw["base_resolved"][()]) if "base_resolved" in sw else ""
            self.replicates = int(sw["replicates"][()]) if "replicates" in sw else 1
            self.seed = int(sw["seed"][()]) if "seed" in sw else None
            self.sweep_meta = {k: _scalar(v) for k, v in sw.items() if isinstance(v, h5py.Dataset) and k != "design"}
            self.meta = _read_meta(f.get("meta"))
            runs = _need(f, "runs", self.path)
            self.run_index = np.asarray(_need(runs, "run_index", self.path)[()], dtype=np.int64)
            self.point = np.asarray(_need(runs, "point", self.path)[()], dtype=np.int64)
            self.replicate = np.asarray(_need(runs, "replicate", self.path)[()], dtype=np.int64)
            self.seeds = np.asarray(_need(runs, "seed", self.path)[()], dtype=np.int64)
            self.outcomes = _texts(_need(runs, "outcome_names", self.path))
            fin_ds = _need(runs, "final", self.path)
            self._final = np.atleast_2d(np.asarray(fin_ds[()], dtype=float))
            self.units = {o: "" for o in self.outcomes}
            self.descriptions = {o: "" for o in self.outcomes}
            if "outcome_descriptions" in runs:
                self.descriptions.update(dict(zip(self.outcomes, _texts(runs["outcome_descriptions"]))))
            for key in ("outcome_units", "units"):
                if key in runs:
                    self.units.update(dict(zip(self.outcomes, _texts(runs[key]))))
                elif key in fin_ds.attrs:
                    self.units.update(dict(zip(self.outcomes, [_text(x) for x in np.atleast_1d(fin_ds.attrs[key])])))
            self._ts_names: list[str] = []
            if "timeseries" in runs:
                for name, ds in runs["timeseries"].items():
                    if isinstance(ds, h5py.Dataset) and name != "week":
                        self._ts_names.append(name)
                        if "unit" in ds.attrs and not self.units.get(name):
                            self.units[name] = _text(ds.attrs["unit"])
                        if "description" in ds.attrs:
                            self.descriptions[name] = _text(ds.attrs["description"])
        n, P = len(self.run_index), len(self.parameter_names)
        if self._design.shape[1] != P:
            raise ResultError(f"{self.path}: /sweep/design has {self._design.shape[1]} columns for {P} parameters")
        if self._final.shape != (n, len(self.outcomes)):
            raise ResultError(f"{self.path}: /runs/final has shape {self._final.shape}, expected {(n, len(self.outcomes))}")
        if n and (self.point.min() < 0 or self.point.max() >= len(self._design)):
            raise ResultError(f"{self.path}: /runs/point refers to design rows outside 0..{len(self._design) - 1}")

    @property
    def n_points(self) -> int:
        return len(self._design)

    def design(self) -> pd.DataFrame:
        """One row per design point, one column per parameter (index: point)."""
        return pd.DataFrame(self._design, columns=self.parameter_names, index=pd.Index(range(self.n_points), name="point"))

    def runs(self) -> pd.DataFrame:
        """Wide table, one row per run: run_index, point, replicate, seed, parameters..., outcomes..."""
        df = pd.DataFrame({"run_index": self.run_index, "point": self.point, "replicate": self.replicate, "seed": self.seeds})
        params = pd.DataFrame(self._design[self.point], columns=self.parameter_names)
        outs = pd.DataFrame(self._final, columns=self.outcomes)
        out = pd.concat([df, params, outs], axis=1)
        out.attrs["units"] = dict(self.units)
        return out

    def final(self) -> pd.DataFrame:
        """Long table: run_index, point, replicate, seed, parameters..., outcome, value, unit."""
        wide = self.runs()
        ids = ["run_index", "point", "replicate", "seed", *self.parameter_names]
        df = wide.melt(id_vars=ids, value_vars=self.outcomes, var_name="outcome", value_name="value")
        df["unit"] = df["outcome"].map(self.units)
        return df

    def point_means(self) -> pd.DataFrame:
        """Outcomes averaged over replicates, one row per design point (parameters included)."""
        wide = self.runs()
        means = wide.groupby("point")[self.outcomes].mean()
        return self.design().join(means)

    def outcome_matrix(self, per_point: bool = True) -> np.ndarray:
        """[points, K] replicate means (per_point) or [runs, K] values ordered by run_index."""
        if not per_point:
            return self._final[np.argsort(self.run_index)]
        out = np.full((self.n_points, len(self.outcomes)), np.nan)
        for p in range(self.n_points):
            rows = self.point == p
            if rows.any():
                out[p] = self._final[rows].mean(axis=0)
        return out

    def timeseries_outcomes(self) -> list[str]:
        return list(self._ts_names)

    def timeseries(self, outcome: str) -> pd.DataFrame:
        """Long table run_index, point, replicate, week, value for one stored weekly outcome."""
        if outcome not in self._ts_names:
            raise ResultError(f"{self.path}: no weekly series for '{outcome}' (have: {', '.join(self._ts_names) or 'none'})")
        with _open(self.path) as f:
            arr = np.asarray(f["runs/timeseries"][outcome][()], dtype=float)
        n, W = arr.shape
        return pd.DataFrame({"run_index": np.repeat(self.run_index, W), "point": np.repeat(self.point, W),
                             "replicate": np.repeat(self.replicate, W), "week": np.tile(np.arange(W), n),
                             "value": arr.reshape(-1), "unit": self.units.get(outcome, "")})
