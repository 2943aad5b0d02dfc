// Same scenario and seed give bit-identical results whatever the thread count.
#include <gtest/gtest.h>

#include <tbb/global_control.h>
#include <cstring>

#include "../test_support.h"
#include "buurt/core/Simulation.h"
#include "buurt/output/Recorder.h"

using namespace buurt;

namespace {

struct Trace {
  std::vector<WeekOutcomes> rows;
  Population pop;
  Network net;
};

Trace run_with_threads(std::size_t threads, const Params& p, int weeks) {
  tbb::global_control ctl(tbb::global_control::max_allowed_parallelism, threads);
  Simulation sim(p);
  Trace t;
  t.rows.push_back(sim.outcomes());
  for (int w = 0; w < weeks; ++w) {
    sim.step();
    t.rows.push_back(sim.outcomes());
  }
  t.pop = sim.population();
  t.net = sim.network();
  return t;
}

template <class T>
bool same_bits(const std::vector<T>& a, const std::vector<T>& b) {
  return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(T)) == 0);
}

}  // namespace

TEST(Determinism, OneTwoAndFourThreadsGiveBitIdenticalState) {
  Params p = test::small_params(30000, 99);  // large enough that TBB really splits the loops
  const Trace ref = run_with_threads(1, p, 40);
  for (std::size_t threads : {2u, 4u}) {
    const Trace t = run_with_threads(threads, p, 40);
    ASSERT_EQ(t.rows.size(), ref.rows.size());
    for (std::size_t w = 0; w < ref.rows.size(); ++w)
      ASSERT_EQ(std::memcmp(t.rows[w].v.data(), ref.rows[w].v.data(), sizeof(double) * kNumOutcomes), 0) << "week " << w << ", threads " << threads;
    for (int d = 0; d < kDomains; ++d) EXPECT_TRUE(same_bits(t.pop.need[d], ref.pop.need[d]));
    EXPECT_TRUE(same_bits(t.pop.self_reliance, ref.pop.self_reliance));
    EXPECT_TRUE(same_bits(t.pop.fatigue, ref.pop.fatigue));
    EXPECT_TRUE(same_bits(t.pop.helper, ref.pop.helper));
    EXPECT_TRUE(same_bits(t.net.strength, ref.net.strength));
    EXPECT_TRUE(same_bits(t.net.balance, ref.net.balance));
    EXPECT_TRUE(same_bits(t.net.other, ref.net.other));
  }
}

TEST(Determinism, DifferentSeedsAndRunsDiffer) {
  Params p = test::small_params(3000, 1);
  const Trace a = run_with_threads(2, p, 10);
  p.run_seed = 2;
  const Trace b = run_with_threads(2, p, 10);
  EXPECT_FALSE(same_bits(a.pop.need[Health], b.pop.need[Health]));
}

TEST(Determinism, ResultFilesAtOneAndFourThreadsHaveIdenticalDatasets) {
  const auto dir = test::temp_dir("det_h5");
  const Scenario s = parse_scenario("[population]\nresidents = 12000\n[run]\nweeks = 20\nsnapshot_every = 5\n", "det.toml");
  for (std::size_t threads : {1u, 4u}) {
    tbb::global_control ctl(tbb::global_control::max_allowed_parallelism, threads);
    ResultFile f(dir / ("t" + std::to_string(threads) + ".h5"), false);
    Simulation sim(s.params);
    RunRecorder rec(f.root(), s, sim);
    run_recorded(sim, &rec, 20, nullptr);
    f.commit();
  }
  ResultGroup f1 = ResultGroup::open_file(dir / "t1.h5"), f4 = ResultGroup::open_file(dir / "t4.h5");
  for (const char* name : {"timeseries/in_need_share", "timeseries/informal_hours", "final/mean_self_reliance"}) {
    EXPECT_EQ(f1.read<double>(name), f4.read<double>(name)) << name;
  }
  for (const char* name : {"snapshots/need_health", "snapshots/self_reliance", "network/week_00020/strength"})
    EXPECT_TRUE(same_bits(f1.read<float>(name), f4.read<float>(name))) << name;
  EXPECT_EQ(f1.read<std::uint32_t>("snapshots/helper"), f4.read<std::uint32_t>("snapshots/helper"));
}
