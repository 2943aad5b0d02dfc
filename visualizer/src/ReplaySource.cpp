#include "ReplaySource.h"

#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <stdexcept>

#include "buurt/output/Results.h"
#include "buurt/scenario/Scenario.h"
#include "buurt/schema/SnapshotVars.h"

namespace buurt::view {
namespace {

template <class T>
void row(const std::vector<T>& all, std::size_t s, std::size_t n, std::vector<T>& out) {
  if (all.size() < (s + 1) * n) {
    out.assign(n, T{});
    return;
  }
  out.assign(all.begin() + static_cast<std::ptrdiff_t>(s * n), all.begin() + static_cast<std::ptrdiff_t>((s + 1) * n));
}

}  // namespace

ReplaySource::ReplaySource(const std::filesystem::path& file) : path_(file) {
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) throw std::invalid_argument(fmt::format("'{}' does not exist", file.string()));
  std::optional<Results> opened;
  try {
    opened.emplace(file);
  } catch (const FormatError& e) {
    throw std::invalid_argument(fmt::format("'{}' is not a readable HDF5 result file: {}", file.string(), e.what()));
  }
  const Results& f = *opened;
  if (const auto need = f.missing_for_replay())
    throw std::invalid_argument(fmt::format("'{}' has no /{}: not a run result with snapshots (see docs/output.md)", file.string(), *need));
  std::string name = f.scenario_name().value_or(file.stem().string());
  title_ = fmt::format("{} ({})", name, file.filename().string());
  if (const auto resolved = f.scenario_resolved()) {
    try {
      threshold_ = static_cast<float>(parse_scenario(*resolved, name).params.events_in_need_threshold);
    } catch (const std::exception&) {
      // Files from another schema version: keep the default threshold.
    }
  }
  PopulationLayout pop = f.population();
  layout_.x = std::move(pop.x);
  layout_.y = std::move(pop.y);
  layout_.street = std::move(pop.street);
  layout_.household = std::move(pop.household);
  layout_.n = layout_.x.size();
  if (pop.block.size() != layout_.n) pop.block.assign(layout_.n, 0);
  layout_.derive_blocks(pop.block);

  weeks_ = f.snapshot_weeks();
  // The variables by their declaration (schema/SnapshotVars.def): names and types as the recorder writes them.
  for (int d = 0; d < kDomains; ++d) need_[d] = f.need_snapshot(d);
  self_reliance_ = f.snapshot<SnapshotVar::self_reliance>();
  flags_ = f.snapshot<SnapshotVar::flags>();
  help_source_ = f.snapshot<SnapshotVar::help_source>();
  helper_ = f.snapshot<SnapshotVar::helper>();
  ask_domain_ = f.snapshot<SnapshotVar::ask_domain>();
  active_ties_ = f.snapshot<SnapshotVar::active_ties>();

  if (const std::size_t rows = f.timeseries_rows()) all_ = f.outcome_rows(rows);
  if (all_.empty()) all_.assign(weeks_.empty() ? 1 : static_cast<std::size_t>(weeks_.back()) + 1, WeekOutcomes{});
  seek(weeks_.empty() ? 0 : weeks_.back());
}

void ReplaySource::seek(int week) {
  week = std::clamp(week, 0, last_week());
  int s = 0;
  for (std::size_t k = 0; k < weeks_.size(); ++k)
    if (weeks_[k] <= week) s = static_cast<int>(k);
  shown_.assign(all_.begin(), all_.begin() + week + 1);
  if (s == shown_snapshot_) {
    ++version_;
    return;
  }
  shown_snapshot_ = s;
  const std::size_t n = layout_.n, si = static_cast<std::size_t>(s);
  frame_.week = weeks_.empty() ? 0 : weeks_[si];
  for (int d = 0; d < kDomains; ++d) row(need_[d], si, n, frame_.need[d]);
  row(self_reliance_, si, n, frame_.self_reliance);
  row(flags_, si, n, frame_.flags);
  row(help_source_, si, n, frame_.help_source);
  row(helper_, si, n, frame_.helper);
  if (helper_.empty()) frame_.helper.assign(n, kNone);
  row(ask_domain_, si, n, frame_.ask_domain);
  row(active_ties_, si, n, frame_.active_ties);
  frame_.in_need_threshold = threshold_;
  frame_.has_team = false;

  // Ties of this snapshot, as CSR for hovering.
  tie_begin_.assign(n + 1, 0);
  tie_other_.clear();
  tie_kind_.clear();
  tie_strength_.clear();
  const NetworkSnapshot net = Results(path_).network(frame_.week);
  if (!net.a.empty()) {
    const auto& a = net.a;
    const auto& b = net.b;
    const auto& kind = net.kind;
    const auto& strength = net.strength;
    for (std::size_t e = 0; e < a.size(); ++e)
      if (a[e] < n && b[e] < n) ++tie_begin_[a[e] + 1], ++tie_begin_[b[e] + 1];
    for (std::size_t i = 0; i < n; ++i) tie_begin_[i + 1] += tie_begin_[i];
    tie_other_.resize(tie_begin_[n]);
    tie_kind_.resize(tie_begin_[n]);
    tie_strength_.resize(tie_begin_[n]);
    std::vector<std::uint32_t> fill(tie_begin_.begin(), tie_begin_.end() - 1);
    for (std::size_t e = 0; e < a.size(); ++e) {
      if (a[e] >= n || b[e] >= n) continue;
      const std::uint8_t k = e < kind.size() ? kind[e] : 0;
      const float st = e < strength.size() ? strength[e] : 1.0f;
      for (auto [u, v] : {std::pair{a[e], b[e]}, std::pair{b[e], a[e]}}) {
        const std::uint32_t slot = fill[u]++;
        tie_other_[slot] = v;
        tie_kind_[slot] = k;
        tie_strength_[slot] = st;
      }
    }
  }
  ++version_;
}

void ReplaySource::ties_of(std::uint32_t i, std::vector<TieView>& out) const {
  out.clear();
  if (i + 1 >= tie_begin_.size()) return;
  for (std::uint32_t k = tie_begin_[i]; k < tie_begin_[i + 1]; ++k) out.push_back({tie_other_[k], tie_kind_[k], tie_strength_[k]});
}

Story ReplaySource::story(std::uint32_t i) const {
  Story s;
  const std::size_t n = layout_.n;
  if (i >= n) return s;
  // A file holds the resident's state at snapshot weeks only.
  for (std::size_t k = 0; k < weeks_.size() && weeks_[k] <= frame_.week; ++k) {
    const std::size_t at = k * n + i;
    s.weeks.push_back(weeks_[k]);
    for (int d = 0; d < kDomains; ++d) s.need[d].push_back(at < need_[d].size() ? need_[d][at] : 0.0f);
    s.self_reliance.push_back(at < self_reliance_.size() ? self_reliance_[at] : 0.0f);
    const std::uint8_t hs = at < help_source_.size() ? help_source_[at] : 0;
    const std::int8_t ask = at < ask_domain_.size() ? ask_domain_[at] : -1;
    if (hs || ask >= 0) s.events.push_back({weeks_[k], 0, hs, at < helper_.size() ? helper_[at] : kNone, ask});
  }
  return s;
}

}  // namespace buurt::view
