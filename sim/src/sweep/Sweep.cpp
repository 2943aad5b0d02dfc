#include "buurt/sweep/Sweep.h"

#include <fmt/format.h>
#include <toml++/toml.h>
#include <algorithm>
#include <cmath>
#include <fstream>
#include <set>
#include <sstream>

#include "scenario/TomlText.h"

#include "buurt/schema/EditDistance.h"
#include "buurt/sweep/Design.h"

namespace buurt::sweep {
namespace {

constexpr std::string_view kTopKeys[] = {"base", "name", "description", "fixed", "design", "parameters", "outcomes"};
constexpr std::string_view kDesignKeys[] = {"kind",   "replicates", "seed",     "points",      "trajectories",
                                            "levels", "skip",       "centered", "design_seed", "max_replicates"};
constexpr std::string_view kRangeKeys[] = {"min", "max", "steps"};
constexpr std::string_view kOutcomeKeys[] = {"final", "timeseries"};
constexpr std::string_view kKinds[] = {"grid", "lhs", "sobol", "saltelli", "morris", "points"};

template <class Range>
std::string hint(std::string_view name, const Range& candidates) {
  std::string_view best;
  std::size_t bd = 1000;
  for (std::string_view c : candidates) {
    const std::size_t d = edit_distance(name, c);
    if (d < bd) {
      bd = d;
      best = c;
    }
  }
  if (!best.empty() && bd <= std::max<std::size_t>(2, name.size() / 3)) return fmt::format("; did you mean '{}'?", best);
  if (name.size() >= 3)
    for (std::string_view c : candidates)
      if (c.substr(0, name.size()) == name) return fmt::format("; did you mean '{}'?", c);
  std::string all;
  for (std::string_view c : candidates) all += (all.empty() ? "" : ", ") + std::string(c);
  return fmt::format(" (allowed: {})", all);
}

struct Ctx {
  std::string file;
  [[noreturn]] void fail(const toml::source_region& where, const std::string& key, const std::string& msg) const {
    throw ScenarioError(file, static_cast<int>(where.begin.line), static_cast<int>(where.begin.column), key, msg);
  }
};

std::string expected(const ParamSpec& s) {
  if (s.type == ParamType::Bool) return "a boolean (true or false)";
  if (s.type == ParamType::Int) return fmt::format("an integer in [{}, {}]", static_cast<std::int64_t>(s.min), static_cast<std::int64_t>(s.max));
  return fmt::format("a number in [{}, {}]", s.min, s.max);
}

/// A parameter value as a double, checked against the schema.
double param_value(const Ctx& c, const ParamSpec& spec, const std::string& key, const toml::node& n) {
  std::optional<double> v;
  switch (spec.type) {
    case ParamType::Bool:
      if (auto b = n.value_exact<bool>()) v = *b ? 1.0 : 0.0;
      break;
    case ParamType::Int:
      if (auto i = n.value_exact<std::int64_t>()) v = static_cast<double>(*i);
      break;
    case ParamType::Real:
      if (n.is_integer())
        v = static_cast<double>(*n.value_exact<std::int64_t>());
      else if (auto d = n.value_exact<double>())
        v = *d;
      break;
  }
  if (!v || !std::isfinite(*v) || (spec.type != ParamType::Bool && (*v < spec.min || *v > spec.max)))
    c.fail(n.source(), key, fmt::format("expected {}, found {}", expected(spec), describe_toml_value(n)));
  return *v;
}

/// A plain number for a range end: integers and floats, within the schema range.
double range_value(const Ctx& c, const ParamSpec& spec, const std::string& key, const toml::node& n) {
  std::optional<double> v;
  if (n.is_integer())
    v = static_cast<double>(*n.value_exact<std::int64_t>());
  else if (auto d = n.value_exact<double>())
    v = *d;
  if (!v || !std::isfinite(*v) || *v < spec.min || *v > spec.max)
    c.fail(n.source(), key, fmt::format("expected a number in [{}, {}], found {}", spec.min, spec.max, describe_toml_value(n)));
  return *v;
}

std::int64_t get_int(const Ctx& c, const toml::node& n, const std::string& key, std::int64_t lo, std::int64_t hi) {
  auto v = n.value_exact<std::int64_t>();
  if (!v || *v < lo || *v > hi) c.fail(n.source(), key, fmt::format("expected an integer in [{}, {}], found {}", lo, hi, describe_toml_value(n)));
  return *v;
}

std::string get_string(const Ctx& c, const toml::node& n, const std::string& key) {
  auto v = n.value_exact<std::string>();
  if (!v) c.fail(n.source(), key, fmt::format("expected a string, found {}", describe_toml_value(n)));
  return *v;
}

const toml::table& get_table(const Ctx& c, const toml::node& n, const std::string& key) {
  const auto* t = n.as_table();
  if (!t) c.fail(n.source(), key, fmt::format("expected a table [{}], found {}", key, describe_toml_value(n)));
  return *t;
}

/// Leaves of nested tables with their dotted names ("section.key") and the key's position.
struct Leaf {
  std::string name;
  const toml::node* node;
  toml::source_region where;
};
void collect_leaves(const toml::table& t, const std::string& prefix, std::vector<Leaf>& out, bool stop_at_ranges) {
  for (const auto& [k, node] : t) {
    const std::string name = prefix.empty() ? std::string(k.str()) : prefix + "." + std::string(k.str());
    if (const auto* sub = node.as_table()) {
      bool is_range = false;
      if (stop_at_ranges)
        for (auto rk : kRangeKeys) is_range = is_range || sub->contains(rk);
      // A table that is not a range spec is a section (or part of a dotted name).
      if (!is_range && !(stop_at_ranges && sub->empty())) {
        collect_leaves(*sub, name, out, stop_at_ranges);
        continue;
      }
    }
    out.push_back({name, &node, k.source()});
  }
}

bool before(const toml::source_region& a, const toml::source_region& b) {
  return std::pair(a.begin.line, a.begin.column) < std::pair(b.begin.line, b.begin.column);
}

const ParamSpec& lookup(const Ctx& c, const Leaf& leaf) {
  const auto* spec = find_param(leaf.name);
  if (!spec) {
    const auto sug = suggest_param(leaf.name);
    c.fail(leaf.where, leaf.name, sug ? fmt::format("unknown parameter; did you mean '{}'?", *sug) : "unknown parameter; see `buurt describe` for all keys");
  }
  return *spec;
}

std::string value_text(const ParamSpec& spec, double v) {
  if (spec.type == ParamType::Bool) return v != 0 ? "true" : "false";
  if (spec.type == ParamType::Int) return fmt::format("{}", static_cast<std::int64_t>(std::llround(v)));
  return fmt::format("{}", v);
}

std::vector<int> outcome_list(const Ctx& c, const toml::node& n, const std::string& key) {
  std::vector<int> out;
  if (auto s = n.value_exact<std::string>()) {
    if (*s == "all") {
      for (int i = 0; i < kNumOutcomes; ++i) out.push_back(i);
      return out;
    }
    if (*s == "none") return out;
    c.fail(n.source(), key, fmt::format("expected \"all\", \"none\" or a list of outcome names, found {}", describe_toml_value(n)));
  }
  const auto* arr = n.as_array();
  if (!arr) c.fail(n.source(), key, fmt::format("expected \"all\", \"none\" or a list of outcome names, found {}", describe_toml_value(n)));
  std::vector<std::string_view> names;
  for (const auto& o : kOutcomeSpecs) names.push_back(o.name);
  for (const auto& e : *arr) {
    auto s = e.value_exact<std::string>();
    if (!s) c.fail(e.source(), key, fmt::format("expected an outcome name (string), found {}", describe_toml_value(e)));
    const int idx = find_outcome(*s);
    if (idx < 0) c.fail(e.source(), key, fmt::format("unknown outcome '{}'{}", *s, hint(*s, names)));
    if (std::find(out.begin(), out.end(), idx) != out.end()) c.fail(e.source(), key, fmt::format("outcome '{}' listed twice", *s));
    out.push_back(idx);
  }
  return out;
}

/// Strip "file:line:col: key 'k': " from a ScenarioError raised for an override.
std::string bare_message(const ScenarioError& e) {
  std::string prefix = ScenarioError::location(e.file(), e.line(), e.column());
  if (!e.key().empty()) prefix += fmt::format("key '{}': ", e.key());
  std::string m = e.what();
  return m.rfind(prefix, 0) == 0 ? m.substr(prefix.size()) : m;
}

SweepSpec parse_impl(std::string_view text, const std::string& label, const std::filesystem::path& dir) {
  Ctx c{label};
  SweepSpec s;
  s.path = label;
  s.text = std::string(text);
  const toml::table tbl = parse_toml(text, label);
  for (const auto& [k, node] : tbl) {
    const std::string key(k.str());
    if (std::find(std::begin(kTopKeys), std::end(kTopKeys), key) == std::end(kTopKeys))
      c.fail(k.source(), key, fmt::format("unknown top-level key in a sweep file{}", hint(key, kTopKeys)));
  }
  const toml::source_region top{{1, 1}, {1, 1}, nullptr};
  if (!tbl.contains("base")) c.fail(top, "base", "missing 'base' (the scenario file the sweep varies, relative to the sweep file)");
  if (auto n = tbl.get("name")) s.name = get_string(c, *n, "name");
  if (auto n = tbl.get("description")) s.description = get_string(c, *n, "description");
  {
    const auto& n = *tbl.get("base");
    const std::string b = get_string(c, n, "base");
    s.base = dir / b;
    if (!std::filesystem::is_regular_file(s.base)) c.fail(n.source(), "base", fmt::format("base scenario '{}' does not exist", s.base.string()));
  }
  if (s.name.empty()) s.name = std::filesystem::path(label).stem().string();
  if (!tbl.contains("design")) c.fail(top, "design", "missing [design] (kind = grid|lhs|sobol|saltelli|morris|points)");
  if (!tbl.contains("parameters")) c.fail(top, "parameters", "missing [parameters] (the parameters to vary)");

  // [fixed]: overrides of the base applied at every point.
  std::vector<Leaf> fixed;
  if (auto n = tbl.get("fixed")) {
    collect_leaves(get_table(c, *n, "fixed"), "", fixed, false);
    std::sort(fixed.begin(), fixed.end(), [](const Leaf& a, const Leaf& b) { return before(a.where, b.where); });
    for (const auto& leaf : fixed) {
      const auto& spec = lookup(c, leaf);
      if (spec.full_name() == "run.seed") c.fail(leaf.where, leaf.name, "set the seed of a sweep with [design] seed");
      s.fixed.push_back(leaf.name + "=" + value_text(spec, param_value(c, spec, leaf.name, *leaf.node)));
    }
  }

  // [design]
  const auto& design = get_table(c, *tbl.get("design"), "design");
  const auto* kind_node = design.get("kind");
  if (!kind_node) c.fail(tbl.get("design")->source(), "design.kind", "missing kind (grid, lhs, sobol, saltelli, morris or points)");
  {
    const std::string kind = get_string(c, *kind_node, "design.kind");
    const auto it = std::find(std::begin(kKinds), std::end(kKinds), kind);
    if (it == std::end(kKinds)) c.fail(kind_node->source(), "design.kind", fmt::format("unknown design '{}'{}", kind, hint(kind, kKinds)));
    s.kind = static_cast<DesignKind>(it - std::begin(kKinds));
  }
  const std::string kname = design_kind_name(s.kind);
  auto applies = [&](std::string_view key) {
    if (key == "kind" || key == "replicates" || key == "seed" || key == "max_replicates") return true;
    if (key == "points") return s.kind == DesignKind::Lhs || s.kind == DesignKind::Sobol || s.kind == DesignKind::Saltelli;
    if (key == "trajectories" || key == "levels") return s.kind == DesignKind::Morris;
    if (key == "skip") return s.kind == DesignKind::Sobol || s.kind == DesignKind::Saltelli;
    if (key == "centered") return s.kind == DesignKind::Lhs;
    if (key == "design_seed") return s.kind == DesignKind::Lhs || s.kind == DesignKind::Morris;
    return false;
  };
  for (const auto& [k, node] : design) {
    const std::string key(k.str()), full = "design." + key;
    if (std::find(std::begin(kDesignKeys), std::end(kDesignKeys), key) == std::end(kDesignKeys))
      c.fail(k.source(), full, fmt::format("unknown key{}", hint(key, kDesignKeys)));
    if (!applies(key)) c.fail(k.source(), full, fmt::format("does not apply to a {} design", kname));
    if (key == "replicates")
      s.replicates = get_int(c, node, full, 1, 1000000);
    else if (key == "seed")
      s.seed = get_int(c, node, full, 0, 4294967295LL);
    else if (key == "points")
      s.points = get_int(c, node, full, 1, 100000000);
    else if (key == "trajectories")
      s.points = get_int(c, node, full, 1, 10000000);
    else if (key == "levels") {
      s.levels = get_int(c, node, full, 2, 1000);
      if (s.levels % 2 != 0) c.fail(node.source(), full, fmt::format("expected an even number of levels (Morris), found {}", s.levels));
    } else if (key == "skip")
      s.skip = get_int(c, node, full, 0, 1LL << 40);
    else if (key == "design_seed")
      s.design_seed = get_int(c, node, full, 0, 4294967295LL);
    else if (key == "max_replicates")
      s.max_replicates = get_int(c, node, full, 1, 1000000);
    else if (key == "centered") {
      auto b = node.value_exact<bool>();
      if (!b) c.fail(node.source(), full, fmt::format("expected a boolean, found {}", describe_toml_value(node)));
      s.centered = *b;
    }
  }
  if (s.max_replicates > 0 && s.max_replicates < s.replicates)
    c.fail(design.get("max_replicates")->source(), "design.max_replicates",
           fmt::format("expected at least replicates ({}), found {}", s.replicates, s.max_replicates));
  if (s.kind == DesignKind::Morris && s.points == 0) c.fail(kind_node->source(), "design.trajectories", "a morris design needs trajectories = r");
  if (s.kind != DesignKind::Grid && s.kind != DesignKind::Morris && s.kind != DesignKind::Points && s.points == 0)
    c.fail(kind_node->source(), "design.points",
           fmt::format("a {} design needs points = n{}", kname, s.kind == DesignKind::Saltelli ? " (base samples; runs N x (parameters + 2))" : ""));

  // [parameters]
  std::vector<Leaf> leaves;
  const auto& ptbl = get_table(c, *tbl.get("parameters"), "parameters");
  collect_leaves(ptbl, "", leaves, true);
  std::sort(leaves.begin(), leaves.end(), [](const Leaf& a, const Leaf& b) { return before(a.where, b.where); });
  if (leaves.empty()) c.fail(tbl.get("parameters")->source(), "parameters", "no parameters to vary");
  std::set<std::string> seen;
  const bool grid = s.kind == DesignKind::Grid;
  const bool listed = s.kind == DesignKind::Points;  // explicit points: value i of every list is point i
  for (const auto& leaf : leaves) {
    const auto& spec = lookup(c, leaf);
    Factor f;
    f.name = spec.full_name();
    f.spec = &spec;
    f.line = static_cast<int>(leaf.where.begin.line);
    f.column = static_cast<int>(leaf.where.begin.column);
    if (!seen.insert(f.name).second) c.fail(leaf.where, f.name, "parameter listed twice");
    if (f.name == "run.seed") c.fail(leaf.where, f.name, "the seed is not a parameter: runs use [design] seed and replicate (common random numbers)");
    for (const auto& fx : s.fixed)
      if (fx.rfind(f.name + "=", 0) == 0) c.fail(leaf.where, f.name, "is both in [fixed] and varied in [parameters]");
    if (const auto* arr = leaf.node->as_array()) {
      if (!grid && !listed) c.fail(leaf.where, f.name, fmt::format("a {} design needs a range {{ min = ..., max = ... }}, found a list of levels", kname));
      if (arr->empty()) c.fail(leaf.where, f.name, fmt::format("expected at least one {}, found an empty list", listed ? "value" : "level"));
      if (listed && !s.factors.empty() && arr->size() != s.factors.front().levels.size())
        c.fail(leaf.where, f.name,
               fmt::format("a points design needs one value per point: expected {} values (as {}), found {}", s.factors.front().levels.size(),
                           s.factors.front().name, arr->size()));
      for (const auto& e : *arr) {
        const double v = param_value(c, spec, f.name, e);
        if (!listed && std::find(f.levels.begin(), f.levels.end(), v) != f.levels.end())
          c.fail(e.source(), f.name, fmt::format("level {} listed twice", describe_toml_value(e)));
        f.levels.push_back(v);
      }
    } else if (const auto* rt = leaf.node->as_table()) {
      if (listed) c.fail(leaf.where, f.name, "a points design needs a list of values [a, b, ...], one per point");
      if (spec.type == ParamType::Bool) c.fail(leaf.where, f.name, "a boolean parameter takes levels [false, true] (grid designs only)");
      for (const auto& [rk, rn] : *rt) {
        const std::string key(rk.str());
        if (std::find(std::begin(kRangeKeys), std::end(kRangeKeys), key) == std::end(kRangeKeys))
          c.fail(rk.source(), f.name + "." + key, fmt::format("unknown key in a range{}", hint(key, kRangeKeys)));
      }
      const auto* mn = rt->get("min");
      const auto* mx = rt->get("max");
      if (!mn || !mx) c.fail(leaf.where, f.name, "a range needs both min and max");
      f.min = range_value(c, spec, f.name + ".min", *mn);
      f.max = range_value(c, spec, f.name + ".max", *mx);
      if (!(f.min < f.max)) c.fail(mx->source(), f.name + ".max", fmt::format("expected max > min ({}), found {}", f.min, f.max));
      f.has_range = true;
      if (const auto* st = rt->get("steps")) {
        if (!grid) c.fail(st->source(), f.name + ".steps", fmt::format("steps apply to grid designs only; a {} design samples the range", kname));
        const std::int64_t n = get_int(c, *st, f.name + ".steps", 2, 100000);
        for (std::int64_t i = 0; i < n; ++i) {
          double v = f.min + (f.max - f.min) * static_cast<double>(i) / static_cast<double>(n - 1);
          if (i == n - 1) v = f.max;
          if (spec.type == ParamType::Int) v = std::round(v);
          if (std::find(f.levels.begin(), f.levels.end(), v) == f.levels.end()) f.levels.push_back(v);
        }
      } else if (grid) {
        c.fail(leaf.where, f.name, "a grid design needs levels [a, b, ...] or a range with steps { min = ..., max = ..., steps = n }");
      }
    } else {
      c.fail(leaf.where, f.name, fmt::format("expected levels [a, b, ...] or a range {{ min = ..., max = ... }}, found {}", describe_toml_value(*leaf.node)));
    }
    s.factors.push_back(std::move(f));
  }
  const auto nf = static_cast<int>(s.factors.size());
  if (s.kind == DesignKind::Saltelli && 2 * nf > sobol_max_dimensions())
    c.fail(tbl.get("parameters")->source(), "parameters", fmt::format("a saltelli design supports at most {} parameters", sobol_max_dimensions() / 2));
  if (s.kind == DesignKind::Sobol && nf > sobol_max_dimensions())
    c.fail(tbl.get("parameters")->source(), "parameters", fmt::format("a sobol design supports at most {} parameters", sobol_max_dimensions()));
  if (grid) {
    double total = 1;
    for (const auto& f : s.factors) total *= static_cast<double>(f.levels.size());
    if (total > 1e8) c.fail(tbl.get("parameters")->source(), "parameters", fmt::format("the grid has {:.0f} points (at most 100,000,000)", total));
  }

  // [outcomes]
  for (int i = 0; i < kNumOutcomes; ++i) s.final_outcomes.push_back(i);
  if (auto n = tbl.get("outcomes")) {
    const auto& ot = get_table(c, *n, "outcomes");
    for (const auto& [k, node] : ot) {
      const std::string key(k.str());
      if (std::find(std::begin(kOutcomeKeys), std::end(kOutcomeKeys), key) == std::end(kOutcomeKeys))
        c.fail(k.source(), "outcomes." + key, fmt::format("unknown key{}", hint(key, kOutcomeKeys)));
      if (key == "final") {
        s.final_outcomes = outcome_list(c, node, "outcomes.final");
        if (s.final_outcomes.empty()) c.fail(node.source(), "outcomes.final", "keep at least one final outcome");
      } else {
        s.timeseries = outcome_list(c, node, "outcomes.timeseries");
      }
    }
  }
  if (!s.timeseries.empty())
    for (const auto& f : s.factors)
      if (f.name == "run.weeks")
        c.fail(tbl.get("outcomes")->source(), "outcomes.timeseries", "time series need the same run.weeks at every point; do not vary run.weeks");

  // The base with the fixed overrides must load; errors point into the sweep file.
  try {
    Scenario base = load_scenario(s.base);
    apply_overrides(base, s.fixed);
  } catch (const ScenarioError& e) {
    if (e.file().rfind("--set", 0) == 0 || e.file() == s.base.string()) {
      for (const auto& leaf : fixed)
        if (leaf.name == e.key()) c.fail(leaf.where, e.key(), bare_message(e));
      if (!fixed.empty()) c.fail(tbl.get("fixed")->source(), e.key(), bare_message(e));
    }
    throw;
  }
  return s;
}

}  // namespace

std::string design_kind_name(DesignKind k) { return std::string(kKinds[static_cast<int>(k)]); }

int find_outcome(std::string_view name) {
  for (int i = 0; i < kNumOutcomes; ++i)
    if (kOutcomeSpecs[static_cast<std::size_t>(i)].name == name) return i;
  return -1;
}

SweepSpec parse_sweep(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!std::filesystem::is_regular_file(file) || !in) throw ScenarioError(file.string(), 0, 0, "", "sweep file does not exist or cannot be read");
  std::ostringstream ss;
  ss << in.rdbuf();
  const std::string text = ss.str();
  return parse_impl(text, file.string(), file.parent_path());
}

SweepSpec parse_sweep_text(std::string_view text, std::string_view label, const std::filesystem::path& dir) {
  return parse_impl(text, std::string(label), dir);
}

TargetCi parse_target_ci(std::string_view arg) {
  const auto eq = arg.find('=');
  const std::string label = "--target-ci";
  if (eq == std::string_view::npos || eq == 0) throw ScenarioError(label, 1, 1, "", fmt::format("expected OUTCOME=WIDTH, found '{}'", arg));
  const std::string name(arg.substr(0, eq));
  TargetCi t;
  t.outcome = find_outcome(name);
  if (t.outcome < 0) {
    std::vector<std::string_view> names;
    for (const auto& o : kOutcomeSpecs) names.push_back(o.name);
    throw ScenarioError(label, 1, 1, name, fmt::format("unknown outcome{}", hint(name, names)));
  }
  const std::string w(arg.substr(eq + 1));
  char* end = nullptr;
  t.width = std::strtod(w.c_str(), &end);
  if (w.empty() || *end != '\0' || !std::isfinite(t.width) || t.width <= 0)
    throw ScenarioError(label, 1, static_cast<int>(eq) + 2, name, fmt::format("expected a positive interval width, found '{}'", w));
  return t;
}

}  // namespace buurt::sweep
