// Running sweeps through the library: working file, checksums, resume, shards, merge, adaptive replicates.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <set>

#include "buurt/core/Simulation.h"
#include "buurt/output/Recorder.h"
#include "buurt/sweep/Runner.h"
#include "buurt/sweep/Store.h"

using namespace buurt;
using namespace buurt::sweep;
namespace fs = std::filesystem;

namespace {
const fs::path kScenarios = fs::path(BUURT_SOURCE_DIR) / "scenarios";

const std::string kSweep = std::string(R"(base = "baseline.toml"
[fixed]
population.residents = 200
run.weeks = 6
)") + (find_param("run.burn_in") ? "run.burn_in = 0\n" : "") +
                           R"(
[design]
kind = "grid"
replicates = 2
seed = 11
[parameters]
helping.share_willing = [0.2, 0.5, 0.8]
asking.shame_mean = [0.3, 0.6]
[outcomes]
final = ["in_need_share", "severely_lonely_share", "informal_hours"]
timeseries = ["in_need_share"]
)";

struct TempDir {
  fs::path p;
  TempDir() {
    char tmpl[] = "/tmp/buurt_sweep_test_XXXXXX";
    p = ::mkdtemp(tmpl);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(p, ec);
  }
};

Plan make(const std::string& text, TargetCi t = {}, Shard s = {}) { return Plan(parse_sweep_text(text, "t.toml", kScenarios), t, s); }

std::vector<double> read_final(const fs::path& f, std::vector<std::int64_t>* runs = nullptr) {
  ResultGroup h = ResultGroup::open_file(f);
  if (runs) *runs = h.read<std::int64_t>("/runs/run_index");
  return h.read<double>("/runs/final");
}

/// Run a whole plan into `out` (working file, run_local, finalize).
void run_all(const Plan& plan, const fs::path& out, bool shard_file = false) {
  const auto partial = PartialFile::path_for(out);
  {
    auto f = PartialFile::create(partial, plan, false);
    run_local(plan, f, nullptr);
    ASSERT_TRUE(pending(plan, f).empty());
  }
  finalize(plan, partial, out, false, shard_file);
  ASSERT_FALSE(fs::exists(partial));
}
}  // namespace

TEST(Plan, ShardsPartitionTheRuns) {
  const Plan whole = make(kSweep);
  ASSERT_EQ(whole.slots(), 12);
  std::set<std::int64_t> seen;
  for (std::int64_t n : {1, 3, 5, 12, 13})
    for (std::int64_t i = 0; i < n; ++i) {
      const Plan p = make(kSweep, {}, {i, n});
      for (std::int64_t s = 0; s < p.slots(); ++s) {
        const std::int64_t r = p.run_index(s);
        EXPECT_EQ(p.slot_of(r), s);
        if (n == 5) EXPECT_TRUE(seen.insert(r).second) << "run " << r << " in two shards";
      }
    }
  EXPECT_EQ(seen.size(), 12u);
}

TEST(Runner, OneRunEqualsAPlainSimulationWithCommonRandomNumbers) {
  const Plan plan = make(kSweep);
  for (std::int64_t slot : {0, 1, 7}) {
    RunResult r;
    ASSERT_TRUE(run_one(plan, slot, r));
    const std::int64_t point = plan.point_of(r.run_index), rep = plan.replicate_of(r.run_index);
    Scenario s = plan.base();
    apply_overrides(s, plan.overrides(point));
    s.params.run_seed = 11;  // the sweep seed for every point: replicate r = run r
    Simulation sim(s.params, static_cast<std::uint32_t>(rep));
    EXPECT_EQ(r.series[0], sim.outcomes()[Outcome::in_need_share]);
    for (int w = 0; w < 6; ++w) sim.step();
    EXPECT_EQ(r.final[0], sim.outcomes()[Outcome::in_need_share]);
    EXPECT_EQ(r.final[2], sim.outcomes()[Outcome::informal_hours]);
    EXPECT_EQ(r.series[6], r.final[0]);
  }
}

TEST(Store, FinalFileHasTheDocumentedLayout) {
  TempDir d;
  const Plan plan = make(kSweep);
  run_all(plan, d.p / "s.h5");
  ResultGroup f = ResultGroup::open_file(d.p / "s.h5");
  EXPECT_EQ(f.attr_string("kind"), "sweep");
  std::vector<std::uint64_t> dims;
  const auto design = f.read<double>("/sweep/design", &dims);
  EXPECT_EQ(dims, (std::vector<std::uint64_t>{6, 2}));
  EXPECT_EQ(design, plan.design().v);
  EXPECT_EQ(f.read_string("/sweep/design_kind"), "grid");
  EXPECT_EQ(f.read_string("/sweep/fingerprint"), plan.fingerprint());
  EXPECT_EQ(f.read_string("/sweep/definition"), kSweep);
  EXPECT_EQ(f.read<std::int64_t>("/sweep/replicates")[0], 2);
  EXPECT_EQ(f.read<std::int64_t>("/sweep/seed")[0], 11);
  const auto runs = f.read<std::int64_t>("/runs/run_index");
  const auto point = f.read<std::int64_t>("/runs/point");
  const auto rep = f.read<std::int64_t>("/runs/replicate");
  const auto seed = f.read<std::int64_t>("/runs/seed");
  ASSERT_EQ(runs.size(), 12u);
  for (std::size_t i = 0; i < 12; ++i) {
    EXPECT_EQ(runs[i], static_cast<std::int64_t>(i));
    EXPECT_EQ(point[i], runs[i] / 2);
    EXPECT_EQ(rep[i], runs[i] % 2);
    EXPECT_EQ(seed[i], 11);
  }
  f.read<double>("/runs/final", &dims);
  EXPECT_EQ(dims, (std::vector<std::uint64_t>{12, 3}));
  f.read<double>("/runs/timeseries/in_need_share", &dims);
  EXPECT_EQ(dims, (std::vector<std::uint64_t>{12, 7}));
}

TEST(Store, InterruptedAndResumedEqualsUninterrupted) {
  TempDir d;
  const Plan plan = make(kSweep);
  run_all(plan, d.p / "ref.h5");
  const auto out = d.p / "res.h5", partial = PartialFile::path_for(out);
  for (int stop_after : {2, 3, 2}) {
    std::atomic<bool> stop{false};
    int seen = 0;
    auto f = fs::exists(partial) ? PartialFile::open(partial, plan) : PartialFile::create(partial, plan, false);
    run_local(plan, f, &stop, [&](const RunResult&) {
      if (++seen >= stop_after) stop = true;
    });
  }
  {
    auto f = PartialFile::open(partial, plan);
    EXPECT_GT(f.done_count(), 0);
    EXPECT_LT(f.done_count(), 12);
    run_local(plan, f, nullptr);
  }
  finalize(plan, partial, out, false, false);
  std::vector<std::int64_t> ra, rb;
  EXPECT_EQ(read_final(d.p / "ref.h5", &ra), read_final(out, &rb));
  EXPECT_EQ(ra, rb);
}

TEST(Store, DamagedRowIsRunAgain) {
  TempDir d;
  const Plan plan = make(kSweep);
  const auto partial = d.p / "x.h5.partial";
  {
    auto f = PartialFile::create(partial, plan, false);
    run_local(plan, f, nullptr);
    EXPECT_EQ(f.done_count(), 12);
  }
  {  // Overwrite slot 3's final row in the file, as a torn write would leave it.
    ResultGroup h = ResultGroup::open_file(partial);
    ResultDataset ds = h.open_dataset("/partial/final");
    const auto off = ds.file_offset();
    h = ResultGroup();
    ds = ResultDataset();
    const int fd = ::open(partial.c_str(), O_RDWR);
    const double junk[3] = {1, 2, 3};
    ASSERT_EQ(::pwrite(fd, junk, sizeof(junk), static_cast<off_t>(off + 3 * sizeof(junk))), static_cast<ssize_t>(sizeof(junk)));
    ::close(fd);
  }
  auto f = PartialFile::open(partial, plan);
  EXPECT_EQ(f.done_count(), 11);
  EXPECT_FALSE(f.done(3));
  EXPECT_EQ(pending(plan, f), std::vector<std::int64_t>{3});
}

TEST(Store, DifferentDefinitionIsRefused) {
  TempDir d;
  const Plan plan = make(kSweep);
  const auto partial = d.p / "x.h5.partial";
  { auto f = PartialFile::create(partial, plan, false); }
  std::string other = kSweep;
  other.replace(other.find("replicates = 2"), 14, "replicates = 3");
  try {
    (void)PartialFile::open(partial, make(other));
    FAIL() << "no error";
  } catch (const OutputError& e) {
    EXPECT_NE(std::string(e.what()).find("different sweep definition"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("replicates = 2"), std::string::npos) << e.what();
  }
  EXPECT_THROW((void)PartialFile::open(partial, make(kSweep, {}, {0, 2})), OutputError);  // another shard
  EXPECT_THROW((void)PartialFile::create(partial, plan, false), OutputError);             // exists
}

TEST(Store, WorkingFileOfAnotherProgramVersionIsRefused) {
  TempDir d;
  const Plan plan = make(kSweep);
  const auto partial = d.p / "x.h5.partial";
  { auto f = PartialFile::create(partial, plan, false); }
  {
    ResultGroup f = ResultGroup::open_file(partial, true);
    f.remove("/sweep/git_commit");
    f.write_string("/sweep/git_commit", "0123456789ab");
  }
  try {
    (void)PartialFile::open(partial, plan);
    FAIL() << "no error";
  } catch (const OutputError& e) {
    EXPECT_NE(std::string(e.what()).find("would mix two versions of the model"), std::string::npos) << e.what();
  }
}

TEST(Merge, ShardsMergeToTheOneWayFileAndMistakesAreCaught) {
  TempDir d;
  run_all(make(kSweep), d.p / "one.h5");
  std::vector<fs::path> shards;
  for (std::int64_t i = 0; i < 3; ++i) {
    shards.push_back(d.p / ("s" + std::to_string(i) + ".h5"));
    run_all(make(kSweep, {}, {i, 3}), shards.back(), true);
  }
  EXPECT_EQ(merge({shards[2], shards[0], shards[1]}, d.p / "m.h5", false), 12);
  std::vector<std::int64_t> ra, rb;
  EXPECT_EQ(read_final(d.p / "one.h5", &ra), read_final(d.p / "m.h5", &rb));
  EXPECT_EQ(ra, rb);
  auto msg = [&](const std::vector<fs::path>& in) -> std::string {
    try {
      merge(in, d.p / "bad.h5", true);
    } catch (const InputError& e) {  // a wrong input file is bad input (exit 2), not an output problem
      return e.what();
    }
    return "(no error)";
  };
  EXPECT_NE(msg({shards[0], shards[2]}).find("shard(s) 1/3 missing"), std::string::npos);
  EXPECT_NE(msg({shards[0], shards[1], shards[1], shards[2]}).find("given twice"), std::string::npos);
  EXPECT_NE(msg({d.p / "one.h5"}).find("not a shard"), std::string::npos);
  std::string other = kSweep;
  other.replace(other.find("seed = 11"), 9, "seed = 12");
  run_all(make(other, {}, {1, 3}), d.p / "o1.h5", true);
  EXPECT_NE(msg({shards[0], d.p / "o1.h5", shards[2]}).find("different sweep"), std::string::npos);
}

TEST(Adaptive, WantedReplicatesFollowTheIntervalWidth) {
  EXPECT_NEAR(t975(1), 12.706, 1e-3);
  EXPECT_NEAR(t975(10), 2.228, 1e-3);
  EXPECT_NEAR(t975(40), 2.021, 1e-3);
  EXPECT_NEAR(t975(120), 1.980, 1e-3);
  const std::vector<double> tight{1.0, 1.001, 0.999};
  EXPECT_EQ(wanted_replicates(tight, 0.1, 50), 3);  // already narrow
  const std::vector<double> wide{0.0, 1.0, 0.5, 0.25};
  const std::int64_t w = wanted_replicates(wide, 0.1, 50);  // far too wide: at most doubles
  EXPECT_EQ(w, 8);
  EXPECT_EQ(wanted_replicates(wide, 0.1, 6), 6);         // capped
  EXPECT_EQ(wanted_replicates({1.0, 1.0}, 0.1, 10), 2);  // no spread
}

TEST(Adaptive, SameResultAcrossShardsAndTheTargetIsReached) {
  TempDir d;
  std::string text = kSweep;
  text.replace(text.find("seed = 11"), 9, "seed = 11\nmax_replicates = 12");
  const TargetCi t = parse_target_ci("in_need_share=0.02");
  const Plan plan = make(text, t);
  run_all(plan, d.p / "a.h5");
  run_all(make(text, t, {0, 2}), d.p / "a0.h5", true);
  run_all(make(text, t, {1, 2}), d.p / "a1.h5", true);
  merge({d.p / "a0.h5", d.p / "a1.h5"}, d.p / "am.h5", false);
  std::vector<std::int64_t> ra, rb;
  const auto fa = read_final(d.p / "a.h5", &ra);
  EXPECT_EQ(fa, read_final(d.p / "am.h5", &rb));
  EXPECT_EQ(ra, rb);
  // Per point: replicates 0..n-1, n >= 2, and the interval narrow enough unless n hit the cap.
  for (std::int64_t p = 0; p < plan.points(); ++p) {
    std::vector<double> x;
    for (std::size_t i = 0; i < ra.size(); ++i)
      if (ra[i] / plan.stride() == p) {
        EXPECT_EQ(ra[i] % plan.stride(), static_cast<std::int64_t>(x.size()));
        x.push_back(fa[i * 3]);
      }
    ASSERT_GE(x.size(), 2u);
    EXPECT_EQ(wanted_replicates(x, 0.02, plan.stride()), static_cast<std::int64_t>(x.size())) << "point " << p;
  }
}
