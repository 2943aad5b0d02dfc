#pragma once
/// The weekly outcome vector and its declaration (Outcomes.def: name, unit, label, format, kind, direction...).
#include <array>
#include <cstddef>
#include <string_view>

namespace buurt {

enum class Outcome : int {
#define X(name, unit, desc, label, label_nl, format, kind, direction, adults, reference, headline, window) name,
#include "buurt/schema/Outcomes.def"
#undef X
  Count
};
inline constexpr int kNumOutcomes = static_cast<int>(Outcome::Count);

/// How a value is shown: a share as a percentage, two decimals, a whole number, whole euros.
enum class OutcomeFormat { pct, dec, int_, eur };
/// What a value measures; decides e.g. whether a relative change is meaningful (never for money).
enum class OutcomeKind { share, index, count, hours, weeks, ties, money };
/// The `format` column of Outcomes.def and GroupOutcomes.def ("int" is a keyword, so the column holds words).
constexpr OutcomeFormat outcome_format(std::string_view f) {
  return f == "pct"   ? OutcomeFormat::pct
         : f == "dec" ? OutcomeFormat::dec
         : f == "int" ? OutcomeFormat::int_
         : f == "eur" ? OutcomeFormat::eur
                      : throw "Outcomes.def: format must be pct, dec, int or eur";
}
/// Which way is better for residents and the municipality.
enum class Direction { up, down, neither };
/// What a comparison compares: the mean over the last 52 weeks, or the value at the end of the run (per-client
/// outcomes, pooled over the intake cohorts reported by then).
enum class OutcomeWindow { year, end };

/// Loneliness as the GGD measures it (De Jong Gierveld scale), on the social need: severely lonely at or above
/// kSeverelyLonely, (somewhat) lonely at or above kSomewhatLonely (docs/ODD.md, Outcomes). Defined here, once:
/// the outcomes count by them and the programmes that seek out lonely residents read them.
inline constexpr float kSeverelyLonely = 0.6f, kSomewhatLonely = 0.3f;

struct OutcomeSpec {
  std::string_view name;
  std::string_view unit;
  std::string_view description;
  std::string_view label;     ///< short English label
  std::string_view label_nl;  ///< the same in Dutch
  OutcomeFormat format;
  OutcomeKind kind;
  Direction direction;
  bool adults_only;
  std::string_view reference;  ///< reference-figure key in docs/references.md, empty if none
  int headline;                ///< rank among headline outcomes (1 first), 0 if not a headline
  Outcome id;
  OutcomeWindow window = OutcomeWindow::year;
};

inline constexpr std::array<OutcomeSpec, kNumOutcomes> kOutcomeSpecs = {{
#define X(name, unit, desc, label, label_nl, format, kind, direction, adults, reference, headline, window) \
  {#name,                                                                                                  \
   unit,                                                                                                   \
   desc,                                                                                                   \
   label,                                                                                                  \
   label_nl,                                                                                               \
   outcome_format(#format),                                                                                \
   OutcomeKind::kind,                                                                                      \
   Direction::direction,                                                                                   \
   adults,                                                                                                 \
   reference,                                                                                              \
   headline,                                                                                               \
   Outcome::name,                                                                                          \
   OutcomeWindow::window},
#include "buurt/schema/Outcomes.def"
#undef X
}};

inline constexpr const OutcomeSpec& spec(Outcome o) { return kOutcomeSpecs[static_cast<std::size_t>(o)]; }

/// Number of headline outcomes (headline > 0 in Outcomes.def).
inline constexpr int kNumHeadlines = [] {
  int n = 0;
  for (const auto& s : kOutcomeSpecs) n += s.headline > 0;
  return n;
}();

/// The headline outcomes in rank order: what `buurt run`, `buurt compare`, the viewer and the report show.
inline constexpr std::array<Outcome, kNumHeadlines> kHeadlines = [] {
  std::array<Outcome, kNumHeadlines> h{};
  for (int rank = 1, k = 0; k < kNumHeadlines && rank < 1000; ++rank)
    for (const auto& s : kOutcomeSpecs)
      if (s.headline == rank) h[static_cast<std::size_t>(k++)] = s.id;
  return h;
}();

// The per-client outcomes of each service follow each other in this order (core/Accounting.cpp fills them so).
static_assert(static_cast<int>(Outcome::team_client_need_reduction) == static_cast<int>(Outcome::team_clients) + 4 &&
              static_cast<int>(Outcome::secondline_client_need_reduction) == static_cast<int>(Outcome::secondline_clients) + 4);

/// One week's outcomes, indexed by Outcome.
struct WeekOutcomes {
  std::array<double, kNumOutcomes> v{};
  double& operator[](Outcome o) { return v[static_cast<int>(o)]; }
  double operator[](Outcome o) const { return v[static_cast<int>(o)]; }
};

}  // namespace buurt
