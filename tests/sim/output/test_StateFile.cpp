// State files: a neighbourhood saved to HDF5 and loaded again is the same neighbourhood; a file made for
// another neighbourhood is refused, naming the key.
#include <gtest/gtest.h>

#include <cstring>

#include "../test_support.h"
#include "buurt/core/Simulation.h"
#include "buurt/output/Recorder.h"
#include "buurt/output/StateFile.h"

using namespace buurt;

namespace {

Scenario settled(std::int64_t seed = 21) {
  Scenario s;
  s.name = "state_test";
  s.params = test::small_params(1500, seed);
  s.params.run_burn_in = 30;
  s.params.community_managers = 5;
  return s;
}

bool same(const WeekOutcomes& a, const WeekOutcomes& b) { return std::memcmp(a.v.data(), b.v.data(), sizeof a.v) == 0; }

std::filesystem::path saved(const std::string& dir, const Scenario& s, std::vector<std::uint32_t> runs) {
  const auto path = test::temp_dir(dir) / "state.h5";
  StateWriter w(path, s, "test", false);
  for (auto r : runs) {
    Simulation sim(s.params, r);
    w.add(sim);
  }
  w.commit();
  return path;
}

}  // namespace

TEST(StateFile, ALoadedNeighbourhoodRunsOnBitIdentically) {
  const Scenario s = settled();
  const auto path = saved("state_roundtrip", s, {0, 1});
  const StateFile f(path);
  EXPECT_EQ(f.runs().size(), 2u);
  EXPECT_EQ(f.burn_in(), 30);
  f.check(s.params);
  for (std::uint32_t r : {0u, 1u}) {
    Simulation fresh(s.params, r);
    auto loaded = f.load(s.params, r);
    ASSERT_TRUE(same(fresh.outcomes(), loaded->outcomes()));
    for (int w = 0; w < 40; ++w) {
      fresh.step();
      loaded->step();
      ASSERT_TRUE(same(fresh.outcomes(), loaded->outcomes())) << "replicate " << r << ", week " << w + 1;
    }
    EXPECT_EQ(save_state(fresh), save_state(*loaded));
  }
}

TEST(StateFile, AnotherNeighbourhoodIsRefusedNamingTheKey) {
  const Scenario s = settled();
  const StateFile f(saved("state_mismatch", s, {0}));
  Params policy = s.params;
  policy.team_mode = 0.9;  // a policy key: the same neighbourhood
  EXPECT_NO_THROW(f.check(policy));
  Params other = s.params;
  other.ties_meeting_rate *= 2;  // a behavioural key: another neighbourhood
  try {
    f.check(other);
    FAIL() << "a different behavioural key was accepted";
  } catch (const StateError& e) {
    EXPECT_NE(std::string(e.what()).find("ties.meeting_rate"), std::string::npos) << e.what();
  }
  Params seed = s.params;
  seed.run_seed = 99;
  try {
    f.check(seed);
    FAIL() << "another seed was accepted";
  } catch (const StateError& e) {
    EXPECT_NE(std::string(e.what()).find("run.seed"), std::string::npos) << e.what();
  }
  EXPECT_THROW(f.load(s.params, 3), StateError);  // a replicate that was not saved
  EXPECT_NE(neighbourhood_digest(s.params), neighbourhood_digest(other));
  EXPECT_EQ(neighbourhood_digest(s.params), neighbourhood_digest(policy));
}

TEST(StateFile, AResultFileOrAMissingFileIsNotAStateFile) {
  const auto dir = test::temp_dir("state_notstate");
  EXPECT_THROW(StateFile(dir / "missing.h5"), StateError);
  { ResultGroup h = ResultGroup::create_file(dir / "plain.h5"); }
  EXPECT_THROW(StateFile(dir / "plain.h5"), StateError);
}

TEST(StateFile, AnExistingFileIsNeverOverwritten) {
  const Scenario s = settled();
  const auto path = saved("state_exists", s, {0});
  const auto before = std::filesystem::file_size(path);
  EXPECT_THROW({ StateWriter again(path, s, "test", false); }, OutputError);
  EXPECT_EQ(std::filesystem::file_size(path), before);
}
