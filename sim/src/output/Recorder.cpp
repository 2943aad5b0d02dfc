#include "buurt/output/Recorder.h"

#include "Hdf5.h"
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
    file_ = ResultGroup::create_file(temp_);
  } catch (const FormatError& e) {
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
  if (H5Fflush(file_.handle(), H5F_SCOPE_GLOBAL) < 0) throw OutputError(fmt::format("cannot flush '{}' (disk full?)", temp_.string()));
  if (H5Fclose(file_.handle()) < 0) {
    file_ = ResultGroup();
    throw OutputError(fmt::format("cannot close '{}' (disk full?)", temp_.string()));
  }
  (void)std::move(file_);
  file_ = ResultGroup();
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

void write_meta(const ResultGroup& group, const Scenario& s, std::uint32_t run) {
  ResultGroup meta = group.create_group("meta");
  meta.write_string("scenario_given", s.given_text);
  meta.write_string("scenario_resolved", s.resolved_toml());
  meta.write_string("scenario_name", s.name);
  meta.write_string("scenario_description", s.description);
  meta.write_string("scenario_title", s.title);
  meta.write_string("scenario_title_nl", s.title_nl);
  meta.write_string("scenario_description_nl", s.description_nl);
  meta.write_string("scenario_path", s.source_path);
  meta.write_scalar<std::int64_t>("seed", s.params.run_seed);
  meta.write_scalar<std::int64_t>("run", run);
  meta.write_scalar<std::int64_t>("schema_version", kSchemaVersion);
  meta.write_string("program_version", Provenance::version());
  meta.write_string("git_commit", Provenance::commit());
}

void write_runtime(const ResultGroup& file, double wall_seconds, int threads) {
  ResultGroup rt = file.create_group("runtime");
  rt.write_scalar<double>("wall_seconds", wall_seconds);
  rt.write_scalar<std::int64_t>("threads", threads);
  char host[256] = {0};
  ::gethostname(host, sizeof(host) - 1);
  rt.write_string("host", host);
  rt.set_attr("note", std::string("Not part of the results: differs between identical runs."));
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

/// One growing dataset per snapshot variable, in SnapshotVars.def order.
struct RunRecorder::Snapshots {
  std::vector<h5::RowAppender> vars;
  h5::RowAppender& of(SnapshotVar v) { return vars[static_cast<std::size_t>(v)]; }
  /// One snapshot row of variable v, of the type SnapshotVars.def declares for it.
  template <SnapshotVar v>
  void append(std::span<const SnapshotType<v>> row) {
    of(v).template append<SnapshotType<v>>(row);
  }
};

RunRecorder::~RunRecorder() = default;

RunRecorder::RunRecorder(const ResultGroup& group, const Scenario& scenario, const Simulation& sim)
    : group_(group), total_weeks_(static_cast<int>(scenario.params.run_weeks)), every_(static_cast<int>(scenario.params.run_snapshot_every)) {
  snap_ = std::make_unique<Snapshots>();
  group.set_attr("kind", std::string("run"));
  write_meta(group, scenario, sim.run());
  const auto& pop = sim.population();
  const std::size_t n = pop.size;
  {
    ResultGroup g = group.create_group("population");
    std::vector<std::uint8_t> ht(n), age(n), inc(n);
    std::vector<std::uint32_t> block(n);
    for (std::size_t i = 0; i < n; ++i) {
      ht[i] = static_cast<std::uint8_t>(pop.household_type[i]);
      age[i] = static_cast<std::uint8_t>(pop.age[i]);
      inc[i] = static_cast<std::uint8_t>(pop.income[i]);
      block[i] = pop.street[i] / static_cast<std::uint32_t>(scenario.params.population_streets_per_block);
    }
    g.write<std::uint32_t>("household", pop.household, {}, 4);
    g.write<std::uint32_t>("street", pop.street, {}, 4);
    g.write<std::uint32_t>("block", block, {}, 4);
    g.write<std::uint8_t>("household_type", ht, {}, 4);
    g.write<std::uint8_t>("age_group", age, {}, 4);
    g.write<std::uint8_t>("income", inc, {}, 4);
    g.write<float>("x", pop.x, {}, 4);
    g.write<float>("y", pop.y, {}, 4);
    g.set_attr("household_type_codes", std::string("0 single, 1 couple, 2 family, 3 elderly"));
    g.set_attr("age_group_codes", std::string("0 child, 1 adult, 2 elderly"));
    g.set_attr("income_codes", std::string("0 benefits, 1 low, 2 middle"));
    g.set_attr("places", static_cast<std::int64_t>(n));
    g.set_attr("residents", static_cast<std::int64_t>(std::llround(sim.outcomes()[Outcome::residents])));
    g.set_attr("note", std::string("one row per place in a dwelling; with demography some are empty (snapshots/age = 255)"));
  }
  {
    ResultGroup g = group.create_group("snapshots");
    for (int v = 0; v < kNumSnapshotVars; ++v) {
      const auto var = static_cast<SnapshotVar>(v);
      snap_->vars.emplace_back(g.handle(), std::string(kSnapshotVars[v].name), snapshot_h5_type(var), static_cast<hsize_t>(n), 4);
      h5::set_attr(snap_->vars.back().id(), "unit", std::string(kSnapshotVars[v].unit));
    }
    std::string codes;
    for (std::size_t k = 0; k < kHelpSourceNames.size(); ++k) codes += fmt::format("{}{} {}", k ? ", " : "", k, kHelpSourceNames[k]);
    h5::set_attr(snap_->of(SnapshotVar::help_source).id(), "codes", codes);
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
  Snapshots& s = *snap_;
  for (int d = 0; d < kDomains; ++d) s.of(need_snapshot(d)).append<float>(pop.need[d]);
  s.append<SnapshotVar::self_reliance>(pop.self_reliance);
  s.append<SnapshotVar::self_direction>(pop.self_direction);
  s.append<SnapshotVar::trust_neighbours>(pop.trust_neighbours);
  s.append<SnapshotVar::trust_professionals>(pop.trust_professionals);
  s.append<SnapshotVar::dependency>(pop.dependency);
  s.append<SnapshotVar::fatigue>(pop.fatigue);
  s.append<SnapshotVar::hours_received>(pop.hours_received);
  s.append<SnapshotVar::active_ties>(pop.active_ties);
  s.append<SnapshotVar::help_source>(pop.help_source);
  s.append<SnapshotVar::helper>(pop.helper);
  s.append<SnapshotVar::flags>(pop.flags);
  s.append<SnapshotVar::ask_domain>(pop.ask_domain);
  std::vector<SnapshotType<SnapshotVar::age>> age(pop.size);
  for (std::size_t i = 0; i < pop.size; ++i) age[i] = pop.present(i) ? static_cast<std::uint8_t>(std::min(254, pop.age_years(i))) : 255;
  s.append<SnapshotVar::age>(age);
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
  ResultGroup g = group_.create_group(fmt::format("network/week_{:05}", sim.week()));
  g.write<std::uint32_t>("a", a, {}, 4);
  g.write<std::uint32_t>("b", b, {}, 4);
  g.write<std::uint8_t>("kind", kind, {}, 4);
  g.write<float>("strength", strength, {}, 4);
  g.write<float>("balance", balance, {}, 4);
  g.set_attr("week", static_cast<std::int64_t>(sim.week()));
}

void RunRecorder::record_week(const Simulation& sim) {
  rows_.push_back(sim.outcomes());
  if (every_ > 0 && sim.week() % every_ == 0) snapshot(sim);
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

void set_outcome_attrs(const ResultObject& obj, const OutcomeSpec& spec) {
  obj.set_attr("unit", std::string(spec.unit));
  obj.set_attr("description", std::string(spec.description));
  obj.set_attr("label", std::string(spec.label));
  obj.set_attr("label_nl", std::string(spec.label_nl));
  obj.set_attr("format", std::string(format_name(spec.format)));
  obj.set_attr("kind", std::string(kind_name(spec.kind)));
  obj.set_attr("direction", std::string(direction_name(spec.direction)));
  obj.set_attr("adults_only", static_cast<std::int64_t>(spec.adults_only));
  obj.set_attr("reference", std::string(spec.reference));
  obj.set_attr("headline", static_cast<std::int64_t>(spec.headline));
  obj.set_attr("window", std::string(spec.window == OutcomeWindow::end ? "end" : "year"));
}

void write_outcome_columns(const ResultGroup& group, const std::vector<std::string>& names, const std::string& prefix) {
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
    if (!group.exists(prefix + col)) group.write_strings(prefix + col, v);
  };
  auto ints = [&](const char* col, const std::vector<std::int64_t>& v) {
    if (!group.exists(prefix + col)) group.write<std::int64_t>(prefix + col, v, {K});
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

void write_outcomes(const ResultGroup& group, const std::vector<WeekOutcomes>& rows, const GroupTable& groups) {
  ResultGroup ts = group.create_group("timeseries");
  std::vector<std::int32_t> weeks(rows.size());
  for (std::size_t w = 0; w < rows.size(); ++w) weeks[w] = static_cast<std::int32_t>(w);
  ts.write<std::int32_t>("week", weeks);
  std::vector<double> col(rows.size());
  for (int k = 0; k < kNumOutcomes; ++k) {
    for (std::size_t w = 0; w < rows.size(); ++w) col[w] = rows[w].v[k];
    const std::string name(kOutcomeSpecs[k].name);
    ts.write<double>(name, col);
    ResultDataset d = ts.open_dataset(name);
    set_outcome_attrs(d, kOutcomeSpecs[k]);
  }
  ResultGroup fin = group.create_group("final");
  for (int k = 0; k < kNumOutcomes; ++k) fin.write_scalar<double>(std::string(kOutcomeSpecs[k].name), rows.back().v[k]);
  // Who is left behind: outcomes by income, household type and starting network size.
  ResultGroup bg = fin.create_group("by_group");
  bg.write_strings("group", groups.labels);
  for (const auto& g : kGroupOutcomeSpecs) {
    const std::string name(g.spec.name);
    bg.write<double>(name, groups.values[static_cast<std::size_t>(&g - kGroupOutcomeSpecs.data())]);
    ResultDataset d = bg.open_dataset(name);
    set_outcome_attrs(d, g.spec);
  }
  // The groups' names, row for row, beside by_group rather than in it: every dataset there but `group` is a measure.
  ResultGroup names = fin.create_group("by_group_labels");
  std::vector<std::string> label, label_nl;
  for (const ResidentGroup& g : kResidentGroups) {
    label.emplace_back(g.label);
    label_nl.emplace_back(g.label_nl);
  }
  names.write_strings("label", label);
  names.write_strings("label_nl", label_nl);
}

void RunRecorder::finish(const Simulation& sim) {
  snapshot(sim);
  {
    ResultGroup g = group_.open_group("snapshots");
    g.write<std::int32_t>("week", snap_weeks_);
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
