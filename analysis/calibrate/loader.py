"""The calibration file: targets, priors and design settings, parsed and checked (errors name file, line and key)."""
from __future__ import annotations

import dataclasses
import math
import re
import tomllib
from pathlib import Path

import numpy as np


THRESHOLD = 3.0


class CalibrationError(ValueError):
    """Bad calibration input: names file, line and key."""

    def __init__(self, file: str, line: int, key: str, msg: str):
        self.file, self.line, self.key = file, line, key
        where = f"{file}:{line}" if line else file
        super().__init__(f"{where}: key '{key}': {msg}" if key else f"{where}: {msg}")


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
        from ..params import parameter_table
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
    from ..params import outcome_table
    tab = outcome_table()
    return tab["name"].tolist() if len(tab) else []
