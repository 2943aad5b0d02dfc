// Saved states: a neighbourhood restored from its saved state runs on exactly as the original would.
#include <gtest/gtest.h>

#include <cstring>

#include "../test_support.h"
#include "buurt/base/State.h"
#include "buurt/core/Simulation.h"

using namespace buurt;

namespace {

/// A small neighbourhood with a burn-in, the life course and the programmes on, so every module has state.
Params settled() {
  Params p = test::small_params(1500, 21);
  p.run_burn_in = 40;
  return p;
}

/// Each visited variable's bytes, by name: says which variable differs.
struct Collect : state::Names {
  static constexpr bool kLoading = false;
  template <class T>
  void operator()(const char* name, const T& v) {
    state::BufferWriter w;
    w(name, v);
    vars.emplace_back(path(name), std::move(w.bytes));
  }
  std::vector<std::pair<std::string, std::vector<std::byte>>> vars;
};

std::string first_difference(Simulation& a, Simulation& b) {
  Collect ca, cb;
  a.state(ca);
  b.state(cb);
  for (std::size_t k = 0; k < ca.vars.size(); ++k)
    if (ca.vars[k] != cb.vars[k]) return ca.vars[k].first;
  return "";
}

bool same(const WeekOutcomes& a, const WeekOutcomes& b) { return std::memcmp(a.v.data(), b.v.data(), sizeof a.v) == 0; }

}  // namespace

TEST(State, ARestoredNeighbourhoodRunsOnBitIdentically) {
  Params p = settled();
  p.community_managers = 6;  // programmes that start at week 0 keep state of their own
  p.initiatives_count = 4;
  Simulation original(p, 3);
  const auto bytes = save_state(original);
  Simulation restored = restore_state(p, 3, bytes);
  ASSERT_TRUE(same(original.outcomes(), restored.outcomes()));
  EXPECT_EQ(restored.week(), 0);
  EXPECT_EQ(restored.burn_in(), 40);
  for (int w = 0; w < 60; ++w) {
    original.step();
    restored.step();
    ASSERT_TRUE(same(original.outcomes(), restored.outcomes())) << "week " << w + 1;
  }
  // Every variable, not only the outcomes, is the same after 60 more weeks.
  EXPECT_EQ(first_difference(original, restored), "");
}

TEST(State, LeavingAVariableOutMakesTheRestoredNeighbourhoodDiverge) {
  // Negative control of the test above: a state without the residents' trust in neighbours (restored to
  // zero) is a different neighbourhood, and the comparison of outcomes sees it.
  const Params p = settled();
  Simulation original(p, 0);
  auto bytes = save_state(original);
  Simulation restored = restore_state(p, 0, bytes);
  auto& trust = restored.population_mut().trust_neighbours;
  std::fill(trust.begin(), trust.end(), 0.0f);
  restored.refresh();
  bool diverged = false;
  for (int w = 0; w < 20 && !diverged; ++w) {
    original.step();
    restored.step();
    diverged = !same(original.outcomes(), restored.outcomes());
  }
  EXPECT_TRUE(diverged);
}

TEST(State, PolicyKeysSwitchOnAtWeekZeroOfARestoredNeighbourhood) {
  const Params reference = settled();
  Params policy = reference;
  policy.team_mode = 0.9;  // a policy key
  Simulation base(reference, 1);
  const auto bytes = save_state(base);
  Simulation a = restore_state(reference, 1, bytes);
  Simulation b = restore_state(policy, 1, bytes);
  EXPECT_TRUE(same(a.outcomes(), b.outcomes()));  // one start
  EXPECT_DOUBLE_EQ(b.params().team_mode, 0.9);
  bool differ = false;
  for (int w = 0; w < 52 && !differ; ++w) {
    a.step();
    b.step();
    differ = !same(a.outcomes(), b.outcomes());
  }
  EXPECT_TRUE(differ);  // and the policy acts from there
}

TEST(State, ATruncatedStateIsRefused) {
  Simulation sim(settled(), 0);
  auto bytes = save_state(sim);
  bytes.resize(bytes.size() / 2);
  EXPECT_THROW(restore_state(settled(), 0, bytes), std::runtime_error);
}
