#include "buurt/experiment/Mkba.h"

#include <fmt/format.h>
#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "buurt/experiment/Stats.h"
#include "buurt/output/Group.h"

namespace buurt {

namespace {

constexpr double kWeeksPerYear = 52.0;

double at(const WeekOutcomes& o, Outcome k) { return o.v[static_cast<std::size_t>(k)]; }

double param_value(const Params& p, std::string_view key) {
  const ParamSpec* spec = find_param(key);
  if (!spec) throw std::logic_error(fmt::format("MKBA: unknown key '{}'", key));
  return std::visit([&](auto member) { return static_cast<double>(p.*member); }, spec->member);
}

constexpr std::size_t kBearers = 4;

}  // namespace

std::string_view bearer_name(Bearer b) {
  switch (b) {
    case Bearer::municipality: return "municipality";
    case Bearer::health_insurer: return "health insurer";
    case Bearer::residents: return "residents";
    case Bearer::society: return "society (creditors, employers, others)";
  }
  return "";
}

std::string_view item_kind_name(ItemKind k) {
  switch (k) {
    case ItemKind::cost: return "cost";
    case ItemKind::benefit: return "benefit";
    case ItemKind::effect: return "unpriced effect";
  }
  return "";
}

const std::vector<MkbaItem>& mkba_items() {
  using O = Outcome;
  static const std::vector<MkbaItem> items = {
      // Costs as the payer pays them: the team's payroll and the second line's contracted hours (used or not).
      {"team payroll", "loonkosten van het team", ItemKind::cost, "hours paid", "costs.professional_hour", Bearer::municipality,
       [](const WeekOutcomes& o) { return at(o, O::team_paid_hours); }},
      {"second-line care (contracted)", "tweedelijnszorg (gecontracteerd)", ItemKind::cost, "hours contracted", "costs.secondline_hour", Bearer::health_insurer,
       [](const WeekOutcomes& o) { return at(o, O::secondline_paid_hours); }},
      {"allowances and initiative support", "vergoedingen en steun aan initiatieven", ItemKind::cost, "euros", "", Bearer::municipality,
       [](const WeekOutcomes& o) { return at(o, O::cost_allowances); }},
      {"training of community managers", "training van buurtverbinders", ItemKind::cost, "manager-weeks", "costs.cm_training", Bearer::municipality,
       [](const WeekOutcomes& o) { return at(o, O::cm_trained); }},
      {"training of volunteers", "training van vrijwilligers", ItemKind::cost, "volunteer-weeks", "costs.volunteer_training", Bearer::municipality,
       [](const WeekOutcomes& o) { return at(o, O::volunteers_trained); }},
      {"residents' time: informal and volunteer help", "tijd van bewoners: informele hulp en vrijwilligerswerk", ItemKind::cost, "hours",
       "costs.volunteer_hour_value", Bearer::residents, [](const WeekOutcomes& o) { return at(o, O::informal_hours) + at(o, O::volunteer_hours); }},
      // Benefits: harms avoided, priced.
      {"severe loneliness: wellbeing", "ernstige eenzaamheid: welzijn", ItemKind::benefit, "person-years", "mkba.loneliness_wellbeing", Bearer::residents,
       [](const WeekOutcomes& o) { return at(o, O::severely_lonely_adults) / kWeeksPerYear; }},
      {"severe loneliness: health care", "ernstige eenzaamheid: zorgkosten", ItemKind::benefit, "person-years", "mkba.loneliness_care", Bearer::health_insurer,
       [](const WeekOutcomes& o) { return at(o, O::severely_lonely_adults) / kWeeksPerYear; }},
      {"income and debt need", "geldzorgen en schulden", ItemKind::benefit, "case-years", "mkba.debt_case", Bearer::society,
       [](const WeekOutcomes& o) { return at(o, O::need_income) * at(o, O::residents) / kWeeksPerYear; }},
      {"heavily burdened helpers", "zwaar belaste helpers", ItemKind::benefit, "person-years", "mkba.burden_wellbeing", Bearer::residents,
       [](const WeekOutcomes& o) { return at(o, O::burdened_helpers) / kWeeksPerYear; }},
      // Effects without a sourced price: listed in natural units.
      {"residents in need, any domain", "bewoners met een hulpvraag, elk domein", ItemKind::effect, "person-years", "", Bearer::residents,
       [](const WeekOutcomes& o) { return at(o, O::in_need_share) * at(o, O::residents) / kWeeksPerYear; }},
      {"in need: health", "hulpvraag: gezondheid", ItemKind::effect, "person-years", "", Bearer::residents,
       [](const WeekOutcomes& o) { return at(o, O::need_health) * at(o, O::residents) / kWeeksPerYear; }},
      {"in need: mental health", "hulpvraag: psychische gezondheid", ItemKind::effect, "person-years", "", Bearer::residents,
       [](const WeekOutcomes& o) { return at(o, O::need_mental) * at(o, O::residents) / kWeeksPerYear; }},
      {"in need: household and care", "hulpvraag: huishouden en zorg", ItemKind::effect, "person-years", "", Bearer::residents,
       [](const WeekOutcomes& o) { return at(o, O::need_household) * at(o, O::residents) / kWeeksPerYear; }},
      // Effects per client (week/Cases.h), not counts per week: a service that takes in fewer clients has fewer
      // re-entries and referrals without doing any better for those it takes in.
      {"team clients back within a year, per closed case", "cliënten sociaal team binnen een jaar terug, per afgesloten dossier", ItemKind::effect,
       "percentage points", "", Bearer::residents, [](const WeekOutcomes& o) { return 100.0 * at(o, O::team_client_reentry); }, false, true},
      {"team: weeks from application to closure", "sociaal team: weken van aanmelding tot afsluiting", ItemKind::effect, "weeks per closed case", "",
       Bearer::residents, [](const WeekOutcomes& o) { return at(o, O::team_client_weeks); }, false, true},
      {"second-line clients back within a year, per episode", "cliënten tweede lijn binnen een jaar terug, per traject", ItemKind::effect, "percentage points",
       "", Bearer::residents, [](const WeekOutcomes& o) { return 100.0 * at(o, O::secondline_client_reentry); }, false, true},
      {"requests for help left unanswered", "onbeantwoorde hulpvragen", ItemKind::effect, "requests", "", Bearer::residents,
       [](const WeekOutcomes& o) { return at(o, O::unanswered); }},
      {"residents without any active tie", "bewoners zonder enige actieve band", ItemKind::effect, "person-years", "", Bearer::residents,
       [](const WeekOutcomes& o) { return at(o, O::no_active_tie_share) * at(o, O::residents) / kWeeksPerYear; }},
      {"newcomers without a local tie after a year", "nieuwkomers zonder lokale band na een jaar", ItemKind::effect, "percentage points", "", Bearer::residents,
       [](const WeekOutcomes& o) { return 100.0 * at(o, O::newcomers_without_tie_share); }, true},
  };
  return items;
}

MkbaConfig MkbaConfig::from(const Params& p) {
  MkbaConfig c;
  c.discount_rate = p.mkba_discount_rate;
  c.price_year = static_cast<int>(p.mkba_price_year);
  c.horizon_years = static_cast<int>(p.mkba_horizon_years);
  for (const auto& item : mkba_items()) {
    c.price.push_back(!item.price_key.empty() ? param_value(p, item.price_key) : item.kind == ItemKind::effect ? 0.0 : 1.0);
    if (item.price_key.empty() || std::any_of(c.ranges.begin(), c.ranges.end(), [&](const Range& r) { return r.key == item.price_key; })) continue;
    c.ranges.push_back({std::string(item.price_key), 0, 0, 0});
  }
  c.ranges.push_back({"mkba.discount_rate", 0, 0, 0});
  for (auto& r : c.ranges) {
    r.value = param_value(p, r.key);
    r.low = param_value(p, r.key + "_low");
    r.high = param_value(p, r.key + "_high");
  }
  return c;
}

double discount_factor(int week, double rate) { return std::pow(1.0 + rate, -static_cast<double>((week - 1) / 52)); }

double TornadoBar::swing() const { return std::abs(npv_high - npv_low); }

void check_mkba_keys(const Params& p) {
  for (const auto& r : MkbaConfig::from(p).ranges) {
    if (r.low > r.value)
      throw std::invalid_argument(fmt::format("{}_low = {} is above {} = {}: the low end of a price may not exceed it", r.key, r.low, r.key, r.value));
    if (r.high < r.value)
      throw std::invalid_argument(fmt::format("{}_high = {} is below {} = {}: the high end of a price may not be below it", r.key, r.high, r.key, r.value));
  }
}

namespace {

/// Present values only (no intervals, no tornado): the core of mkba(), also used by the sensitivity analysis.
struct Core {
  std::vector<double> effect, pv;  // [S, R, I]
};

Core present_values(const std::vector<std::vector<RunSummary>>& runs, const MkbaConfig& c) {
  const auto& items = mkba_items();
  const std::size_t S = runs.size(), R = runs.front().size(), I = items.size();
  Core core;
  core.effect.assign(S * R * I, 0.0);
  core.pv.assign(S * R * I, 0.0);
  for (std::size_t s = 1; s < S; ++s)
    for (std::size_t r = 0; r < R; ++r) {
      const auto& pol = runs[s][r].rows;
      const auto& ref = runs[0][r].rows;
      const std::size_t W = std::min(pol.size(), ref.size()) - 1;
      for (std::size_t i = 0; i < I; ++i) {
        double sum = 0.0, disc = 0.0;
        for (std::size_t w = 1; w <= W; ++w) {  // fixed order
          const double d = items[i].per_week(pol[w]) - items[i].per_week(ref[w]);
          sum += d;
          disc += discount_factor(static_cast<int>(w), c.discount_rate) * d;
        }
        const std::size_t k = (s * R + r) * I + i;
        core.effect[k] = items[i].at_end             ? items[i].per_week(pol[W]) - items[i].per_week(ref[W])
                         : items[i].average && W > 0 ? sum / static_cast<double>(W)
                                                     : sum;
        const double sign = items[i].kind == ItemKind::benefit ? -1.0 : 1.0;  // a benefit is a harm avoided
        core.pv[k] = items[i].kind == ItemKind::effect ? 0.0 : sign * disc * c.price[i];
      }
    }
  return core;
}

double mean_npv(const Core& core, std::size_t s, std::size_t R) {
  const auto& items = mkba_items();
  const std::size_t I = items.size();
  double total = 0.0;
  for (std::size_t r = 0; r < R; ++r)
    for (std::size_t i = 0; i < I; ++i) {
      const double v = core.pv[(s * R + r) * I + i];
      total += items[i].kind == ItemKind::cost ? -v : v;
    }
  return total / static_cast<double>(R);
}

}  // namespace

MkbaResult mkba(const std::vector<std::vector<RunSummary>>& runs, const MkbaConfig& c) {
  const auto& items = mkba_items();
  const std::size_t S = runs.size(), R = runs.front().size(), I = items.size();
  MkbaResult m;
  m.scenarios = S;
  m.replicates = R;
  m.weeks = runs.front().front().rows.size() - 1;
  m.config = c;
  const Core core = present_values(runs, c);
  m.effect = core.effect;
  m.pv = core.pv;
  for (auto* v : {&m.npv, &m.costs_pv, &m.benefits_pv, &m.bcr, &m.npv_without_time}) v->assign(S * R, 0.0);
  for (std::size_t s = 0; s < S; ++s)
    for (std::size_t r = 0; r < R; ++r) {
      double costs = 0.0, benefits = 0.0, time = 0.0;
      for (std::size_t i = 0; i < I; ++i) {
        const double v = core.pv[(s * R + r) * I + i];
        if (items[i].kind == ItemKind::cost) costs += v;
        if (items[i].kind == ItemKind::benefit) benefits += v;
        if (items[i].kind == ItemKind::cost && items[i].bearer == Bearer::residents) time += v;
      }
      const std::size_t k = s * R + r;
      m.costs_pv[k] = costs;
      m.benefits_pv[k] = benefits;
      m.npv[k] = benefits - costs;
      m.npv_without_time[k] = benefits - (costs - time);
      m.bcr[k] = costs > 0.0 ? benefits / costs : std::nan("");
    }
  auto column = [&](const std::vector<double>& v, std::size_t s) {
    return std::vector<double>(v.begin() + static_cast<std::ptrdiff_t>(s * R), v.begin() + static_cast<std::ptrdiff_t>((s + 1) * R));
  };
  for (std::size_t s = 0; s < S; ++s) {
    const MeanInterval n = mean_interval(column(m.npv, s)), co = mean_interval(column(m.costs_pv, s)), b = mean_interval(column(m.benefits_pv, s));
    m.npv_mean.push_back(n.mean);
    m.npv_lo.push_back(n.lo);
    m.npv_hi.push_back(n.hi);
    m.costs_mean.push_back(co.mean);
    m.costs_lo.push_back(co.lo);
    m.costs_hi.push_back(co.hi);
    m.benefits_mean.push_back(b.mean);
    m.benefits_lo.push_back(b.lo);
    m.benefits_hi.push_back(b.hi);
    m.bcr_of_means.push_back(co.mean > 0.0 ? b.mean / co.mean : std::nan(""));
    m.npv_without_time_mean.push_back(mean_interval(column(m.npv_without_time, s)).mean);
    std::vector<double> bearer(kBearers, 0.0);
    for (std::size_t i = 0; i < I; ++i) {
      std::vector<double> e(R), p(R);
      for (std::size_t r = 0; r < R; ++r) {
        e[r] = core.effect[(s * R + r) * I + i];
        p[r] = core.pv[(s * R + r) * I + i];
      }
      const MeanInterval ei = mean_interval(e);
      const double pm = mean_interval(p).mean;
      m.effect_mean.push_back(ei.mean);
      m.effect_lo.push_back(ei.lo);
      m.effect_hi.push_back(ei.hi);
      m.pv_mean.push_back(pm);
      bearer[static_cast<std::size_t>(items[i].bearer)] += items[i].kind == ItemKind::cost ? -pm : pm;
    }
    m.bearer_npv.insert(m.bearer_npv.end(), bearer.begin(), bearer.end());
  }

  // Sensitivity: each price (and the discount rate) at its low and high end, the others as they are.
  m.tornado.assign(S, {});
  m.break_even_key.assign(S, "");
  m.break_even_price.assign(S, std::nan(""));
  m.break_even_current.assign(S, std::nan(""));
  for (const auto& f : c.ranges) {
    auto with = [&](double value) {
      MkbaConfig v = c;
      if (f.key == "mkba.discount_rate") {
        v.discount_rate = value;
      } else {
        for (std::size_t i = 0; i < I; ++i)
          if (items[i].price_key == f.key) v.price[i] = value;
      }
      return present_values(runs, v);
    };
    const Core lo = with(f.low), hi = with(f.high);
    for (std::size_t s = 1; s < S; ++s) m.tornado[s].push_back({f.key, f.low, f.high, mean_npv(lo, s, R), mean_npv(hi, s, R)});
  }
  for (std::size_t s = 1; s < S; ++s) {
    auto& bars = m.tornado[s];
    std::stable_sort(bars.begin(), bars.end(), [](const TornadoBar& a, const TornadoBar& b) { return a.swing() > b.swing(); });
    // The break-even price of the most uncertain item: the widest bar that is a price (the NPV is linear in it).
    for (const auto& bar : bars) {
      if (bar.key == "mkba.discount_rate") continue;
      m.break_even_key[s] = bar.key;
      const double slope = bar.high > bar.low ? (bar.npv_high - bar.npv_low) / (bar.high - bar.low) : 0.0;
      const double p0 = std::find_if(c.ranges.begin(), c.ranges.end(), [&](const MkbaConfig::Range& r) { return r.key == bar.key; })->value;
      const double price = slope != 0.0 ? p0 - m.npv_mean[s] / slope : std::nan("");
      m.break_even_price[s] = std::isfinite(price) && price >= 0.0 ? price : std::nan("");
      m.break_even_current[s] = p0;
      break;
    }
  }
  return m;
}

void write_mkba(const ResultGroup& compare_group, const MkbaResult& m) {
  const auto& items = mkba_items();
  const std::size_t S = m.scenarios, R = m.replicates, I = items.size();
  ResultGroup g = compare_group.create_group("mkba");
  g.set_attr("discount_rate", m.config.discount_rate);
  g.set_attr("horizon_years", static_cast<double>(m.weeks) / 52.0);
  g.set_attr("horizon_weeks", static_cast<std::int64_t>(m.weeks));
  g.set_attr("guideline_horizon_years", static_cast<std::int64_t>(m.config.horizon_years));
  g.set_attr("price_year", static_cast<std::int64_t>(m.config.price_year));
  g.set_attr("note", std::string("Each scenario against scenario 0 over weeks 1..W after week 0, discounted per year; euros of price_year. [S, R] per "
                                 "scenario and replicate; *_mean/_lo/_hi over replicates (95% t-interval). npv = benefits_pv - costs_pv; bcr = "
                                 "benefits_pv / costs_pv where costs_pv > 0. docs/mkba.md"));
  g.write<double>("npv", m.npv, {S, R});
  g.write<double>("costs_pv", m.costs_pv, {S, R});
  g.write<double>("benefits_pv", m.benefits_pv, {S, R});
  g.write<double>("bcr", m.bcr, {S, R});
  g.write<double>("npv_without_residents_time", m.npv_without_time, {S, R});
  {
    ResultGroup sum = g.create_group("summary");
    sum.write<double>("npv_mean", m.npv_mean, {S});
    sum.write<double>("npv_lo", m.npv_lo, {S});
    sum.write<double>("npv_hi", m.npv_hi, {S});
    sum.write<double>("costs_pv_mean", m.costs_mean, {S});
    sum.write<double>("costs_pv_lo", m.costs_lo, {S});
    sum.write<double>("costs_pv_hi", m.costs_hi, {S});
    sum.write<double>("benefits_pv_mean", m.benefits_mean, {S});
    sum.write<double>("benefits_pv_lo", m.benefits_lo, {S});
    sum.write<double>("benefits_pv_hi", m.benefits_hi, {S});
    sum.write<double>("bcr_of_means", m.bcr_of_means, {S});
    sum.write<double>("npv_without_residents_time_mean", m.npv_without_time_mean, {S});
    std::vector<std::string> bearers;
    for (std::size_t b = 0; b < kBearers; ++b) bearers.emplace_back(bearer_name(static_cast<Bearer>(b)));
    sum.write_strings("bearers", bearers);
    sum.write<double>("bearer_npv", m.bearer_npv, {S, kBearers});
    sum.write_strings("break_even_key", m.break_even_key);
    sum.write<double>("break_even_price", m.break_even_price, {S});
    sum.write<double>("break_even_current", m.break_even_current, {S});
  }
  {
    ResultGroup it = g.create_group("items");
    std::vector<std::string> name, name_nl, kind, unit, bearer, key;
    for (const auto& item : items) {
      name.emplace_back(item.name);
      name_nl.emplace_back(item.name_nl);
      kind.emplace_back(item_kind_name(item.kind));
      unit.emplace_back(item.unit);
      bearer.emplace_back(bearer_name(item.bearer));
      key.emplace_back(item.price_key);
    }
    it.write_strings("name", name);
    it.write_strings("name_nl", name_nl);
    it.write_strings("kind", kind);
    it.write_strings("unit", unit);
    it.write_strings("bearer", bearer);
    it.write_strings("price_key", key);
    it.write<double>("price", m.config.price, {I});
    it.write<double>("effect", m.effect, {S, R, I});
    it.write<double>("effect_mean", m.effect_mean, {S, I});
    it.write<double>("effect_lo", m.effect_lo, {S, I});
    it.write<double>("effect_hi", m.effect_hi, {S, I});
    it.write<double>("pv", m.pv, {S, R, I});
    it.write<double>("pv_mean", m.pv_mean, {S, I});
  }
  {
    ResultGroup t = g.create_group("tornado");
    t.set_attr("note", std::string("[S, F]: row s holds scenario s's bars ordered by swing, widest first (row 0, the reference, is empty: NaN)"));
    const std::size_t F = S > 1 ? m.tornado[1].size() : 0;
    std::vector<std::string> keys(S * F);
    std::vector<double> low(S * F, std::nan("")), high(S * F, std::nan("")), npv_low(S * F, std::nan("")), npv_high(S * F, std::nan(""));
    for (std::size_t s = 1; s < S; ++s)
      for (std::size_t f = 0; f < F; ++f) {
        const auto& b = m.tornado[s][f];
        keys[s * F + f] = b.key;
        low[s * F + f] = b.low;
        high[s * F + f] = b.high;
        npv_low[s * F + f] = b.npv_low;
        npv_high[s * F + f] = b.npv_high;
      }
    t.write_strings("key", keys);
    t.write<double>("low", low, {S, F});
    t.write<double>("high", high, {S, F});
    t.write<double>("npv_low", npv_low, {S, F});
    t.write<double>("npv_high", npv_high, {S, F});
  }
}

}  // namespace buurt
