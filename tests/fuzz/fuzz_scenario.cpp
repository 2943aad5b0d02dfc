// Fuzz target: the scenario loader (TOML parse, schema validation, `base` inheritance, `--set`).
//
// Input layout (any bytes are valid input):
//   <scenario text>[\n#---\n<second file text>]
// The scenario text is written to input.toml beside two fixed files: base.toml (a copy of a valid
// scenario, see kBase) and other.toml (the optional second part), so `base = "base.toml"`,
// `base = "other.toml"` and chains/loops between them are all reachable. Lines of the input that start
// with "#set " become `--set` overrides (at most 4), e.g. "#set population.residents=-3".
//
// Oracle: every exception must be buurt::ScenarioError; a scenario that loads must load again from
// its own resolved TOML with identical resolved TOML.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "buurt/scenario/Scenario.h"
#include "fuzz_common.h"

namespace {

constexpr std::string_view kBase = R"(name = "fuzz-base"
description = "fixed base file of the scenario fuzzer"
[run]
seed = 7
weeks = 10
snapshot_every = 5
[population]
residents = 300
)";

std::vector<std::string> overrides_from(std::string_view text) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (pos < text.size() && out.size() < 4) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    if (line.starts_with("#set ")) out.emplace_back(line.substr(5));
    pos = end + 1;
  }
  return out;
}

template <class F>
void expect_scenario_errors_only(F&& f) {
  try {
    f();
  } catch (const buurt::ScenarioError&) {
  } catch (const std::exception& e) {
    buurt_fuzz::bug("fuzz_scenario", e.what());
  } catch (...) {
    buurt_fuzz::bug("fuzz_scenario", "non-std exception");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto& dir = buurt_fuzz::scratch();
  static const bool once = [&] {
    buurt_fuzz::write_file(dir / "base.toml", kBase);
    return true;
  }();
  (void)once;
  std::string_view all(reinterpret_cast<const char*>(data), size);
  std::string_view main_text = all, other_text;
  if (auto sep = all.find("\n#---\n"); sep != std::string_view::npos) {
    main_text = all.substr(0, sep);
    other_text = all.substr(sep + 6);
  }
  buurt_fuzz::write_file(dir / "input.toml", main_text);
  buurt_fuzz::write_file(dir / "other.toml", other_text);
  const std::vector<std::string> sets = overrides_from(all);

  // 1. The file path: base chain + overrides + consistency + resolved round trip.
  expect_scenario_errors_only([&] {
    buurt::Scenario s = buurt::load_scenario(dir / "input.toml", sets);
    buurt::check_consistency(s);
    const std::string resolved = s.resolved_toml();
    buurt::Scenario again;
    try {
      again = buurt::parse_scenario(resolved, "resolved");
    } catch (const buurt::ScenarioError& e) {
      buurt_fuzz::bug("fuzz_scenario", ("resolved TOML of a valid scenario does not load back: " + std::string(e.what())).c_str());
    }
    if (again.resolved_toml() != resolved) buurt_fuzz::bug("fuzz_scenario", "resolved TOML is not a fixed point");
  });
  // 2. Text without a file (base resolved relative to cwd), then overrides applied afterwards.
  expect_scenario_errors_only([&] {
    buurt::Scenario s = buurt::parse_scenario(main_text, "fuzz-input");
    buurt::apply_overrides(s, sets);
    buurt::check_consistency(s);
  });
  return 0;
}
