#pragma once
// Small helpers shared by the tests.
#include <unistd.h>

#include <filesystem>
#include <string>

#include "buurt/scenario/Schema.h"

namespace buurt::test {

inline std::filesystem::path source_dir() { return BUURT_SOURCE_DIR; }
inline std::filesystem::path scenario_path(const std::string& name) { return source_dir() / "scenarios" / name; }

/// Defaults with a small neighbourhood, for fast tests.
inline Params small_params(std::int64_t residents = 2000, std::int64_t seed = 7) {
  Params p;
  p.population_residents = residents;
  p.run_seed = seed;
  p.run_burn_in = 0;  // unit tests start from the blank state
  return p;
}

/// Everything off: no events, no self-help, no asking, no tie dynamics, no adaptation, no drift.
inline Params all_off(std::int64_t residents = 4000) {
  Params p = small_params(residents);
  p.events_enabled = false;
  p.events_cascades = false;
  p.events_poverty_loneliness = false;
  p.selfhelp_enabled = false;
  p.asking_enabled = false;
  p.ties_dynamics = false;
  p.loneliness_onset_rate = 0;
  p.loneliness_recovery_rate = 0;
  p.reciprocity_give_back = false;
  p.reciprocity_fade = 0;
  p.reciprocity_owing_strain = 0;
  p.adaptation_enabled = false;
  p.team_enabled = false;
  p.volunteers_share = 0;
  p.demography_enabled = false;  // the same residents in the same places: phases are tested one at a time
  return p;
}

/// A fresh, empty temporary directory for one test.
inline std::filesystem::path temp_dir(const std::string& name) {
  auto d = std::filesystem::temp_directory_path() / ("buurt_test_" + name + "_" + std::to_string(::getpid()));
  std::filesystem::remove_all(d);
  std::filesystem::create_directories(d);
  return d;
}

}  // namespace buurt::test
