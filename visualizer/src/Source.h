#pragma once
/// What the viewer draws, and where it comes from: a running simulation or a result file.
/// Both sources fill the same Frame, so a live run and a replay of its file draw the same picture.
#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "buurt/core/Simulation.h"
#include "buurt/output/Results.h"
#include "buurt/population/Population.h"
#include "buurt/schema/Outcomes.h"

namespace buurt::view {

/// The static neighbourhood: home positions and streets.
struct Layout {
  struct Street {
    float x0, x1, y;
  };
  struct Rect {
    float x, y, w, h;
  };
  std::size_t n = 0;
  std::vector<float> x, y;
  std::vector<float> vx, vy;  ///< where residents are drawn: members spread out inside their house so each is visible
  std::vector<std::uint32_t> street, household;
  std::vector<Street> streets;
  std::vector<Rect> blocks;
  std::vector<std::array<float, 2>> houses;  ///< one entry per household: the house's centre
  float width = 1, height = 1;

  /// Derive streets, blocks and houses from per-resident positions.
  /// Derive streets, blocks (from per-resident block ids) and houses from positions.
  void derive_blocks(const std::vector<std::uint32_t>& block);
};

/// One week's drawable state (per resident).
struct Frame {
  int week = 0;
  std::array<std::vector<float>, kDomains> need;
  std::vector<float> self_reliance;
  std::vector<std::uint8_t> flags, help_source;
  std::vector<std::uint32_t> helper;
  std::vector<std::int8_t> ask_domain;
  std::vector<std::uint16_t> active_ties;
  // Only a running simulation has these (result files do not store them): empty otherwise.
  std::vector<std::uint8_t> shocks, referrals;
  std::vector<std::uint16_t> team_wait;
  bool has_team = false;
  TeamState team;
  std::vector<Initiative> initiatives;
  float in_need_threshold = 0.3f;
};

struct TieView {
  std::uint32_t other;
  std::uint8_t kind;
  float strength;
};

/// One resident's life so far, for the "follow" card.
struct Story {
  std::vector<int> weeks;
  std::array<std::vector<float>, kDomains> need;
  std::vector<float> self_reliance;
  struct Event {
    int week;
    std::uint8_t shocks;       ///< domains hit this week (bits)
    std::uint8_t help_source;  ///< HelpSource
    std::uint32_t helper;
    std::int8_t ask_domain;
  };
  std::vector<Event> events;
  bool complete = true;  ///< false when recording began after week 0
};

class Source {
 public:
  virtual ~Source() = default;
  virtual const Layout& layout() const = 0;
  virtual const Frame& frame() const = 0;
  /// Outcome rows for weeks 0..frame().week (the charts).
  virtual const std::vector<WeekOutcomes>& history() const = 0;
  virtual void ties_of(std::uint32_t i, std::vector<TieView>& out) const = 0;
  virtual Story story(std::uint32_t i) const = 0;
  virtual std::string title() const = 0;
  /// Increments whenever frame() changes (so cached vertices know when to rebuild).
  std::uint64_t version() const { return version_; }

 protected:
  std::uint64_t version_ = 0;
};

}  // namespace buurt::view
