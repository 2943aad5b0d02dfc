#include "buurt/output/Results.h"

#include <fmt/format.h>

#include <algorithm>

namespace buurt {

void write_steering(const ResultGroup& root, const std::vector<SteerEntry>& log) {
  ResultGroup g = root.create_group("steering");
  std::vector<std::int32_t> weeks;
  std::vector<std::string> keys, values;
  for (const auto& e : log) {
    weeks.push_back(e.week);
    keys.push_back(e.key);
    values.push_back(e.value);
  }
  g.write<std::int32_t>("week", weeks);
  g.write_strings("key", keys);
  g.write_strings("value", values);
  g.set_attr("description", std::string("Policy slider changes of a buurt-view session: at week[k] (weeks completed) key[k] was set to value[k] "
                                        "(TOML literal) before the next week was simulated. Replaying /meta/scenario_resolved with these changes "
                                        "reproduces the session exactly."));
}

Results::Results(const std::filesystem::path& path) : path_(path), file_(ResultGroup::open_file(path)) {}
Results::~Results() = default;
Results::Results(Results&&) noexcept = default;
Results& Results::operator=(Results&&) noexcept = default;

template <class T>
std::vector<T> Results::read_or_empty(const std::string& name) const {
  return file_.exists(name) ? file_.read<T>(name) : std::vector<T>{};
}
#define BUURT_RESULTS_INSTANTIATE(T) template std::vector<T> Results::read_or_empty<T>(const std::string&) const;
BUURT_RESULTS_INSTANTIATE(float)
BUURT_RESULTS_INSTANTIATE(double)
BUURT_RESULTS_INSTANTIATE(std::int8_t)
BUURT_RESULTS_INSTANTIATE(std::uint8_t)
BUURT_RESULTS_INSTANTIATE(std::uint16_t)
BUURT_RESULTS_INSTANTIATE(std::int32_t)
BUURT_RESULTS_INSTANTIATE(std::uint32_t)
#undef BUURT_RESULTS_INSTANTIATE

std::string Results::kind() const { return file_.has_attr("kind") ? file_.attr_string("kind") : ""; }

std::optional<std::string> Results::scenario_name() const {
  if (!file_.exists("meta/scenario_name")) return std::nullopt;
  return file_.read_string("meta/scenario_name");
}

std::optional<std::string> Results::scenario_resolved() const {
  if (!file_.exists("meta/scenario_resolved")) return std::nullopt;
  return file_.read_string("meta/scenario_resolved");
}

std::size_t Results::timeseries_rows() const { return read_or_empty<std::int32_t>("timeseries/week").size(); }

std::optional<Series> Results::timeseries(std::string_view outcome) const {
  const std::string name = fmt::format("timeseries/{}", outcome);
  if (!file_.exists(name)) return std::nullopt;
  Series s;
  s.values = file_.read<double>(name);
  const ResultDataset d = file_.open_dataset(name);
  if (d.has_attr("unit")) s.unit = d.attr_string("unit");
  if (d.has_attr("label")) s.label = d.attr_string("label");
  return s;
}

std::vector<WeekOutcomes> Results::outcome_rows(std::size_t rows) const {
  std::vector<WeekOutcomes> out(rows, WeekOutcomes{});
  for (int k = 0; k < kNumOutcomes; ++k) {
    const std::string name = fmt::format("timeseries/{}", kOutcomeSpecs[k].name);
    if (!file_.exists(name)) continue;
    const auto col = file_.read<double>(name);
    for (std::size_t w = 0; w < std::min(col.size(), out.size()); ++w) out[w].v[k] = col[w];
  }
  return out;
}

std::optional<std::string> Results::missing_for_replay() const {
  for (const char* need : {"population/x", "population/y", "population/street", "population/household", "snapshots/week"})
    if (!file_.exists(need)) return std::string(need);
  return std::nullopt;
}

PopulationLayout Results::population() const {
  PopulationLayout p;
  p.x = file_.read<float>("population/x");
  p.y = file_.read<float>("population/y");
  p.street = file_.read<std::uint32_t>("population/street");
  p.household = file_.read<std::uint32_t>("population/household");
  p.block = read_or_empty<std::uint32_t>("population/block");
  return p;
}

std::vector<std::int32_t> Results::snapshot_weeks() const { return file_.read<std::int32_t>("snapshots/week"); }

std::vector<float> Results::need_snapshot(int domain) const {
  return read_or_empty<float>("snapshots/" + std::string(snapshot_name(buurt::need_snapshot(domain))));
}

NetworkSnapshot Results::network(int week) const {
  NetworkSnapshot n;
  const std::string g = fmt::format("network/week_{:05}", week);
  if (!file_.exists(g + "/a")) return n;
  n.a = file_.read<std::uint32_t>(g + "/a");
  n.b = file_.read<std::uint32_t>(g + "/b");
  n.kind = read_or_empty<std::uint8_t>(g + "/kind");
  n.strength = read_or_empty<float>(g + "/strength");
  return n;
}

std::optional<std::vector<SteerEntry>> Results::steering() const {
  if (!file_.exists("steering")) return std::nullopt;
  const ResultGroup g = file_.open_group("steering");
  const auto weeks = g.read<std::int32_t>("week");
  const auto keys = g.read_strings("key");
  const auto values = g.read_strings("value");
  if (keys.size() != weeks.size() || values.size() != weeks.size()) throw FormatError("/steering: week, key and value differ in length");
  std::vector<SteerEntry> log;
  for (std::size_t k = 0; k < weeks.size(); ++k) log.push_back({weeks[k], keys[k], values[k]});
  return log;
}

CompareTables Results::compare() const {
  if (!file_.exists("compare")) throw FormatError(fmt::format("'{}' has no /compare: not a comparison (buurt compare)", path_.string()));
  CompareTables t;
  const ResultGroup c = file_.open_group("compare");
  t.scenario_names = file_.read_strings("meta/scenario_names");
  t.outcomes = c.read_strings("outcomes");
  t.units = c.read_strings("units");
  Dims dims;
  t.final_values = c.read<double>("final", &dims);
  if (dims.size() != 3 || dims[2] != t.outcomes.size()) throw FormatError("/compare/final is not a scenarios x replicates x outcomes table");
  t.scenarios = dims[0];
  t.replicates = dims[1];
  t.last_year = c.read<double>("last_year_mean");
  t.mean = c.read<double>("summary/mean");
  t.diff_mean = c.read<double>("summary/diff_mean");
  t.diff_lo = c.read<double>("summary/diff_lo");
  t.diff_hi = c.read<double>("summary/diff_hi");
  return t;
}

}  // namespace buurt
