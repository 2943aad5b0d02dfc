#include "buurt/output/Recorder.h"

#include "buurt/core/Accounting.h"

#include "buurt/core/RunLoop.h"

#include <fcntl.h>
#include <unistd.h>

#include <fmt/format.h>
#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>

#ifndef BUURT_VERSION
#define BUURT_VERSION "0.0.0"
#endif
#ifndef BUURT_GIT_COMMIT
#define BUURT_GIT_COMMIT "unknown"
#endif

namespace buurt {
namespace fs = std::filesystem;

std::string Provenance::version() { return BUURT_VERSION; }
std::string Provenance::commit() { return BUURT_GIT_COMMIT; }

void check_output_path(const fs::path& path, bool force) {
  std::error_code ec;
  if (fs::exists(path, ec) && !force) throw OutputError(fmt::format("'{}' already exists; choose another --out or pass --force to replace it", path.string()));
  if (fs::is_directory(path, ec)) throw OutputError(fmt::format("'{}' is a directory", path.string()));
  const fs::path dir = path.has_parent_path() ? path.parent_path() : fs::path(".");
  if (!fs::is_directory(dir, ec)) throw OutputError(fmt::format("output directory '{}' does not exist", dir.string()));
  if (::access(dir.c_str(), W_OK) != 0) throw OutputError(fmt::format("output directory '{}' is not writable: {}", dir.string(), std::strerror(errno)));
}

ResultFile::ResultFile(fs::path final_path, bool force) : final_(std::move(final_path)) {
  check_output_path(final_, force);
  temp_ = final_;
  temp_ += fmt::format(".tmp-{}", ::getpid());
  try {
    file_ = h5::create_file(temp_);
  } catch (const h5::Error& e) {
    std::error_code ec;
    fs::remove(temp_, ec);  // a create that failed half-way (disk full) may leave a stub behind
    throw OutputError(fmt::format("cannot create '{}': {}", temp_.string(), e.what()));
  }
}

ResultFile::~ResultFile() {
  if (committed_) return;
  file_.close();
  std::error_code ec;
  fs::remove(temp_, ec);
}

void ResultFile::commit() {
  if (H5Fflush(file_.id(), H5F_SCOPE_GLOBAL) < 0) throw OutputError(fmt::format("cannot flush '{}' (disk full?)", temp_.string()));
  if (H5Fclose(file_.id()) < 0) {
    file_ = h5::Handle();
    throw OutputError(fmt::format("cannot close '{}' (disk full?)", temp_.string()));
  }
  (void)std::move(file_);
  file_ = h5::Handle();
  const int fd = ::open(temp_.c_str(), O_RDONLY);
  if (fd >= 0) {
    const int rc = ::fsync(fd);
    ::close(fd);
    if (rc != 0) throw OutputError(fmt::format("cannot sync '{}': {}", temp_.string(), std::strerror(errno)));
  }
  std::error_code ec;
  fs::rename(temp_, final_, ec);
  if (ec) throw OutputError(fmt::format("cannot rename '{}' to '{}': {}", temp_.string(), final_.string(), ec.message()));
  committed_ = true;
}

void write_meta(hid_t group, const Scenario& s, std::uint32_t run) {
  h5::Handle meta = h5::create_group(group, "meta");
  h5::write_string(meta.id(), "scenario_given", s.given_text);
  h5::write_string(meta.id(), "scenario_resolved", s.resolved_toml());
  h5::write_string(meta.id(), "scenario_name", s.name);
  h5::write_string(meta.id(), "scenario_description", s.description);
  h5::write_string(meta.id(), "scenario_title", s.title);
  h5::write_string(meta.id(), "scenario_title_nl", s.title_nl);
  h5::write_string(meta.id(), "scenario_description_nl", s.description_nl);
  h5::write_string(meta.id(), "scenario_path", s.source_path);
  h5::write_scalar<std::int64_t>(meta.id(), "seed", s.params.run_seed);
  h5::write_scalar<std::int64_t>(meta.id(), "run", run);
  h5::write_scalar<std::int64_t>(meta.id(), "schema_version", kSchemaVersion);
  h5::write_string(meta.id(), "program_version", Provenance::version());
  h5::write_string(meta.id(), "git_commit", Provenance::commit());
}

void write_runtime(hid_t file, double wall_seconds, int threads) {
  h5::Handle rt = h5::create_group(file, "runtime");
  h5::write_scalar<double>(rt.id(), "wall_seconds", wall_seconds);
  h5::write_scalar<std::int64_t>(rt.id(), "threads", threads);
  char host[256] = {0};
  ::gethostname(host, sizeof(host) - 1);
  h5::write_string(rt.id(), "host", host);
  h5::set_attr(rt.id(), "note", std::string("Not part of the results: differs between identical runs."));
}

namespace {
// The stored HDF5 type of each snapshot variable (SnapshotVars.def).
hid_t snapshot_h5_type(SnapshotVar v) {
  switch (v) {
#define X(id, name, type, unit) \
  case SnapshotVar::id:         \
    return h5::native_type<type>();
#include "buurt/schema/SnapshotVars.def"
#undef X
    case SnapshotVar::Count: break;
  }
  return H5T_NATIVE_FLOAT;
}
}  // namespace

RunRecorder::RunRecorder(hid_t group, const Scenario& scenario, const Simulation& sim)
    : group_(group), total_weeks_(static_cast<int>(scenario.params.run_weeks)), every_(static_cast<int>(scenario.params.run_snapshot_every)) {
  h5::set_attr(group, "kind", std::string("run"));
  write_meta(group, scenario, sim.run());
  const auto& pop = sim.population();
  const std::size_t n = pop.size;
  {
    h5::Handle g = h5::create_group(group, "population");
    std::vector<std::uint8_t> ht(n), age(n), inc(n);
    std::vector<std::uint32_t> block(n);
    for (std::size_t i = 0; i < n; ++i) {
      ht[i] = static_cast<std::uint8_t>(pop.household_type[i]);
      age[i] = static_cast<std::uint8_t>(pop.age[i]);
      inc[i] = static_cast<std::uint8_t>(pop.income[i]);
      block[i] = pop.street[i] / static_cast<std::uint32_t>(scenario.params.population_streets_per_block);
    }
    h5::write<std::uint32_t>(g.id(), "household", pop.household, {}, 4);
    h5::write<std::uint32_t>(g.id(), "street", pop.street, {}, 4);
    h5::write<std::uint32_t>(g.id(), "block", block, {}, 4);
    h5::write<std::uint8_t>(g.id(), "household_type", ht, {}, 4);
    h5::write<std::uint8_t>(g.id(), "age_group", age, {}, 4);
    h5::write<std::uint8_t>(g.id(), "income", inc, {}, 4);
    h5::write<float>(g.id(), "x", pop.x, {}, 4);
    h5::write<float>(g.id(), "y", pop.y, {}, 4);
    h5::set_attr(g.id(), "household_type_codes", std::string("0 single, 1 couple, 2 family, 3 elderly"));
    h5::set_attr(g.id(), "age_group_codes", std::string("0 child, 1 adult, 2 elderly"));
    h5::set_attr(g.id(), "income_codes", std::string("0 benefits, 1 low, 2 middle"));
    h5::set_attr(g.id(), "places", static_cast<std::int64_t>(n));
    h5::set_attr(g.id(), "residents", static_cast<std::int64_t>(std::llround(sim.outcomes()[Outcome::residents])));
    h5::set_attr(g.id(), "note", std::string("one row per place in a dwelling; with demography some are empty (snapshots/age = 255)"));
  }
  {
    h5::Handle g = h5::create_group(group, "snapshots");
    for (int v = 0; v < kNumSnapshotVars; ++v) {
      const auto var = static_cast<SnapshotVar>(v);
      snap_.emplace_back(g.id(), std::string(kSnapshotVars[v].name), snapshot_h5_type(var), static_cast<hsize_t>(n), 4);
      h5::set_attr(snap_.back().id(), "unit", std::string(kSnapshotVars[v].unit));
    }
    std::string codes;
    for (std::size_t k = 0; k < kHelpSourceNames.size(); ++k) codes += fmt::format("{}{} {}", k ? ", " : "", k, kHelpSourceNames[k]);
    h5::set_attr(snap(SnapshotVar::help_source).id(), "codes", codes);
  }
  initial_ties_ = pop.active_ties;
  initial_self_reliance_ = pop.self_reliance;
  initial_age_ = pop.age_weeks;
  rows_.push_back(sim.outcomes());
  snapshot(sim);
}

void RunRecorder::snapshot(const Simulation& sim) {
  if (last_snapshot_ == sim.week()) return;
  last_snapshot_ = sim.week();
  const auto& pop = sim.population();
  for (int d = 0; d < kDomains; ++d) snap(need_snapshot(d)).append<float>(pop.need[d]);
  append<SnapshotVar::self_reliance>(pop.self_reliance);
  append<SnapshotVar::self_direction>(pop.self_direction);
  append<SnapshotVar::trust_neighbours>(pop.trust_neighbours);
  append<SnapshotVar::trust_professionals>(pop.trust_professionals);
  append<SnapshotVar::dependency>(pop.dependency);
  append<SnapshotVar::fatigue>(pop.fatigue);
  append<SnapshotVar::hours_received>(pop.hours_received);
  append<SnapshotVar::active_ties>(pop.active_ties);
  append<SnapshotVar::help_source>(pop.help_source);
  append<SnapshotVar::helper>(pop.helper);
  append<SnapshotVar::flags>(pop.flags);
  append<SnapshotVar::ask_domain>(pop.ask_domain);
  std::vector<SnapshotType<SnapshotVar::age>> age(pop.size);
  for (std::size_t i = 0; i < pop.size; ++i) age[i] = pop.present(i) ? static_cast<std::uint8_t>(std::min(254, pop.age_years(i))) : 255;
  append<SnapshotVar::age>(age);
  snap_weeks_.push_back(sim.week());
  // Ties at this week (active ties only).
  const auto& net = sim.network();
  std::vector<std::uint32_t> a, b;
  std::vector<std::uint8_t> kind;
  std::vector<float> strength, balance;
  for (std::size_t e = 0; e < net.edges(); ++e) {
    if (!net.active(static_cast<std::uint32_t>(e))) continue;
    a.push_back(net.a[e]);
    b.push_back(net.b[e]);
    kind.push_back(static_cast<std::uint8_t>(net.kind[e]));
    strength.push_back(net.strength[e]);
    balance.push_back(net.balance[e]);
  }
  h5::Handle g = h5::create_group(group_, fmt::format("network/week_{:05}", sim.week()));
  h5::write<std::uint32_t>(g.id(), "a", a, {}, 4);
  h5::write<std::uint32_t>(g.id(), "b", b, {}, 4);
  h5::write<std::uint8_t>(g.id(), "kind", kind, {}, 4);
  h5::write<float>(g.id(), "strength", strength, {}, 4);
  h5::write<float>(g.id(), "balance", balance, {}, 4);
  h5::set_attr(g.id(), "week", static_cast<std::int64_t>(sim.week()));
}

void RunRecorder::record_week(const Simulation& sim) {
  rows_.push_back(sim.outcomes());
  if (every_ > 0 && sim.week() % every_ == 0) snapshot(sim);
}

namespace {
// The group indices group_outcomes() computes: income 0-2, household type 3-6, ties at the start 7-9, arrival 10-11.
constexpr bool resident_groups_agree() {
  for (std::size_t i = 0; i < kIncomeNames.size(); ++i)
    if (kResidentGroups[i].dimension != "income" || kResidentGroups[i].group != kIncomeNames[i]) return false;
  for (std::size_t i = 0; i < kHouseholdNames.size(); ++i)
    if (kResidentGroups[3 + i].dimension != "household" || kResidentGroups[3 + i].group != kHouseholdNames[i]) return false;
  return kIncomeNames.size() == 3 && kHouseholdNames.size() == 4 && kResidentGroups[7].dimension == "start_ties" &&
         kResidentGroups[9].dimension == "start_ties" && kResidentGroups[10].dimension == "arrival" && kResidentGroups[11].group == "newcomer";
}
}  // namespace

GroupTable group_outcomes(const Simulation& sim, const std::vector<std::uint16_t>& initial_ties, const std::vector<float>& initial_self_reliance,
                          const std::vector<std::uint16_t>& initial_age) {
  const auto& pop = sim.population();
  const float thr = static_cast<float>(sim.params().events_in_need_threshold);
  GroupTable t;
  static_assert(resident_groups_agree(), "GroupOutcomes.h: kResidentGroups disagrees with the income and household codes or the group indices below");
  for (const ResidentGroup& g : kResidentGroups) t.labels.push_back(fmt::format("{}:{}", g.dimension, g.group));
  const std::size_t G = t.labels.size();
  for (auto& col : t.values) col.assign(G, 0.0);
  // Members of each group by whom a value is a mean over (GroupOver): residents, adults, stayers.
  std::array<std::vector<double>, 3> members;
  for (auto& m : members) m.assign(G, 0.0);
  const int weeks = std::max(0, sim.week());
  for (std::size_t i = 0; i < pop.size; ++i) {
    if (!pop.present(i)) continue;  // an empty place
    // The same resident as at week 0: its age has grown by exactly the weeks since (ages stop at 120 years); without
    // demography nobody ages, moves or dies, so everyone there at week 0 is.
    const bool stayer = initial_age[i] != kVacantAge && (!sim.params().demography_enabled || pop.age_weeks[i] == std::min(initial_age[i] + weeks, 52 * 120));
    // A newcomer moved in since week 0 (births are recorded as arriving at -1; movers at the tick they came).
    const bool newcomer = pop.arrived[i] >= sim.burn_in();
    GroupResident r;
    for (int d = 0; d < kDomains; ++d) r.in_need |= pop.need[d][i] >= thr;
    r.social_need = pop.need[Social][i];
    r.self_reliance = pop.self_reliance[i];
    r.self_reliance_gain = stayer ? pop.self_reliance[i] - initial_self_reliance[i] : 0.0;
    r.active_ties = pop.active_ties[i];
    const bool adult = pop.age[i] != AgeGroup::Child;
    const std::size_t t0 = initial_ties[i];
    const std::size_t groups[4] = {static_cast<std::size_t>(pop.income[i]), 3 + static_cast<std::size_t>(pop.household_type[i]),
                                   7 + (t0 <= 2   ? 0u
                                        : t0 <= 5 ? 1u
                                                  : 2u),
                                   stayer     ? 10u
                                   : newcomer ? 11u
                                              : G};
    for (std::size_t g : groups) {
      if (g >= G || (g >= 7 && g < 10 && !stayer)) continue;  // the start_ties groups count stayers only
      members[static_cast<int>(GroupOver::residents)][g] += 1;
      members[static_cast<int>(GroupOver::adults)][g] += adult;
      members[static_cast<int>(GroupOver::stayers)][g] += stayer;
      for (std::size_t k = 0; k < kGroupOutcomeSpecs.size(); ++k) {
        const auto& s = kGroupOutcomeSpecs[k];
        const bool member = s.over == GroupOver::adults ? adult : s.over == GroupOver::stayers ? stayer : true;
        if (member) t.values[k][g] += s.value(r);
      }
    }
  }
  for (std::size_t k = 0; k < kGroupOutcomeSpecs.size(); ++k) {
    const GroupOver over = kGroupOutcomeSpecs[k].over;
    if (over == GroupOver::count) continue;
    for (std::size_t g = 0; g < G; ++g) {
      const double n = members[static_cast<int>(over)][g];
      // A mean over stayers in a group without any (newcomers) is NaN; other means over an empty group read 0.
      t.values[k][g] = n > 0.0 ? t.values[k][g] / n : over == GroupOver::stayers ? std::nan("") : 0.0;
    }
  }
  return t;
}

std::string_view format_name(OutcomeFormat f) {
  switch (f) {
    case OutcomeFormat::pct: return "pct";
    case OutcomeFormat::dec: return "dec";
    case OutcomeFormat::int_: return "int";
    case OutcomeFormat::eur: return "eur";
  }
  return "";
}

std::string_view kind_name(OutcomeKind k) {
  switch (k) {
    case OutcomeKind::share: return "share";
    case OutcomeKind::index: return "index";
    case OutcomeKind::count: return "count";
    case OutcomeKind::hours: return "hours";
    case OutcomeKind::weeks: return "weeks";
    case OutcomeKind::ties: return "ties";
    case OutcomeKind::money: return "money";
  }
  return "";
}

std::string_view direction_name(Direction d) {
  switch (d) {
    case Direction::up: return "up";
    case Direction::down: return "down";
    case Direction::neither: return "neither";
  }
  return "";
}

void set_outcome_attrs(hid_t obj, const OutcomeSpec& spec) {
  h5::set_attr(obj, "unit", std::string(spec.unit));
  h5::set_attr(obj, "description", std::string(spec.description));
  h5::set_attr(obj, "label", std::string(spec.label));
  h5::set_attr(obj, "label_nl", std::string(spec.label_nl));
  h5::set_attr(obj, "format", std::string(format_name(spec.format)));
  h5::set_attr(obj, "kind", std::string(kind_name(spec.kind)));
  h5::set_attr(obj, "direction", std::string(direction_name(spec.direction)));
  h5::set_attr(obj, "adults_only", static_cast<std::int64_t>(spec.adults_only));
  h5::set_attr(obj, "reference", std::string(spec.reference));
  h5::set_attr(obj, "headline", static_cast<std::int64_t>(spec.headline));
  h5::set_attr(obj, "window", std::string(spec.window == OutcomeWindow::end ? "end" : "year"));
}

void write_outcome_columns(hid_t group, const std::vector<std::string>& names, const std::string& prefix) {
  const std::size_t K = names.size();
  std::vector<std::string> units(K), descs(K), labels(K), labels_nl(K), formats(K), kinds(K), directions(K), references(K), windows(K, "year");
  std::vector<std::int64_t> adults(K, 0), headlines(K, 0);
  for (std::size_t i = 0; i < K; ++i)
    for (const auto& s : kOutcomeSpecs)
      if (s.name == names[i]) {
        units[i] = s.unit;
        descs[i] = s.description;
        labels[i] = s.label;
        labels_nl[i] = s.label_nl;
        formats[i] = format_name(s.format);
        kinds[i] = kind_name(s.kind);
        directions[i] = direction_name(s.direction);
        references[i] = s.reference;
        adults[i] = s.adults_only;
        headlines[i] = s.headline;
        windows[i] = s.window == OutcomeWindow::end ? "end" : "year";
        break;
      }
  auto strings = [&](const char* col, const std::vector<std::string>& v) {
    if (!h5::exists(group, prefix + col)) h5::write_strings(group, prefix + col, v);
  };
  auto ints = [&](const char* col, const std::vector<std::int64_t>& v) {
    if (!h5::exists(group, prefix + col)) h5::write<std::int64_t>(group, prefix + col, v, {K});
  };
  strings("units", units);
  strings("descriptions", descs);
  strings("labels", labels);
  strings("labels_nl", labels_nl);
  strings("formats", formats);
  strings("kinds", kinds);
  strings("directions", directions);
  ints("adults_only", adults);
  strings("references", references);
  ints("headlines", headlines);
  strings("windows", windows);
}

void write_outcomes(hid_t group, const std::vector<WeekOutcomes>& rows, const GroupTable& groups) {
  h5::Handle ts = h5::create_group(group, "timeseries");
  std::vector<std::int32_t> weeks(rows.size());
  for (std::size_t w = 0; w < rows.size(); ++w) weeks[w] = static_cast<std::int32_t>(w);
  h5::write<std::int32_t>(ts.id(), "week", weeks);
  std::vector<double> col(rows.size());
  for (int k = 0; k < kNumOutcomes; ++k) {
    for (std::size_t w = 0; w < rows.size(); ++w) col[w] = rows[w].v[k];
    const std::string name(kOutcomeSpecs[k].name);
    h5::write<double>(ts.id(), name, col);
    h5::Handle d(H5Dopen2(ts.id(), name.c_str(), H5P_DEFAULT));
    set_outcome_attrs(d.id(), kOutcomeSpecs[k]);
  }
  h5::Handle fin = h5::create_group(group, "final");
  for (int k = 0; k < kNumOutcomes; ++k) h5::write_scalar<double>(fin.id(), std::string(kOutcomeSpecs[k].name), rows.back().v[k]);
  // Who is left behind: outcomes by income, household type and starting network size.
  h5::Handle bg = h5::create_group(fin.id(), "by_group");
  h5::write_strings(bg.id(), "group", groups.labels);
  for (const auto& g : kGroupOutcomeSpecs) {
    const std::string name(g.spec.name);
    h5::write<double>(bg.id(), name, groups.values[static_cast<std::size_t>(&g - kGroupOutcomeSpecs.data())]);
    h5::Handle d = h5::open_dataset(bg.id(), name);
    set_outcome_attrs(d.id(), g.spec);
  }
  // The groups' names, row for row, beside by_group rather than in it: every dataset there but `group` is a measure.
  h5::Handle names = h5::create_group(fin.id(), "by_group_labels");
  std::vector<std::string> label, label_nl;
  for (const ResidentGroup& g : kResidentGroups) {
    label.emplace_back(g.label);
    label_nl.emplace_back(g.label_nl);
  }
  h5::write_strings(names.id(), "label", label);
  h5::write_strings(names.id(), "label_nl", label_nl);
}

void RunRecorder::finish(const Simulation& sim) {
  snapshot(sim);
  {
    h5::Handle g = h5::open_group(group_, "snapshots");
    h5::write<std::int32_t>(g.id(), "week", snap_weeks_);
  }
  write_outcomes(group_, rows_, group_outcomes(sim, initial_ties_, initial_self_reliance_, initial_age_));
}

void run_recorded(Simulation& sim, RunRecorder* rec, int weeks, const std::atomic<bool>* stop, const std::function<void(int)>& progress) {
  const bool done = run_weeks(sim, weeks, stop, [&](const Simulation& s) {
    if (rec) rec->record_week(s);
    if (progress) progress(s.week());
  });
  if (!done) throw Interrupted();
  if (rec) rec->finish(sim);
}

}  // namespace buurt
