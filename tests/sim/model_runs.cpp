// The model tests' shared runs (model_runs.h): the registry, the producer (`--produce`, the ctest fixture
// model.runs) and the reader. Also the main() of test_model_runs: without --produce it runs the tests.
#include "model_runs.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <stdexcept>

#include "buurt/base/Parallel.h"
#include "buurt/core/RunLoop.h"
#include "buurt/core/Simulation.h"
#include "buurt/scenario/Scenario.h"
#include "buurt/schema/Schema.h"
#include "test_support.h"

namespace buurt::test {

namespace {

constexpr char kMagic[] = "buurt-model-run 1\n";

std::vector<RunRequest>& registry() {
  static std::vector<RunRequest> requests;
  return requests;
}

/// One run's identity and what is asked of it: the longest run.weeks and the most replicates of any request.
struct Spec {
  std::string key;  ///< the resolved scenario without its name, run.weeks and run.snapshot_every
  std::string label;
  Params params;
  int weeks = 0, runs = 0;
};

Spec spec_of(const RunRequest& q) {
  Scenario s = load_scenario(scenario_path(q.scenario), q.sets);
  Spec out;
  out.label = q.scenario;
  for (const auto& set : q.sets) out.label += " " + set;
  out.params = s.params;
  out.weeks = static_cast<int>(s.params.run_weeks);
  out.runs = q.runs;
  s.name.clear();
  s.params.run_weeks = 0;
  s.params.run_snapshot_every = 0;
  out.key = s.resolved_toml();
  return out;
}

/// Every declared run, merged by key (first declaration's label), in declaration order.
const std::vector<Spec>& declared() {
  static const std::vector<Spec> specs = [] {
    std::vector<Spec> out;
    std::map<std::string, std::size_t> at;
    for (const auto& q : registry()) {
      Spec s = spec_of(q);
      const auto [it, added] = at.emplace(s.key, out.size());
      if (added) {
        out.push_back(std::move(s));
      } else {
        Spec& t = out[it->second];
        if (s.weeks > t.weeks) t.weeks = s.weeks, t.params = s.params;
        t.runs = std::max(t.runs, s.runs);
      }
    }
    return out;
  }();
  return specs;
}

std::filesystem::path file_of(const std::string& key, std::uint32_t run) {
  std::ostringstream name;
  name << std::hex << std::hash<std::string>{}(key) << std::dec << "-r" << run << ".bin";
  return model_runs_dir() / name.str();
}

/// This executable's size and modification time: a file written by another build is produced again.
std::string build_stamp() {
  std::error_code ec;
  const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return "unknown";
  const auto size = std::filesystem::file_size(exe, ec);
  const auto time = std::filesystem::last_write_time(exe, ec).time_since_epoch().count();
  return std::to_string(size) + ":" + std::to_string(time);
}

template <class T>
void put(std::ostream& out, const T& v) {
  out.write(reinterpret_cast<const char*>(&v), sizeof v);
}
void put_text(std::ostream& out, const std::string& s) {
  put<std::uint64_t>(out, s.size());
  out.write(s.data(), static_cast<std::streamsize>(s.size()));
}
template <class T>
T get(std::istream& in) {
  T v{};
  in.read(reinterpret_cast<char*>(&v), sizeof v);
  return v;
}
std::string get_text(std::istream& in) {
  const auto n = get<std::uint64_t>(in);
  if (!in || n > (std::uint64_t{1} << 24)) return {};
  std::string s(n, '\0');
  in.read(s.data(), static_cast<std::streamsize>(n));
  return s;
}

/// The file's header: key, build stamp and week count; nullopt-like (weeks -1) when unreadable.
struct Header {
  std::string key, stamp;
  int weeks = -1;
};
Header read_header(std::istream& in) {
  Header h;
  std::string magic(sizeof kMagic - 1, '\0');
  in.read(magic.data(), static_cast<std::streamsize>(magic.size()));
  if (!in || magic != kMagic) return h;
  h.key = get_text(in);
  h.stamp = get_text(in);
  const auto outcomes = get<std::uint32_t>(in);
  const auto weeks = get<std::uint32_t>(in);
  if (in && outcomes == static_cast<std::uint32_t>(kNumOutcomes)) h.weeks = static_cast<int>(weeks);
  return h;
}

/// Written under a temporary name and renamed, so a killed fixture leaves no half file under the final name.
void write_rows(const std::filesystem::path& path, const std::string& key, const std::string& stamp, const std::vector<WeekOutcomes>& rows) {
  const auto tmp = path.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out.write(kMagic, sizeof kMagic - 1);
    put_text(out, key);
    put_text(out, stamp);
    put<std::uint32_t>(out, static_cast<std::uint32_t>(kNumOutcomes));
    put<std::uint32_t>(out, static_cast<std::uint32_t>(rows.size() - 1));
    for (const auto& row : rows) out.write(reinterpret_cast<const char*>(row.v.data()), static_cast<std::streamsize>(sizeof(double) * row.v.size()));
    if (!out) throw std::runtime_error("cannot write " + tmp);
  }
  std::filesystem::rename(tmp, path);
}

/// The file already holds this run from this build, at least `weeks` long.
bool up_to_date(const Spec& s, std::uint32_t run, const std::string& stamp) {
  std::ifstream in(file_of(s.key, run), std::ios::binary);
  if (!in) return false;
  const Header h = read_header(in);
  return h.key == s.key && h.stamp == stamp && h.weeks >= s.weeks;
}

double seconds_since(std::chrono::steady_clock::time_point t0) { return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(); }

/// Runs every declared run that is missing or stale. Neighbourhoods that differ in policy keys only (same
/// seed and burn-in, a common start) are burned in once per replicate and every run starts from a copy,
/// as in a comparison (run_comparison); runs go in parallel, the longest first.
int produce() {
  const auto t0 = std::chrono::steady_clock::now();
  std::filesystem::create_directories(model_runs_dir());
  const std::string stamp = build_stamp();
  const auto& specs = declared();

  struct Job {
    std::size_t spec;
    std::uint32_t run;
    int group;
  };
  struct Group {
    Params params;
    std::string label;  ///< the first run that starts from it
    std::uint32_t runs = 0;
    std::vector<std::vector<std::byte>> start;
  };
  std::vector<Group> groups;
  std::vector<Job> jobs;
  std::size_t fresh = 0;
  for (std::size_t i = 0; i < specs.size(); ++i) {
    const Params& p = specs[i].params;
    int g = -1;
    if (p.run_common_start && p.run_burn_in > 0)
      for (std::size_t k = 0; k < groups.size() && g < 0; ++k)
        if (groups[k].params.run_seed == p.run_seed && groups[k].params.run_burn_in == p.run_burn_in &&
            !first_non_policy_difference(groups[k].params, p).has_value())
          g = static_cast<int>(k);
    for (std::uint32_t r = 0; r < static_cast<std::uint32_t>(specs[i].runs); ++r) {
      if (up_to_date(specs[i], r, stamp)) {
        ++fresh;
        continue;
      }
      if (p.run_common_start && p.run_burn_in > 0 && g < 0) {
        g = static_cast<int>(groups.size());
        groups.push_back({p, specs[i].label, 0, {}});
      }
      if (g >= 0) groups[static_cast<std::size_t>(g)].runs = std::max(groups[static_cast<std::size_t>(g)].runs, r + 1);
      jobs.push_back({i, r, g});
    }
  }
  std::printf("model.runs: %zu declared runs (%zu specs), %zu up to date, %zu to run, %zu burned-in neighbourhoods per replicate\n", fresh + jobs.size(),
              specs.size(), fresh, jobs.size(), groups.size());

  // Burn-ins first: one per group and replicate.
  std::vector<std::pair<std::size_t, std::uint32_t>> burns;
  for (std::size_t g = 0; g < groups.size(); ++g) {
    groups[g].start.resize(groups[g].runs);
    for (std::uint32_t r = 0; r < groups[g].runs; ++r) burns.emplace_back(g, r);
  }
  for (const auto& g : groups) {
    std::size_t members = 0;
    for (const auto& j : jobs) members += j.group == static_cast<int>(&g - groups.data()) && j.run == 0;
    std::printf("model.runs: %u burned-in neighbourhoods for %zu runs, first %s\n", g.runs, members, g.label.c_str());
  }
  par::for_each_job(burns.size(), [&](std::size_t b) {
    auto& [g, r] = burns[b];
    Simulation sim(groups[g].params, r);
    groups[g].start[r] = save_state(sim);
  });
  const double t_burn = seconds_since(t0);

  // The runs, the longest first (residents x weeks), so the last ones to finish are short.
  auto cost = [&](const Job& j) {
    const Params& p = specs[j.spec].params;
    return static_cast<double>(p.population_residents) * (specs[j.spec].weeks + (j.group < 0 ? p.run_burn_in : 0));
  };
  std::stable_sort(jobs.begin(), jobs.end(), [&](const Job& a, const Job& b) { return cost(a) > cost(b); });
  std::mutex printing;
  par::for_each_job(jobs.size(), [&](std::size_t k) {
    const auto t1 = std::chrono::steady_clock::now();
    const Job& j = jobs[k];
    const Spec& s = specs[j.spec];
    Simulation sim = j.group >= 0 ? restore_state(s.params, j.run, groups[static_cast<std::size_t>(j.group)].start[j.run]) : Simulation(s.params, j.run);
    std::vector<WeekOutcomes> rows{sim.outcomes()};
    rows.reserve(static_cast<std::size_t>(s.weeks) + 1);
    run_weeks(sim, s.weeks, nullptr, [&](const Simulation& x) { rows.push_back(x.outcomes()); });
    write_rows(file_of(s.key, j.run), s.key, stamp, rows);
    const std::lock_guard<std::mutex> lock(printing);
    std::printf("model.runs: %6.1f s  r%u  %d weeks%s  %s\n", seconds_since(t1), j.run, s.weeks, j.group >= 0 ? "" : " + burn-in", s.label.c_str());
    std::fflush(stdout);
  });
  std::printf("model.runs: %zu runs and %zu burn-ins in %.1f s (burn-ins %.1f s) into %s\n", jobs.size(), burns.size(), seconds_since(t0), t_burn,
              model_runs_dir().c_str());
  return 0;
}

}  // namespace

bool declare_runs(const std::vector<RunRequest>& requests) {
  registry().insert(registry().end(), requests.begin(), requests.end());
  return true;
}

std::filesystem::path model_runs_dir() {
  if (const char* d = std::getenv("BUURT_MODEL_RUNS"); d && *d) return d;
  return BUURT_MODEL_RUNS_DIR;
}

std::vector<WeekOutcomes> stored_rows(const std::string& scenario, const std::vector<std::string>& sets, std::uint32_t run) {
  const Spec want = spec_of({scenario, sets, 1});
  std::string label = want.label + " (replicate " + std::to_string(run) + ")";
  const auto& specs = declared();
  const auto it = std::find_if(specs.begin(), specs.end(), [&](const Spec& s) { return s.key == want.key; });
  if (it == specs.end() || static_cast<std::uint32_t>(it->runs) <= run || it->weeks < want.weeks)
    throw std::runtime_error("model run not declared: " + label + "; add it to the BUURT_MODEL_RUNS list of the test file");
  const auto path = file_of(want.key, run);
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("model run not produced: " + label + " (" + path.string() + "); the fixture model.runs makes it (ctest runs it first)");
  const Header h = read_header(in);
  if (h.key != want.key || h.weeks < want.weeks)
    throw std::runtime_error("model run file " + path.string() + " does not hold " + label + "; run the fixture model.runs again");
  std::vector<WeekOutcomes> rows(static_cast<std::size_t>(want.weeks) + 1);
  for (auto& row : rows) in.read(reinterpret_cast<char*>(row.v.data()), static_cast<std::streamsize>(sizeof(double) * row.v.size()));
  if (!in) throw std::runtime_error("model run file " + path.string() + " is truncated");
  return rows;
}

}  // namespace buurt::test

int main(int argc, char** argv) {
  if (argc >= 2 && std::string(argv[1]) == "--produce") return buurt::test::produce();
  if (argc >= 2 && std::string(argv[1]) == "--list") {
    for (const auto& s : buurt::test::declared()) std::printf("%2d x %4d weeks  %s\n", s.runs, s.weeks, s.label.c_str());
    return 0;
  }
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
