#pragma once
/// A result file as a viewer source: per-resident snapshots and the weekly timeseries.
#include <filesystem>

#include "Source.h"

namespace buurt::view {

class ReplaySource : public Source {
 public:
  explicit ReplaySource(const std::filesystem::path& file);
  const Layout& layout() const override { return layout_; }
  const Frame& frame() const override { return frame_; }
  const std::vector<WeekOutcomes>& history() const override { return shown_; }
  void ties_of(std::uint32_t i, std::vector<TieView>& out) const override;
  Story story(std::uint32_t i) const override;
  std::string title() const override { return title_; }

  const std::vector<int>& snapshot_weeks() const { return weeks_; }
  int last_week() const { return static_cast<int>(all_.size()) - 1; }
  /// Show the latest snapshot at or before `week` (charts run to `week`).
  void seek(int week);

 private:
  std::filesystem::path path_;
  std::string title_;
  Layout layout_;
  Frame frame_;
  std::vector<int> weeks_;
  int shown_snapshot_ = -1;
  std::vector<WeekOutcomes> all_, shown_;
  // Snapshots [S, N], as stored.
  std::array<std::vector<float>, kDomains> need_;
  std::vector<float> self_reliance_;
  std::vector<std::uint8_t> flags_, help_source_;
  std::vector<std::uint32_t> helper_;
  std::vector<std::int8_t> ask_domain_;
  std::vector<std::uint16_t> active_ties_;
  float threshold_ = 0.3f;
  // Ties of the shown snapshot as CSR.
  std::vector<std::uint32_t> tie_begin_, tie_other_;
  std::vector<std::uint8_t> tie_kind_;
  std::vector<float> tie_strength_;
};

}  // namespace buurt::view
