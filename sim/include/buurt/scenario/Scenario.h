#pragma once
/// A frozen, validated scenario and the loader that produces it.
#include <filesystem>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "buurt/schema/Schema.h"

namespace buurt {

/// A scenario error that names where it is and what was expected.
class ScenarioError : public std::runtime_error {
 public:
  ScenarioError(std::string file, int line, int column, std::string key, std::string message);
  const std::string& file() const { return file_; }
  int line() const { return line_; }
  int column() const { return column_; }
  const std::string& key() const { return key_; }
  /// "file:line:column: " as the message starts; without the line (or column) where there is none (0), e.g. a
  /// file that does not exist or an error in a result file.
  static std::string location(const std::string& file, int line, int column);

 private:
  std::string file_;
  int line_;
  int column_;
  std::string key_;
};

/// An immutable, validated scenario with its provenance.
struct Scenario {
  Params params;
  std::string name;
  std::string description;
  std::string title;                   ///< short title for people (the viewer's workshop); not passed on from a base file
  std::string title_nl;                ///< `title` in Dutch; not passed on from a base file
  std::string description_nl;          ///< `description` in Dutch; passed on from a base file only together with it
  std::string source_path;             ///< the file it was loaded from ("" for defaults)
  std::string given_text;              ///< the file(s) as given, base files included, and overrides
  std::vector<std::string> overrides;  ///< `--set` arguments, in order

  /// Every parameter with its resolved value, as TOML.
  std::string resolved_toml() const;
};

/// Load `file` (following `base = "..."` chains), then apply `--set section.key=value` overrides.
/// Throws ScenarioError on any problem.
Scenario load_scenario(const std::filesystem::path& file, std::span<const std::string> overrides = {});
/// Parse scenario text that has no file (tests, `--set` only). `base` is resolved relative to cwd.
Scenario parse_scenario(std::string_view text, std::string_view name, std::span<const std::string> overrides = {});
/// Apply `section.key=value` overrides to an existing scenario (same validation).
void apply_overrides(Scenario& s, std::span<const std::string> overrides);
/// Check cross-parameter constraints (e.g. household shares sum to 1).
void check_consistency(const Scenario& s);

}  // namespace buurt
