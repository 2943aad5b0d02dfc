#include <gtest/gtest.h>

#include "../test_support.h"
#include "buurt/output/Recorder.h"
#include "buurt/output/Results.h"

using namespace buurt;

// A small file in the run layout of docs/output.md, written through the public API, then read back.
TEST(Results, ReadsTheRunLayoutBack) {
  const auto dir = test::temp_dir("results_run");
  const std::vector<float> x{0.f, 1.f, 2.f}, y{3.f, 4.f, 5.f};
  const std::vector<std::uint32_t> street{0, 0, 1}, household{0, 1, 2};
  const std::vector<std::int32_t> weeks{0, 4};
  const std::vector<float> self_reliance{0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f};
  const std::vector<std::uint8_t> flags{1, 2, 3, 4, 5, 6};
  const std::vector<double> in_need{0.5, 0.4, 0.3, 0.2, 0.1};
  {
    ResultFile f(dir / "r.h5", false);
    const ResultGroup& root = f.root();
    root.set_attr("kind", std::string("run"));
    ResultGroup meta = root.create_group("meta");
    meta.write_string("scenario_name", "tiny");
    ResultGroup pop = root.create_group("population");
    pop.write<float>("x", x);
    pop.write<float>("y", y);
    pop.write<std::uint32_t>("street", street);
    pop.write<std::uint32_t>("household", household);
    ResultGroup snap = root.create_group("snapshots");
    snap.write<std::int32_t>("week", weeks);
    snap.write<float>("self_reliance", self_reliance, {2, 3});
    snap.write<std::uint8_t>("flags", flags, {2, 3});
    ResultGroup ts = root.create_group("timeseries");
    ts.write<std::int32_t>("week", std::vector<std::int32_t>{0, 1, 2, 3, 4});
    ts.write<double>("in_need_share", in_need);
    set_outcome_attrs(ts.open_dataset("in_need_share"), kOutcomeSpecs[static_cast<std::size_t>(Outcome::in_need_share)]);
    ResultGroup net = root.create_group("network/week_00004");
    net.write<std::uint32_t>("a", std::vector<std::uint32_t>{0});
    net.write<std::uint32_t>("b", std::vector<std::uint32_t>{2});
    write_steering(root, {{2, "team.fte", "3.5"}});
    f.commit();
  }
  const Results r(dir / "r.h5");
  EXPECT_EQ(r.kind(), "run");
  EXPECT_EQ(r.scenario_name(), "tiny");
  EXPECT_FALSE(r.scenario_resolved());
  EXPECT_FALSE(r.missing_for_replay());
  const PopulationLayout p = r.population();
  EXPECT_EQ(p.x, x);
  EXPECT_EQ(p.household, household);
  EXPECT_TRUE(p.block.empty());
  EXPECT_EQ(r.snapshot_weeks(), weeks);
  EXPECT_EQ(r.snapshot<SnapshotVar::self_reliance>(), self_reliance);
  EXPECT_EQ(r.snapshot<SnapshotVar::flags>(), flags);
  EXPECT_TRUE(r.snapshot<SnapshotVar::helper>().empty());
  EXPECT_EQ(r.timeseries_rows(), 5u);
  const auto series = r.timeseries("in_need_share");
  ASSERT_TRUE(series);
  EXPECT_EQ(series->values, in_need);
  EXPECT_EQ(series->unit, kOutcomeSpecs[static_cast<std::size_t>(Outcome::in_need_share)].unit);
  EXPECT_FALSE(r.timeseries("no_such_outcome"));
  const auto rows = r.outcome_rows(6);
  EXPECT_EQ(rows[3][Outcome::in_need_share], 0.2);
  EXPECT_EQ(rows[5][Outcome::in_need_share], 0.0);  // past the file's end
  EXPECT_EQ(r.network(4).b, std::vector<std::uint32_t>{2});
  EXPECT_TRUE(r.network(0).a.empty());
  const auto log = r.steering();
  ASSERT_TRUE(log);
  ASSERT_EQ(log->size(), 1u);
  EXPECT_EQ((*log)[0].week, 2);
  EXPECT_EQ((*log)[0].key, "team.fte");
  EXPECT_EQ((*log)[0].value, "3.5");
  EXPECT_THROW((void)r.compare(), FormatError);
  EXPECT_THROW(Results(dir / "missing.h5"), FormatError);
}
