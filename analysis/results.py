"""Result files (HDF5) as tidy pandas tables.

One cohesive module (longer than ~600 lines on purpose): one reader per result kind over one shared HDF5
layout and one outcome-metadata model, so the layout is read in one place.

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


# ---------------------------------------------------------------- outcome metadata

# Names of the metadata fields as written by the simulator (Outcomes.def; docs/output.md).
_META_ATTRS = ("label", "label_nl", "format", "kind", "direction", "adults_only", "reference", "headline")
_META_COLUMNS = {"units": "unit", "descriptions": "description", "labels": "label", "labels_nl": "label_nl", "formats": "format", "kinds": "kind",
                 "directions": "direction", "adults_only": "adults_only", "references": "reference", "headlines": "headline"}


@dataclass(frozen=True)
class OutcomeMeta:
    """What a result file declares about one outcome (Outcomes.def), or a fallback derived from its unit."""

    name: str
    unit: str = ""
    description: str = ""
    label: str = ""             # short English label
    label_nl: str = ""          # short Dutch label ("" in files written before it existed)
    format: str = ""            # pct | dec | int | eur
    kind: str = ""              # share | index | count | hours | weeks | ties | money
    direction: str = "neither"  # up (better when higher) | down | neither
    adults_only: bool = False
    reference: str = ""         # key of a reference figure, "" if none
    headline: int = 0           # rank among headline outcomes (1 first), 0 = not a headline
    from_file: bool = False     # False: the file lacks the metadata and the fields were derived from the unit

    @property
    def is_money(self) -> bool:
        """A money level (may be negative): differences are shown in euros, never relative."""
        return self.kind == "money"

    @property
    def relative_change_meaningful(self) -> bool:
        """As in the simulator (output/Format.cpp): no relative change for money or waiting weeks."""
        return self.kind not in ("money", "weeks")


def fallback_meta(name: str, unit: str = "", description: str = "") -> OutcomeMeta:
    """Metadata for a file written before outcomes carried it: label from the name, format and kind from the unit."""
    u = (unit or "").strip().lower()
    if u.startswith("share"):
        fmt, kind = "pct", "share"
    elif "euro" in u or "€" in u:
        fmt, kind = "eur", "money"
    elif u == "0..1":
        fmt, kind = "dec", "index"
    else:
        fmt, kind = "", ""
    return OutcomeMeta(name=name, unit=unit or "", description=description or "", label=name.replace("_", " "),
                       format=fmt, kind=kind)


def _meta_from_attrs(name: str, attrs) -> OutcomeMeta:
    """Metadata from an outcome dataset's attributes (fallback when it has only unit and description)."""
    unit, desc = _text(attrs.get("unit", "")), _text(attrs.get("description", ""))
    if "format" not in attrs:
        return fallback_meta(name, unit, desc)
    return OutcomeMeta(name=name, unit=unit, description=desc, label=_text(attrs.get("label", "")) or name.replace("_", " "),
                       label_nl=_text(attrs.get("label_nl", "")), format=_text(attrs.get("format", "")), kind=_text(attrs.get("kind", "")),
                       direction=_text(attrs.get("direction", "neither")) or "neither",
                       adults_only=bool(int(attrs.get("adults_only", 0))), reference=_text(attrs.get("reference", "")),
                       headline=int(attrs.get("headline", 0)), from_file=True)


def _meta_from_columns(group: h5py.Group, names: list[str], prefix: str, units: dict[str, str],
                       descriptions: dict[str, str]) -> dict[str, OutcomeMeta] | None:
    """Metadata from columns parallel to ``names`` (``<prefix>formats``...); None if the file lacks them."""
    if f"{prefix}formats" not in group:
        return None
    cols: dict[str, list] = {}
    for col, field_name in _META_COLUMNS.items():
        if f"{prefix}{col}" in group:
            ds = group[f"{prefix}{col}"]
            cols[field_name] = _texts(ds) if ds.dtype.kind in "OSU" else [int(x) for x in np.atleast_1d(ds[()])]
    out = {}
    for i, o in enumerate(names):
        kw = {k: v[i] for k, v in cols.items() if i < len(v)}
        kw.setdefault("unit", units.get(o, ""))
        kw.setdefault("description", descriptions.get(o, ""))
        if not kw.get("format"):  # a name the writer did not know: derive from the unit
            out[o] = fallback_meta(o, kw["unit"], kw["description"])
            continue
        kw["label"] = kw.get("label") or o.replace("_", " ")
        kw["direction"] = kw.get("direction") or "neither"
        kw["adults_only"] = bool(kw.get("adults_only", 0))
        kw["headline"] = int(kw.get("headline", 0))
        out[o] = OutcomeMeta(name=o, from_file=True, **kw)
    return out


def _headlines(meta: dict[str, OutcomeMeta], outcomes: list[str]) -> list[str]:
    """Outcomes with a headline rank, in rank order (empty when the file declares none)."""
    ranked = [o for o in outcomes if o in meta and meta[o].headline > 0]
    return sorted(ranked, key=lambda o: meta[o].headline)


class _OutcomeMetaMixin:
    """Public accessors over ``outcome_meta`` shared by every result kind."""

    outcomes: list[str]
    outcome_meta: dict[str, OutcomeMeta]

    def meta_of(self, outcome: str) -> OutcomeMeta:
        """The metadata of one outcome (derived from its unit when the file lacks it)."""
        m = self.outcome_meta.get(outcome)
        if m is None:
            m = fallback_meta(outcome, getattr(self, "units", {}).get(outcome, ""), getattr(self, "descriptions", {}).get(outcome, ""))
        return m

    @property
    def has_outcome_metadata(self) -> bool:
        """True when the file declares labels, formats, kinds, directions and headline ranks."""
        return any(m.from_file for m in self.outcome_meta.values())

    def headline_outcomes(self) -> list[str]:
        """The file's headline outcomes in rank order; empty for files written before the ranks were stored."""
        return _headlines(self.outcome_meta, self.outcomes)

    def labels(self) -> dict[str, str]:
        """Short English label per outcome."""
        return {o: self.meta_of(o).label for o in self.outcomes}


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
class RunResult(_OutcomeMetaMixin):
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
    outcome_meta: dict[str, OutcomeMeta] = field(default_factory=dict)
    group_measure_meta: dict[str, OutcomeMeta] = field(default_factory=dict)
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
                self.outcome_meta[name] = _meta_from_attrs(name, ds.attrs)
            fin = _need(g, "final", self.path)
            for name, ds in fin.items():
                if isinstance(ds, h5py.Dataset):
                    self._final[name] = float(ds[()])
            if "by_group" in fin:
                bg = fin["by_group"]
                groups = _texts(_need(bg, "group", self.path))
                cols = {k: np.asarray(v[()], dtype=float) for k, v in bg.items() if k != "group"}
                self._by_group = pd.DataFrame({"group": groups, **cols})
                # The groups' names in English and Dutch, row for row (GroupOutcomes.h, kResidentGroups); files
                # written before they were stored get "dimension: group" and no Dutch.
                names = fin.get("by_group_labels")
                if isinstance(names, h5py.Group) and "label" in names:
                    self._by_group.insert(1, "label", _texts(names["label"]))
                    self._by_group.insert(2, "label_nl", _texts(names["label_nl"]) if "label_nl" in names else "")
                for k, v in bg.items():
                    if k != "group":
                        self.group_measure_meta[k] = self._group_meta(k, v.attrs)
        if not self.scenario:
            self.scenario = str(self.meta.get("scenario_name", os.path.basename(self.path)))

    # Units of the by-group measures that are not outcomes, for files written before they carried metadata.
    _LEGACY_GROUP_UNITS = {"residents": "residents", "self_reliance_gain": "0..1", "mean_active_ties": "ties"}

    def _group_meta(self, measure: str, attrs) -> OutcomeMeta:
        if "format" in attrs:
            return _meta_from_attrs(measure, attrs)
        if measure in self.outcome_meta:
            return self.outcome_meta[measure]
        return fallback_meta(measure, self._LEGACY_GROUP_UNITS.get(measure, ""))

    def group_meta(self, measure: str) -> OutcomeMeta:
        """Metadata of a by-group measure (unit, label, format), as for outcomes."""
        return self.group_measure_meta.get(measure) or self.meta_of(measure)

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
        """Long table: scenario, replicate, dimension, group, label, label_nl, residents, measure, value.

        ``dimension`` is the part before ':' of the group code (income, household, start_ties, arrival); ``label``
        and ``label_nl`` name the group in English and Dutch as the file does (``/final/by_group_labels``).
        """
        if self._by_group is None:
            return pd.DataFrame(columns=["scenario", "replicate", "dimension", "group", "label", "label_nl", "residents", "measure", "value"])
        bg = self._by_group
        dims = bg["group"].str.split(":", n=1, expand=True)
        wide = pd.DataFrame({"dimension": dims[0], "group": dims[1] if dims.shape[1] > 1 else bg["group"]})
        if "label" in bg:
            wide["label"], wide["label_nl"] = bg["label"], bg["label_nl"]
        else:
            wide["label"] = [f"{d.replace('_', ' ')}: {g}" for d, g in zip(wide["dimension"], wide["group"])]
            wide["label_nl"] = ""
        wide["residents"] = bg["residents"] if "residents" in bg else np.nan
        measures = [c for c in bg.columns if c not in ("group", "label", "label_nl", "residents")]
        out = wide.join(bg[measures]).melt(id_vars=["dimension", "group", "label", "label_nl", "residents"], value_vars=measures,
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

class CompareResult(_OutcomeMetaMixin):
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
        with _open(self.path) as f:  # /compare/{labels,formats,...} when written; else the run groups carry it
            cols = _meta_from_columns(f["compare"], self.outcomes, "", self.units, self.descriptions)
        self.outcome_meta = cols or {o: first.meta_of(o) for o in self.outcomes}
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

    def stored_summary(self) -> dict[str, np.ndarray]:
        """The summary arrays stored in the file ([S, K] each: mean, diff_mean, diff_lo, ...)."""
        return dict(self._summary)

    @property
    def has_stored_summary(self) -> bool:
        """True for a `buurt compare` file (a single run seen as a comparison has nothing stored)."""
        return True

    def group_meta(self, measure: str) -> OutcomeMeta:
        """Metadata of a by-group measure (from the first run)."""
        return self.run(0, 0).group_meta(measure)

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
        self.outcome_meta = dict(run.outcome_meta)
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

    @property
    def has_stored_summary(self) -> bool:
        """A single run stores no comparison summary."""
        return False


def as_comparison(res) -> CompareResult:
    """A CompareResult view of a run or comparison (what the comparison report draws)."""
    if isinstance(res, CompareResult):
        return res
    if isinstance(res, RunResult):
        return RunAsComparison(res)
    raise ResultError(f"{res.path}: a {res.kind} file is not a comparison")


# ---------------------------------------------------------------- sweep

class SweepResult(_OutcomeMetaMixin):
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
            ts_meta: dict[str, OutcomeMeta] = {}
            if "timeseries" in runs:
                for name, ds in runs["timeseries"].items():
                    if isinstance(ds, h5py.Dataset) and name != "week":
                        self._ts_names.append(name)
                        if "unit" in ds.attrs and not self.units.get(name):
                            self.units[name] = _text(ds.attrs["unit"])
                        if "description" in ds.attrs:
                            self.descriptions[name] = _text(ds.attrs["description"])
                        ts_meta[name] = _meta_from_attrs(name, ds.attrs)
            names = list(dict.fromkeys(self.outcomes + self._ts_names))
            cols = _meta_from_columns(runs, self.outcomes, "outcome_", self.units, self.descriptions) or {}
            self.outcome_meta = {o: cols.get(o) or (ts_meta[o] if o in ts_meta and ts_meta[o].from_file else None)
                                 or fallback_meta(o, self.units.get(o, ""), self.descriptions.get(o, "")) for o in names}
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

    def timeseries_array(self, outcome: str) -> np.ndarray:
        """[runs, W+1] weekly values of one stored outcome, rows in the file's run order (as ``runs()``)."""
        if outcome not in self._ts_names:
            raise ResultError(f"{self.path}: no weekly series for '{outcome}' (have: {', '.join(self._ts_names) or 'none'})")
        with _open(self.path) as f:
            return np.asarray(f["runs/timeseries"][outcome][()], dtype=float)

    def timeseries(self, outcome: str) -> pd.DataFrame:
        """Long table run_index, point, replicate, week, value for one stored weekly outcome."""
        arr = self.timeseries_array(outcome)
        n, W = arr.shape
        return pd.DataFrame({"run_index": np.repeat(self.run_index, W), "point": np.repeat(self.point, W),
                             "replicate": np.repeat(self.replicate, W), "week": np.tile(np.arange(W), n),
                             "value": arr.reshape(-1), "unit": self.units.get(outcome, "")})
