#pragma once
/// A calibrated ensemble (`buurt calibrate` writes it, docs/calibration.md): parameter sets that each
/// reproduce the reference figures. `buurt compare --ensemble` runs replicate r with member r mod N.
#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include "buurt/scenario/Scenario.h"

namespace buurt {

/// The model's fingerprint: the schema version and a digest of the non-money outcomes of a short run with the schema defaults
/// (400 residents, 26 weeks of burn-in, 26 weeks, seed 1, run 0). A kernel change that alters results
/// changes it, so a posterior made on another model is refused; a change of prices does not.
std::string model_fingerprint();

struct Ensemble {
  std::string path;
  std::string fingerprint;                   ///< the model fingerprint stored with the posterior
  std::vector<std::string> names;            ///< calibrated keys, section.key
  std::vector<std::vector<double>> members;  ///< members x names
  /// `section.key=value` overrides of member m.
  std::vector<std::string> overrides(std::size_t m) const;
};

/// Reads `/posterior/parameters`, `/posterior/names` and the fingerprint of a posterior file. A file that
/// is not a posterior, an empty ensemble, an unknown key or a value outside the schema's range is a
/// ScenarioError naming the file and key; a posterior of another model says it must be recalibrated.
Ensemble load_ensemble(const std::filesystem::path& file);

/// A scenario may not set a calibrated key itself (a value other than the schema default), unless it is
/// a policy key: the ensemble would silently override it. Throws ScenarioError naming scenario and key.
void check_ensemble_keys(const Ensemble& e, const std::vector<Scenario>& scenarios);

}  // namespace buurt
