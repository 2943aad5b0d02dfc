"""Loaders: every dataset of every kind of result file comes back in the tidy tables."""
import subprocess

import h5py
import numpy as np
import pandas as pd
import pytest

import analysis
from analysis.results import ResultError, as_comparison


def test_run_timeseries_and_final_round_trip(run_file):
    res = analysis.load(run_file)
    assert res.kind == "run" and analysis.result_kind(run_file) == "run"
    ts = res.timeseries()
    with h5py.File(run_file, "r") as f:
        names = [k for k in f["timeseries"] if k != "week"]
        assert sorted(res.outcomes) == sorted(names)
        for o in names:
            got = ts[ts.outcome == o].sort_values("week")
            np.testing.assert_array_equal(got["week"].to_numpy(), f["timeseries/week"][()])
            np.testing.assert_array_equal(got["value"].to_numpy(), f[f"timeseries/{o}"][()])
            assert (got["unit"] == f[f"timeseries/{o}"].attrs["unit"]).all()
            assert res.descriptions[o] == f[f"timeseries/{o}"].attrs["description"]
        fin = res.final().set_index("outcome")["value"]
        for o in names:
            assert np.array_equal(fin[o], f[f"final/{o}"][()], equal_nan=True)  # per-client outcomes are NaN before a cohort is reported
        assert res.meta["seed"] == f["meta/seed"][()] == 42
        assert res.meta["scenario_name"] == "baseline"
        assert "[population]" in res.meta["scenario_resolved"]
    wide = res.timeseries_wide()
    assert wide.shape == (31, len(res.outcomes)) and wide.attrs["units"] == res.units


def test_run_by_group_population_snapshots_network(run_file):
    res = analysis.load(run_file)
    bg = res.by_group()
    with h5py.File(run_file, "r") as f:
        groups = [g.decode() if isinstance(g, bytes) else g for g in f["final/by_group/group"][()]]
        measures = [k for k in f["final/by_group"] if k not in ("group", "residents")]
        assert sorted(bg["measure"].unique()) == sorted(measures)
        for m in measures:
            sub = bg[bg.measure == m]
            labels = (sub["dimension"] + ":" + sub["group"]).tolist()
            assert labels == groups
            np.testing.assert_array_equal(sub["value"].to_numpy(), f[f"final/by_group/{m}"][()])
            np.testing.assert_array_equal(sub["residents"].to_numpy(), f["final/by_group/residents"][()])
        pop = res.population()
        assert len(pop) == f["population"].attrs["places"] >= f["population"].attrs["residents"]
        assert abs(f["population"].attrs["residents"] - 1500) < 0.1 * 1500
        np.testing.assert_array_equal(pop["street"].to_numpy(), f["population/street"][()])
        assert set(pop["income"].cat.categories) == {"benefits", "low", "middle"}
        np.testing.assert_array_equal(pop["income"].cat.codes.to_numpy(), f["population/income"][()])
        weeks = res.snapshot_weeks()
        np.testing.assert_array_equal(weeks, f["snapshots/week"][()])
        last = res.snapshot(int(weeks[-1]))
        np.testing.assert_array_equal(last["self_reliance"].to_numpy(), f["snapshots/self_reliance"][-1])
        assert last.attrs["units"]["need_income"] == f["snapshots/need_income"].attrs["unit"]
        ties = res.network(int(weeks[-1]))
        np.testing.assert_array_equal(ties["a"].to_numpy(), f[f"network/week_{int(weeks[-1]):05d}/a"][()])
    with pytest.raises(ResultError, match="no snapshot at week"):
        res.snapshot(9999)


def test_compare_round_trip(compare_file):
    res = analysis.load(compare_file)
    assert res.kind == "compare"
    with h5py.File(compare_file, "r") as f:
        S = len(f["meta/scenario_names"])
        R = int(f["meta/replicates"][()])
        K = len(f["compare/outcomes"])
        assert res.scenario_names == [s.decode() if isinstance(s, bytes) else s for s in f["meta/scenario_names"][()]]
        np.testing.assert_array_equal(res.seeds, f["meta/seeds"][()])
        for which in ("final", "last_year_mean"):
            arr = f[f"compare/{which}"][()]
            df = getattr(res, which)()
            assert len(df) == S * R * K
            for s, name in enumerate(res.scenario_names):
                for r in range(R):
                    got = df[(df.scenario == name) & (df.replicate == r)].set_index("outcome")["value"]
                    np.testing.assert_array_equal(got[res.outcomes].to_numpy(), arr[s, r])
            assert set(df["seed"]) == set(f["meta/seeds"][()])
        summ = res.summary()
        for key in f["compare/summary"]:
            for s, name in enumerate(res.scenario_names):
                got = summ[summ.scenario == name].set_index("outcome")[key][res.outcomes].to_numpy()
                np.testing.assert_array_equal(got, f[f"compare/summary/{key}"][s])
        # Run groups: the weekly series of every run.
        o = res.outcomes[0]
        arr = res.series_array(o)
        assert arr.shape[:2] == (S, R)
        for s in range(S):
            for r in range(R):
                np.testing.assert_array_equal(arr[s, r], f[f"runs/s{s:02d}/r{r:03d}/timeseries/{o}"][()])
        ts = res.timeseries([o])
        assert len(ts) == S * R * arr.shape[2]
        bg = res.by_group()
        assert set(bg["scenario"]) == set(res.scenario_names) and set(bg["replicate"]) == set(range(R))
        if "population" in f["runs/s01/r002"]:
            assert len(res.run(1, 2).population()) >= 1500  # places; some are empty with the life course
        if "units" in f["compare"]:
            assert [res.units[o] for o in res.outcomes] == [u.decode() if isinstance(u, bytes) else u for u in f["compare/units"][()]]
    # The last-year mean is the mean of the last 52 weekly values.
    lym = res.array("last_year_mean")
    k = res.outcomes.index(o)
    np.testing.assert_allclose(lym[:, :, k], res.series_array(o)[:, :, -52:].mean(axis=2))


def test_run_as_comparison(run_file):
    cmp = as_comparison(analysis.load(run_file))
    assert cmp.scenario_names == ["baseline"] and cmp.replicates == 1
    k = cmp.outcomes.index("in_need_share") if "in_need_share" in cmp.outcomes else 0
    o = cmp.outcomes[k]
    np.testing.assert_allclose(cmp.array()[0, 0, k], cmp.run(0, 0).series(o)[-30:].mean())


def test_sweep_round_trip(sim_sweep_file):
    res = analysis.load(sim_sweep_file)
    assert res.kind == "sweep" and res.design_kind == "lhs"
    with h5py.File(sim_sweep_file, "r") as f:
        np.testing.assert_array_equal(res.design().to_numpy(), f["sweep/design"][()])
        runs = res.runs()
        np.testing.assert_array_equal(runs[res.outcomes].to_numpy(), f["runs/final"][()])
        for key in ("run_index", "point", "replicate", "seed"):
            np.testing.assert_array_equal(runs[key].to_numpy(), f[f"runs/{key}"][()])
        np.testing.assert_array_equal(runs[res.parameter_names].to_numpy(), f["sweep/design"][()][f["runs/point"][()]])
        long = res.final()
        assert len(long) == f["runs/final"].size
        ts = res.timeseries("in_need_share")
        arr = f["runs/timeseries/in_need_share"][()]
        np.testing.assert_array_equal(ts["value"].to_numpy(), arr.reshape(-1))
    assert res.units["in_need_share"] == "share of residents"
    assert res.descriptions["in_need_share"].startswith("Residents (children included) with at least one domain in need")
    assert res.sweep_meta["program_version"] and res.sweep_meta["points"] == res.n_points
    pm = res.point_means()
    assert len(pm) == res.n_points
    np.testing.assert_allclose(pm[res.outcomes].to_numpy(), res.outcome_matrix())


@pytest.mark.parametrize("content", [None, b"not an hdf5 file"])
def test_bad_files_give_clear_errors(tmp_path, content):
    p = tmp_path / "bad.h5"
    if content is not None:
        p.write_bytes(content)
    with pytest.raises(ResultError, match="bad.h5"):
        analysis.load(p)


def test_incomplete_and_unknown_kind(tmp_path):
    p = tmp_path / "empty.h5"
    with h5py.File(p, "w") as f:
        f.create_group("meta")
    with pytest.raises(ResultError, match="timeseries"):
        analysis.load(p)
    w = tmp_path / "partial.h5"
    with h5py.File(w, "w") as f:
        f.attrs["kind"] = "sweep-partial"
    with pytest.raises(ResultError, match="unfinished sweep working file"):
        analysis.load(w)
    q = tmp_path / "odd.h5"
    with h5py.File(q, "w") as f:
        f.attrs["kind"] = "banana"
    with pytest.raises(ResultError, match="unknown result kind 'banana'"):
        analysis.load(q)


def test_parameter_table_matches_describe(buurt):
    tab = analysis.parameter_table(buurt)
    out = subprocess.run([buurt, "describe", "--markdown"], capture_output=True, text=True, check=True).stdout
    keys = [line.split("|")[1].strip().strip("`") for line in out.splitlines() if line.startswith("| `")]
    assert tab["key"].tolist() == keys
    assert {"section", "unit", "source", "role", "min", "max"} <= set(tab.columns)
    row = tab[tab.name == "population.residents"].iloc[0]
    assert row["unit"] == "residents" and row["source"] and row["role"] == "structure"
    # the role, not the unit, says what a price is: every costs.* key is one, no behavioural rate is
    prices = set(tab[[analysis.params.is_price(r) for r in tab["role"]]]["name"])
    assert "costs.professional_hour" in prices and "ties.meeting_rate" not in prices
    # the file a checkout without a binary reads is the same schema
    assert analysis.params.schema(str(analysis.params.SOURCE_DIR / "docs" / "schema.json"))[0] == analysis.params.schema(buurt)[0]


def test_sweep_shards_and_merged_file(buurt, tmp_path):
    """Shards of a sweep load on their own; `buurt merge` of them loads like the whole sweep."""
    from analysis.tests import fixtures
    if not (fixtures.has_subcommand(buurt, "sweep") and fixtures.has_subcommand(buurt, "merge")):
        pytest.skip("this buurt has no sweep/merge commands")
    grid = str(fixtures.REPO / "scenarios" / "sweeps" / "grid.toml")

    def sh(*args):
        r = subprocess.run([buurt, *args], capture_output=True, text=True)
        assert r.returncode == 0, r.stderr

    sh("sweep", grid, "--out", str(tmp_path / "whole.h5"), "-q", "--threads", "1")
    sh("sweep", grid, "--shard", "0/2", "--out", str(tmp_path / "s0.h5"), "-q", "--threads", "1")
    sh("sweep", grid, "--shard", "1/2", "--out", str(tmp_path / "s1.h5"), "-q", "--threads", "1")
    sh("merge", str(tmp_path / "s0.h5"), str(tmp_path / "s1.h5"), "--out", str(tmp_path / "merged.h5"))
    whole, merged = analysis.load(tmp_path / "whole.h5"), analysis.load(tmp_path / "merged.h5")
    shards = [analysis.load(tmp_path / f"s{i}.h5") for i in range(2)]
    pd.testing.assert_frame_equal(whole.runs(), merged.runs())
    assert sum(len(s.runs()) for s in shards) == len(whole.runs())
    both = pd.concat([s.runs() for s in shards]).sort_values("run_index").reset_index(drop=True)
    pd.testing.assert_frame_equal(both, whole.runs())
