#include "ReplaySource.h"

#include <fmt/format.h>

#include <algorithm>

#include "buurt/output/Hdf5.h"
#include "buurt/scenario/Scenario.h"
#include "buurt/schema/SnapshotVars.h"

namespace buurt::view {
namespace {

template <class T>
std::vector<T> read_or_empty(hid_t g, const std::string& name) {
  return h5::exists(g, name) ? h5::read<T>(g, name) : std::vector<T>{};
}

/// A snapshot variable by its declaration (schema/SnapshotVars.def): name and type as the recorder writes them.
template <SnapshotVar v>
std::vector<SnapshotType<v>> read_snapshot(hid_t g) {
  return read_or_empty<SnapshotType<v>>(g, std::string(snapshot_name(v)));
}

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
  h5::quiet();
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) throw std::invalid_argument(fmt::format("'{}' does not exist", file.string()));
  h5::Handle f;
  try {
    f = h5::open_file(file);
  } catch (const h5::Error& e) {
    throw std::invalid_argument(fmt::format("'{}' is not a readable HDF5 result file: {}", file.string(), e.what()));
  }
  const hid_t root = f.id();
  for (const char* need : {"population/x", "population/y", "population/street", "population/household", "snapshots/week"})
    if (!h5::exists(root, need))
      throw std::invalid_argument(fmt::format("'{}' has no /{}: not a run result with snapshots (see docs/output.md)", file.string(), need));
  std::string name = h5::exists(root, "meta/scenario_name") ? h5::read_string(root, "meta/scenario_name") : file.stem().string();
  title_ = fmt::format("{} ({})", name, file.filename().string());
  if (h5::exists(root, "meta/scenario_resolved")) {
    try {
      threshold_ = static_cast<float>(parse_scenario(h5::read_string(root, "meta/scenario_resolved"), name).params.events_in_need_threshold);
    } catch (const std::exception&) {
      // Files from another schema version: keep the default threshold.
    }
  }
  layout_.x = h5::read<float>(root, "population/x");
  layout_.y = h5::read<float>(root, "population/y");
  layout_.street = h5::read<std::uint32_t>(root, "population/street");
  layout_.household = h5::read<std::uint32_t>(root, "population/household");
  layout_.n = layout_.x.size();
  auto block = read_or_empty<std::uint32_t>(root, "population/block");
  if (block.size() != layout_.n) block.assign(layout_.n, 0);
  layout_.derive_blocks(block);

  h5::Handle sg = h5::open_group(root, "snapshots");
  weeks_ = h5::read<std::int32_t>(sg.id(), "week");
  // The variables by their declaration (schema/SnapshotVars.def): names and types as the recorder writes them.
  for (int d = 0; d < kDomains; ++d) need_[d] = read_or_empty<float>(sg.id(), std::string(snapshot_name(need_snapshot(d))));
  self_reliance_ = read_snapshot<SnapshotVar::self_reliance>(sg.id());
  flags_ = read_snapshot<SnapshotVar::flags>(sg.id());
  help_source_ = read_snapshot<SnapshotVar::help_source>(sg.id());
  helper_ = read_snapshot<SnapshotVar::helper>(sg.id());
  ask_domain_ = read_snapshot<SnapshotVar::ask_domain>(sg.id());
  active_ties_ = read_snapshot<SnapshotVar::active_ties>(sg.id());

  if (h5::exists(root, "timeseries/week")) {
    const auto tw = h5::read<std::int32_t>(root, "timeseries/week");
    all_.assign(tw.size(), WeekOutcomes{});
    for (int k = 0; k < kNumOutcomes; ++k) {
      const std::string p = fmt::format("timeseries/{}", kOutcomeSpecs[k].name);
      if (!h5::exists(root, p)) continue;
      const auto col = h5::read<double>(root, p);
      for (std::size_t w = 0; w < std::min(col.size(), all_.size()); ++w) all_[w].v[k] = col[w];
    }
  }
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
  h5::Handle f = h5::open_file(path_);
  const std::string g = fmt::format("network/week_{:05}", frame_.week);
  if (h5::exists(f.id(), g + "/a")) {
    const auto a = h5::read<std::uint32_t>(f.id(), g + "/a");
    const auto b = h5::read<std::uint32_t>(f.id(), g + "/b");
    const auto kind = read_or_empty<std::uint8_t>(f.id(), g + "/kind");
    const auto strength = read_or_empty<float>(f.id(), g + "/strength");
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
