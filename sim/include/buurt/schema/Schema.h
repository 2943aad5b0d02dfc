#pragma once
/// The scenario schema: typed parameters with defaults, ranges, units and sources.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>

namespace buurt {

namespace detail {
using ctype_int = std::int64_t;
using ctype_real = double;
using ctype_bool = bool;
}  // namespace detail

/// Every model parameter as a plain field named `<section>_<key>`; defaults from Params.def.
struct Params {
#define X(type, sec, key, def, lo, hi, unit, desc, src, role, slider) detail::ctype_##type sec##_##key = def;
#include "buurt/schema/Params.def"
#undef X
};

enum class ParamType { Int, Real, Bool };

/// What a parameter is to the model (Params.def column `role`).
enum class ParamRole {
  run,        ///< how the run is made (weeks, burn-in, snapshots)
  structure,  ///< fixed once the neighbourhood is built; steering keeps the running value
  behaviour,  ///< a behavioural rate or rule of residents and professionals
  policy,     ///< a lever a scenario switches on at week 0
  price,      ///< a valuation used in costs and the MKBA; no behaviour reads it
};

/// The viewer's policy slider for a parameter (Params.def column `slider`): its range and its label in English and Dutch.
struct Slider {
  bool shown = false;
  double lo = 0, hi = 0;
  std::string_view label, label_nl;
};

/// One parameter's declaration.
struct ParamSpec {
  std::string_view section;
  std::string_view key;
  ParamType type;
  double default_value;
  double min;
  double max;
  std::string_view unit;
  std::string_view description;
  std::string_view source;
  std::variant<std::int64_t Params::*, double Params::*, bool Params::*> member;
  ParamRole role;
  Slider slider;
  /// May change in a running simulation (viewer sliders, --steer): everything but run and structure keys.
  bool steerable() const { return role != ParamRole::run && role != ParamRole::structure; }

  std::string full_name() const;
  std::string type_name() const;
  /// Current value in `p` formatted as TOML.
  std::string format(const Params& p) const;
};

/// Schema version written into result files; bump when keys change meaning.
inline constexpr int kSchemaVersion = 1;

/// All parameters in declaration order.
std::span<const ParamSpec> schema();
/// Lookup by "section.key".
const ParamSpec* find_param(std::string_view full_name);
/// `p` with every policy key at its default: the reference policy, in force during the burn-in, so every
/// scenario of a neighbourhood starts week 0 from the same state.
Params reference_policy(const Params& p);
/// The first key, in schema order, that is neither a policy key nor a run key and differs between a and b.
std::optional<std::string> first_non_policy_difference(const Params& a, const Params& b);
/// For a key that was renamed: its new name with a hint how to convert the value.
std::optional<std::string> renamed_param(std::string_view full_name);
/// Closest known "section.key" to a misspelt name, if any is close enough.
std::optional<std::string> suggest_param(std::string_view full_name);
/// Is this a known section name?
bool is_section(std::string_view section);

/// Markdown table of every parameter (for docs/scenarios.md and `buurt describe --markdown`).
std::string schema_markdown();
/// Plain-text reference of one parameter, with the full entry of every source it cites.
std::string describe_param(const ParamSpec& spec);

struct OutcomeSpec;
/// The outcome of this name (Outcomes.def), or nullptr.
const OutcomeSpec* find_outcome_spec(std::string_view name);
/// Closest outcome name to a misspelt one, if any is close enough.
std::optional<std::string> suggest_outcome(std::string_view name);
/// Plain-text reference of one outcome: meaning, unit, which way is better, reference figure and its source.
std::string describe_outcome(const OutcomeSpec& spec);
/// Markdown table of every outcome (for docs/output.md and `buurt describe outcomes --markdown`).
std::string outcomes_markdown();

}  // namespace buurt
