// Every scenario in scenarios/ loads and runs a few weeks (on a smaller neighbourhood).
#include <gtest/gtest.h>

#include "buurt/core/Simulation.h"
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
    EXPECT_GE(sim.outcomes()[Outcome::unmet_need_share], 0.0);
    EXPECT_LE(sim.outcomes()[Outcome::unmet_need_share], 1.0);
  }
  EXPECT_GE(count, 1u);
}
