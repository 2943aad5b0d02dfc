#pragma once
/// Outcome values and changes as a reader sees them, following Outcomes.def (format, kind, unit).
#include <string>

#include "buurt/schema/Outcomes.h"

namespace buurt {

/// "11.2%" (pct), "0.45" (dec), "1234" (int), "EUR 12,345" style whole euros (eur); `with_unit` appends the unit
/// for dec/int values ("8.9 weeks").
std::string format_outcome(Outcome o, double v, bool with_unit = false);
/// A difference of two values of the outcome: percentage points for shares, the value's format otherwise; signed.
std::string format_difference(Outcome o, double d);
/// A clear change: a 95% interval [lo, hi] that excludes 0 at full precision (compare, the report and the
/// decision page read "no clear change" exactly when this is false).
inline bool clear_change(double lo, double hi) { return lo > 0.0 || hi < 0.0; }
/// A relative change (0.12 -> "+12%"), signed.
std::string format_relative(double r);
/// An amount of money in euros rounded to three significant figures where large ("€1.23 M", "−€456 k",
/// "€7,890"); `signed_` puts a + before positive amounts.
std::string format_euros(double v, bool signed_ = false);
/// A quantity rounded to three significant figures, without an exponent ("+12,600", "−3.42", "+0.273").
std::string format_quantity(double v, bool signed_ = true);
/// Whether a relative (percentage) change of this outcome is meaningful: its level is never negative and it is
/// not money or a waiting time. Otherwise compare and report show differences in the outcome's unit.
bool relative_change_meaningful(Outcome o);

}  // namespace buurt
