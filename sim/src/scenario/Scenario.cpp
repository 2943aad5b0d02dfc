#include "buurt/scenario/Scenario.h"

#include "scenario/TomlText.h"

#include <fmt/format.h>
#include <toml++/toml.h>
#include <cmath>
#include <fstream>
#include <set>
#include <sstream>

namespace buurt {
namespace {

// The top-level keys of a scenario file (docs/scenarios.md): all strings but `base`, which names a file.
constexpr std::string_view kTopLevelKeys[] = {"base", "name", "description", "title", "title_nl", "description_nl"};

std::string* top_level_field(Scenario& s, std::string_view key) {
  if (key == "name") return &s.name;
  if (key == "description") return &s.description;
  if (key == "title") return &s.title;
  if (key == "title_nl") return &s.title_nl;
  if (key == "description_nl") return &s.description_nl;
  return nullptr;
}

std::string read_file(const std::filesystem::path& path, const std::string& from, int line) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ScenarioError(from, line, 0, "base", fmt::format("cannot open scenario file '{}'", path.string()));
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string expected_text(const ParamSpec& s) {
  if (s.type == ParamType::Bool) return "a boolean (true or false)";
  if (s.type == ParamType::Int)
    return fmt::format("an integer in [{}, {}]{}", static_cast<std::int64_t>(s.min), static_cast<std::int64_t>(s.max),
                       s.unit.empty() ? "" : fmt::format(" ({})", s.unit));
  return fmt::format("a number in [{}, {}]{}", s.min, s.max, s.unit.empty() ? "" : fmt::format(" ({})", s.unit));
}

/// Validate one value node against its spec and store it.
void assign(Params& p, const ParamSpec& spec, const toml::node& n, const std::string& file) {
  const auto& src = n.source();
  const int line = static_cast<int>(src.begin.line), col = static_cast<int>(src.begin.column);
  auto fail = [&]() {
    throw ScenarioError(file, line, col, spec.full_name(), fmt::format("expected {}, found {}", expected_text(spec), describe_toml_value(n)));
  };
  switch (spec.type) {
    case ParamType::Bool: {
      auto v = n.value_exact<bool>();
      if (!v) fail();
      p.*std::get<bool Params::*>(spec.member) = *v;
      break;
    }
    case ParamType::Int: {
      auto v = n.value_exact<std::int64_t>();
      if (!v || static_cast<double>(*v) < spec.min || static_cast<double>(*v) > spec.max) fail();
      p.*std::get<std::int64_t Params::*>(spec.member) = *v;
      break;
    }
    case ParamType::Real: {
      std::optional<double> v;
      if (n.is_integer())
        v = static_cast<double>(*n.value_exact<std::int64_t>());
      else
        v = n.value_exact<double>();
      if (!v || !std::isfinite(*v) || *v < spec.min || *v > spec.max) fail();
      p.*std::get<double Params::*>(spec.member) = *v;
      break;
    }
  }
}

std::string unknown_message(const std::string& what, const std::string& name) {
  if (auto r = renamed_param(name)) return fmt::format("{} was renamed to {}", name, *r);
  if (auto s = suggest_param(name)) return fmt::format("unknown {}; did you mean '{}'?", what, *s);
  return fmt::format("unknown {}; see `buurt describe` for all keys", what);
}

/// Apply a parsed table (one file) on top of `s`. Bases are applied first, recursively.
void apply_table(Scenario& s, const toml::table& tbl, const std::filesystem::path& path, const std::string& file_label, std::set<std::filesystem::path>& chain,
                 bool allow_top_level) {
  if (auto base = tbl.get("base")) {
    const int line = static_cast<int>(base->source().begin.line), col = static_cast<int>(base->source().begin.column);
    auto b = base->value_exact<std::string>();
    if (!b) throw ScenarioError(file_label, line, col, "base", fmt::format("expected a file name string, found {}", describe_toml_value(*base)));
    std::filesystem::path bp = path.parent_path() / *b;
    std::error_code ec;
    auto canon = std::filesystem::weakly_canonical(bp, ec);
    if (chain.count(canon)) throw ScenarioError(file_label, line, col, "base", fmt::format("base chain loops back to '{}'", bp.string()));
    std::error_code ec_file;  // a name the file system refuses (too long, ...) is a bad value, not an internal error
    if (!std::filesystem::is_regular_file(bp, ec_file))
      throw ScenarioError(file_label, line, col, "base",
                          fmt::format("base file '{}' does not exist{}", bp.string(), ec_file ? fmt::format(" ({})", ec_file.message()) : ""));
    chain.insert(canon);
    const std::string text = read_file(bp, file_label, line);
    const toml::table base_tbl = parse_toml(text, bp.string());
    s.given_text = fmt::format("# ---- base file: {} ----\n{}\n", bp.string(), text) + s.given_text;
    apply_table(s, base_tbl, bp, bp.string(), chain, true);
    // A title names the file's own scenario, not its base's; the Dutch description goes with the description.
    s.title.clear();
    s.title_nl.clear();
    if (tbl.contains("description")) s.description_nl.clear();
  }
  for (const auto& [k, node] : tbl) {
    const std::string key(k.str());
    // Tables report the position of their header; other values the position of their key.
    const auto& where = node.is_table() ? node.source() : k.source();
    const int line = static_cast<int>(where.begin.line), col = static_cast<int>(where.begin.column);
    if (key == "base") continue;
    if (std::string* field = top_level_field(s, key)) {
      if (!allow_top_level) throw ScenarioError(file_label, line, col, key, "only allowed in scenario files");
      auto v = node.value_exact<std::string>();
      if (!v) throw ScenarioError(file_label, line, col, key, fmt::format("expected a string, found {}", describe_toml_value(node)));
      *field = *v;
      continue;
    }
    const auto* sect = node.as_table();
    if (!sect) {
      if (is_section(key)) throw ScenarioError(file_label, line, col, key, fmt::format("expected a table [{}], found {}", key, describe_toml_value(node)));
      std::string allowed;
      for (std::string_view k : kTopLevelKeys) allowed += fmt::format("{}, ", k);
      std::string msg = fmt::format("unknown top-level key '{}' (allowed: {}and [section] tables)", key, allowed);
      if (auto sug = suggest_param(key)) msg += fmt::format("; did you mean '{}'?", *sug);
      throw ScenarioError(file_label, line, col, key, msg);
    }
    if (!is_section(key)) {
      std::string msg = fmt::format("unknown section [{}]", key);
      // Suggest the section of the closest key.
      if (auto sug = suggest_param(key + "." + (sect->empty() ? std::string("x") : std::string(sect->begin()->first.str()))))
        msg += fmt::format("; did you mean [{}]?", sug->substr(0, sug->find('.')));
      throw ScenarioError(file_label, line, col, key, msg);
    }
    for (const auto& [pk, pnode] : *sect) {
      const std::string full = key + "." + std::string(pk.str());
      const auto* spec = find_param(full);
      if (!spec)
        throw ScenarioError(file_label, static_cast<int>(pk.source().begin.line), static_cast<int>(pk.source().begin.column), full,
                            unknown_message("key", full));
      assign(s.params, *spec, pnode, file_label);
    }
  }
}

Scenario parse_impl(std::string_view text, const std::filesystem::path& path, const std::string& label, std::span<const std::string> overrides) {
  Scenario s;
  s.source_path = path.string();
  const toml::table tbl = parse_toml(text, label);
  s.given_text = fmt::format("# ---- scenario file: {} ----\n{}", label, text);
  std::set<std::filesystem::path> chain;
  std::error_code ec;
  chain.insert(std::filesystem::weakly_canonical(path, ec));
  apply_table(s, tbl, path, label, chain, true);
  if (s.name.empty()) s.name = path.stem().string();
  apply_overrides(s, overrides);
  return s;
}

}  // namespace

toml::table parse_toml(std::string_view text, const std::string& label) {
  try {
    return toml::parse(text, std::string_view(label));
  } catch (const toml::parse_error& e) {
    throw ScenarioError(label, static_cast<int>(e.source().begin.line), static_cast<int>(e.source().begin.column), "",
                        fmt::format("TOML syntax error: {}", e.description()));
  }
}

std::string describe_toml_value(const toml::node& n) {
  switch (n.type()) {
    case toml::node_type::string: return fmt::format("the string \"{}\"", *n.value<std::string>());
    case toml::node_type::integer: return fmt::format("the integer {}", *n.value<std::int64_t>());
    case toml::node_type::floating_point: return fmt::format("the number {}", *n.value<double>());
    case toml::node_type::boolean: return fmt::format("the boolean {}", *n.value<bool>() ? "true" : "false");
    case toml::node_type::table: return "a table";
    case toml::node_type::array: return "an array";
    default: return "a date/time";
  }
}

std::string ScenarioError::location(const std::string& file, int line, int column) {
  if (line <= 0) return fmt::format("{}: ", file);
  if (column <= 0) return fmt::format("{}:{}: ", file, line);
  return fmt::format("{}:{}:{}: ", file, line, column);
}

ScenarioError::ScenarioError(std::string file, int line, int column, std::string key, std::string message)
    : std::runtime_error(fmt::format("{}{}{}", location(file, line, column), key.empty() ? "" : fmt::format("key '{}': ", key), message)),
      file_(std::move(file)),
      line_(line),
      column_(column),
      key_(std::move(key)) {}

void apply_overrides(Scenario& s, std::span<const std::string> overrides) {
  int index = 0;
  for (const auto& ov : overrides) {
    ++index;
    const std::string label = fmt::format("--set #{}", index);
    const auto eq = ov.find('=');
    if (eq == std::string::npos || eq == 0) throw ScenarioError(label, 1, 1, "", fmt::format("expected section.key=value, found '{}'", ov));
    std::string name = ov.substr(0, eq);
    while (!name.empty() && name.back() == ' ') name.pop_back();
    const auto* spec = find_param(name);
    if (!spec) throw ScenarioError(label, 1, 1, name, unknown_message("key", name));
    toml::table t;
    const std::string doc = "v = " + ov.substr(eq + 1);
    try {
      t = toml::parse(std::string_view(doc), std::string_view(label));
    } catch (const toml::parse_error& e) {
      throw ScenarioError(label, 1, static_cast<int>(eq) + 2, name,
                          fmt::format("expected {}, found '{}' (not a TOML value)", expected_text(*spec), ov.substr(eq + 1)));
    }
    assign(s.params, *spec, *t.get("v"), label);
    s.overrides.push_back(ov);
    s.given_text += fmt::format("\n# --set {}\n", ov);
  }
  check_consistency(s);
}

void check_consistency(const Scenario& s) {
  const auto& p = s.params;
  const double sum = p.population_share_single + p.population_share_couple + p.population_share_family + p.population_share_elderly;
  if (std::abs(sum - 1.0) > 1e-6)
    throw ScenarioError(s.source_path.empty() ? "<scenario>" : s.source_path, 0, 0, "population.share_*",
                        fmt::format("household shares single+couple+family+elderly must sum to 1, found {:.4f}", sum));
  if (p.population_share_on_benefits + p.population_share_low_income > 1.0 + 1e-9)
    throw ScenarioError(s.source_path.empty() ? "<scenario>" : s.source_path, 0, 0, "population.share_on_benefits",
                        "share_on_benefits + share_low_income must not exceed 1");
}

std::string Scenario::resolved_toml() const {
  // The name as a basic TOML string written by toml++ (quotes, backslashes and control characters escaped,
  // other UTF-8 kept as it is).
  std::ostringstream quoted;
  const toml::value<std::string> name_value(name);
  quoted << toml::toml_formatter(name_value, toml::format_flags::allow_unicode_strings);
  std::string out = fmt::format("# resolved scenario: every parameter with its value\nname = {}\n", quoted.str());
  std::string_view section;
  for (const auto& spec : schema()) {
    if (spec.section != section) {
      section = spec.section;
      out += fmt::format("\n[{}]\n", section);
    }
    out += fmt::format("{} = {}\n", spec.key, spec.format(params));
  }
  return out;
}

Scenario load_scenario(const std::filesystem::path& file, std::span<const std::string> overrides) {
  std::error_code ec_file;
  if (!std::filesystem::is_regular_file(file, ec_file)) throw ScenarioError(file.string(), 0, 0, "", "scenario file does not exist or is not a regular file");
  const std::string text = read_file(file, file.string(), 0);
  return parse_impl(text, file, file.string(), overrides);
}

Scenario parse_scenario(std::string_view text, std::string_view name, std::span<const std::string> overrides) {
  return parse_impl(text, std::filesystem::current_path() / std::string(name), std::string(name), overrides);
}

}  // namespace buurt
