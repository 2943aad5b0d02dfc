#pragma once
/// The social cost-benefit analysis (MKBA) of a comparison, the Dutch way (docs/mkba.md): every scenario
/// against the first (the reference) over the weeks after week 0, effects first in natural units, then
/// priced where a price exists, costs and benefits discounted to present values in euros of one price year,
/// with intervals over replicates (and over the calibrated ensemble when the comparison runs over one), who
/// bears what, and the sensitivity of the net present value to each price and to the discount rate.

#include <string>
#include <vector>

#include "buurt/experiment/Compare.h"
#include "buurt/schema/Schema.h"

namespace buurt {

/// Who bears a cost or receives a benefit.
enum class Bearer { municipality, health_insurer, residents, society };
/// cost: a resource used (positive when the policy uses more); benefit: a priced harm (positive when the policy
/// avoids it); effect: natural units only, no sourced price (listed, not dropped).
enum class ItemKind { cost, benefit, effect };

std::string_view bearer_name(Bearer b);
std::string_view item_kind_name(ItemKind k);

/// One line of the MKBA: a weekly quantity read from a week's outcomes, in natural units per week.
struct MkbaItem {
  std::string_view name;
  std::string_view name_nl;  ///< the name in Dutch (result files: items/name_nl; the report's Dutch decision page)
  ItemKind kind;
  std::string_view unit;       ///< unit of the natural-unit effect over the horizon ("hours", "person-years", ...)
  std::string_view price_key;  ///< schema key of its price ("" for an item counted in euros or unpriced)
  Bearer bearer;
  double (*per_week)(const WeekOutcomes&);  ///< the quantity in one week, in `unit` per week
  bool average = false;                     ///< the effect is the mean over the horizon (a share), not the sum
  bool at_end = false;                      ///< the effect is the difference in the last week (a per-client outcome, Outcomes.def window end)
};

/// The MKBA's items in a fixed order (costs, then priced benefits, then unpriced effects).
const std::vector<MkbaItem>& mkba_items();

/// Prices and discounting, from the reference scenario's keys.
struct MkbaConfig {
  double discount_rate = 0.0;
  int price_year = 0;
  int horizon_years = 0;      ///< mkba.horizon_years: the horizon the guideline asks for
  std::vector<double> price;  ///< per item (1 for items in euros, 0 for unpriced effects)
  /// What the sensitivity analysis varies: each price key once (item order), then mkba.discount_rate.
  struct Range {
    std::string key;
    double value, low, high;
  };
  std::vector<Range> ranges;
  static MkbaConfig from(const Params& p);
};

/// Discount factor of week w (1-based, after week 0): flows in year y = (w - 1) / 52 count (1 + rate)^-y.
double discount_factor(int week, double rate);

/// The sensitivity of the mean net present value of one scenario to one factor at its low and high ends.
struct TornadoBar {
  std::string key;  ///< the price's or the discount rate's schema key
  double low = 0, high = 0, npv_low = 0, npv_high = 0;
  double swing() const;
};

struct MkbaResult {
  std::size_t scenarios = 0, replicates = 0, weeks = 0;
  MkbaConfig config;
  // [S, R]: present values per scenario and replicate; the reference's are 0 by construction.
  std::vector<double> npv, costs_pv, benefits_pv, bcr, npv_without_time;
  // [S, R, I]: each item's natural-unit effect (policy minus reference over the horizon) and present value
  // (costs positive when more is used, benefits positive when a harm is avoided, 0 for unpriced effects).
  std::vector<double> effect, pv;
  // [S]: mean over replicates with a 95% t-interval; bcr_of_means = benefits / costs of the means (NaN when
  // the mean cost is not positive: a ratio says nothing then).
  std::vector<double> npv_mean, npv_lo, npv_hi, costs_mean, costs_lo, costs_hi, benefits_mean, benefits_lo, benefits_hi, bcr_of_means, npv_without_time_mean;
  // [S, I]: mean and interval of each item's effect and present value.
  std::vector<double> effect_mean, effect_lo, effect_hi, pv_mean;
  // [S, B]: mean net present value per bearer (benefits received minus costs borne).
  std::vector<double> bearer_npv;
  /// [S][factors], each scenario's bars ordered by swing, widest first (empty for the reference).
  std::vector<std::vector<TornadoBar>> tornado;
  /// [S]: the price of the most uncertain item (the widest price bar) at which the mean NPV is zero; NaN when
  /// there is none (the NPV does not depend on it, or only at a negative price).
  std::vector<std::string> break_even_key;
  std::vector<double> break_even_price, break_even_current;  ///< the break-even price and the price in use
};

/// The MKBA of a comparison's runs (weeks 1..W of each run; run[0] is the reference) under `config`.
MkbaResult mkba(const std::vector<std::vector<RunSummary>>& runs, const MkbaConfig& config);

/// Checks that every price's low <= value <= high; throws std::invalid_argument naming the key.
void check_mkba_keys(const Params& p);

/// Write /compare/mkba (docs/output.md) into the comparison file's /compare group.
void write_mkba(const ResultGroup& compare_group, const MkbaResult& m);

}  // namespace buurt
