#include "SimSource.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>

#include "buurt/output/Results.h"

namespace buurt::view {
namespace {
// Above this many residents the viewer keeps histories only for followed residents (memory: ~6 bytes
// per resident-week for the dense history).
constexpr std::size_t kDenseStoryLimit = 20000;

std::uint8_t q8(float v) { return static_cast<std::uint8_t>(std::lround(std::clamp(v, 0.0f, 1.0f) * 255.0f)); }
}  // namespace

void fill_frame(Frame& f, const Simulation& sim) {
  const Population& pop = sim.population();
  f.week = sim.week();
  for (int d = 0; d < kDomains; ++d) f.need[d] = pop.need[d];
  f.self_reliance = pop.self_reliance;
  f.flags = pop.flags;
  f.help_source = pop.help_source;
  f.helper = pop.helper;
  f.ask_domain = pop.ask_domain;
  f.active_ties = pop.active_ties;
  f.shocks = pop.shocks;
  f.referrals = pop.referrals;
  f.team_wait = pop.team_wait;
  f.has_team = true;
  f.team = sim.team();
  f.initiatives = sim.initiatives();
  f.in_need_threshold = static_cast<float>(sim.params().events_in_need_threshold);
}

Layout layout_of(const Population& pop, std::uint32_t streets_per_block) {
  Layout l;
  l.n = pop.size;
  l.x = pop.x;
  l.y = pop.y;
  l.street = pop.street;
  l.household = pop.household;
  std::vector<std::uint32_t> block(pop.size);
  for (std::size_t i = 0; i < pop.size; ++i) block[i] = pop.street[i] / std::max<std::uint32_t>(1, streets_per_block);
  l.derive_blocks(block);
  return l;
}

std::filesystem::path numbered_path(const std::filesystem::path& base, int n) {
  if (n <= 1) return base;
  std::filesystem::path p = base;
  p.replace_filename(fmt::format("{}_{}{}", base.stem().string(), n, base.extension().string()));
  return p;
}

SimSource::SimSource(Scenario scenario, std::filesystem::path out, Existing existing, std::shared_ptr<const StateFile> state)
    : base_(std::move(scenario)), out_(std::move(out)), current_out_(out_), existing_(existing), state_(std::move(state)) {
  if (state_) {
    state_->check(base_.params);
    base_.params.run_burn_in = state_->burn_in();  // the neighbourhood's own burn-in, recorded in the session file
  }
  if (!out_.empty()) {
    // A default name that is taken never blocks a start: the session goes to the next free number, the
    // same numbering a reset uses.
    if (existing_ == Existing::number) number_ = free_number(1);
    current_out_ = numbered_path(out_, number_);
    if (number_ > 1) fmt::print("buurt-view: '{}' exists; recording this session to '{}'\n", out_.string(), current_out_.string());
    check_output_path(current_out_, existing_ == Existing::replace);
  }
  start();
}

int SimSource::free_number(int from) const {
  if (existing_ == Existing::replace) return from;
  for (int n = from;; ++n) {
    std::error_code ec;
    if (!std::filesystem::exists(numbered_path(out_, n), ec)) return n;
  }
}

SimSource::~SimSource() {
  try {
    finish();
  } catch (const std::exception& e) {
    fmt::print(stderr, "buurt-view: could not finish '{}': {}\n", current_out_.string(), e.what());
  }
}

void SimSource::start() {
  scenario_ = base_;
  log_.clear();
  script_pos_ = 0;
  sim_ = state_ ? state_->load(scenario_.params, 0) : std::make_unique<Simulation>(scenario_.params, 0);
  if (!current_out_.empty()) {
    file_ = std::make_unique<ResultFile>(current_out_, existing_ == Existing::replace);
    rec_ = std::make_unique<RunRecorder>(file_->root(), scenario_, *sim_);
  }
  layout_ = layout_of(sim_->population(), static_cast<std::uint32_t>(scenario_.params.population_streets_per_block));
  history_.assign(1, sim_->outcomes());
  dense_ = sim_->population().size <= kDenseStoryLimit;
  dense_need_.clear();
  events_.assign(dense_ ? sim_->population().size : 0, {});
  for (auto& [i, s] : followed_) s = Story{}, s.complete = false;
  fill_frame(frame_, *sim_);
  record_story();
  ++version_;
}

void SimSource::finish() {
  if (!file_) return;
  const auto t0 = std::chrono::steady_clock::now();
  rec_->finish(*sim_);
  write_steering(file_->root(), log_);
  write_runtime(file_->root(), std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(), 0);
  file_->commit();
  rec_.reset();
  file_.reset();
}

void SimSource::after_change() {
  fill_frame(frame_, *sim_);
  ++version_;
}

void SimSource::step() {
  // Replay: steering logged at this week is applied before the week is simulated, as it was live.
  while (script_pos_ < script_.size() && script_[script_pos_].week <= sim_->week()) {
    apply(script_[script_pos_].key, script_[script_pos_].value);
    ++script_pos_;
  }
  sim_->step();
  if (rec_) rec_->record_week(*sim_);
  history_.push_back(sim_->outcomes());
  after_change();
  record_story();
}

void SimSource::apply(const std::string& key, const std::string& value) {
  apply_overrides(scenario_, std::vector<std::string>{key + "=" + value});
  sim_->steer(scenario_.params);
  // Log the value as the schema formats it, so the log reads the same however it was given.
  const ParamSpec* spec = find_param(key);
  log_.push_back({sim_->week(), key, spec ? spec->format(scenario_.params) : value});
}

void SimSource::steer(const std::string& key, const std::string& value) { apply(key, value); }

void SimSource::set_script(std::vector<SteerEntry> script) {
  script_ = std::move(script);
  std::stable_sort(script_.begin(), script_.end(), [](const SteerEntry& a, const SteerEntry& b) { return a.week < b.week; });
  script_pos_ = 0;
}

void SimSource::seek(int week) {
  if (week < sim_->week()) start();
  while (sim_->week() < week) step();
  // Steering logged at the final week applies from the next week on; apply it so the panel shows it.
}

void SimSource::reset(std::int64_t seed) {
  finish();
  base_.params.run_seed = seed;
  if (state_ && state_->seed() != seed) state_.reset();  // another seed is another neighbourhood: built and burned in
  base_.overrides.push_back(fmt::format("run.seed={}", seed));
  if (!out_.empty()) {
    // Each reset begins a new session file beside the first: <stem>_2.h5, <stem>_3.h5, ... (names that exist skipped).
    number_ = free_number(number_ + 1);
    current_out_ = numbered_path(out_, number_);
  }
  start();
}

void SimSource::follow(std::uint32_t i) {
  if (dense_ || i >= sim_->population().size || followed_.count(i)) return;
  Story& s = followed_[i];
  s.complete = sim_->week() == 0;
  record_story();
}

void SimSource::record_story() {
  const Population& pop = sim_->population();
  const int w = sim_->week();
  auto event_of = [&](std::size_t i, std::vector<Story::Event>& ev) {
    if (pop.shocks[i] || pop.help_source[i] || pop.ask_domain[i] >= 0) ev.push_back({w, pop.shocks[i], pop.help_source[i], pop.helper[i], pop.ask_domain[i]});
  };
  if (dense_) {
    const std::size_t n = pop.size;
    std::vector<std::uint8_t> row(n * (kDomains + 1));
    for (std::size_t i = 0; i < n; ++i) {
      for (int d = 0; d < kDomains; ++d) row[i * (kDomains + 1) + d] = q8(pop.need[d][i]);
      row[i * (kDomains + 1) + kDomains] = q8(pop.self_reliance[i]);
      event_of(i, events_[i]);
    }
    dense_need_.push_back(std::move(row));
  }
  for (auto& [i, s] : followed_) {
    s.weeks.push_back(w);
    for (int d = 0; d < kDomains; ++d) s.need[d].push_back(pop.need[d][i]);
    s.self_reliance.push_back(pop.self_reliance[i]);
    event_of(i, s.events);
  }
}

Story SimSource::story(std::uint32_t i) const {
  if (dense_ && i < layout_.n) {
    Story s;
    for (std::size_t w = 0; w < dense_need_.size(); ++w) {
      s.weeks.push_back(static_cast<int>(w));
      const std::uint8_t* r = &dense_need_[w][i * (kDomains + 1)];
      for (int d = 0; d < kDomains; ++d) s.need[d].push_back(static_cast<float>(r[d]) / 255.0f);
      s.self_reliance.push_back(static_cast<float>(r[kDomains]) / 255.0f);
    }
    s.events = events_[i];
    return s;
  }
  auto it = followed_.find(i);
  if (it != followed_.end()) return it->second;
  Story s;
  s.complete = false;
  return s;
}

void SimSource::ties_of(std::uint32_t i, std::vector<TieView>& out) const {
  out.clear();
  const Network& net = sim_->network();
  if (i + 1 >= net.row_begin.size()) return;
  for (std::uint32_t k = net.row_begin[i]; k < net.row_begin[i + 1]; ++k) {
    const std::uint32_t j = net.other[k];
    if (j == kNone) continue;
    const std::uint32_t e = net.edge[k];
    if (!net.active(e)) continue;
    out.push_back({j, static_cast<std::uint8_t>(net.kind[e]), net.strength[e]});
  }
}

std::string SimSource::title() const { return fmt::format("{} (seed {})", scenario_.name, scenario_.params.run_seed); }

void SimSource::force_need(std::uint32_t i, float value) {
  Population& pop = sim_->population_mut();
  if (i >= pop.size) return;
  for (int d = 0; d < kDomains; ++d) pop.need[d][i] = value;
  sim_->refresh();
  history_.back() = sim_->outcomes();
  after_change();
}

}  // namespace buurt::view
