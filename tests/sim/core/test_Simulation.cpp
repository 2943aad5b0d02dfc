// The week's schedule (week/Week.def) as Simulation::step() runs it (core/Simulation.cpp): one table that step()
// runs, bench --phases times and the docs show.
#include <gtest/gtest.h>

#include <set>

#include "../test_support.h"
#include "buurt/core/Simulation.h"

using namespace buurt;

// docs/architecture.md holds the schedule generated from Week.def; it must match.
TEST(Week, DocsTableMatchesTheSchedule) {
  const auto block = test::generated_block("architecture.md", "WEEK", "buurt describe week --markdown");
  ASSERT_TRUE(block) << "docs/architecture.md or its WEEK markers missing";
  EXPECT_EQ(*block, week_markdown()) << "regenerate with: scripts/gen_docs.sh";
}

// Every group of the profile is used, by consecutive steps, in the order of the groups: so a lap after each
// step books each group's time to it once per week.
TEST(Week, GroupsAreConsecutiveAndInOrder) {
  std::set<Phase> seen;
  Phase last = kWeek.front().group;
  for (const WeekStepSpec& s : kWeek) {
    if (s.group != last) {
      EXPECT_GT(static_cast<int>(s.group), static_cast<int>(last)) << s.call;
      EXPECT_FALSE(seen.count(s.group)) << s.call << ": its group was left before";
    }
    seen.insert(last = s.group);
    EXPECT_FALSE(s.call.empty());
    EXPECT_FALSE(s.file.empty());
  }
  EXPECT_EQ(seen.size(), kPhaseNames.size());
}

// The profile counts the weeks and books their time to the groups.
TEST(Week, TheProfileTimesTheWeeks) {
  Simulation sim(test::small_params(500));
  PhaseProfile prof;
  sim.profile(&prof);
  for (int w = 0; w < 3; ++w) sim.step();
  EXPECT_EQ(prof.weeks, 3);
  double total = 0;
  for (double t : prof.seconds) total += t;
  EXPECT_GT(total, 0.0);
}
