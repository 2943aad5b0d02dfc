// Case records (week/Cases.h): effects per client. A cohort is the cases taken in during one year from week 0;
// it is reported once every case has closed and had 52 weeks after closure, left, or been open 104 weeks.
#include <gtest/gtest.h>

#include <vector>

#include "buurt/base/State.h"
#include "buurt/week/Cases.h"

namespace buurt {
namespace {

void run_until(CaseBook& b, int from, int to) {
  for (int w = from; w <= to; ++w) b.report(w);
}

}  // namespace

// Two team clients taken in during year 1; one comes back 30 weeks after closure, one does not. The cohort is
// reported only when the later closure has had its 52 weeks; then re-entry per closed case is 1 of 2.
TEST(Cases, ACohortIsReportedOnceEveryCaseHasHadAYearAfterClosure) {
  CaseBook b;
  b.open(Service::Team, 7, -3, 2, 1.5f);  // applied three weeks before week 0 (during the burn-in)
  b.open(Service::Team, 9, 10, 12, 1.0f);
  b.close(7, 20, 0.5f);
  b.close(9, 40, 0.25f);
  b.applied(7, 50);  // 30 weeks after closure: a re-entry
  run_until(b, 0, 91);
  EXPECT_EQ(b.cohorts_reported(), 0) << "case 9 closed in week 40 has not had 52 weeks";
  b.report(92);
  ASSERT_EQ(b.cohorts_reported(), 1);
  const ClientTotals& t = b.totals(Service::Team);
  EXPECT_EQ(t.cases, 2);
  EXPECT_EQ(t.closed, 2);
  EXPECT_EQ(t.reentered, 1);
  EXPECT_EQ(t.weeks, (20 - -3) + (40 - 10));
  EXPECT_FLOAT_EQ(static_cast<float>(t.need_intake - t.need_closed), 1.75f);
  EXPECT_EQ(b.totals(Service::SecondLine).cases, 0);
}

// An application more than 52 weeks after closure is a new start, not a re-entry; only the first application
// after a closure counts.
TEST(Cases, AnApplicationAfterMoreThanAYearIsNoReentry) {
  CaseBook b;
  b.open(Service::SecondLine, 3, 0, 1, 2.0f);
  b.close(3, 5, 0.2f);
  b.applied(3, 58);  // 53 weeks after closure
  run_until(b, 0, 60);
  ASSERT_EQ(b.cohorts_reported(), 1);
  EXPECT_EQ(b.totals(Service::SecondLine).reentered, 0);
  EXPECT_EQ(b.totals(Service::SecondLine).closed, 1);
}

// A case still open after 104 weeks no longer holds its cohort back (it counts as a client whose case did not
// close); a resident who left with the case open counts as neither closed nor open.
TEST(Cases, OpenCasesAndLeaversDoNotHoldACohortBackForever) {
  CaseBook b;
  b.open(Service::Team, 1, 0, 0, 1.0f);  // never closes
  b.open(Service::Team, 2, 0, 3, 1.0f);  // leaves in week 10
  b.forget({2}, 10);
  run_until(b, 0, 103);
  EXPECT_EQ(b.cohorts_reported(), 0);
  b.report(104);
  ASSERT_EQ(b.cohorts_reported(), 2) << "cohort 1 (weeks 52-103) is empty and follows at once";
  const ClientTotals& t = b.totals(Service::Team);
  EXPECT_EQ(t.cases, 2);
  EXPECT_EQ(t.closed, 0);
  EXPECT_EQ(t.left_open, 1);
}

// Cases taken in during the burn-in (weeks before 0) belong to no cohort.
TEST(Cases, BurnInCasesAreNotReported) {
  CaseBook b;
  b.open(Service::Team, 4, -20, -10, 1.0f);
  b.close(4, -5, 0.1f);
  run_until(b, -5, 60);
  EXPECT_EQ(b.cohorts_reported(), 1);
  EXPECT_EQ(b.totals(Service::Team).cases, 0);
}

// The records, the open and recent cases and the reported totals are all in the saved state: a restored book
// reports what the original reports.
TEST(Cases, TheBookIsPartOfTheSavedState) {
  CaseBook a;
  a.open(Service::Team, 5, 1, 4, 1.2f);
  a.open(Service::SecondLine, 6, 2, 5, 2.2f);
  a.close(5, 30, 0.3f);
  state::BufferWriter w;
  a.state(w);
  CaseBook b;
  state::BufferReader r(w.bytes);
  b.state(r);
  EXPECT_TRUE(r.done());
  for (CaseBook* x : {&a, &b}) {
    x->applied(5, 60);
    x->close(6, 61, 0.4f);
    run_until(*x, 0, 113);
  }
  ASSERT_EQ(a.cohorts_reported(), b.cohorts_reported());
  ASSERT_EQ(a.cohorts_reported(), 2);  // cohort 1 (weeks 52-103) is empty
  for (Service s : {Service::Team, Service::SecondLine}) {
    EXPECT_EQ(a.totals(s).reentered, b.totals(s).reentered);
    EXPECT_EQ(a.totals(s).weeks, b.totals(s).weeks);
    EXPECT_EQ(a.totals(s).closed, 1);
  }
  EXPECT_EQ(a.totals(Service::Team).reentered, 1);
}

}  // namespace buurt
