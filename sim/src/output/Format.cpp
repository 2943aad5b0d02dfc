#include "buurt/output/Format.h"

#include <fmt/format.h>
#include <cmath>

namespace buurt {
namespace {

constexpr const char* kMinus = "\u2212";

std::string sign(double v, double zero) { return v < -zero ? kMinus : v > zero ? "+" : ""; }

std::string thousands(double v) {
  std::string digits = fmt::format("{:.0f}", std::abs(v));
  for (int k = static_cast<int>(digits.size()) - 3; k > 0; k -= 3) digits.insert(static_cast<std::size_t>(k), ",");
  return digits;
}

}  // namespace

std::string format_outcome(Outcome o, double v, bool with_unit) {
  if (!std::isfinite(v)) return "n/a";
  const auto& s = spec(o);
  switch (s.format) {
    case OutcomeFormat::pct: return fmt::format("{:.1f}%", 100.0 * v);
    case OutcomeFormat::eur: return fmt::format("{}\u20ac{}", v < 0 ? kMinus : "", thousands(v));
    case OutcomeFormat::int_: return with_unit ? fmt::format("{:.0f} {}", v, s.unit) : fmt::format("{:.0f}", v);
    case OutcomeFormat::dec: break;
  }
  return with_unit ? fmt::format("{:.2f} {}", v, s.unit) : fmt::format("{:.2f}", v);
}

std::string format_difference(Outcome o, double d) {
  if (!std::isfinite(d)) return "n/a";
  const auto& s = spec(o);
  switch (s.format) {
    case OutcomeFormat::pct: {
      const double pt = 100.0 * d;
      return fmt::format("{}{:.1f} pt", sign(pt, 0.05), std::abs(pt) < 0.05 ? 0.0 : std::abs(pt));
    }
    case OutcomeFormat::eur: return fmt::format("{}\u20ac{}", sign(d, 0.5), thousands(d));
    case OutcomeFormat::int_: return fmt::format("{}{:.0f}", sign(d, 0.5), std::abs(d) < 0.5 ? 0.0 : std::abs(d));
    case OutcomeFormat::dec: break;
  }
  return fmt::format("{}{:.2f}", sign(d, 0.005), std::abs(d) < 0.005 ? 0.0 : std::abs(d));
}

std::string format_euros(double v, bool signed_) {
  if (!std::isfinite(v)) return "n/a";
  const double a = std::abs(v);
  const std::string s = v < -0.5 ? kMinus : (signed_ && v > 0.5 ? "+" : "");
  if (a >= 1e6) return fmt::format("{}\u20ac{:.{}f} M", s, a / 1e6, a >= 1e8 ? 0 : a >= 1e7 ? 1 : 2);
  if (a >= 1e4) return fmt::format("{}\u20ac{:.0f} k", s, a / 1e3);
  return fmt::format("{}\u20ac{}", s, thousands(a));
}

std::string format_quantity(double v, bool signed_) {
  if (!std::isfinite(v)) return "n/a";
  const double a = std::abs(v);
  const int digits = a > 0 ? static_cast<int>(std::floor(std::log10(a))) + 1 : 1;  // digits before the point
  const double unit = std::pow(10.0, digits - 3);
  const double r = std::round(a / unit) * unit;
  const std::string s = r == 0.0 ? "" : v < 0 ? kMinus : (signed_ ? "+" : "");
  if (r >= 1000.0) return s + thousands(r);
  return fmt::format("{}{:.{}f}", s, r, std::max(0, 3 - digits));
}

std::string format_relative(double r) {
  if (!std::isfinite(r)) return "n/a";
  const double p = 100.0 * r;
  return fmt::format("{}{:.0f}%", sign(p, 0.5), std::abs(p) < 0.5 ? 0.0 : std::abs(p));
}

bool relative_change_meaningful(Outcome o) {
  const auto k = spec(o).kind;
  return k != OutcomeKind::money && k != OutcomeKind::weeks;
}

}  // namespace buurt
