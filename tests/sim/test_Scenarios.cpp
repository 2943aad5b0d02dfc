// Every scenario in scenarios/ loads and runs a few weeks (on a smaller neighbourhood).
#include <gtest/gtest.h>
#include <bit>

#include <algorithm>

#include "buurt/core/Simulation.h"
#include "buurt/experiment/Compare.h"
#include "buurt/scenario/Scenario.h"
#include "test_support.h"

using namespace buurt;
namespace fs = std::filesystem;

TEST(Scenarios, EveryLibraryScenarioRunsAFewWeeks) {
  std::size_t count = 0;
  for (const auto& entry : fs::directory_iterator(test::source_dir() / "scenarios")) {
    if (entry.path().extension() != ".toml") continue;
    ++count;
    SCOPED_TRACE(entry.path().string());
    const Scenario s = load_scenario(entry.path(), std::vector<std::string>{"population.residents=1500"});
    Simulation sim(s.params);
    for (int w = 0; w < 4; ++w) sim.step();
    EXPECT_EQ(sim.week(), 4);
    EXPECT_GE(sim.outcomes()[Outcome::in_need_share], 0.0);
    EXPECT_LE(sim.outcomes()[Outcome::in_need_share], 1.0);
  }
  EXPECT_GE(count, 1u);
}

namespace {
std::vector<Scenario> policy_library() {
  std::vector<Scenario> out;
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(test::source_dir() / "scenarios"))
    if (entry.path().extension() == ".toml") files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    Scenario s = load_scenario(f, std::vector<std::string>{"population.residents=1500", "run.weeks=3"});
    if (s.name == "vulnerable_wijk") continue;  // another neighbourhood: compared within itself
    if (s.name == "baseline")
      out.insert(out.begin(), s);
    else
      out.push_back(s);
  }
  return out;
}
}  // namespace

// The library's policy scenarios differ from the baseline in policy keys only, so `buurt compare` can start
// them from one burned-in neighbourhood; vulnerable_wijk is another neighbourhood and is refused.
TEST(CommonStart, PolicyScenariosDifferFromTheBaselineInPolicyKeysOnly) {
  const auto lib = policy_library();
  ASSERT_GE(lib.size(), 9u);
  for (const auto& s : lib) EXPECT_FALSE(first_non_policy_difference(lib.front().params, s.params).has_value()) << s.name;
  const Scenario vulnerable = load_scenario(test::source_dir() / "scenarios" / "vulnerable_wijk.toml", std::vector<std::string>{});
  const Scenario baseline = load_scenario(test::source_dir() / "scenarios" / "baseline.toml", std::vector<std::string>{});
  EXPECT_EQ(first_non_policy_difference(baseline.params, vulnerable.params).value_or(""), "population.share_on_benefits");
}

// For the same replicate every outcome's week-0 row is identical across the scenarios of a comparison
// (policy keys switch on at week 0, the burn-in runs under the reference policy), and week 1 differs where a
// policy acts at once (the team's size).
TEST(CommonStart, EveryScenarioOfAComparisonStartsFromTheSameNeighbourhood) {
  auto lib = policy_library();
  Scenario bigger_team = lib.front();
  bigger_team.name = "bigger_team";
  bigger_team.params.team_fte_per_1000 *= 3;
  lib.push_back(bigger_team);
  const auto runs = run_comparison(lib, 2, nullptr, {});
  for (std::size_t r = 0; r < 2; ++r)
    for (std::size_t s = 1; s < lib.size(); ++s)
      for (int k = 0; k < kNumOutcomes; ++k)
        EXPECT_EQ(std::bit_cast<std::uint64_t>(runs[s][r].rows[0].v[static_cast<std::size_t>(k)]),
                  std::bit_cast<std::uint64_t>(runs[0][r].rows[0].v[static_cast<std::size_t>(k)]))
            << lib[s].name << " replicate " << r << " outcome " << kOutcomeSpecs[static_cast<std::size_t>(k)].name;
  EXPECT_NE(runs.back()[0].rows[1][Outcome::cost_professional], runs[0][0].rows[1][Outcome::cost_professional]);
}

// The comparison burns each replicate's neighbourhood in once and starts every scenario from a saved copy:
// each scenario's weeks are bit for bit those of the same scenario burned in and run on its own.
TEST(CommonStart, EachScenarioOfAComparisonRunsAsItWouldAlone) {
  auto lib = policy_library();
  std::vector<Scenario> two{lib.front(), lib.back()};
  for (auto& s : two) s.params.run_weeks = 30;
  const auto runs = run_comparison(two, 2, nullptr, {});
  for (std::size_t s = 0; s < two.size(); ++s)
    for (std::uint32_t r = 0; r < 2; ++r) {
      Params p = two[s].params;
      p.run_seed = two.front().params.run_seed;
      Simulation alone(p, r);
      for (int w = 0; w <= 30; ++w) {
        if (w > 0) alone.step();
        for (int k = 0; k < kNumOutcomes; ++k)
          ASSERT_EQ(std::bit_cast<std::uint64_t>(runs[s][r].rows[static_cast<std::size_t>(w)].v[static_cast<std::size_t>(k)]),
                    std::bit_cast<std::uint64_t>(alone.outcomes().v[static_cast<std::size_t>(k)]))
              << two[s].name << " replicate " << r << " week " << w << " outcome " << kOutcomeSpecs[static_cast<std::size_t>(k)].name;
      }
    }
}
