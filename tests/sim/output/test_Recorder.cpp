#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include <fstream>

#include "../test_support.h"
#include "buurt/output/Recorder.h"

using namespace buurt;
namespace fs = std::filesystem;

namespace {
Scenario small(int weeks = 12) {
  return parse_scenario("name = \"small\"\n[population]\nresidents = 1500\n[run]\nweeks = " + std::to_string(weeks) + "\nsnapshot_every = 4\n", "small.toml");
}
}  // namespace

TEST(Recorder, RoundTripOfEveryGroup) {
  const auto dir = test::temp_dir("roundtrip");
  const Scenario s = small();
  std::vector<double> unmet;
  std::size_t places = 0;  // with the life course, more places than residents (some empty)
  {
    ResultFile f(dir / "r.h5", false);
    Simulation sim(s.params);
    places = sim.population().size;
    RunRecorder rec(f.root(), s, sim);
    run_recorded(sim, &rec, 12, nullptr);
    for (const auto& r : rec.rows()) unmet.push_back(r[Outcome::in_need_share]);
    write_runtime(f.root(), 1.0, 2);
    f.commit();
  }
  ASSERT_TRUE(fs::exists(dir / "r.h5"));
  ResultGroup f = ResultGroup::open_file(dir / "r.h5");
  EXPECT_EQ(f.read_string("meta/scenario_resolved"), s.resolved_toml());
  EXPECT_NE(f.read_string("meta/scenario_given").find("residents = 1500"), std::string::npos);
  EXPECT_EQ(f.read<std::int64_t>("meta/seed").at(0), s.params.run_seed);
  EXPECT_EQ(f.read<double>("timeseries/in_need_share"), unmet);
  EXPECT_EQ(f.read<std::int32_t>("timeseries/week").size(), 13u);
  std::vector<std::uint64_t> dims;
  f.read<float>("snapshots/need_income", &dims);
  ASSERT_EQ(dims.size(), 2u);
  EXPECT_EQ(dims[0], 4u);  // weeks 0, 4, 8, 12
  EXPECT_EQ(dims[1], places);
  EXPECT_GE(places, 1500u);
  EXPECT_EQ(f.read<std::int32_t>("snapshots/week"), (std::vector<std::int32_t>{0, 4, 8, 12}));
  // Every variable SnapshotVars.def declares is there with its unit; the need rows follow the domains' order.
  for (const SnapshotVarSpec& v : kSnapshotVars) {
    const std::string path = "snapshots/" + std::string(v.name);
    ASSERT_TRUE(f.exists(path)) << path;
    ResultDataset ds = f.open_dataset(path);
    EXPECT_EQ(ds.attr_string("unit"), v.unit) << path;
  }
  for (int d = 0; d < kDomains; ++d) EXPECT_EQ(snapshot_name(need_snapshot(d)), std::string("need_") + kDomainNames[d]);
  EXPECT_TRUE(f.exists("network/week_00012/a"));
  EXPECT_EQ(f.read<float>("population/x").size(), places);
  const auto ages = f.read<std::uint8_t>("snapshots/age");
  EXPECT_EQ(ages.size(), 4 * places);
  const double residents = f.read<double>("final/residents").at(0);
  EXPECT_EQ(static_cast<double>(std::count_if(ages.end() - static_cast<std::ptrdiff_t>(places), ages.end(), [](std::uint8_t a) { return a != 255; })),
            residents);
  EXPECT_DOUBLE_EQ(f.read<double>("final/in_need_share").at(0), unmet.back());
  EXPECT_EQ(f.read<double>("final/by_group/residents").size(), 12u);
  // Each group is named in English and Dutch, row for row.
  EXPECT_EQ(f.read_strings("final/by_group_labels/label").at(0), "households on benefits");
  EXPECT_EQ(f.read_strings("final/by_group_labels/label_nl").size(), 12u);
  EXPECT_EQ(f.read<double>("runtime/wall_seconds").at(0), 1.0);
  ResultGroup ts = f.open_group("timeseries");
  ResultDataset d = ts.open_dataset("informal_hours");
  EXPECT_EQ(d.attr_string("unit"), "hours per week");
}

// Who is left behind names the newcomers: residents who moved in since week 0. Without demography nobody moves,
// so the group is empty and everyone is settled (negative control).
TEST(Recorder, NewcomersAreAGroupOfTheirOwn) {
  const auto dir = test::temp_dir("newcomers");
  for (const bool demography : {true, false}) {
    Scenario s = small(52);
    s.params.demography_enabled = demography;
    const fs::path out = dir / (demography ? "with.h5" : "without.h5");
    {
      ResultFile f(out, false);
      Simulation sim(s.params);
      RunRecorder rec(f.root(), s, sim);
      run_recorded(sim, &rec, 52, nullptr);
      write_runtime(f.root(), 1.0, 1);
      f.commit();
    }
    ResultGroup f = ResultGroup::open_file(out);
    const auto labels = f.read_strings("final/by_group/group");
    const auto n = f.read<double>("final/by_group/residents");
    const auto gain = f.read<double>("final/by_group/self_reliance_gain");
    const double total = f.read<double>("final/residents").at(0);
    const auto at = [&](const std::string& label) {
      const auto it = std::find(labels.begin(), labels.end(), label);
      EXPECT_NE(it, labels.end()) << label;
      return static_cast<std::size_t>(it - labels.begin());
    };
    const std::size_t settled = at("arrival:settled"), newcomer = at("arrival:newcomer");
    EXPECT_LE(n[settled] + n[newcomer], total);
    if (demography) {
      EXPECT_GT(n[newcomer], 0.0);
      EXPECT_LT(n[settled], total);
      EXPECT_TRUE(std::isnan(gain[newcomer]));  // measured on stayers only
    } else {
      EXPECT_EQ(n[newcomer], 0.0);
      EXPECT_EQ(n[settled], total);
    }
  }
}

TEST(Recorder, ExistingFileIsNeverOverwrittenWithoutForce) {
  const auto dir = test::temp_dir("noclobber");
  const fs::path out = dir / "keep.h5";
  std::ofstream(out) << "precious";
  EXPECT_THROW(ResultFile(out, false), OutputError);
  EXPECT_THROW(check_output_path(out, false), OutputError);
  std::ifstream in(out);
  std::string text;
  in >> text;
  EXPECT_EQ(text, "precious");
}

TEST(Recorder, UncommittedFileLeavesNothingBehind) {
  const auto dir = test::temp_dir("abort");
  const Scenario s = small(8);
  fs::path temp;
  std::atomic<bool> stop{false};
  try {
    ResultFile f(dir / "r.h5", false);
    temp = f.temp_path();
    Simulation sim(s.params);
    RunRecorder rec(f.root(), s, sim);
    run_recorded(sim, &rec, 8, &stop, [&](int w) {
      if (w == 3) stop = true;
    });
    FAIL() << "expected Interrupted";
  } catch (const Interrupted&) {
  }
  EXPECT_FALSE(fs::exists(dir / "r.h5"));
  EXPECT_FALSE(fs::exists(temp));
}

TEST(Recorder, UnwritableDirectoryIsAClearError) {
  try {
    check_output_path("/nonexistent_dir_buurt/x.h5", false);
    FAIL();
  } catch (const OutputError& e) {
    EXPECT_NE(std::string(e.what()).find("does not exist"), std::string::npos);
  }
}

// By-group outcomes count what their metadata says: severely_lonely_share is a share of adults, in a group as
// in the neighbourhood. Every child severely lonely and no adult: the outcome and every group read 0 (counted
// among all residents, as until issue 47, they read the children's share). With everyone there since week 0
// (no demography), the group `arrival:settled` is the whole neighbourhood and equals the outcome exactly.
TEST(Recorder, ByGroupSevereLonelinessIsAShareOfAdults) {
  Scenario s = small(4);
  s.params.demography_enabled = false;
  Simulation sim(s.params);
  const auto ties = sim.population().active_ties;
  const auto sr = sim.population().self_reliance;
  const auto age = sim.population().age_weeks;
  auto& pop = sim.population_mut();
  std::size_t children = 0;
  for (std::size_t i = 0; i < pop.size; ++i) {
    const bool child = pop.age[i] == AgeGroup::Child;
    children += child;
    pop.need[Social][i] = child ? 0.9f : 0.0f;
  }
  ASSERT_GT(children, 10u);
  sim.refresh();
  const GroupTable only_children = group_outcomes(sim, ties, sr, age);
  EXPECT_EQ(sim.outcomes()[Outcome::severely_lonely_share], 0.0);
  for (std::size_t g = 0; g < only_children.labels.size(); ++g)
    EXPECT_EQ(only_children[GroupOutcome::severely_lonely_share][g], 0.0) << only_children.labels[g];
  for (std::size_t i = 0; i < pop.size; i += 3) pop.need[Social][i] = 0.7f;  // a third of everyone, adults too
  sim.refresh();
  const GroupTable mixed = group_outcomes(sim, ties, sr, age);
  const auto settled = static_cast<std::size_t>(std::find(mixed.labels.begin(), mixed.labels.end(), "arrival:settled") - mixed.labels.begin());
  ASSERT_LT(settled, mixed.labels.size());
  EXPECT_GT(mixed[GroupOutcome::severely_lonely_share][settled], 0.0);
  EXPECT_DOUBLE_EQ(mixed[GroupOutcome::severely_lonely_share][settled], sim.outcomes()[Outcome::severely_lonely_share]);
}
