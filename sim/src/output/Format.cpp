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

/// |v| with `decimals` decimals, or, where that would read 0 for a value that is not 0, with two significant
/// digits (0.0012), so a change that is not zero never reads as 0.
std::string magnitude(double v, int decimals) {
  const double a = std::abs(v);
  const double unit = std::pow(10.0, -decimals);
  if (a == 0.0 || a >= 0.5 * unit) return fmt::format("{:.{}f}", a, decimals);
  const int d = std::min(15, static_cast<int>(std::ceil(-std::log10(a))) + 1);
  return fmt::format("{:.{}f}", a, d);
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
    // A difference that is not zero never reads 0 (magnitude): it keeps two significant digits.
    case OutcomeFormat::pct: return fmt::format("{}{} pt", sign(d, 0.0), magnitude(100.0 * d, 1));
    case OutcomeFormat::eur:
      return std::abs(d) >= 0.5 ? fmt::format("{}\u20ac{}", sign(d, 0.0), thousands(d)) : fmt::format("{}\u20ac{}", sign(d, 0.0), magnitude(d, 0));
    case OutcomeFormat::int_: return fmt::format("{}{}", sign(d, 0.0), magnitude(d, 0));
    case OutcomeFormat::dec: break;
  }
  return fmt::format("{}{}", sign(d, 0.0), magnitude(d, 2));
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
