"""History matching in waves: designs in the space not yet ruled out, emulators, implausibility, and the
final ensemble rerun on the simulator."""
from __future__ import annotations

import dataclasses
import math
import time

import numpy as np

from .emulator import Emulator, implausibility, latin_hypercube, loo_diagnostics, maximin_subset
from .loader import THRESHOLD, Calibration
from .simulator import Simulator


class NothingPlausible(RuntimeError):
    """The not-implausible space emptied: no parameter set reproduces the fitted targets."""

    def __init__(self, wave: int, blame: list[tuple[str, float]]):
        self.wave, self.blame = wave, blame
        names = ", ".join(f"{n} (rules out {100 * f:.0f}% of candidates)" for n, f in blame)
        first = blame[0][0] if blame else "TARGET"
        super().__init__(f"wave {wave}: no candidate is below implausibility {THRESHOLD:g} on every fitted target; "
                         f"the targets that rule the space out: {names}. The model cannot reproduce them together; "
                         f"rerun with --drop {first} to calibrate without it (it is then reported as not reproduced)")


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
