"""History matching (analysis/calibrate/): a toy simulator with a known answer, the emulators'
leave-one-out coverage, determinism, the empty not-implausible space, and bad calibration files."""
from __future__ import annotations

import dataclasses
import subprocess
from pathlib import Path

import numpy as np
import pytest

from analysis import calibrate as cb

ROOT = Path(__file__).resolve().parents[2]
TRUTH = np.array([0.3, 0.6])


def toy_calibration(observed=None, **settings) -> cb.Calibration:
    """Two parameters in [0, 1]; three targets; the observed values are the toy model at TRUTH."""
    f = toy_means(TRUTH[None, :])
    observed = observed or {k: float(v[0]) for k, v in f.items()}
    targets = [cb.Target(name, name, observed[name], sd, 0.0, (0, 1), held, "toy", 0)
               for name, sd, held in (("sum", 0.01, False), ("product", 0.01, False), ("held", 0.02, True))]
    priors = [cb.Prior("toy.a", 0.0, 1.0, "toy"), cb.Prior("toy.b", 0.0, 1.0, "toy")]
    s = cb.Settings(seed=7, waves=3, points=25, replicates=2, candidates=4000, ensemble=20, oversample=2.0)
    s = dataclasses.replace(s, **settings)
    return cb.Calibration("toy.toml", "", "toy", ROOT / "scenarios" / "baseline.toml", {}, s, targets, priors, {}, s)


def toy_means(x):
    a, b = x[:, 0], x[:, 1]
    return {"sum": a + 0.5 * b, "product": np.sin(2 * a) * b, "held": a - b}


class Toy:
    """The toy model plus replicate noise keyed by the wave label (deterministic)."""

    def __init__(self, noise=0.005):
        self.noise, self.calls = noise, []

    def __call__(self, label, design, replicates):
        self.calls.append(label)
        rng = np.random.default_rng([len(label), ord(label[-1])])
        return {k: v[:, None] + self.noise * rng.standard_normal((len(design), replicates)) for k, v in toy_means(design).items()}


def test_toy_parameters_are_recovered_within_the_posterior():
    cal = toy_calibration()
    post = cb.history_match(cal, Toy(), log=lambda m: None)
    m = post.members
    assert len(m) == cal.settings.ensemble
    # every member is plausible on the simulator itself, for every fitted target
    assert post.member_implausibility.shape == (len(m), 2)
    assert (post.member_implausibility < cal.settings.threshold).all()
    # the truth lies inside the ensemble's ranges, and the ranges narrowed from the prior [0, 1]
    assert (m.min(axis=0) <= TRUTH + 0.02).all() and (m.max(axis=0) >= TRUTH - 0.02).all()
    assert (m.max(axis=0) - m.min(axis=0) < 0.5).all()
    assert post.waves[-1].nroy_fraction < 0.2
    # held-out target: not fitted, but the fit carries it (the toy model is right)
    held = post.member_outputs["held"].mean(axis=1)
    assert abs(held.mean() - (TRUTH[0] - TRUTH[1])) < 0.1


def test_negative_control_a_wrong_target_moves_the_posterior_away_from_the_truth():
    f = {k: float(v[0]) for k, v in toy_means(TRUTH[None, :]).items()}
    f["sum"] += 0.3  # observed figure that the truth does not produce
    post = cb.history_match(toy_calibration(observed=f), Toy(), log=lambda m: None)
    m = post.members
    assert not ((m.min(axis=0) <= TRUTH) & (m.max(axis=0) >= TRUTH)).all()


def test_same_seed_same_posterior_and_another_seed_another():
    p1 = cb.history_match(toy_calibration(), Toy(), log=lambda m: None)
    p2 = cb.history_match(toy_calibration(), Toy(), log=lambda m: None)
    p3 = cb.history_match(toy_calibration(seed=8), Toy(), log=lambda m: None)
    assert np.array_equal(p1.members, p2.members)
    assert not np.array_equal(p1.members, p3.members)


def test_emulator_leave_one_out_coverage():
    rng = np.random.default_rng(1)
    x = cb.latin_hypercube(40, 2, rng)
    y = np.sin(3 * x[:, 0]) + x[:, 1] ** 2 + 0.01 * rng.standard_normal(40)
    em = cb.Emulator(x, y, seed=3)
    d = cb.loo_diagnostics(em, y)
    assert d["coverage_2sd"] >= 0.85
    assert d["rmse"] < 0.1
    # a point far from the data has a larger emulator variance than a design point
    _, v_design = em.predict(x[:1])
    _, v_far = em.predict(np.array([[0.5, 3.0]]))
    assert v_far[0] > 10 * v_design[0]


def test_an_unreachable_target_empties_the_space_and_is_named():
    f = {k: float(v[0]) for k, v in toy_means(TRUTH[None, :]).items()}
    f["product"] = 5.0  # sin(2a) b <= 1: no parameter set reaches it
    with pytest.raises(cb.NothingPlausible) as e:
        cb.history_match(toy_calibration(observed=f), Toy(), log=lambda m: None)
    assert e.value.blame[0][0] == "product"
    assert "--drop product" in str(e.value)
    # dropping it calibrates on the rest
    post = cb.history_match(toy_calibration(observed=f).drop(["product"]), Toy(), log=lambda m: None)
    assert len(post.members) == 20


def test_a_one_sided_target_rules_out_only_the_wrong_side():
    # "sum at least 1.0": the toy's sum a + b/2 reaches 1.0 only for large a and b; the truth (0.6) is ruled out.
    t = cb.Target("sum", "sum", 1.0, 0.01, 0.0, (0, 1), False, "toy", 0, "at_least")
    assert t.distance(np.array([0.5, 1.0, 1.4])).tolist() == [0.5, 0.0, 0.0]
    assert cb.Target("x", "x", 1.0, 0.01, 0.0, (0, 1), False, "toy", 0, "at_most").distance(np.array([1.4]))[0] == pytest.approx(0.4)
    cal = toy_calibration()
    cal = dataclasses.replace(cal, targets=[t] + [x for x in cal.targets if x.name != "sum"])
    post = cb.history_match(cal, Toy(), log=lambda m: None)
    sums = post.member_outputs["sum"].mean(axis=1)
    assert (sums > 1.0 - 3 * 0.02).all()  # every member on the allowed side (within the threshold)
    assert sums.max() - sums.min() > 0.05  # and no pull to the bound itself: members spread above it
    # negative control: the same figure two-sided pulls every member to 1.0
    two = dataclasses.replace(cal, targets=[dataclasses.replace(t, bound="")] + cal.targets[1:])
    sums2 = cb.history_match(two, Toy(), log=lambda m: None).member_outputs["sum"].mean(axis=1)
    assert np.abs(sums2 - 1.0).max() < np.abs(sums - 1.0).max()


def test_latin_hypercube_fills_every_stratum():
    u = cb.latin_hypercube(10, 3, np.random.default_rng(0))
    for j in range(3):
        assert sorted(np.floor(u[:, j] * 10).astype(int)) == list(range(10))


# ---------------------------------------------------------------- the calibration file

GOOD = """
base = "{base}"
[fixed]
population.residents = 1500
run.weeks = 104
[design]
waves = 2
[targets.lonely]
outcome = "severely_lonely_share"
observed = 0.125
range = [0.11, 0.14]
window = [52, 104]
source = "GGD"
[parameters]
"loneliness.isolated_level" = {{ min = 0.5, max = 1.0, source = "assumption" }}
"""


def write(tmp_path, text):
    p = tmp_path / "cal.toml"
    p.write_text(text.format(base=ROOT / "scenarios" / "baseline.toml"))
    return p


def test_the_shipped_calibration_file_loads(buurt):
    cal = cb.load_calibration(str(ROOT / "scenarios" / "calibration" / "netherlands.toml"))
    assert len(cal.fitted) >= 4 and any(t.held_out for t in cal.targets)
    assert all(t.source for t in cal.targets) and all(p.source for p in cal.priors)


@pytest.mark.parametrize("old,new,key,line,msg", [
    ('outcome = "severely_lonely_share"', 'outcome = "severely_lonley_share"', "targets.lonely.outcome", 9, "did you mean severely_lonely_share"),
    ("min = 0.5, max = 1.0", "min = 0.5, max = 1.5", "parameters.loneliness.isolated_level", 15, "schema's range"),
    ('"loneliness.isolated_level"', '"loneliness.isolated_lvl"', "parameters.loneliness.isolated_lvl", 15, "unknown scenario key"),
    ("window = [52, 104]", "window = [104, 52]", "targets.lonely.window", 12, "from < to"),
    ("range = [0.11, 0.14]", "range = [0.11, 0.12]", "targets.lonely.range", 11, "outside its range"),
    ("waves = 2", "wave = 2", "design.wave", 7, "unknown key"),
    ('source = "GGD"', 'source = "GGD"\nbound = "above"', "targets.lonely.bound", 14, "at_least"),
])
def test_bad_calibration_files_name_file_line_and_key(buurt, tmp_path, old, new, key, line, msg):
    assert old in GOOD
    p = write(tmp_path, GOOD.replace(old, new))
    with pytest.raises(cb.CalibrationError) as e:
        cb.load_calibration(str(p))
    assert e.value.key == key and e.value.line == line and msg in str(e.value)
    assert str(e.value).startswith(f"{p}:{line}: key '{key}'")


def test_bad_file_exits_2_through_buurt_calibrate_and_leaves_an_existing_posterior(buurt, tmp_path):
    p = write(tmp_path, GOOD.replace('outcome = "severely_lonely_share"', 'outcome = "no_such_outcome"'))
    out = tmp_path / "post.h5"
    r = subprocess.run([buurt, "calibrate", str(p), "--out", str(out)], capture_output=True, text=True)
    assert r.returncode == 2 and "no_such_outcome" in r.stderr and f"{p}:9" in r.stderr
    out.write_bytes(b"keep")
    # The file is checked before the output: a bad file is bad input (exit 2) whether or not a posterior
    # exists, and the existing posterior is left as it was.
    r = subprocess.run([buurt, "calibrate", str(p), "--out", str(out)], capture_output=True, text=True)
    assert r.returncode == 2 and "no_such_outcome" in r.stderr and out.read_bytes() == b"keep"
