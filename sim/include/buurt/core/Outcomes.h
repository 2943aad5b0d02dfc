#pragma once
/// The weekly outcome vector and its declaration (name, unit, description).
#include <array>
#include <string_view>

namespace buurt {

enum class Outcome : int {
#define X(name, unit, desc) name,
#include "buurt/core/Outcomes.def"
#undef X
  Count
};
inline constexpr int kNumOutcomes = static_cast<int>(Outcome::Count);

struct OutcomeSpec {
  std::string_view name;
  std::string_view unit;
  std::string_view description;
};

inline constexpr std::array<OutcomeSpec, kNumOutcomes> kOutcomeSpecs = {{
#define X(name, unit, desc) {#name, unit, desc},
#include "buurt/core/Outcomes.def"
#undef X
}};

/// One week's outcomes, indexed by Outcome.
struct WeekOutcomes {
  std::array<double, kNumOutcomes> v{};
  double& operator[](Outcome o) { return v[static_cast<int>(o)]; }
  double operator[](Outcome o) const { return v[static_cast<int>(o)]; }
};

}  // namespace buurt
