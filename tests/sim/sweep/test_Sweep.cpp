// Sweep files: the examples parse, bad files get errors naming file:line:col, key and what was expected.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <string>

#include "buurt/sweep/Plan.h"

using namespace buurt;
using namespace buurt::sweep;
namespace fs = std::filesystem;

namespace {
const fs::path kScenarios = fs::path(BUURT_SOURCE_DIR) / "scenarios";

std::string error_of(const std::string& text) {
  try {
    (void)Plan(parse_sweep_text(text, "bad.toml", kScenarios));
  } catch (const ScenarioError& e) {
    return e.what();
  }
  return "(no error)";
}

// Short runs without burn-in where the schema has one; the run line stays one line either way.
const std::string kHead = std::string("base = \"baseline.toml\"\n[fixed]\npopulation.residents = 300\n") +
                          (find_param("run.burn_in") ? "run = { weeks = 4, burn_in = 0 }\n" : "run = { weeks = 4 }\n");
}  // namespace

TEST(SweepFile, EveryExampleParsesWithItsDesign) {
  int n = 0;
  for (const auto& e : fs::directory_iterator(kScenarios / "sweeps")) {
    if (e.path().extension() != ".toml") continue;
    ++n;
    const Plan plan(parse_sweep(e.path()));
    const auto& s = plan.spec();
    EXPECT_EQ(plan.points(), design_points(s)) << e.path();
    EXPECT_GT(plan.slots(), 0);
    EXPECT_EQ(plan.fingerprint().size(), 16u);
    for (std::int64_t p = 0; p < plan.points(); ++p)
      for (std::size_t c = 0; c < s.factors.size(); ++c) {
        const auto& f = s.factors[c];
        const double v = plan.design()(p, static_cast<std::int64_t>(c));
        if (f.has_range) {
          EXPECT_GE(v, f.min);
          EXPECT_LE(v, f.max);
        }
      }
  }
  EXPECT_GE(n, 4) << "one example per design in scenarios/sweeps";
}

TEST(SweepFile, DesignValuesReachTheScenarioExactly) {
  const Plan plan(parse_sweep_text(kHead + "[design]\nkind = \"lhs\"\npoints = 25\nseed = 3\n[parameters]\n"
                                           "helping.share_willing = { min = 0.1, max = 0.9 }\nnetwork.slack_per_resident = { min = 1, max = 9 }\n",
                                   "x.toml", kScenarios));
  for (std::int64_t p = 0; p < plan.points(); ++p) {
    const Scenario s = plan.scenario(p);
    EXPECT_EQ(s.params.helping_share_willing, plan.design()(p, 0));
    EXPECT_EQ(static_cast<double>(s.params.network_slack_per_resident), plan.design()(p, 1));
    EXPECT_EQ(plan.design()(p, 1), std::round(plan.design()(p, 1)));  // integer parameter rounded
    EXPECT_EQ(s.params.run_seed, 3);
    EXPECT_EQ(s.params.population_residents, 300);
  }
}

TEST(SweepFile, DottedQuotedAndSectionTablesAreTheSameFactors) {
  const std::string a = kHead + "[design]\nkind = \"grid\"\n[parameters]\nhelping.share_willing = [0.2, 0.4]\n\"asking.shame_mean\" = [0.3]\n";
  const std::string b = kHead + "[design]\nkind = \"grid\"\n[parameters.helping]\nshare_willing = [0.2, 0.4]\n[parameters.asking]\nshame_mean = [0.3]\n";
  const Plan pa(parse_sweep_text(a, "a.toml", kScenarios)), pb(parse_sweep_text(b, "b.toml", kScenarios));
  EXPECT_EQ(pa.fingerprint(), pb.fingerprint());
  EXPECT_EQ(pa.parameter_names(), (std::vector<std::string>{"helping.share_willing", "asking.shame_mean"}));
}

TEST(SweepFile, FingerprintIgnoresCommentsButNotValues) {
  const std::string base = kHead + "[design]\nkind = \"grid\"\nreplicates = 2\n[parameters]\nhelping.share_willing = [0.2, 0.4]\n";
  const Plan a(parse_sweep_text(base, "a.toml", kScenarios));
  const Plan b(parse_sweep_text("# a comment\nname = \"other\"\n" + base, "b.toml", kScenarios));
  std::string changed = base;
  changed.replace(changed.find("0.4"), 3, "0.5");
  const Plan c(parse_sweep_text(changed, "c.toml", kScenarios));
  EXPECT_EQ(a.fingerprint(), b.fingerprint());
  EXPECT_NE(a.fingerprint(), c.fingerprint());
}

TEST(SweepFile, BadFilesGetClearErrors) {
  const std::string& h = kHead;
  struct Case {
    std::string text, expect;
  };
  const Case cases[] = {
      {h + "[design]\nkind = \"grid\"\n[parameters]\nhelping.share_wiling = [0.2]\n",
       "bad.toml:8:9: key 'helping.share_wiling': unknown parameter; did you mean 'helping.share_willing'?"},
      {h + "[design]\nkind = \"gird\"\n[parameters]\nhelping.share_willing = [0.2]\n",
       "bad.toml:6:8: key 'design.kind': unknown design 'gird'; did you mean 'grid'?"},
      {h + "[design]\nkind = \"grid\"\n[parameters]\nhelping.share_willing = [0.2, \"x\"]\n",
       "bad.toml:8:31: key 'helping.share_willing': expected a number in [0, 1], found the string \"x\""},
      {h + "[design]\nkind = \"grid\"\n[parameters]\nhelping.share_willing = [0.2, 1.5]\n", "expected a number in [0, 1], found the number 1.5"},
      {h + "[design]\nkind = \"lhs\"\npoints = 4\n[parameters]\nhelping.share_willing = [0.2, 0.4]\n",
       "bad.toml:9:9: key 'helping.share_willing': a lhs design needs a range { min = ..., max = ... }, found a list of levels"},
      {h + "[design]\nkind = \"lhs\"\n[parameters]\nhelping.share_willing = { min = 0.2, max = 0.4 }\n", "key 'design.points': a lhs design needs points = n"},
      {h + "[design]\nkind = \"sobol\"\npoints = 4\n[parameters]\nhelping.share_willing = { min = 0.5, max = 0.4 }\n",
       "key 'helping.share_willing.max': expected max > min (0.5), found 0.4"},
      {h + "[design]\nkind = \"grid\"\npoints = 3\n[parameters]\nhelping.share_willing = [0.2]\n",
       "bad.toml:7:1: key 'design.points': does not apply to a grid design"},
      {h + "[design]\nkind = \"grid\"\nreplicate = 3\n[parameters]\nhelping.share_willing = [0.2]\n",
       "key 'design.replicate': unknown key; did you mean 'replicates'?"},
      {h + "[design]\nkind = \"morris\"\ntrajectories = 2\nlevels = 3\n[parameters]\nhelping.share_willing = { min = 0.2, max = 0.4 }\n",
       "expected an even number of levels (Morris), found 3"},
      {h + "[desing]\nkind = \"grid\"\n", "bad.toml:5:2: key 'desing': unknown top-level key in a sweep file; did you mean 'design'?"},
      {h + "[design]\nkind = \"grid\"\n[parameters]\nhelping.share_willing = [0.2]\n[outcomes]\nfinal = [\"in_need_shar\"]\n",
       "key 'outcomes.final': unknown outcome 'in_need_shar'; did you mean 'in_need_share'?"},
      {"base = \"baseline.toml\"\n[fixed]\npopulation.residents = -5\n[design]\nkind = \"grid\"\n[parameters]\nhelping.share_willing = [0.2]\n",
       "bad.toml:3:24: key 'population.residents': expected an integer in [10, 20000000], found the integer -5"},
      {"base = \"no_such.toml\"\n", "bad.toml:1:8: key 'base': base scenario"},
      {h + "[design]\nkind = \"grid\"\n[parameters]\npopulation.share_single = [0.3, 0.5]\n",
       "design point 1 (population.share_single=0.5) is not a valid scenario"},
      {h + "[design]\nkind = \"grid\"\n[parameters]\nrun.seed = [1, 2]\n", "the seed is not a parameter"},
      {h + "[design]\nkind = \"grid\"\n[parameters]\nhelping.share_willing = { min = 0.2, max = 0.4 }\n",
       "a grid design needs levels [a, b, ...] or a range with steps"},
      {h + "[design]\nkind = \"grid\"\n[parameters]\nhelping.share_willing = [0.2\n", "bad.toml:8:"},
  };
  for (const auto& c : cases) {
    const std::string msg = error_of(c.text);
    EXPECT_NE(msg.find(c.expect), std::string::npos) << "got: " << msg << "\nexpected to contain: " << c.expect;
  }
}

TEST(SweepFile, TargetCiAndShardArguments) {
  const TargetCi t = parse_target_ci("in_need_share=0.01");
  EXPECT_EQ(t.outcome, find_outcome("in_need_share"));
  EXPECT_EQ(t.width, 0.01);
  EXPECT_THROW(parse_target_ci("in_need=0.01"), ScenarioError);
  EXPECT_THROW(parse_target_ci("in_need_share=-1"), ScenarioError);
  EXPECT_THROW(parse_target_ci("in_need_share"), ScenarioError);
  const Shard s = parse_shard("2/5");
  EXPECT_EQ(s.index, 2);
  EXPECT_EQ(s.count, 5);
  for (const char* bad : {"5/5", "-1/3", "1/0", "a/b", "1", "1/2x"}) EXPECT_THROW(parse_shard(bad), ScenarioError) << bad;
}

// A points design (written by `buurt calibrate` for each wave): value i of every list is point i, repeats allowed.
TEST(SweepFile, PointsDesignZipsTheListsInOrder) {
  const Plan plan(parse_sweep_text(kHead + "[design]\nkind = \"points\"\nreplicates = 2\nseed = 5\n[parameters]\n"
                                           "helping.share_willing = [0.2, 0.7, 0.2]\nnetwork.slack_per_resident = [3, 3, 8]\n",
                                   "p.toml", kScenarios));
  ASSERT_EQ(plan.points(), 3);
  const double want[3][2] = {{0.2, 3}, {0.7, 3}, {0.2, 8}};
  for (std::int64_t p = 0; p < 3; ++p) {
    const Scenario s = plan.scenario(p);
    EXPECT_EQ(s.params.helping_share_willing, want[p][0]);
    EXPECT_EQ(static_cast<double>(s.params.network_slack_per_resident), want[p][1]);
  }
  const auto again = Plan(parse_sweep_text(kHead + "[design]\nkind = \"points\"\nreplicates = 2\nseed = 5\n[parameters]\n"
                                                   "helping.share_willing = [0.2, 0.7, 0.25]\nnetwork.slack_per_resident = [3, 3, 8]\n",
                                           "q.toml", kScenarios));
  EXPECT_NE(plan.fingerprint(), again.fingerprint());  // another point is another sweep (resume refuses it)
  EXPECT_EQ(error_of(kHead + "[design]\nkind = \"points\"\n[parameters]\nhelping.share_willing = [0.2, 0.7]\nnetwork.slack_per_resident = [3]\n"),
            "bad.toml:9:9: key 'network.slack_per_resident': a points design needs one value per point: expected 2 values (as "
            "helping.share_willing), found 1");
  EXPECT_NE(error_of(kHead + "[design]\nkind = \"points\"\n[parameters]\nhelping.share_willing = { min = 0.1, max = 0.2 }\n").find("a list of values"),
            std::string::npos);
}
