#include "Session.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <optional>
#include <stdexcept>

#include "buurt/output/Recorder.h"
#include "buurt/output/Results.h"
#include "buurt/scenario/Scenario.h"

namespace buurt::view {
namespace {

namespace fs = std::filesystem;

fs::path session_path(const Scenario& s, const std::string& given, const std::string& suffix) {
  if (!given.empty()) {
    if (suffix.empty()) return given;
    fs::path p(given);
    p.replace_filename(p.stem().string() + suffix + p.extension().string());
    return p;
  }
  // A default name that is taken is numbered when the session starts (SimSource, as a reset numbers its files).
  return s.name + suffix + "_session.h5";
}

/// What a result file says about itself, read before choosing how to replay it.
struct ReplayFile {
  std::optional<std::vector<SteerEntry>> log;
  std::string resolved, name;
  int weeks = 0;
};

ReplayFile read_replay_file(const std::string& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) throw std::invalid_argument(fmt::format("'{}' does not exist", path));
  std::optional<Results> opened;
  try {
    opened.emplace(path);
  } catch (const FormatError& e) {
    throw std::invalid_argument(fmt::format("'{}' is not a readable HDF5 file: {}", path, e.what()));
  }
  const Results& f = *opened;
  ReplayFile r;
  r.log = f.steering();
  r.resolved = f.scenario_resolved().value_or("");
  r.name = f.scenario_name().value_or("replay");
  if (const std::size_t rows = f.timeseries_rows()) r.weeks = static_cast<int>(rows) - 1;
  return r;
}

}  // namespace

std::vector<ScriptEntry> parse_script(const std::vector<std::string>& items) {
  std::vector<ScriptEntry> out;
  for (const auto& s : items) {
    const auto colon = s.find(':');
    const auto eq = s.find('=');
    if (colon == std::string::npos || eq == std::string::npos || eq < colon)
      throw std::invalid_argument(fmt::format("--steer expects WEEK:section.key=value, got '{}'", s));
    ScriptEntry e{std::stoi(s.substr(0, colon)), s.substr(colon + 1, eq - colon - 1), s.substr(eq + 1)};
    if (!find_param(e.key)) {
      const auto sug = suggest_param(e.key);
      throw std::invalid_argument(fmt::format("--steer: unknown key '{}'{}", e.key, sug ? fmt::format("; did you mean '{}'?", *sug) : ""));
    }
    out.push_back(std::move(e));
  }
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.week < b.week; });
  return out;
}

Session::Session(const Options& opt) : workshop_(opt.workshop) {
  if (!opt.replay.empty())
    check_replay(opt);
  else
    check_scenarios(opt);
}

void Session::check_replay(const Options& opt) {
  if (!opt.scenarios.empty()) throw std::invalid_argument("--replay takes a result file, not scenario files");
  replay_mode = true;
  replay_path_ = opt.replay;
  const ReplayFile file = read_replay_file(opt.replay);
  if (file.log && !file.resolved.empty() && !opt.replay_snapshots) {
    // A session file: the kernel is deterministic, so re-simulating the resolved scenario with the
    // slider log applied at the logged weeks reproduces every week exactly, not only the snapshots.
    replay_scenario_ = std::make_unique<Scenario>(parse_scenario(file.resolved, file.name));
    replay_log_ = *file.log;
    replay_last = std::max(file.weeks, 0);
  } else {
    replay_source_ = std::make_unique<ReplaySource>(opt.replay);
    replay_last = replay_source_->last_week();
  }
  replay_week = opt.weeks >= 0 ? std::min(opt.weeks, replay_last) : (opt.screenshot.empty() ? 0 : replay_last);
}

void Session::check_scenarios(const Options& opt) {
  if (opt.scenarios.empty()) throw std::invalid_argument("give a scenario file (live), two (side by side) or --replay FILE.h5; see --help");
  if (opt.scenarios.size() > 2 && !opt.workshop) throw std::invalid_argument("more than two scenarios need --workshop (number keys switch between them)");
  script_ = parse_script(opt.steer_script);
  std::vector<std::string> sets = opt.sets;
  if (opt.seed) sets.push_back(fmt::format("run.seed={}", *opt.seed));
  for (const auto& f : opt.scenarios) scenarios.push_back(load_scenario(f, sets));
  // Side by side and workshop scenarios share the first scenario's seed, so differences are the policy's.
  for (std::size_t k = 1; k < scenarios.size(); ++k)
    if (scenarios[k].params.run_seed != scenarios[0].params.run_seed)
      apply_overrides(scenarios[k], std::vector<std::string>{fmt::format("run.seed={}", scenarios[0].params.run_seed)});
  if (!opt.from_state.empty()) {
    state_ = std::make_shared<const StateFile>(opt.from_state);
    for (const auto& sc : scenarios) state_->check(sc.params);
  }
  // An explicit --out that exists is an error without --force; a default name that exists is numbered.
  existing_ = opt.force ? Existing::replace : opt.out.empty() ? Existing::number : Existing::refuse;
  for (std::size_t k = 0; k < scenarios.size(); ++k) {
    fs::path out;
    if (!opt.no_record) {
      std::string suffix;
      if (scenarios.size() > 1 && !opt.out.empty()) suffix = fmt::format("_{}", static_cast<char>('a' + k));
      out = session_path(scenarios[k], opt.out, suffix);
      for (std::size_t j = 0; j < k; ++j)
        if (outs_[j] == out) throw std::invalid_argument(fmt::format("two scenarios would record to '{}'; give them different names or --out", out.string()));
      if (existing_ != Existing::number) check_output_path(out, opt.force);
    }
    outs_.push_back(out);
  }
}

void Session::open() {
  if (replay_mode) {
    Pane p;
    if (replay_scenario_) {
      auto s = std::make_unique<SimSource>(*replay_scenario_, fs::path(), Existing::refuse);
      s->set_script(replay_log_);
      p.sim = s.get();
      p.owned = std::move(s);
      // The file's /timeseries as weekly outcome rows (weeks 0..last; outcomes the file lacks stay 0).
      file_rows_ = Results(replay_path_).outcome_rows(static_cast<std::size_t>(replay_last) + 1);
    } else {
      p.replay = replay_source_.get();
      p.owned = std::move(replay_source_);
    }
    p.src = p.owned.get();
    panes.push_back(std::move(p));
    if (panes[0].sim)
      panes[0].sim->seek(replay_week);
    else
      panes[0].replay->seek(replay_week);
    verify_replay();
    return;
  }
  for (std::size_t k = 0; k < scenarios.size(); ++k) prepared.push_back(std::make_unique<SimSource>(scenarios[k], outs_[k], existing_, state_));
  const std::size_t shown = workshop_ ? 1 : prepared.size();
  for (std::size_t k = 0; k < shown; ++k) {
    Pane p;
    p.sim = prepared[k].get();
    p.src = p.sim;
    panes.push_back(std::move(p));
  }
}

bool Session::verify_replay() {
  Pane& p = panes[0];
  if (!p.sim || file_rows_.empty()) return false;
  const auto& h = p.sim->history();
  if (h.size() < verified_rows_) verified_rows_ = 0;  // rebuilt from week 0
  for (; verified_rows_ < std::min(h.size(), file_rows_.size()); ++verified_rows_) {
    const auto& a = h[verified_rows_].v;
    const auto& b = file_rows_[verified_rows_].v;
    // Exact comparison: the same kernel reproduces every outcome bit for bit.
    if (std::memcmp(a.data(), b.data(), sizeof(double) * a.size()) == 0) continue;
    replay_note =
        fmt::format("week {} differs from the file: this program's kernel is not the one that wrote it; showing the file's snapshots", verified_rows_);
    fmt::print(stderr, "buurt-view: {}\n", replay_note);
    auto r = std::make_unique<ReplaySource>(replay_path_);
    p.replay = r.get();
    p.sim = nullptr;
    p.src = r.get();
    p.owned = std::move(r);
    p.map = MapView{};
    p.replay->seek(replay_week);
    file_rows_.clear();
    return true;
  }
  return false;
}

bool Session::advance_replay() {
  if (SimSource* rs = panes[0].sim; rs && rs->sim().week() != replay_week) {
    // Re-simulating: catch up a few weeks per frame so the window stays responsive (scrubbing back
    // starts again from week 0; the kernel is deterministic, so every week is exactly as recorded).
    const int target = rs->sim().week() > replay_week ? 0 : std::min(replay_week, rs->sim().week() + 8);
    rs->seek(rs->sim().week() > replay_week ? std::min(replay_week, 8) : target);
  }
  if (panes[0].replay && panes[0].src->history().size() != static_cast<std::size_t>(replay_week) + 1) panes[0].replay->seek(replay_week);
  return verify_replay();
}

void Session::step_live() {
  if (replay_mode) return;
  for (auto& p : panes) {
    if (!p.sim) continue;
    // Scripted steering (--steer) goes through the same path as a slider and is logged the same way.
    while (script_pos_ < script_.size() && script_[script_pos_].week <= p.sim->sim().week()) {
      for (auto& q : panes)
        if (q.sim) steer(*q.sim, script_[script_pos_].key, script_[script_pos_].value);
      ++script_pos_;
    }
    break;
  }
  for (auto& p : panes)
    if (p.sim) p.sim->step();
}

bool Session::switch_prepared(int k) {
  if (!workshop_ || k < 0 || k >= static_cast<int>(prepared.size()) || k == current) return false;
  current = k;
  page = k / kPerPage;
  panes[0].sim = prepared[static_cast<std::size_t>(k)].get();
  panes[0].src = panes[0].sim;
  return true;
}

bool Session::turn_page(int delta) {
  const int next = std::clamp(page + delta, 0, pages() - 1);
  if (next == page) return false;
  page = next;
  return true;
}

const std::vector<WeekOutcomes>* Session::reference() const {
  if (!workshop_ || current == 0 || prepared.empty() || prepared[0]->history().size() < 2) return nullptr;
  return &prepared[0]->history();
}

void Session::reset_all() {
  // A new seed for every scenario shown or prepared (they keep sharing one seed).
  const std::int64_t seed = panes[0].sim->scenario().params.run_seed + 1;
  for (auto& s : prepared) s->reset(seed);
  script_pos_ = 0;
}

void Session::finish(bool report) {
  for (auto& s : prepared) {
    s->finish();
    if (report && !s->out_path().empty()) fmt::print("wrote {}\n", s->out_path().string());
  }
}

}  // namespace buurt::view
