#include "buurt/experiment/Ensemble.h"

#include <fmt/format.h>
#include <cmath>

#include "buurt/base/Hash.h"
#include "buurt/core/RunLoop.h"
#include "buurt/output/Group.h"
#include "buurt/schema/Schema.h"

namespace buurt {

std::string model_fingerprint() {
  Params p;
  p.population_residents = 400;
  p.run_burn_in = 26;
  p.run_weeks = 26;
  p.run_snapshot_every = 0;
  p.run_seed = 1;
  Simulation sim(p, 0);
  std::uint64_t h = fnv1a(&kSchemaVersion, sizeof kSchemaVersion);
  // What people do, not what it is priced at: money outcomes are left out, so a price change (the MKBA's keys)
  // does not make a calibrated ensemble stale.
  auto add = [&](const Simulation& at) {
    for (const auto& spec : kOutcomeSpecs)
      if (spec.kind != OutcomeKind::money) {
        const double v = at.outcomes()[spec.id];
        h = fnv1a(&v, sizeof v, h);
      }
  };
  add(sim);
  run_weeks(sim, p.run_weeks, nullptr, add);
  return fmt::format("schema {}; run digest {:016x}", kSchemaVersion, h);
}

std::vector<std::string> Ensemble::overrides(std::size_t m) const {
  std::vector<std::string> out;
  const auto& row = members[m % members.size()];
  for (std::size_t j = 0; j < names.size(); ++j) {
    const ParamSpec* spec = find_param(names[j]);
    out.push_back(spec && spec->type == ParamType::Int ? fmt::format("{}={}", names[j], static_cast<std::int64_t>(std::llround(row[j])))
                                                       : fmt::format("{}={}", names[j], row[j]));
  }
  return out;
}

Ensemble load_ensemble(const std::filesystem::path& file) {
  const std::string f = file.string();
  auto fail = [&](const std::string& key, const std::string& msg) -> ScenarioError { return ScenarioError(f, 0, 0, key, msg); };
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec)) throw fail("", "no such posterior file (write one with `buurt calibrate`)");
  Ensemble e;
  e.path = f;
  std::vector<double> flat;
  std::vector<std::uint64_t> dims;
  try {
    ResultGroup h = ResultGroup::open_file(file);
    if (!h.exists("posterior") || h.attr_string("kind") != "posterior") throw fail("", "not a posterior file (written by `buurt calibrate`)");
    e.fingerprint = h.attr_string("model_fingerprint");
    ResultGroup g = h.open_group("posterior");
    e.names = g.read_strings("names");
    flat = g.read<double>("parameters", &dims);
  } catch (const ScenarioError&) {
    throw;
  } catch (const std::exception& ex) {
    throw fail("", fmt::format("cannot read the posterior: {}", ex.what()));
  }
  if (dims.size() != 2 || dims[1] != e.names.size()) throw fail("posterior/parameters", "expected a members x names matrix");
  if (dims[0] == 0) throw fail("posterior/parameters", "the ensemble is empty: nothing to compare over (recalibrate)");
  const std::string here = model_fingerprint();
  if (e.fingerprint != here)
    throw fail("model_fingerprint",
               fmt::format("the posterior was calibrated on another model ({}; this build: {}): recalibrate with `buurt calibrate`", e.fingerprint, here));
  for (std::size_t m = 0; m < dims[0]; ++m)
    e.members.emplace_back(flat.begin() + static_cast<std::ptrdiff_t>(m * dims[1]), flat.begin() + static_cast<std::ptrdiff_t>((m + 1) * dims[1]));
  for (std::size_t j = 0; j < e.names.size(); ++j) {
    const ParamSpec* spec = find_param(e.names[j]);
    if (!spec) throw fail(e.names[j], "the posterior calibrates an unknown key");
    for (const auto& row : e.members)
      if (!(row[j] >= spec->min && row[j] <= spec->max))
        throw fail(e.names[j], fmt::format("member value {} lies outside the schema's range [{}, {}]", row[j], spec->min, spec->max));
  }
  return e;
}

void check_ensemble_keys(const Ensemble& e, const std::vector<Scenario>& scenarios) {
  const Params defaults;
  for (const auto& s : scenarios)
    for (const auto& name : e.names) {
      const ParamSpec* spec = find_param(name);
      if (spec->role == ParamRole::policy) continue;
      if (spec->format(s.params) != spec->format(defaults))
        throw ScenarioError(s.source_path.empty() ? s.name : s.source_path, 0, 0, name,
                            fmt::format("the scenario sets {} = {}, a key the ensemble ({}) calibrates: remove it from the scenario, or "
                                        "compare without --ensemble",
                                        name, spec->format(s.params), e.path));
    }
}

}  // namespace buurt
