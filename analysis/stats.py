"""Estimators: t-intervals and paired differences, bands over replicates, Sobol indices
(Saltelli 2010 first order, Jansen 1999 total order) with bootstrap intervals, Morris
elementary effects (mu, mu*, sigma), and a regression metamodel (statsmodels OLS).

Everything takes plain numpy arrays; nothing here knows outcome or parameter names.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats as sps


class DesignError(ValueError):
    """A sweep design does not have the structure an estimator needs."""


# ---------------------------------------------------------------- intervals

def t_interval(x, level: float = 0.95) -> tuple[float, float, float]:
    """Mean and two-sided t-interval of the mean of the values in x (NaN bounds for n < 2)."""
    x = np.asarray(x, dtype=float)
    n = x.size
    m = float(x.mean()) if n else float("nan")
    if n < 2:
        return m, float("nan"), float("nan")
    half = sps.t.ppf(0.5 + level / 2, n - 1) * x.std(ddof=1) / np.sqrt(n)
    return m, m - half, m + half


def paired_differences(values, ref: int = 0, level: float = 0.95) -> dict[str, np.ndarray]:
    """Paired comparison of scenarios with scenario ``ref`` over common random numbers.

    values: [S, R, K] (scenario, replicate, outcome); replicate r of every scenario used the same seed.
    Returns arrays [S, K]: mean, diff_mean, diff_lo, diff_hi (t-interval of the mean paired
    difference), rel_mean, rel_lo, rel_hi (the difference relative to the reference mean).
    """
    v = np.asarray(values, dtype=float)
    if v.ndim == 2:
        v = v[:, :, None]
    S, R, K = v.shape
    d = v - v[ref:ref + 1]
    mean = v.mean(axis=1)
    diff = d.mean(axis=1)
    if R >= 2:
        half = sps.t.ppf(0.5 + level / 2, R - 1) * d.std(axis=1, ddof=1) / np.sqrt(R)
    else:
        half = np.full_like(diff, np.nan)
    lo, hi = diff - half, diff + half
    base = mean[ref:ref + 1]
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = np.where(base != 0, 1.0 / np.abs(base), np.nan)
    return {"mean": mean, "diff_mean": diff, "diff_lo": lo, "diff_hi": hi,
            "rel_mean": diff * scale, "rel_lo": lo * scale, "rel_hi": hi * scale}


def band(series, level: float = 0.90) -> tuple[np.ndarray, np.ndarray, np.ndarray, str]:
    """Mean over replicates and a band for [R, W] weekly values.

    The band is the central ``level`` range of the replicates (quantiles) when there are at
    least 10, else the minimum-maximum range. Returns mean, lo, hi and a label for captions.
    """
    a = np.asarray(series, dtype=float)
    mean = a.mean(axis=0)
    R = a.shape[0]
    if R >= 10:
        q = (1 - level) / 2
        return mean, np.quantile(a, q, axis=0), np.quantile(a, 1 - q, axis=0), f"central {level:.0%} of {R} replicates"
    if R >= 2:
        return mean, a.min(axis=0), a.max(axis=0), f"range of {R} replicates"
    return mean, mean, mean, "one run"


# ---------------------------------------------------------------- Sobol (Saltelli design)

@dataclass
class SaltelliSplit:
    """Row indices of the A, B and AB_i matrices in a Saltelli design ([N], [N], [P, N])."""

    a: np.ndarray
    b: np.ndarray
    ab: np.ndarray
    layout: str


def _check_saltelli(X: np.ndarray, a, b, ab, tol: float) -> bool:
    A, B = X[a], X[b]
    P = X.shape[1]
    if np.any(np.all(np.isclose(A, B, atol=tol), axis=0)):
        return False
    for i in range(P):
        M = X[ab[i]]
        others = [j for j in range(P) if j != i]
        if not np.allclose(M[:, i], B[:, i], atol=tol):
            return False
        if others and not np.allclose(M[:, others], A[:, others], atol=tol):
            return False
    return True


def split_saltelli(design, tol: float = 1e-12) -> SaltelliSplit:
    """Find A, B and AB_i (AB_i = A with column i from B) in a Saltelli design.

    Recognises the interleaved layout of SALib (per base sample: A, AB_1..AB_P[, BA_1..BA_P], B),
    the variant A, B, AB_1..AB_P, and the stacked layouts (all A rows, all B rows, then the AB_i
    blocks; or A, AB_1..AB_P, B stacked). The structure is checked, not assumed.
    """
    X = np.asarray(design, dtype=float)
    M, P = X.shape
    candidates = []
    for block, tail_b in ((P + 2, True), (P + 2, False), (2 * P + 2, True)):
        if M % block:
            continue
        N = M // block
        starts = np.arange(N) * block
        if tail_b:  # A, AB_1..AB_P, (BA...), B
            a, b = starts, starts + block - 1
        else:       # A, B, AB_1..AB_P
            a, b = starts, starts + 1
        ab = np.stack([starts + 1 + i if tail_b else starts + 2 + i for i in range(P)])
        candidates.append((a, b, ab, f"interleaved blocks of {block}" + (" (A, AB_i, B)" if tail_b else " (A, B, AB_i)")))
    for block in (P + 2,):
        if M % block:
            continue
        N = M // block
        r = np.arange(N)
        candidates.append((r, r + N, np.stack([r + (2 + i) * N for i in range(P)]), "stacked (A, B, AB_1..AB_P)"))
        candidates.append((r, r + (P + 1) * N, np.stack([r + (1 + i) * N for i in range(P)]), "stacked (A, AB_1..AB_P, B)"))
    for a, b, ab, name in candidates:
        if _check_saltelli(X, a, b, ab, tol):
            return SaltelliSplit(a, b, ab, name)
    raise DesignError(f"design of {M} rows x {P} parameters has no recognisable Saltelli structure "
                      "(expected rows A, B and A-with-column-i-from-B)")


def _sobol_point(yA, yB, yAB):
    # Centring does not change the expectation of the Saltelli 2010 estimator (E[yAB_i - yA] = 0)
    # but removes its dependence on the output's mean: without it, an outcome such as mean
    # self-reliance (mean 0.5, spread 0.01) gives first-order intervals many times wider than 1.
    both = np.concatenate([yA, yB])
    c = both.mean()
    yA, yB, yAB = yA - c, yB - c, yAB - c
    var = np.var(both, ddof=1)
    if not np.isfinite(var) or var <= 0:
        nan = np.full(yAB.shape[0], np.nan)
        return nan, nan
    s1 = np.mean(yB[None, :] * (yAB - yA[None, :]), axis=1) / var          # Saltelli et al. 2010
    st = 0.5 * np.mean((yA[None, :] - yAB) ** 2, axis=1) / var            # Jansen 1999
    return s1, st


def sobol_indices(yA, yB, yAB, n_boot: int = 500, level: float = 0.95, seed: int = 1) -> pd.DataFrame:
    """First- and total-order Sobol indices with bootstrap percentile intervals.

    yA, yB: [N] outputs at the A and B rows; yAB: [P, N] outputs at AB_i. Bootstrap resamples
    the N base samples (rows of A, B and every AB_i together). Returns one row per parameter:
    S1, S1_lo, S1_hi, ST, ST_lo, ST_hi.
    """
    yA, yB, yAB = (np.asarray(v, dtype=float) for v in (yA, yB, yAB))
    N = yA.size
    s1, st = _sobol_point(yA, yB, yAB)
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, N, size=(n_boot, N))
    bs1 = np.empty((n_boot, yAB.shape[0]))
    bst = np.empty_like(bs1)
    for k in range(n_boot):
        j = idx[k]
        bs1[k], bst[k] = _sobol_point(yA[j], yB[j], yAB[:, j])
    q = (1 - level) / 2
    with np.errstate(invalid="ignore"):
        return pd.DataFrame({"S1": s1, "S1_lo": np.nanquantile(bs1, q, axis=0), "S1_hi": np.nanquantile(bs1, 1 - q, axis=0),
                             "ST": st, "ST_lo": np.nanquantile(bst, q, axis=0), "ST_hi": np.nanquantile(bst, 1 - q, axis=0)})


def sobol_from_design(design, y, n_boot: int = 500, level: float = 0.95, seed: int = 1,
                      names: list[str] | None = None) -> pd.DataFrame:
    """Sobol indices from a Saltelli design [M, P] and outputs y [M] (one per design row)."""
    sp = split_saltelli(design)
    y = np.asarray(y, dtype=float)
    df = sobol_indices(y[sp.a], y[sp.b], np.stack([y[r] for r in sp.ab]), n_boot=n_boot, level=level, seed=seed)
    df.insert(0, "parameter", names if names is not None else [f"x{i}" for i in range(len(df))])
    df.attrs["layout"] = sp.layout
    df.attrs["base_samples"] = len(sp.a)
    return df


# ---------------------------------------------------------------- Morris

def morris_steps(design, tol: float = 1e-12) -> list[tuple[int, int, int, int]]:
    """(trajectory, row_from, row_to, parameter) for every one-at-a-time step of a Morris design.

    Accepts trajectories of P+1 rows (each row changes one parameter of the previous row) and
    radial blocks (rows 1..P each change one parameter of row 0).
    """
    X = np.asarray(design, dtype=float)
    M, P = X.shape
    if M % (P + 1):
        raise DesignError(f"Morris design of {M} rows is not a whole number of trajectories of {P + 1} rows")
    steps = []
    for t in range(M // (P + 1)):
        r0 = t * (P + 1)
        block = X[r0:r0 + P + 1]
        chain = [np.flatnonzero(~np.isclose(block[k + 1], block[k], atol=tol)) for k in range(P)]
        radial = [np.flatnonzero(~np.isclose(block[k + 1], block[0], atol=tol)) for k in range(P)]
        # Integer parameters are rounded, so a step can leave the row unchanged: such a step is skipped.
        if all(len(c) <= 1 for c in chain) and len({int(c[0]) for c in chain if len(c)}) == sum(len(c) for c in chain):
            steps += [(t, r0 + k, r0 + k + 1, int(chain[k][0])) for k in range(P) if len(chain[k])]
        elif all(len(c) <= 1 for c in radial) and len({int(c[0]) for c in radial if len(c)}) == sum(len(c) for c in radial):
            steps += [(t, r0, r0 + k + 1, int(radial[k][0])) for k in range(P) if len(radial[k])]
        else:
            raise DesignError(f"rows {r0}..{r0 + P} are not a Morris trajectory (each step must change exactly one parameter)")
    return steps


def morris_indices(design, y, ranges=None, n_boot: int = 500, level: float = 0.95, seed: int = 1,
                   names: list[str] | None = None) -> pd.DataFrame:
    """Morris screening: mu, mu* (mean |EE|) with a bootstrap interval over trajectories, and sigma.

    Elementary effects are scaled to the parameter range: EE = dy / (dx / range). ``ranges``
    [P] defaults to max - min of each design column.
    """
    X = np.asarray(design, dtype=float)
    y = np.asarray(y, dtype=float)
    P = X.shape[1]
    rng_ = np.asarray(ranges, dtype=float) if ranges is not None else X.max(axis=0) - X.min(axis=0)
    steps = morris_steps(X)
    if not steps:
        raise DesignError("Morris design without any one-at-a-time step")
    T = max(s[0] for s in steps) + 1
    ee = np.full((T, P), np.nan)
    for t, a, b, i in steps:
        dx = (X[b, i] - X[a, i]) / rng_[i]
        ee[t, i] = (y[b] - y[a]) / dx
    mu = np.nanmean(ee, axis=0)
    mu_star = np.nanmean(np.abs(ee), axis=0)
    sigma = np.nanstd(ee, axis=0, ddof=1) if T > 1 else np.full(P, np.nan)
    g = np.random.default_rng(seed)
    boot = np.array([np.nanmean(np.abs(ee[g.integers(0, T, T)]), axis=0) for _ in range(n_boot)])
    q = (1 - level) / 2
    return pd.DataFrame({"parameter": names if names is not None else [f"x{i}" for i in range(P)],
                         "mu": mu, "mu_star": mu_star, "mu_star_lo": np.quantile(boot, q, axis=0),
                         "mu_star_hi": np.quantile(boot, 1 - q, axis=0), "sigma": sigma, "trajectories": T})


# ---------------------------------------------------------------- regression metamodel

@dataclass
class Metamodel:
    """An OLS fit of one outcome on standardized parameters (z-scores), optionally with interactions."""

    result: object            # statsmodels RegressionResults
    terms: list[str]
    r2: float
    r2_adj: float
    q2: float                 # cross-validated R^2 (k-fold prediction)
    coefs: pd.DataFrame       # term, coef (outcome units per SD), lo, hi, p, src2 (main effects)
    n: int

    def summary_text(self) -> str:
        return str(self.result.summary())


def _design_matrix(Z: np.ndarray, names: list[str], interactions: bool):
    cols, terms = [Z[:, i] for i in range(Z.shape[1])], list(names)
    if interactions:
        for i in range(Z.shape[1]):
            for j in range(i + 1, Z.shape[1]):
                cols.append(Z[:, i] * Z[:, j])
                terms.append(f"{names[i]} × {names[j]}")
    return np.column_stack([np.ones(len(Z)), *cols]) if cols else np.ones((len(Z), 1)), terms


def fit_metamodel(X, y, names: list[str] | None = None, interactions: bool | None = None,
                  folds: int = 5, level: float = 0.95, seed: int = 1) -> Metamodel:
    """Fit y = b0 + sum b_i z_i [+ sum b_ij z_i z_j] + e with z_i the standardized parameters.

    Coefficients are in outcome units per standard deviation of the parameter; ``src2`` is the
    squared standardized regression coefficient (share of variance, main effects). Interactions
    are included by default when there are at least three runs per coefficient.
    """
    import statsmodels.api as sm

    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    n, P = X.shape
    names = names or [f"x{i}" for i in range(P)]
    sd = X.std(axis=0, ddof=1)
    keep = sd > 0
    Z = (X[:, keep] - X[:, keep].mean(axis=0)) / sd[keep]
    knames = [nm for nm, k in zip(names, keep) if k]
    if interactions is None:
        interactions = n >= 3 * (1 + len(knames) + len(knames) * (len(knames) - 1) // 2)
    D, terms = _design_matrix(Z, knames, interactions)
    res = sm.OLS(y, D).fit()
    ci = res.conf_int(alpha=1 - level)
    sy = y.std(ddof=1)
    coefs = pd.DataFrame({"term": ["intercept", *terms], "coef": res.params, "lo": ci[:, 0], "hi": ci[:, 1], "p": res.pvalues})
    coefs["src2"] = np.where(coefs["term"].isin(knames), (coefs["coef"] / sy) ** 2 if sy > 0 else np.nan, np.nan)
    # k-fold predictive R^2 (Q^2): how well the metamodel predicts runs it did not see.
    g = np.random.default_rng(seed)
    order = g.permutation(n)
    pred = np.full(n, np.nan)
    k = min(folds, n)
    if n > D.shape[1] + 2:
        for f in range(k):
            test = order[f::k]
            train = np.setdiff1d(order, test)
            if len(train) <= D.shape[1]:
                continue
            beta = np.linalg.lstsq(D[train], y[train], rcond=None)[0]
            pred[test] = D[test] @ beta
    ok = np.isfinite(pred)
    q2 = 1 - np.sum((y[ok] - pred[ok]) ** 2) / np.sum((y[ok] - y[ok].mean()) ** 2) if ok.sum() > 2 and sy > 0 else float("nan")
    return Metamodel(res, terms, float(res.rsquared), float(res.rsquared_adj), float(q2), coefs, n)


# ---------------------------------------------------------------- replicate noise

def replicate_noise_share(values, point) -> float:
    """Share of the variance of point means that is replicate noise: mean within-point variance
    / replicates, divided by the variance of the point means (0 = noise-free; near 1 = no signal)."""
    values = np.asarray(values, dtype=float)
    point = np.asarray(point)
    df = pd.DataFrame({"p": point, "v": values})
    g = df.groupby("p")["v"]
    counts = g.count()
    if counts.min() < 2:
        return float("nan")
    within = (g.var(ddof=1) / counts).mean()
    total = g.mean().var(ddof=1)
    return float(within / total) if total > 0 else float("nan")
