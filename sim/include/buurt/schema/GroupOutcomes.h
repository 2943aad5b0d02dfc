#pragma once
/// Outcomes by group (who is left behind), declared once in GroupOutcomes.def.
#include <array>
#include <cstddef>
#include <string_view>

#include "buurt/schema/Outcomes.h"

namespace buurt {

enum class GroupOutcome : int {
#define X(name, unit, desc, label, label_nl, format, kind, direction, adults, over, value) name,
#define SAME(name, over, value) name,
#include "buurt/schema/GroupOutcomes.def"
#undef SAME
#undef X
  Count
};
inline constexpr int kNumGroupOutcomes = static_cast<int>(GroupOutcome::Count);

/// Whom a by-group value is a mean over.
enum class GroupOver { residents, adults, stayers, count };

/// One resident as the by-group outcomes read it.
struct GroupResident {
  bool in_need = false;
  float social_need = 0.0f;
  double self_reliance = 0.0;
  double self_reliance_gain = 0.0;  ///< now minus at week 0 (stayers only)
  double active_ties = 0.0;
};

struct GroupOutcomeSpec {
  OutcomeSpec spec;  ///< metadata as a weekly outcome's (id is Outcome::Count for by-group-only outcomes)
  GroupOver over;
  double (*value)(const GroupResident& r);
};

inline constexpr std::array<GroupOutcomeSpec, kNumGroupOutcomes> kGroupOutcomeSpecs = {{
#define X(name, unit, desc, label, label_nl, format, kind, direction, adults, over, value)                                                \
  {{#name, unit, desc, label, label_nl, outcome_format(#format), OutcomeKind::kind, Direction::direction, adults, "", 0, Outcome::Count}, \
   GroupOver::over,                                                                                                                       \
   []([[maybe_unused]] const GroupResident& r) -> double { return value; }},
#define SAME(name, over, value) {spec(Outcome::name), GroupOver::over, []([[maybe_unused]] const GroupResident& r) -> double { return value; }},
#include "buurt/schema/GroupOutcomes.def"
#undef SAME
#undef X
}};

/// A group of residents the by-group outcomes are given for, with its name in English and Dutch. Result files
/// hold `dimension:group` in /final/by_group/group and the names in /final/by_group_labels (docs/output.md).
struct ResidentGroup {
  std::string_view dimension, group, label, label_nl;
};

/// The groups in result-file order: income (as Population.h's kIncomeNames), household type (kHouseholdNames), ties
/// at the start (residents there at week 0 only), arrival.
inline constexpr std::array<ResidentGroup, 12> kResidentGroups = {{
    {"income", "benefits", "households on benefits", "huishoudens met een uitkering"},
    {"income", "low", "low-income households", "huishoudens met een laag inkomen"},
    {"income", "middle", "middle-income households", "huishoudens met een middeninkomen"},
    {"household", "single", "living alone", "alleenwonenden"},
    {"household", "couple", "couples", "stellen"},
    {"household", "family", "families with children", "gezinnen met kinderen"},
    {"household", "elderly", "older households (65+)", "oudere huishoudens (65+)"},
    {"start_ties", "0-2", "0–2 ties at the start", "0–2 banden bij de start"},
    {"start_ties", "3-5", "3–5 ties at the start", "3–5 banden bij de start"},
    {"start_ties", "6+", "6+ ties at the start", "6+ banden bij de start"},
    {"arrival", "settled", "living here at week 0", "woonden er al in week 0"},
    {"arrival", "newcomer", "moved in since week 0", "sinds week 0 ingetrokken"},
}};

inline constexpr const GroupOutcomeSpec& spec(GroupOutcome g) { return kGroupOutcomeSpecs[static_cast<std::size_t>(g)]; }

/// A by-group outcome that repeats a weekly outcome must count whom that outcome counts.
inline constexpr bool group_outcomes_agree() {
  for (const auto& g : kGroupOutcomeSpecs)
    if (g.spec.id != Outcome::Count && g.spec.adults_only != (g.over == GroupOver::adults)) return false;
  return true;
}
static_assert(group_outcomes_agree(), "GroupOutcomes.def: a SAME outcome's `over` disagrees with its adults-only flag in Outcomes.def");

}  // namespace buurt
