import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # import the package from the source tree

from analysis.tests import fixtures  # noqa: E402


@pytest.fixture(scope="session")
def buurt():
    exe = fixtures.buurt_binary()
    if exe is None:
        pytest.skip("no buurt binary: set BUURT=/path/to/buurt (scripts/test.sh does)")
    return exe


@pytest.fixture(scope="session")
def run_file(buurt, tmp_path_factory):
    d = tmp_path_factory.mktemp("run")
    return fixtures.run_sim(buurt, d / "run.h5", weeks=30, residents=1500, seed=42)


@pytest.fixture(scope="session")
def compare_file(buurt, tmp_path_factory):
    d = tmp_path_factory.mktemp("compare")
    return fixtures.make_compare(buurt, d, d / "compare.h5", replicates=4, weeks=60, residents=1500)


@pytest.fixture(scope="session")
def sim_sweep_file(buurt, tmp_path_factory):
    d = tmp_path_factory.mktemp("sweep")
    return fixtures.make_sim_sweep(buurt, d, d / "sweep.h5", points=16, replicates=2, weeks=40, residents=1000)


@pytest.fixture(scope="session")
def ishigami_file(tmp_path_factory):
    d = tmp_path_factory.mktemp("ishigami")
    import numpy as np
    X = fixtures.saltelli_design(1024, [-np.pi] * 3, [np.pi] * 3)
    y = fixtures.ishigami(X)
    Y = np.column_stack([y, 2 * y + 1, np.zeros_like(y)])
    return fixtures.write_sweep(d / "ishigami.h5", X, ["x1", "x2", "x3"], "saltelli", Y,
                                ["ishigami", "ishigami_scaled", "constant"], units=["", "", ""])
