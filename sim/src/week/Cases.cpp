#include "buurt/week/Cases.h"

#include <algorithm>

namespace buurt {

namespace {
constexpr int kFollowUp = 52;  ///< weeks after closure in which an application counts as a re-entry
constexpr int kCensor = 104;   ///< weeks after intake after which an open case no longer holds its cohort back
constexpr int kCohortWeeks = 52;
}  // namespace

void CaseBook::open(Service service, std::uint32_t i, int applied, int week, float need) {
  CaseRecord r;
  r.resident = i;
  r.service = static_cast<std::uint8_t>(service);
  r.applied = applied;
  r.intake = week;
  r.need_intake = need;
  open_[i] = static_cast<std::uint32_t>(records_.size());
  recent_.erase(i);
  records_.push_back(r);
}

void CaseBook::close(std::uint32_t i, int week, float need) {
  const auto it = open_.find(i);
  if (it == open_.end()) return;
  CaseRecord& r = records_[it->second];
  r.closed = week;
  r.need_closed = need;
  recent_[i] = it->second;
  open_.erase(it);
}

void CaseBook::applied(std::uint32_t i, int week) {
  const auto it = recent_.find(i);
  if (it == recent_.end()) return;
  CaseRecord& r = records_[it->second];
  if (week - r.closed <= kFollowUp && r.reentry == CaseRecord::kOpen) r.reentry = week;
  recent_.erase(it);  // only the first application after a closure is its re-entry
}

void CaseBook::forget(const std::vector<std::uint32_t>& left, int week) {
  for (const std::uint32_t i : left) {
    for (auto* m : {&open_, &recent_}) {
      const auto it = m->find(i);
      if (it == m->end()) continue;
      records_[it->second].left = week;
      m->erase(it);
    }
  }
}

void CaseBook::report(int week) {
  for (;;) {
    const int begin = next_cohort_ * kCohortWeeks, end = begin + kCohortWeeks;
    if (week < end) return;  // the cohort's year is not over
    // Records of earlier intakes (the burn-in) are never reported.
    while (first_unreported_ < records_.size() && records_[first_unreported_].intake < begin) ++first_unreported_;
    std::size_t last = first_unreported_;
    while (last < records_.size() && records_[last].intake < end) ++last;
    const auto settled = [&](const CaseRecord& r) {
      if (r.left != CaseRecord::kOpen) return true;
      if (r.closed != CaseRecord::kOpen) return week - r.closed >= kFollowUp;
      return week - r.intake >= kCensor;
    };
    if (!std::all_of(records_.begin() + static_cast<std::ptrdiff_t>(first_unreported_), records_.begin() + static_cast<std::ptrdiff_t>(last), settled)) return;
    for (std::size_t k = first_unreported_; k < last; ++k) {
      const CaseRecord& r = records_[k];
      ClientTotals& t = totals_[r.service];
      t.cases += 1;
      const bool closed = r.closed != CaseRecord::kOpen && r.closed - r.intake < kCensor;
      if (!closed) {
        t.left_open += r.left != CaseRecord::kOpen;
        continue;
      }
      t.closed += 1;
      t.reentered += r.reentry != CaseRecord::kOpen;
      t.weeks += r.closed - r.applied;
      t.need_intake += r.need_intake;
      t.need_closed += r.need_closed;
    }
    first_unreported_ = last;
    ++next_cohort_;
    // Closures older than the follow-up can no longer become re-entries.
    std::erase_if(recent_, [&](const auto& kv) { return week - records_[kv.second].closed > kFollowUp; });
  }
}

}  // namespace buurt
