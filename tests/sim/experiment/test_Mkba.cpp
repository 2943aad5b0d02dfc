// The MKBA of a comparison (docs/mkba.md): discounting by hand, a scenario equal to the reference, a pure cost,
// the sensitivity analysis's order and its break-even price, and the checks of the price ranges.
#include <gtest/gtest.h>

#include <cmath>

#include "../test_support.h"
#include "buurt/experiment/Compare.h"
#include "buurt/experiment/Mkba.h"

using namespace buurt;

namespace {

std::size_t item_index(std::string_view name) {
  const auto& items = mkba_items();
  for (std::size_t i = 0; i < items.size(); ++i)
    if (items[i].name == name) return i;
  ADD_FAILURE() << "no MKBA item " << name;
  return 0;
}

/// Two scenarios, one replicate, `weeks` weeks of zeros; the policy pays `extra` team hours every week.
std::vector<std::vector<RunSummary>> synthetic(int weeks, double extra) {
  std::vector<std::vector<RunSummary>> runs(2, std::vector<RunSummary>(1));
  for (int s = 0; s < 2; ++s)
    for (int w = 0; w <= weeks; ++w) {
      WeekOutcomes o{};
      if (s == 1 && w > 0) o[Outcome::team_paid_hours] = extra;
      runs[static_cast<std::size_t>(s)][0].rows.push_back(o);
    }
  return runs;
}

Scenario scenario(const std::string& name, const Params& p) {
  Scenario s;
  s.name = name;
  s.params = p;
  return s;
}

Params small_wijk() {
  Params p;
  p.population_residents = 600;
  p.run_burn_in = 26;
  p.run_weeks = 60;
  p.run_seed = 5;
  return p;
}

}  // namespace

TEST(Mkba, DiscountFactorIsPerYearAfterWeekZero) {
  EXPECT_DOUBLE_EQ(discount_factor(1, 0.0225), 1.0);
  EXPECT_DOUBLE_EQ(discount_factor(52, 0.0225), 1.0);
  EXPECT_DOUBLE_EQ(discount_factor(53, 0.0225), 1.0 / 1.0225);
  EXPECT_DOUBLE_EQ(discount_factor(157, 0.0225), std::pow(1.0225, -3.0));
}

// 10 team hours a week more paid for two years at EUR 75: 52 x 750 in the first year, 52 x 750 / 1.0225 in the second.
TEST(Mkba, PresentValueOfAConstantCostMatchesAHandComputation) {
  Params p;
  const MkbaConfig c = MkbaConfig::from(p);
  ASSERT_DOUBLE_EQ(c.discount_rate, 0.0225);
  const MkbaResult m = mkba(synthetic(104, 10.0), c);
  const double expected = 52 * 750.0 + 52 * 750.0 / 1.0225;
  EXPECT_NEAR(m.costs_pv[1], expected, 1e-6);
  EXPECT_NEAR(m.npv[1], -expected, 1e-6);
  EXPECT_DOUBLE_EQ(m.benefits_pv[1], 0.0);
  EXPECT_NEAR(m.effect[1 * mkba_items().size() + item_index("team payroll")], 1040.0, 1e-9);
  EXPECT_EQ(m.npv[0], 0.0);
  // Sensitivity: the hour's price at its ends moves the NPV in proportion; a zero rate undoes the discount.
  ASSERT_FALSE(m.tornado[1].empty());
  for (const auto& bar : m.tornado[1]) {
    if (bar.key == "costs.professional_hour") {
      EXPECT_NEAR(bar.npv_low, -expected * 60.0 / 75.0, 1e-6);
      EXPECT_NEAR(bar.npv_high, -expected * 95.0 / 75.0, 1e-6);
    }
    if (bar.key == "mkba.discount_rate") EXPECT_NEAR(bar.npv_low, -104 * 750.0, 1e-6);
  }
}

TEST(Mkba, TornadoBarsAreOrderedWidestFirstAndTheBreakEvenPriceZeroesTheNpv) {
  const Params p = small_wijk();
  Params cm = p;
  cm.community_managers = 6;
  cm.initiatives_count = 2;
  const auto runs = run_comparison({scenario("baseline", p), scenario("managers", cm)}, 3, nullptr, {});
  const MkbaResult m = mkba(runs, MkbaConfig::from(p));
  const auto& bars = m.tornado[1];
  ASSERT_EQ(bars.size(), MkbaConfig::from(p).ranges.size());
  for (std::size_t f = 1; f < bars.size(); ++f) EXPECT_GE(bars[f - 1].swing(), bars[f].swing()) << bars[f].key;
  EXPECT_GT(bars.front().swing(), 0.0);
  // At the break-even price of the most uncertain item the mean NPV is zero.
  if (std::isfinite(m.break_even_price[1])) {
    Params at = p;
    const std::string key = m.break_even_key[1];
    MkbaConfig c = MkbaConfig::from(at);
    for (std::size_t i = 0; i < mkba_items().size(); ++i)
      if (mkba_items()[i].price_key == key) c.price[i] = m.break_even_price[1];
    EXPECT_NEAR(mkba(runs, c).npv_mean[1], 0.0, 1e-6 * std::abs(m.npv_mean[1]) + 1e-6);
  }
}

// A scenario identical to the reference: every effect and every present value is exactly zero (a per-client
// effect is NaN in a run too short to report an intake cohort, in both arms alike).
TEST(Mkba, AScenarioEqualToTheReferenceHasNpvZero) {
  const Params p = small_wijk();
  const auto runs = run_comparison({scenario("a", p), scenario("b", p)}, 2, nullptr, {});
  const MkbaResult m = mkba(runs, MkbaConfig::from(p));
  for (std::size_t r = 0; r < 2; ++r) {
    EXPECT_EQ(m.npv[2 + r], 0.0);
    EXPECT_EQ(m.costs_pv[2 + r], 0.0);
  }
  const std::size_t I = mkba_items().size();
  for (std::size_t k = 0; k < m.effect.size(); ++k) {
    if (mkba_items()[k % I].at_end && std::isnan(m.effect[k])) continue;
    EXPECT_EQ(m.effect[k], 0.0) << mkba_items()[k % I].name;
  }
  EXPECT_TRUE(std::isnan(m.bcr_of_means[1]));  // no extra cost: no ratio
}

// A pure cost: a higher allowance with its behavioural effect switched off (community.allowance_acts = false)
// changes nothing people do, so the NPV is minus the discounted extra allowance and nothing else moves.
TEST(Mkba, APureCostGivesMinusItsDiscountedCost) {
  Params p = small_wijk();
  p.community_managers = 6;
  p.community_allowance_acts = false;
  Params richer = p;
  richer.community_allowance = 60.0;
  const auto runs = run_comparison({scenario("allowance 20", p), scenario("allowance 60", richer)}, 2, nullptr, {});
  const MkbaResult m = mkba(runs, MkbaConfig::from(p));
  const auto& items = mkba_items();
  const std::size_t I = items.size(), allowances = item_index("allowances and initiative support");
  for (std::size_t r = 0; r < 2; ++r) {
    double expected = 0.0;
    for (std::size_t w = 1; w < runs[0][r].rows.size(); ++w) {
      const auto& o = runs[0][r].rows[w];
      expected += discount_factor(static_cast<int>(w), p.mkba_discount_rate) * 40.0 * (o[Outcome::cm_active] + o[Outcome::cm_burned_out]);
    }
    ASSERT_GT(expected, 0.0);
    EXPECT_NEAR(m.npv[2 + r], -expected, 1e-6 * expected);
    for (std::size_t i = 0; i < I; ++i)
      if (i != allowances) EXPECT_EQ(m.pv[(2 + r) * I + i], 0.0) << items[i].name;
  }
}

// Training is priced per trained person-week, so its uncertain price is a bar of the tornado: ten trained managers
// a week for a year cost 10 * 52 * price, and the bar spans the low and high end of costs.cm_training.
TEST(Mkba, TrainingPricesAreInTheTornado) {
  std::vector<std::vector<RunSummary>> runs(2, std::vector<RunSummary>(1));
  for (int s = 0; s < 2; ++s)
    for (int w = 0; w <= 52; ++w) {
      WeekOutcomes o{};
      if (s == 1 && w > 0) o[Outcome::cm_trained] = 10.0;
      runs[static_cast<std::size_t>(s)][0].rows.push_back(o);
    }
  Params p;
  const MkbaResult m = mkba(runs, MkbaConfig::from(p));
  const std::size_t I = mkba_items().size(), training = item_index("training of community managers");
  EXPECT_DOUBLE_EQ(m.effect[I + training], 520.0);
  EXPECT_NEAR(m.npv[1], -520.0 * p.costs_cm_training, 1e-9);
  bool found = false;
  for (const auto& bar : m.tornado[1]) {
    if (bar.key != "costs.cm_training") continue;
    found = true;
    EXPECT_NEAR(bar.npv_low, -520.0 * p.costs_cm_training_low, 1e-9);
    EXPECT_NEAR(bar.npv_high, -520.0 * p.costs_cm_training_high, 1e-9);
  }
  EXPECT_TRUE(found) << "costs.cm_training is not in the tornado";
}

// Bad prices: a low end above the price, a high end below it.
TEST(Mkba, PriceRangesMustHoldThePrice) {
  Params p;
  EXPECT_NO_THROW(check_mkba_keys(p));
  p.mkba_debt_case_low = 20000;
  try {
    check_mkba_keys(p);
    FAIL() << "a low end above the price passed";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("mkba.debt_case_low"), std::string::npos) << e.what();
  }
  p = Params{};
  p.mkba_discount_rate_high = 0.01;
  EXPECT_THROW(check_mkba_keys(p), std::invalid_argument);
}

// The Dutch decision page names every item from the result file (items/name_nl), not from a table of its own.
TEST(Mkba, EveryItemHasADutchName) {
  for (const MkbaItem& item : mkba_items()) EXPECT_FALSE(item.name_nl.empty()) << item.name;
}
