"""History matching of the model against reference figures (`buurt calibrate FILE --out posterior.h5`).

The method (Vernon, Goldstein & Bower 2010; Andrianakis et al. 2015), in waves:

1. a design of points in the space not yet ruled out (wave 1: a Latin hypercube of the priors),
2. the simulator run at every point with replicates (`buurt sweep` with an explicit `points` design:
   resumable after a crash, spread over MPI ranks with ``--launcher``),
3. one Gaussian-process emulator per fitted target (scikit-learn, fixed ``random_state``) of the
   target's window mean, with leave-one-out diagnostics,
4. the implausibility of a candidate x for target t,
       I_t(x) = |z_t - E[f_t(x)]| / sqrt(V_obs,t + V_disc,t + V_stoch,t / R + V_em,t(x)),
   and x stays "not ruled out yet" (NROY) when max_t I_t(x) < threshold (3, Pukelsheim's 3-sigma rule),
5. the next wave's design drawn from the NROY space of every wave so far.

After the last wave, candidates from the final NROY space are rerun on the simulator (not the
emulator); the members whose simulated implausibility is below the threshold on every fitted target
form the posterior ensemble. Targets flagged ``held_out`` are never fitted: they are reported as an
out-of-sample check.

The driver is deterministic: designs come from numpy generators seeded by (design.seed, wave), the
emulators from a fixed ``random_state``, BLAS runs single-threaded (``OPENBLAS_NUM_THREADS=1``, set by
`buurt calibrate`), so the same file and seed give the same posterior.
"""
from __future__ import annotations

import dataclasses
import datetime as _dt
import json
import math
import os
import re
import shlex
import subprocess
import sys
import time
import tomllib
from pathlib import Path
from typing import Callable

import numpy as np

THRESHOLD = 3.0


class CalibrationError(ValueError):
    """Bad calibration input: names file, line and key."""

    def __init__(self, file: str, line: int, key: str, msg: str):
        self.file, self.line, self.key = file, line, key
        where = f"{file}:{line}" if line else file
        super().__init__(f"{where}: key '{key}': {msg}" if key else f"{where}: {msg}")


class NothingPlausible(RuntimeError):
    """The not-implausible space emptied: no parameter set reproduces the fitted targets."""

    def __init__(self, wave: int, blame: list[tuple[str, float]]):
        self.wave, self.blame = wave, blame
        names = ", ".join(f"{n} (rules out {100 * f:.0f}% of candidates)" for n, f in blame)
        first = blame[0][0] if blame else "TARGET"
        super().__init__(f"wave {wave}: no candidate is below implausibility {THRESHOLD:g} on every fitted target; "
                         f"the targets that rule the space out: {names}. The model cannot reproduce them together; "
                         f"rerun with --drop {first} to calibrate without it (it is then reported as not reproduced)")


# ---------------------------------------------------------------- the calibration file

def distance(observed: float, bound: str, mean):
    """How far model means lie from a figure: |observed - mean|, or only the shortfall past a bound
    ("at_least", "at_most": a one-sided figure)."""
    mean = np.asarray(mean, dtype=float)
    if bound == "at_least":
        return np.maximum(observed - mean, 0.0)
    if bound == "at_most":
        return np.maximum(mean - observed, 0.0)
    return np.abs(observed - mean)


@dataclasses.dataclass
class Target:
    name: str
    outcome: str
    observed: float
    sd: float            # observation uncertainty (standard error; a range [lo, hi] is a 95% interval: (hi - lo) / 4)
    discrepancy: float   # model discrepancy, standard deviation in the outcome's unit
    window: tuple[int, int]  # weeks after week 0: mean over weeks from+1 .. to
    held_out: bool
    source: str
    line: int = 0
    bound: str = ""      # "" (the figure itself), "at_least" or "at_most" (a one-sided figure: offers exceed requests)

    def distance(self, mean):
        return distance(self.observed, self.bound, mean)

    def shown(self) -> str:
        """The figure as reports show it: '0.125 ± 0.015', '≥ 1 (sd 0.1)'."""
        if self.bound:
            return f"{'≥' if self.bound == 'at_least' else '≤'} {self.observed:.4g} (sd {self.sd:.2g})"
        return f"{self.observed:.4g} ± {2 * self.sd:.3g}"


@dataclasses.dataclass
class Prior:
    name: str
    min: float
    max: float
    source: str
    integer: bool = False
    line: int = 0


@dataclasses.dataclass
class Settings:
    seed: int = 20261201
    waves: int = 3
    points: int = 60
    replicates: int = 2
    candidates: int = 20000
    ensemble: int = 50
    oversample: float = 1.6
    threshold: float = THRESHOLD
    discrepancy: float = 0.1  # default model discrepancy: this share of |observed| (a named assumption)


@dataclasses.dataclass
class Calibration:
    path: str
    text: str
    name: str
    base: Path
    fixed: dict[str, object]
    settings: Settings
    targets: list[Target]
    priors: list[Prior]
    quick_fixed: dict[str, object]
    quick_settings: Settings

    @property
    def fitted(self) -> list[Target]:
        return [t for t in self.targets if not t.held_out]

    def with_quick(self) -> "Calibration":
        return dataclasses.replace(self, fixed={**self.fixed, **self.quick_fixed}, settings=self.quick_settings)

    def drop(self, names: list[str]) -> "Calibration":
        known = {t.name for t in self.targets}
        for n in names:
            if n not in known:
                raise CalibrationError(self.path, 0, f"--drop {n}", f"no target '{n}' (targets: {', '.join(sorted(known))})")
        return dataclasses.replace(self, targets=[dataclasses.replace(t, held_out=True) if t.name in names else t
                                                  for t in self.targets])


def _line_of(text: str, section: str, key: str | None = None) -> int:
    """Line (1-based) of ``key`` inside table ``[section]`` (or of the header when key is None); 0 if not found."""
    lines = text.splitlines()
    header = None
    pat = re.compile(r"^\s*\[\s*" + re.escape(section) + r"\s*\]\s*(#.*)?$")
    for i, ln in enumerate(lines):
        if pat.match(ln):
            header = i
            break
    if header is None:
        # a dotted or quoted key at top level or in a parent table
        if key is None:
            return 0
        for i, ln in enumerate(lines):
            if re.match(r'^\s*"?' + re.escape(key) + r'"?\s*=', ln):
                return i + 1
        return 0
    if key is None:
        return header + 1
    for i in range(header + 1, len(lines)):
        if re.match(r"^\s*\[", lines[i]):
            break
        if re.match(r'^\s*"?' + re.escape(key) + r'"?\s*=', lines[i]):
            return i + 1
    return header + 1


_TOP = {"name", "description", "base", "fixed", "design", "quick", "targets", "parameters"}
_DESIGN = {f.name for f in dataclasses.fields(Settings)}
_TARGET = {"outcome", "observed", "sd", "range", "discrepancy", "window", "held_out", "source", "bound"}
BOUNDS = ("at_least", "at_most")
_PRIOR = {"min", "max", "source"}


def _flatten(d: dict, prefix: str = "") -> dict[str, object]:
    out: dict[str, object] = {}
    for k, v in d.items():
        name = f"{prefix}.{k}" if prefix else k
        if isinstance(v, dict) and not (set(v) & _PRIOR):
            out.update(_flatten(v, name))
        else:
            out[name] = v
    return out


def _number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def load_calibration(path: str, schema=None, outcomes: list[str] | None = None) -> Calibration:
    """Parse and check a calibration file. ``schema``: the parameter table (analysis.params), ``outcomes``:
    the outcome names the model records; both are looked up from `buurt` when not given."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as e:
        raise CalibrationError(path, 0, "", f"cannot read the calibration file: {e.strerror or e}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        m = re.search(r"line (\d+)", str(e))
        raise CalibrationError(path, int(m.group(1)) if m else 0, "", f"TOML syntax error: {e}") from None

    def fail(section, key, msg, line=None):
        raise CalibrationError(path, line if line is not None else _line_of(text, section, key.split(".")[-1] if key else None),
                               f"{section}.{key}" if key and section else (key or section), msg)

    for k in data:
        if k not in _TOP:
            raise CalibrationError(path, _line_of(text, k) or _line_of(text, "", k), k,
                                   f"unknown top-level key (allowed: {', '.join(sorted(_TOP))})")
    if "base" not in data:
        raise CalibrationError(path, 1, "base", "missing 'base' (the scenario calibrated, relative to this file)")
    base = (p.parent / str(data["base"])).resolve()
    if not base.is_file():
        raise CalibrationError(path, _line_of(text, "", "base"), "base", f"base scenario '{base}' does not exist")

    def settings_from(tbl: dict, section: str, start: Settings) -> tuple[Settings, dict]:
        s = dataclasses.replace(start)
        rest = {}
        for k, v in tbl.items():
            if k in _DESIGN:
                want = type(getattr(Settings, k))
                if want is int and not (isinstance(v, int) and not isinstance(v, bool) and v >= 1):
                    fail(section, k, f"expected a positive integer, found {v!r}")
                if want is float and not (_number(v) and v > 0):
                    fail(section, k, f"expected a positive number, found {v!r}")
                setattr(s, k, want(v))
            else:
                rest[k] = v
        return s, rest

    design = data.get("design", {})
    if not isinstance(design, dict):
        fail("design", "", "expected a table [design]")
    settings, extra = settings_from(design, "design", Settings())
    for k in extra:
        fail("design", k, f"unknown key (allowed: {', '.join(sorted(_DESIGN))})")
    if settings.ensemble < 2:
        fail("design", "ensemble", "expected at least 2 members")
    quick = data.get("quick", {})
    qsettings, qfixed = settings_from(quick, "quick", settings)
    fixed = _flatten(data.get("fixed", {}))
    qfixed = _flatten(qfixed)

    if schema is None or outcomes is None:
        from .params import parameter_table
        schema = parameter_table() if schema is None else schema
        outcomes = known_outcomes() if outcomes is None else outcomes
    by_name = {r["name"]: r for _, r in schema.iterrows()} if len(schema) else {}
    for section, tbl in (("fixed", fixed), ("quick", qfixed)):
        for k in tbl:
            if by_name and k not in by_name:
                fail(section, k, "unknown scenario key; see `buurt describe` for all keys", line=_line_of(text, section, k))

    targets = []
    ttbl = data.get("targets", {})
    if not ttbl:
        raise CalibrationError(path, 0, "targets", "no [targets.NAME] tables: nothing to calibrate against")
    for name, t in ttbl.items():
        sec = f"targets.{name}"
        if not isinstance(t, dict):
            fail("targets", name, "expected a table [targets.NAME]")
        for k in t:
            if k not in _TARGET:
                fail(sec, k, f"unknown key (allowed: {', '.join(sorted(_TARGET))})")
        for k in ("outcome", "observed", "window", "source"):
            if k not in t:
                fail(sec, "", f"missing '{k}'", line=_line_of(text, sec))
        oc = t["outcome"]
        if not isinstance(oc, str) or (outcomes and oc not in outcomes):
            import difflib
            near = difflib.get_close_matches(oc, outcomes or [], n=3) if isinstance(oc, str) else []
            fail(sec, "outcome", f"expected the name of a recorded outcome, found {oc!r}"
                 + (f"; did you mean {', '.join(near)}?" if near else "; docs/output.md lists the outcomes"))
        obs = t["observed"]
        if not _number(obs):
            fail(sec, "observed", f"expected a number, found {obs!r}")
        if ("sd" in t) == ("range" in t):
            fail(sec, "sd" if "sd" in t else "", "give the observation's uncertainty as exactly one of sd = SE or range = [lo, hi]",
                 line=_line_of(text, sec, "sd") if "sd" in t else _line_of(text, sec))
        if "sd" in t:
            sd = t["sd"]
            if not (_number(sd) and sd > 0):
                fail(sec, "sd", f"expected a positive number, found {sd!r}")
        else:
            r = t["range"]
            if not (isinstance(r, list) and len(r) == 2 and all(_number(x) for x in r) and r[0] < r[1]):
                fail(sec, "range", f"expected [lo, hi] with lo < hi, found {r!r}")
            if not (r[0] <= obs <= r[1]):
                fail(sec, "range", f"the observed value {obs} lies outside its range {r}")
            sd = (r[1] - r[0]) / 4.0
        w = t["window"]
        if not (isinstance(w, list) and len(w) == 2 and all(isinstance(x, int) and not isinstance(x, bool) for x in w) and 0 <= w[0] < w[1]):
            fail(sec, "window", f"expected [from, to] in weeks after week 0 with 0 <= from < to, found {w!r}")
        disc = t.get("discrepancy", settings.discrepancy * abs(obs))
        if not (_number(disc) and disc >= 0):
            fail(sec, "discrepancy", f"expected a non-negative number (a standard deviation in the outcome's unit), found {disc!r}")
        ho = t.get("held_out", False)
        if not isinstance(ho, bool):
            fail(sec, "held_out", f"expected true or false, found {ho!r}")
        src = t["source"]
        if not isinstance(src, str) or not src.strip():
            fail(sec, "source", "expected a non-empty string naming the source")
        bound = t.get("bound", "")
        if bound != "" and bound not in BOUNDS:
            fail(sec, "bound", f"expected one of {', '.join(repr(b) for b in BOUNDS)} (a one-sided figure), found {bound!r}")
        if bound and "range" in t:
            fail(sec, "range", "a one-sided target (bound) gives its softness as sd, not a range")
        targets.append(Target(name, oc, float(obs), float(sd), float(disc), (int(w[0]), int(w[1])), ho, src, _line_of(text, sec), bound))
    if not any(not t.held_out for t in targets):
        raise CalibrationError(path, 0, "targets", "every target is held out: nothing to fit")

    priors = []
    ptbl = _flatten(data.get("parameters", {}))
    if not ptbl:
        raise CalibrationError(path, 0, "parameters", "no parameters to calibrate")
    for name, spec in ptbl.items():
        line = _line_of(text, "parameters", name)
        if not isinstance(spec, dict):
            raise CalibrationError(path, line, f"parameters.{name}", "expected { min = ..., max = ..., source = \"...\" }")
        for k in spec:
            if k not in _PRIOR:
                raise CalibrationError(path, line, f"parameters.{name}.{k}", f"unknown key (allowed: {', '.join(sorted(_PRIOR))})")
        if by_name and name not in by_name:
            raise CalibrationError(path, line, f"parameters.{name}", "unknown scenario key; see `buurt describe` for all keys")
        if name in fixed:
            raise CalibrationError(path, line, f"parameters.{name}", "is both in [fixed] and calibrated")
        lo, hi = spec.get("min"), spec.get("max")
        if not (_number(lo) and _number(hi) and lo < hi):
            raise CalibrationError(path, line, f"parameters.{name}", f"expected min < max, found min = {lo!r}, max = {hi!r}")
        integer = False
        if by_name:
            row = by_name[name]
            if row["type"] == "boolean":
                raise CalibrationError(path, line, f"parameters.{name}", "a boolean cannot be calibrated")
            integer = row["type"] == "integer"
            smin, smax = row["min"], row["max"]
            if smin is not None and smax is not None:
                if lo < smin or hi > smax:
                    raise CalibrationError(path, line, f"parameters.{name}",
                                           f"prior [{lo}, {hi}] lies outside the schema's range [{smin:g}, {smax:g}]")
        src = spec.get("source", "")
        if not isinstance(src, str) or not src.strip():
            raise CalibrationError(path, line, f"parameters.{name}.source", "expected a string saying where the prior range comes from")
        priors.append(Prior(name, float(lo), float(hi), src, integer, line))
    return Calibration(str(path), text, str(data.get("name", p.stem)), base, fixed, settings, targets, priors, qfixed, qsettings)


def known_outcomes() -> list[str]:
    """Outcome names the model records (the schema: `buurt describe --json`, else docs/schema.json)."""
    from .params import outcome_table
    tab = outcome_table()
    return tab["name"].tolist() if len(tab) else []


# ---------------------------------------------------------------- designs and emulators

def latin_hypercube(n: int, d: int, rng: np.random.Generator) -> np.ndarray:
    """n points in [0,1)^d, each of the n strata of every coordinate hit once."""
    u = (rng.permuted(np.tile(np.arange(n), (d, 1)), axis=1).T + rng.random((n, d))) / n
    return u


def maximin_subset(x: np.ndarray, k: int) -> np.ndarray:
    """Indices of k rows of x chosen greedily to spread out (start: the row nearest the centroid)."""
    if len(x) <= k:
        return np.arange(len(x))
    chosen = [int(np.argmin(((x - x.mean(axis=0)) ** 2).sum(axis=1)))]
    dmin = ((x - x[chosen[0]]) ** 2).sum(axis=1)
    for _ in range(k - 1):
        j = int(np.argmax(dmin))
        chosen.append(j)
        dmin = np.minimum(dmin, ((x - x[j]) ** 2).sum(axis=1))
    return np.array(sorted(chosen))


class Emulator:
    """A Gaussian-process emulator of one target's window mean over the unit cube of the priors.

    Kernel: constant x anisotropic RBF + white noise (the replicate noise of the point means); the
    outputs are standardised here. ``predict`` returns the mean and the variance of the *mean* model
    output (the white noise removed), in the target's unit.
    """

    def __init__(self, x: np.ndarray, y: np.ndarray, seed: int):
        from sklearn.gaussian_process import GaussianProcessRegressor
        from sklearn.gaussian_process.kernels import RBF, ConstantKernel, WhiteKernel
        self.mu = float(y.mean())
        self.scale = float(y.std()) or 1.0
        ys = (y - self.mu) / self.scale
        d = x.shape[1]
        kernel = ConstantKernel(1.0, (1e-3, 1e3)) * RBF(np.full(d, 0.5), (1e-2, 1e2)) + WhiteKernel(1e-2, (1e-8, 1.0))
        import warnings
        from sklearn.exceptions import ConvergenceWarning
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            self.gp = GaussianProcessRegressor(kernel, normalize_y=False, n_restarts_optimizer=3, random_state=seed).fit(x, ys)
        self.noise = float(self.gp.kernel_.k2.noise_level)
        self.x, self.ys = x, ys

    def predict(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        m, s = self.gp.predict(x, return_std=True)
        var = np.maximum(s ** 2 - self.noise, 1e-12)
        return self.mu + self.scale * m, var * self.scale ** 2

    def loo(self) -> tuple[np.ndarray, np.ndarray]:
        """Leave-one-out predictive means and variances at the training points (closed form for fixed
        hyperparameters: Rasmussen & Williams 2006, eq. 5.12), in the target's unit; the variance includes
        the replicate noise, as the left-out value has it."""
        k = self.gp.kernel_(self.x) + np.eye(len(self.x)) * self.gp.alpha
        kinv = np.linalg.inv(k)
        a = kinv @ self.ys
        var = 1.0 / np.diag(kinv)
        mean = self.ys - a * var
        return self.mu + self.scale * mean, var * self.scale ** 2


def loo_diagnostics(em: Emulator, y: np.ndarray) -> dict[str, float]:
    m, v = em.loo()
    z = (y - m) / np.sqrt(v)
    return {"coverage_2sd": float(np.mean(np.abs(z) < 2)), "rmse": float(np.sqrt(np.mean((y - m) ** 2))),
            "max_abs_z": float(np.max(np.abs(z)))}


def implausibility(target: Target, var_fixed, mean, var) -> np.ndarray:
    return target.distance(mean) / np.sqrt(var_fixed + var)


# ---------------------------------------------------------------- simulators

Simulator = Callable[[str, np.ndarray, int], dict[str, np.ndarray]]
"""simulate(label, design [points x parameters, parameter units], replicates) -> {target: [points x replicates]}."""


class BuurtSimulator:
    """Runs a design through `buurt sweep` (points design); each wave is a resumable sweep file in ``workdir``."""

    def __init__(self, cal: Calibration, workdir: Path, exe: str, threads: int | None = None,
                 launcher: str = "", quiet: bool = False, log=print):
        self.cal, self.workdir, self.exe = cal, workdir, exe
        self.threads, self.launcher, self.quiet, self.log = threads, launcher, quiet, log
        self.runs_done = 0

    def sweep_text(self, label: str, design: np.ndarray, replicates: int) -> str:
        def val(v):
            if isinstance(v, bool):
                return "true" if v else "false"
            if isinstance(v, str):
                return json.dumps(v)
            return repr(v)
        lines = [f"# {self.cal.name} calibration, {label}: written by `buurt calibrate` (do not edit: the sweep resumes from it)",
                 f'name = "{self.cal.name}_{label}"', f"base = {json.dumps(str(self.cal.base))}", "", "[fixed]"]
        lines += [f"{k} = {val(v)}" for k, v in self.cal.fixed.items()]
        lines += ["", "[design]", 'kind = "points"', f"replicates = {replicates}", f"seed = {self.cal.settings.seed}", "", "[parameters]"]
        for j, p in enumerate(self.cal.priors):
            col = design[:, j]
            vals = [str(int(round(v))) for v in col] if p.integer else [repr(float(v)) for v in col]
            lines.append(f"{p.name} = [{', '.join(vals)}]")
        outs = sorted({t.outcome for t in self.cal.targets})
        lines += ["", "[outcomes]", f"final = {json.dumps(outs)}", f"timeseries = {json.dumps(outs)}", ""]
        return "\n".join(lines)

    def __call__(self, label: str, design: np.ndarray, replicates: int) -> dict[str, np.ndarray]:
        from .results import SweepResult
        toml_path = self.workdir / f"{label}.toml"
        out = self.workdir / f"{label}.h5"
        text = self.sweep_text(label, design, replicates)
        if toml_path.exists() and toml_path.read_text(encoding="utf-8") != text:
            raise CalibrationError(str(toml_path), 0, "", f"the working directory {self.workdir} holds a different {label}: "
                                   "it belongs to another calibration file, seed or --quick; pass --force to start over")
        if not out.exists():
            if not toml_path.exists():
                toml_path.write_text(text, encoding="utf-8")
            cmd = shlex.split(self.launcher) + [self.exe, "sweep", str(toml_path), "--out", str(out)]
            if Path(str(out) + ".partial").exists():
                cmd.append("--resume")
            if self.threads:
                cmd += ["--threads", str(self.threads)]
            if self.quiet:
                cmd.append("--quiet")
            rc = subprocess.call(cmd)
            if rc == 130 or rc == -2:
                raise KeyboardInterrupt
            if rc != 0:
                raise RuntimeError(f"`{' '.join(cmd)}` failed with exit code {rc}")
        res = SweepResult(out)
        n, R = len(design), replicates
        if not np.allclose(res.design().to_numpy(), design, rtol=1e-12, atol=0):
            raise CalibrationError(str(out), 0, "", f"holds another design than {label}; pass --force to start over")
        order = np.lexsort((res.replicate, res.point))
        result = {}
        for t in self.cal.targets:
            ts = res.timeseries_array(t.outcome)[order]
            W = ts.shape[1] - 1
            if t.window[1] > W:
                raise CalibrationError(self.cal.path, t.line, f"targets.{t.name}.window",
                                       f"window ends at week {t.window[1]} but runs last {W} weeks (run.weeks in [fixed])")
            result[t.name] = ts[:, t.window[0] + 1:t.window[1] + 1].mean(axis=1).reshape(n, R)
        self.runs_done += n * R
        return result


# ---------------------------------------------------------------- the waves

@dataclasses.dataclass
class Wave:
    index: int
    design: np.ndarray         # parameter units
    outputs: dict[str, np.ndarray]  # target -> [points x replicates]
    box_min: np.ndarray
    box_max: np.ndarray
    nroy_fraction: float = 1.0     # share of the prior space not ruled out after this wave
    loo: dict[str, dict[str, float]] = dataclasses.field(default_factory=dict)
    emulators: dict[str, Emulator] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass
class Posterior:
    cal: Calibration
    waves: list[Wave]
    members: np.ndarray            # ensemble x parameters
    member_outputs: dict[str, np.ndarray]  # target -> [members x replicates]
    member_implausibility: np.ndarray  # ensemble x fitted targets
    check_design: np.ndarray
    check_outputs: dict[str, np.ndarray]
    check_ok: np.ndarray
    stoch_var: dict[str, float]
    quick: bool
    dropped: list[str]
    elapsed_s: float = 0.0


def _unit(cal: Calibration, x: np.ndarray) -> np.ndarray:
    lo = np.array([p.min for p in cal.priors])
    hi = np.array([p.max for p in cal.priors])
    return (x - lo) / (hi - lo)


def _params(cal: Calibration, u: np.ndarray) -> np.ndarray:
    lo = np.array([p.min for p in cal.priors])
    hi = np.array([p.max for p in cal.priors])
    x = lo + u * (hi - lo)
    for j, p in enumerate(cal.priors):
        if p.integer:
            x[:, j] = np.clip(np.round(x[:, j]), p.min, p.max)
    return x


def _max_implausibility(cal: Calibration, waves: list[Wave], u: np.ndarray, stoch: dict[str, float], R: int):
    """[candidates x fitted targets] implausibility under each wave's emulators (the largest over waves)."""
    fitted = cal.fitted
    out = np.zeros((len(u), len(fitted)))
    for w in waves:
        for k, t in enumerate(fitted):
            m, v = w.emulators[t.name].predict(u)
            out[:, k] = np.maximum(out[:, k], implausibility(t, t.sd ** 2 + t.discrepancy ** 2 + stoch[t.name] / R, m, v))
    return out


def _candidates(cal: Calibration, waves: list[Wave], rng, n: int, stoch, R):
    """Candidates in the prior cube not ruled out by any wave, with the share of the cube they represent."""
    P = len(cal.priors)
    lo, hi = np.zeros(P), np.ones(P)
    if waves and waves[-1].index > 1:
        # sample inside the previous NROY box (plus a margin); the fraction is relative to the cube
        lo = _unit(cal, waves[-1].box_min[None, :])[0]
        hi = _unit(cal, waves[-1].box_max[None, :])[0]
        margin = 0.1 * (hi - lo)
        lo, hi = np.clip(lo - margin, 0, 1), np.clip(hi + margin, 0, 1)
    u = lo + latin_hypercube(n, P, rng) * (hi - lo)
    imp = _max_implausibility(cal, waves, u, stoch, R)
    ok = imp.max(axis=1) < cal.settings.threshold
    vol = float(np.prod(hi - lo))
    return u, imp, ok, vol * float(ok.mean())


def _blame(cal: Calibration, imp: np.ndarray) -> list[tuple[str, float]]:
    frac = (imp >= cal.settings.threshold).mean(axis=0)
    order = np.argsort(-frac, kind="stable")
    return [(cal.fitted[k].name, float(frac[k])) for k in order if frac[k] > 0][:4]


def history_match(cal: Calibration, simulate: Simulator, log=print, quick: bool = False, dropped=()) -> Posterior:
    s = cal.settings
    P, fitted = len(cal.priors), cal.fitted
    start = time.monotonic()
    waves: list[Wave] = []
    stoch = {t.name: 0.0 for t in cal.targets}
    for wi in range(1, s.waves + 1):
        rng = np.random.default_rng([s.seed, wi])
        if wi == 1:
            u = latin_hypercube(s.points, P, rng)
            frac = 1.0
        else:
            cu, imp, ok, frac = _candidates(cal, waves, rng, s.candidates, stoch, s.replicates)
            if not ok.any():
                raise NothingPlausible(wi - 1, _blame(cal, imp))
            u = cu[ok][maximin_subset(cu[ok], s.points)]
            waves[-1].nroy_fraction = frac
            log(f"wave {wi - 1}: {100 * frac:.3g}% of the prior space not ruled out ({ok.sum()} of {len(cu)} candidates)")
        x = _params(cal, u)
        u = _unit(cal, x)
        log(f"wave {wi}/{s.waves}: {len(x)} points x {s.replicates} replicates on the simulator")
        out = simulate(f"wave{wi}", x, s.replicates)
        # stochastic variance of one run: pooled over every point so far
        for t in cal.targets:
            allv = [w.outputs[t.name] for w in waves] + [out[t.name]]
            stoch[t.name] = float(np.mean([a.var(axis=1, ddof=1).mean() for a in allv])) if s.replicates > 1 else stoch[t.name]
        wave = Wave(wi, x, out, x.min(axis=0), x.max(axis=0))
        for t in fitted:
            y = out[t.name].mean(axis=1)
            em = Emulator(u, y, seed=s.seed + wi)
            wave.emulators[t.name] = em
            wave.loo[t.name] = loo_diagnostics(em, y)
        log("  emulators (leave-one-out share within 2 sd): "
            + ", ".join(f"{n} {100 * d['coverage_2sd']:.0f}%" for n, d in wave.loo.items()))
        waves.append(wave)

    # Final: candidates from the last NROY space, rerun on the simulator, kept where every fitted
    # target's simulated implausibility is below the threshold.
    rng = np.random.default_rng([s.seed, s.waves + 1])
    cu, imp, ok, frac = _candidates(cal, waves, rng, s.candidates, stoch, s.replicates)
    waves[-1].nroy_fraction = frac
    log(f"wave {s.waves}: {100 * frac:.3g}% of the prior space not ruled out ({ok.sum()} of {len(cu)} candidates)")
    if not ok.any():
        raise NothingPlausible(s.waves, _blame(cal, imp))
    need = int(math.ceil(s.ensemble * s.oversample))
    pick = cu[ok][maximin_subset(cu[ok], need)]
    x = _params(cal, pick)
    log(f"ensemble check: {len(x)} candidates x {s.replicates} replicates on the simulator")
    out = simulate("ensemble", x, s.replicates)
    sim_imp = np.column_stack([implausibility(t, t.sd ** 2 + t.discrepancy ** 2 + stoch[t.name] / s.replicates,
                                              out[t.name].mean(axis=1), 0.0) for t in fitted])
    good = sim_imp.max(axis=1) < s.threshold
    log(f"  {good.sum()} of {len(x)} candidates below implausibility {s.threshold:g} on every fitted target on the simulator")
    if not good.any():
        raise NothingPlausible(s.waves, _blame(cal, sim_imp))
    idx = np.flatnonzero(good)[:s.ensemble]
    if len(idx) < s.ensemble:
        log(f"warning: the ensemble has {len(idx)} members, fewer than the {s.ensemble} asked for; "
            "raise [design] oversample or candidates")
    return Posterior(cal, waves, x[idx], {k: v[idx] for k, v in out.items()}, sim_imp[idx], x, out, good, stoch,
                     quick, list(dropped), time.monotonic() - start)


# ---------------------------------------------------------------- model fingerprint and storage

def model_fingerprint(exe: str) -> str:
    """`buurt fingerprint`: the schema version and a digest of a short reference run. `buurt compare --ensemble`
    recomputes it and refuses a posterior made on another model."""
    r = subprocess.run([exe, "fingerprint"], capture_output=True, text=True)
    if r.returncode != 0 or not r.stdout.strip():
        raise RuntimeError(f"`{exe} fingerprint` failed: {r.stderr.strip()}")
    return r.stdout.strip()


def calibration_digest(file: str, quick: bool, drop: list[str] | None, fingerprint: str) -> str:
    """What makes a posterior the answer to one command: the calibration file's bytes, --quick, --drop and the model."""
    import hashlib
    h = hashlib.sha256(Path(file).read_bytes())
    h.update(f"\0quick={int(bool(quick))}\0drop={','.join(sorted(drop or []))}\0model={fingerprint}".encode())
    return h.hexdigest()[:16]


def finished_digest(out: str) -> str:
    """The calibration digest stored in an existing posterior ("" if none or not readable)."""
    try:
        import h5py
        with h5py.File(out, "r") as f:
            return str(f.attrs.get("calibration_digest", "")) if f.attrs.get("kind", "") == "posterior" else ""
    except (OSError, ValueError):
        return ""


def write_posterior(post: Posterior, out: str, fingerprint: str, command: str, digest: str = "") -> None:
    import h5py
    cal = post.cal
    from .fileio import replaced_atomically
    strs = h5py.string_dtype()
    fitted = [t.name for t in cal.fitted]
    with replaced_atomically(out) as tmp:
        with h5py.File(tmp, "w") as f:
            f.attrs["kind"] = "posterior"
            f.attrs["method"] = "history matching"
            f.attrs["model_fingerprint"] = fingerprint
            if digest:
                f.attrs["calibration_digest"] = digest
            g = f.create_group("posterior")
            g.create_dataset("parameters", data=post.members)
            g.create_dataset("names", data=[p.name for p in cal.priors], dtype=strs)
            g.create_dataset("implausibility", data=post.member_implausibility)
            g["implausibility"].attrs["targets"] = fitted
            g.create_dataset("max_implausibility", data=post.member_implausibility.max(axis=1))
            g.attrs["members"] = len(post.members)
            g.attrs["threshold"] = cal.settings.threshold
            pr = f.create_group("priors")
            pr.create_dataset("names", data=[p.name for p in cal.priors], dtype=strs)
            pr.create_dataset("min", data=[p.min for p in cal.priors])
            pr.create_dataset("max", data=[p.max for p in cal.priors])
            pr.create_dataset("source", data=[p.source for p in cal.priors], dtype=strs)
            tg = f.create_group("targets")
            T = cal.targets
            tg.create_dataset("name", data=[t.name for t in T], dtype=strs)
            tg.create_dataset("outcome", data=[t.outcome for t in T], dtype=strs)
            tg.create_dataset("observed", data=[t.observed for t in T])
            tg.create_dataset("uncertainty", data=[t.sd for t in T])
            tg.create_dataset("discrepancy", data=[t.discrepancy for t in T])
            tg.create_dataset("stochastic_sd", data=[math.sqrt(post.stoch_var[t.name]) for t in T])
            tg.create_dataset("window", data=np.array([t.window for t in T], dtype=np.int64))
            tg.create_dataset("held_out", data=np.array([t.held_out for t in T], dtype=np.int8))
            tg.create_dataset("bound", data=[t.bound for t in T], dtype=strs)
            tg.create_dataset("dropped", data=np.array([t.name in post.dropped for t in T], dtype=np.int8))
            tg.create_dataset("source", data=[t.source for t in T], dtype=strs)
            # model mean and spread per wave (over the wave's design points) and over the ensemble (last row)
            mean = np.array([[w.outputs[t.name].mean() for t in T] for w in post.waves] + [[post.member_outputs[t.name].mean() for t in T]])
            spread = np.array([[w.outputs[t.name].mean(axis=1).std() for t in T] for w in post.waves]
                              + [[post.member_outputs[t.name].mean(axis=1).std() for t in T]])
            lo = np.array([np.percentile(post.member_outputs[t.name].mean(axis=1), 2.5) for t in T])
            hi = np.array([np.percentile(post.member_outputs[t.name].mean(axis=1), 97.5) for t in T])
            tg.create_dataset("model_mean", data=mean)
            tg.create_dataset("model_sd", data=spread)
            tg["model_mean"].attrs["rows"] = [f"wave {w.index}" for w in post.waves] + ["ensemble"]
            tg.create_dataset("ensemble_low", data=lo)
            tg.create_dataset("ensemble_high", data=hi)
            tg.create_dataset("ensemble_outputs", data=np.column_stack([post.member_outputs[t.name].mean(axis=1) for t in T]))
            wg = f.create_group("waves")
            wg.create_dataset("nroy_fraction", data=[w.nroy_fraction for w in post.waves])
            wg.create_dataset("points", data=[len(w.design) for w in post.waves])
            for w in post.waves:
                h = wg.create_group(str(w.index))
                h.create_dataset("design", data=w.design)
                h.create_dataset("outputs", data=np.column_stack([w.outputs[t.name].mean(axis=1) for t in T]))
                h.create_dataset("box_min", data=w.box_min)
                h.create_dataset("box_max", data=w.box_max)
                h.attrs["nroy_fraction"] = w.nroy_fraction
                lg = h.create_group("loo")
                lg.create_dataset("targets", data=list(w.loo), dtype=strs)
                for key in ("coverage_2sd", "rmse", "max_abs_z"):
                    lg.create_dataset(key, data=[w.loo[n][key] for n in w.loo])
            ck = f.create_group("check")
            ck.create_dataset("design", data=post.check_design)
            ck.create_dataset("outputs", data=np.column_stack([post.check_outputs[t.name].mean(axis=1) for t in T]))
            ck.create_dataset("accepted", data=post.check_ok.astype(np.int8))
            pv = f.create_group("provenance")
            pv.attrs["calibration_file"] = cal.path
            pv.attrs["calibration_text"] = cal.text
            pv.attrs["base_scenario"] = str(cal.base)
            pv.attrs["fixed"] = json.dumps(cal.fixed)
            pv.attrs["settings"] = json.dumps(dataclasses.asdict(cal.settings))
            pv.attrs["quick"] = int(post.quick)
            pv.attrs["dropped"] = json.dumps(post.dropped)
            pv.attrs["command"] = command
            pv.attrs["created"] = _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
            pv.attrs["elapsed_s"] = post.elapsed_s


# ---------------------------------------------------------------- the command

def estimate_seconds(cal: Calibration, rate_rw_per_s: float = 1.2e6) -> float:
    """Expected wall time: resident-weeks of every run (burn-in included) over a measured rate per core."""
    from .params import resolved_parameters
    s = cal.settings
    base = resolved_parameters(cal.base.read_text(encoding="utf-8"))
    residents = float(cal.fixed.get("population.residents", base.get("population.residents", 6500)))
    weeks = float(cal.fixed.get("run.weeks", base.get("run.weeks", 260))) + float(cal.fixed.get("run.burn_in", base.get("run.burn_in", 104)))
    runs = (s.waves * s.points + math.ceil(s.ensemble * s.oversample)) * s.replicates
    cores = max(1, os.cpu_count() or 1)
    return runs * residents * weeks / (rate_rw_per_s * cores) + 0.1 * runs / cores


def run_command(a) -> int:
    from .params import _buurt_binary
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
