#include "buurt/schema/Schema.h"

#include "buurt/schema/EditDistance.h"
#include "buurt/schema/Outcomes.h"
#include "buurt/schema/References.h"

#include <fmt/format.h>
#include <algorithm>
#include <array>
#include <vector>

namespace buurt {
namespace {

constexpr ParamType param_type_int = ParamType::Int;
constexpr ParamType param_type_real = ParamType::Real;
constexpr ParamType param_type_bool = ParamType::Bool;

const std::vector<ParamSpec>& table() {
  static const std::vector<ParamSpec> specs = {
#define slider(lo, hi, label, label_nl) \
  Slider { true, lo, hi, label, label_nl }
#define no_slider \
  Slider {}
#define X(type, sec, key, def, lo, hi, unit, desc, src, role, sl) \
  ParamSpec{#sec,                                                 \
            #key,                                                 \
            param_type_##type,                                    \
            static_cast<double>(def),                             \
            static_cast<double>(lo),                              \
            static_cast<double>(hi),                              \
            unit,                                                 \
            desc,                                                 \
            src,                                                  \
            &Params::sec##_##key,                                 \
            ParamRole::role,                                      \
            sl},
#include "buurt/schema/Params.def"
#undef X
#undef slider
#undef no_slider
  };
  return specs;
}

std::string format_real(double v) {
  std::string s = fmt::format("{}", v);
  if (s.find_first_of(".eEn") == std::string::npos) s += ".0";
  return s;
}

}  // namespace

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t sub = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, sub});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::string ParamSpec::full_name() const { return fmt::format("{}.{}", section, key); }

std::string ParamSpec::type_name() const {
  switch (type) {
    case ParamType::Int: return "integer";
    case ParamType::Real: return "number";
    case ParamType::Bool: return "boolean";
  }
  return "?";
}

std::string ParamSpec::format(const Params& p) const {
  return std::visit(
      [&](auto m) -> std::string {
        using T = std::remove_cvref_t<decltype(p.*m)>;
        if constexpr (std::is_same_v<T, bool>)
          return (p.*m) ? "true" : "false";
        else if constexpr (std::is_same_v<T, double>)
          return format_real(p.*m);
        else
          return fmt::format("{}", p.*m);
      },
      member);
}

std::span<const ParamSpec> schema() { return table(); }

const ParamSpec* find_param(std::string_view full_name) {
  for (const auto& s : table())
    if (s.full_name() == full_name) return &s;
  return nullptr;
}

bool is_section(std::string_view section) {
  return std::any_of(table().begin(), table().end(), [&](const ParamSpec& s) { return s.section == section; });
}

Params reference_policy(const Params& p) {
  const Params defaults{};
  Params q = p;
  for (const auto& spec : table())
    if (spec.role == ParamRole::policy) std::visit([&](auto m) { q.*m = defaults.*m; }, spec.member);
  return q;
}

std::optional<std::string> first_non_policy_difference(const Params& a, const Params& b) {
  for (const auto& spec : table()) {
    if (spec.role == ParamRole::policy || spec.role == ParamRole::run) continue;
    const bool same = std::visit([&](auto m) { return a.*m == b.*m; }, spec.member);
    if (!same) return spec.full_name();
  }
  return std::nullopt;
}

std::optional<std::string> renamed_param(std::string_view full_name) {
  static const std::array<std::pair<std::string_view, std::string_view>, 7> renamed = {{
      {"team.fte", "team.fte_per_1000 (FTE per 1,000 residents: 6.5 FTE in a wijk of 6,500 is 1.0)"},
      {"team.directive_relief", "team.relief (the relief per hour of solving; the modes differ in what the worker does, team.ways_of_working)"},
      {"team.facilitating_relief", "team.relief (the relief per hour of solving; the modes differ in what the worker does, team.ways_of_working)"},
      {"team.generalist_share", "team.referral_need (referral follows the case's complexity)"},
      {"initiatives.loneliness_relief", "initiatives.forms_relief (loneliness is relieved through contact)"},
      {"costs.loneliness_week", "mkba.loneliness_wellbeing and mkba.loneliness_care (euro per person-year: a weekly price times 52)"},
      {"costs.debt_week", "mkba.debt_case (euro per case-year: a weekly price times 52)"},
  }};
  for (const auto& [from, to] : renamed)
    if (full_name == from) return std::string(to);
  return std::nullopt;
}

std::optional<std::string> suggest_param(std::string_view full_name) {
  std::size_t best = 1000;
  std::string best_name;
  for (const auto& s : table()) {
    const std::string name = s.full_name();
    std::size_t d = edit_distance(full_name, name);
    // A right key in the wrong section is a likely slip too.
    const auto dot = full_name.find('.');
    if (dot != std::string_view::npos && full_name.substr(dot + 1) == s.key) d = std::min<std::size_t>(d, 2);
    if (d < best) {
      best = d;
      best_name = name;
    }
  }
  if (best <= std::max<std::size_t>(3, full_name.size() / 4)) return best_name;
  return std::nullopt;
}

namespace {

// The full entry of each key a source cites, one per line ("    [key] entry").
std::string full_references(std::string_view source) {
  std::string out;
  for (const auto& key : cited_keys(source))
    if (const auto entry = reference_entry(key)) out += fmt::format("    [{}] {}\n", key, *entry);
  return out;
}

}  // namespace

std::string describe_param(const ParamSpec& s) {
  const Params defaults{};
  std::string range = s.type == ParamType::Bool
                          ? "true/false"
                          : fmt::format("{} .. {}", s.type == ParamType::Int ? fmt::format("{}", static_cast<std::int64_t>(s.min)) : format_real(s.min),
                                        s.type == ParamType::Int ? fmt::format("{}", static_cast<std::int64_t>(s.max)) : format_real(s.max));
  return fmt::format("{}\n  {}\n  type: {}   default: {}   range: {}{}\n  source: {}\n{}", s.full_name(), s.description, s.type_name(), s.format(defaults),
                     range, s.unit.empty() ? "" : fmt::format("   unit: {}", s.unit), s.source, full_references(s.source));
}

const OutcomeSpec* find_outcome_spec(std::string_view name) {
  for (const auto& o : kOutcomeSpecs)
    if (o.name == name) return &o;
  return nullptr;
}

std::optional<std::string> suggest_outcome(std::string_view name) {
  std::size_t best = 1000;
  std::string_view best_name;
  for (const auto& o : kOutcomeSpecs)
    if (const auto d = edit_distance(name, o.name); d < best) {
      best = d;
      best_name = o.name;
    }
  if (best <= std::max<std::size_t>(3, name.size() / 4)) return std::string(best_name);
  return std::nullopt;
}

namespace {

std::string_view better_when(Direction d) { return d == Direction::up ? "higher" : d == Direction::down ? "lower" : "neither (context, not a goal)"; }

std::string_view shown_as(OutcomeFormat f) {
  switch (f) {
    case OutcomeFormat::pct: return "percent";
    case OutcomeFormat::dec: return "two decimals";
    case OutcomeFormat::int_: return "whole number";
    case OutcomeFormat::eur: return "whole euros";
  }
  return "";
}

// A table cell: a literal bar would end it.
std::string md_cell(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '|') out += '\\';
    out += c;
  }
  return out;
}

std::string figure_text(std::string_view key) {
  if (key.empty()) return "";
  const auto fig = reference_figure(key);
  if (!fig) return fmt::format("{} (not in docs/references.md)", key);
  return fmt::format("{} {} ({})", fig->figure, fig->source, key);
}

}  // namespace

std::string describe_outcome(const OutcomeSpec& o) {
  std::string out = fmt::format("{}  (outcome, weekly)\n  {}\n  label: {} (nl: {})   unit: {}   shown as: {}   better when: {}{}{}\n", o.name, o.description,
                                o.label, o.label_nl, o.unit, shown_as(o.format), better_when(o.direction), o.adults_only ? "   among adults (18+)" : "",
                                o.headline > 0 ? fmt::format("   headline #{}", o.headline) : "");
  if (!o.reference.empty()) {
    out += fmt::format("  reference figure: {}\n", figure_text(o.reference));
    if (const auto fig = reference_figure(o.reference)) out += full_references(fig->source);
  }
  return out;
}

std::string outcomes_markdown() {
  std::string out =
      "| outcome | label (English · Dutch) | meaning | unit | better when | among | headline | reference figure |\n"
      "|---|---|---|---|---|---|---|---|\n";
  for (const auto& o : kOutcomeSpecs) {
    const std::string_view better = o.direction == Direction::up ? "higher" : o.direction == Direction::down ? "lower" : "—";
    out += fmt::format("| `{}` | {} · {} | {} | {} | {} | {} | {} | {} |\n", o.name, md_cell(o.label), md_cell(o.label_nl), md_cell(o.description), o.unit,
                       better, o.adults_only ? "adults" : "all", o.headline > 0 ? fmt::format("{}", o.headline) : "", figure_text(o.reference));
  }
  return out;
}

std::string schema_markdown() {
  const Params defaults{};
  std::string out;
  std::string_view section;
  for (const auto& s : table()) {
    if (s.section != section) {
      section = s.section;
      out += fmt::format("\n### [{}]\n\n| key | type | default | range | unit | description | source |\n|---|---|---|---|---|---|---|\n", section);
    }
    std::string range = s.type == ParamType::Bool
                            ? ""
                            : fmt::format("{} – {}", s.type == ParamType::Int ? fmt::format("{}", static_cast<std::int64_t>(s.min)) : format_real(s.min),
                                          s.type == ParamType::Int ? fmt::format("{}", static_cast<std::int64_t>(s.max)) : format_real(s.max));
    out += fmt::format("| `{}` | {} | {} | {} | {} | {} | {} |\n", s.key, s.type_name(), s.format(defaults), range, s.unit, s.description, s.source);
  }
  return out;
}

}  // namespace buurt
