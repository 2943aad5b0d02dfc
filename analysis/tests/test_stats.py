"""Estimators against known answers."""
import numpy as np
import pytest
from scipy import stats as sps

from analysis import stats
from analysis.tests import fixtures


def test_t_interval_matches_scipy():
    x = np.random.default_rng(1).normal(3.0, 2.0, size=9)
    m, lo, hi = stats.t_interval(x)
    ref = sps.t.interval(0.95, len(x) - 1, loc=x.mean(), scale=sps.sem(x))
    assert m == pytest.approx(x.mean())
    assert (lo, hi) == pytest.approx(ref)


def test_paired_interval_coverage():
    """95% t-interval of a paired difference covers the true difference about 95% of the time."""
    g = np.random.default_rng(7)
    trials, R, true_diff = 4000, 5, 0.3
    common = g.normal(0, 1, size=(trials, 1, R))          # common random numbers: shared per replicate
    a = 10 + common + g.normal(0, 0.5, size=(trials, 1, R))
    b = 10 + true_diff + common + g.normal(0, 0.5, size=(trials, 1, R))
    hits = 0
    for t in range(trials):
        v = np.stack([a[t, 0], b[t, 0]])[:, :, None]      # [S=2, R, K=1]
        d = stats.paired_differences(v)
        hits += d["diff_lo"][1, 0] <= true_diff <= d["diff_hi"][1, 0]
    cover = hits / trials
    # Binomial standard error at 4000 trials is 0.0034: 4 SE either side.
    assert 0.936 <= cover <= 0.964


def test_paired_differences_against_scipy_ttest():
    g = np.random.default_rng(3)
    v = g.normal(5, 1, size=(3, 6, 2))
    d = stats.paired_differences(v)
    for s in (1, 2):
        for k in range(2):
            res = sps.ttest_rel(v[s, :, k], v[0, :, k])
            ci = res.confidence_interval(0.95)
            assert d["diff_lo"][s, k] == pytest.approx(ci.low)
            assert d["diff_hi"][s, k] == pytest.approx(ci.high)
            assert d["rel_mean"][s, k] == pytest.approx((v[s, :, k] - v[0, :, k]).mean() / abs(v[0, :, k].mean()))
    assert np.all(d["diff_mean"][0] == 0)


def test_sobol_ishigami_known_indices():
    X = fixtures.saltelli_design(4096, [-np.pi] * 3, [np.pi] * 3)
    df = stats.sobol_from_design(X, fixtures.ishigami(X), n_boot=200, names=["x1", "x2", "x3"])
    s1, st = fixtures.ishigami_indices()
    np.testing.assert_allclose(df["S1"], s1, atol=0.04)
    np.testing.assert_allclose(df["ST"], st, atol=0.04)
    # The bootstrap intervals cover the true values.
    assert np.all((df["S1_lo"] <= s1 + 0.01) & (s1 - 0.01 <= df["S1_hi"]))
    assert np.all((df["ST_lo"] <= st + 0.01) & (st - 0.01 <= df["ST_hi"]))
    assert df.attrs["layout"].startswith("interleaved")


def test_saltelli_layouts_are_recognised():
    X = fixtures.saltelli_design(16, [0, 0], [1, 1])
    N, P = 16, 2
    blocks = X.reshape(N, P + 2, P)
    stacked = np.concatenate([blocks[:, 0], blocks[:, -1], blocks[:, 1], blocks[:, 2]])   # A, B, AB_1, AB_2
    sp = stats.split_saltelli(stacked)
    assert sp.layout.startswith("stacked (A, B")
    np.testing.assert_array_equal(stacked[sp.a], blocks[:, 0])
    np.testing.assert_array_equal(stacked[sp.ab[1]], blocks[:, 2])
    with pytest.raises(stats.DesignError):
        stats.split_saltelli(np.random.default_rng(0).random((16, 2)))


def test_morris_linear_function():
    """For y = sum b_i x_i, every elementary effect is b_i * range: mu* = |b_i|, sigma = 0."""
    b = np.array([3.0, -1.5, 0.0, 0.5])
    U = fixtures.morris_design(20, 4)
    lo, hi = np.array([0, 10, -1, 2.0]), np.array([1, 20, 1, 4.0])
    X = lo + U * (hi - lo)
    y = ((X - lo) / (hi - lo)) @ b
    df = stats.morris_indices(X, y, ranges=hi - lo)
    np.testing.assert_allclose(df["mu"], b, atol=1e-9)
    np.testing.assert_allclose(df["mu_star"], np.abs(b), atol=1e-9)
    np.testing.assert_allclose(df["sigma"], 0, atol=1e-9)
    assert (df["trajectories"] == 20).all()


def test_metamodel_recovers_known_coefficients():
    g = np.random.default_rng(11)
    n = 4000
    X = np.column_stack([g.uniform(0, 1, n), g.uniform(10, 20, n), g.uniform(-1, 1, n)])
    beta = np.array([2.0, -0.3, 0.0])
    y = 1.0 + X @ beta + g.normal(0, 0.05, n)
    fit = stats.fit_metamodel(X, y, names=["a", "b", "c"], interactions=False)
    c = fit.coefs.set_index("term")
    sd = X.std(axis=0, ddof=1)
    # Coefficients are per standard deviation: back to per unit.
    np.testing.assert_allclose(c.loc[["a", "b", "c"], "coef"].to_numpy() / sd, beta, atol=0.01)
    assert c.loc["a", "lo"] / sd[0] <= 2.0 <= c.loc["a", "hi"] / sd[0]
    assert c.loc["c", "p"] > 0.001 and c.loc["a", "p"] < 1e-10
    assert fit.r2 > 0.99 and fit.q2 > 0.99
    # SRC^2 is the share of variance of each input: var(2 U(0,1)) = 1/3, var(0.3 U(10,20)) = 0.75.
    np.testing.assert_allclose(c.loc[["a", "b", "c"], "src2"], [1 / 3 / (1 / 3 + 0.75), 0.75 / (1 / 3 + 0.75), 0], atol=0.03)


def test_metamodel_interaction_term():
    g = np.random.default_rng(5)
    X = g.uniform(-1, 1, size=(300, 2))
    y = X[:, 0] * X[:, 1] + g.normal(0, 0.01, 300)
    fit = stats.fit_metamodel(X, y, names=["a", "b"])
    c = fit.coefs.set_index("term")
    assert "a × b" in c.index and c.loc["a × b", "p"] < 1e-10
    assert fit.r2 > 0.99


def test_band_and_noise_share():
    a = np.arange(30, dtype=float).reshape(3, 10)
    m, lo, hi, label = stats.band(a)
    np.testing.assert_array_equal(lo, a[0]) and np.testing.assert_array_equal(hi, a[2])
    assert "range of 3" in label
    # Pure noise (no point effect): share near 1; pure signal: 0.
    g = np.random.default_rng(2)
    point = np.repeat(np.arange(50), 4)
    assert stats.replicate_noise_share(np.arange(50).repeat(4).astype(float), point) == 0
    assert 0.6 < stats.replicate_noise_share(g.normal(size=200), point) < 1.6


def test_sobol_does_not_depend_on_the_output_mean():
    X = fixtures.saltelli_design(256, [-np.pi] * 3, [np.pi] * 3)
    y = fixtures.ishigami(X)
    a = stats.sobol_from_design(X, y, n_boot=50)
    b = stats.sobol_from_design(X, 1000.0 + y, n_boot=50)
    np.testing.assert_allclose(a[["S1", "ST"]].to_numpy(), b[["S1", "ST"]].to_numpy(), atol=1e-9)
    np.testing.assert_allclose(a[["S1_lo", "S1_hi"]].to_numpy(), b[["S1_lo", "S1_hi"]].to_numpy(), atol=1e-9)
