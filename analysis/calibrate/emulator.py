"""Designs (Latin hypercube, maximin subsets) and the Gaussian-process emulators of the targets."""
from __future__ import annotations

import numpy as np

from .loader import Target


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
