#include "buurt/sweep/Plan.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <cmath>

namespace buurt::sweep {

Shard parse_shard(std::string_view arg) {
  const auto slash = arg.find('/');
  auto bad = [&]() -> Shard { throw ScenarioError("--shard", 1, 1, "", fmt::format("expected I/N with 0 <= I < N (e.g. 0/4), found '{}'", arg)); };
  if (slash == std::string_view::npos) return bad();
  Shard s;
  try {
    std::size_t a = 0, b = 0;
    const std::string i(arg.substr(0, slash)), n(arg.substr(slash + 1));
    s.index = std::stoll(i, &a);
    s.count = std::stoll(n, &b);
    if (a != i.size() || b != n.size()) return bad();
  } catch (const std::exception&) {
    return bad();
  }
  if (s.count < 1 || s.index < 0 || s.index >= s.count) return bad();
  return s;
}

Plan::Plan(SweepSpec spec, TargetCi target, Shard shard, std::optional<Ensemble> ensemble)
    : spec_(std::move(spec)), target_(target), shard_(shard), ensemble_(std::move(ensemble)) {
  base_ = load_scenario(spec_.base);
  apply_overrides(base_, spec_.fixed);
  if (ensemble_) {
    check_ensemble_keys(*ensemble_, {base_});
    for (const auto& f : spec_.factors)
      for (const auto& name : ensemble_->names)
        if (f.name == name && f.spec->role != ParamRole::policy)
          throw ScenarioError(spec_.path, f.line, f.column, f.name,
                              fmt::format("the sweep varies a key the ensemble ({}) calibrates: sweep it without --ensemble", ensemble_->path));
  }
  if (!spec_.seed) spec_.seed = base_.params.run_seed;
  seed_ = *spec_.seed;
  weeks_ = static_cast<int>(base_.params.run_weeks);
  design_ = make_design(spec_);
  if (adaptive()) {
    for (std::size_t i = 0; i < spec_.final_outcomes.size(); ++i)
      if (spec_.final_outcomes[i] == target_.outcome) target_column_ = static_cast<int>(i);
    if (target_column_ < 0)
      throw ScenarioError("--target-ci", 1, 1, std::string(kOutcomeSpecs[static_cast<std::size_t>(target_.outcome)].name),
                          "the outcome is not among the kept final outcomes ([outcomes] final)");
    if (spec_.replicates < 2)
      throw ScenarioError(spec_.path, 0, 0, "design.replicates", "adaptive replicates (--target-ci) need replicates >= 2 to estimate an interval");
    stride_ = spec_.max_replicates > 0 ? spec_.max_replicates : 10 * spec_.replicates;
  } else {
    stride_ = spec_.replicates;
  }
  const std::int64_t n = design_.rows;
  if (adaptive())
    slots_ = ((n - shard_.index + shard_.count - 1) / shard_.count) * stride_;
  else
    slots_ = (n * stride_ - shard_.index + shard_.count - 1) / shard_.count;

  // Every point's scenario must be valid (e.g. household shares still sum to 1) before any run starts.
  for (std::int64_t p = 0; p < n; ++p) {
    try {
      (void)scenario(p);
      if (ensemble_)
        for (std::size_t m = 0; m < ensemble_->members.size() && static_cast<std::int64_t>(m) < stride_; ++m) (void)scenario(p, static_cast<std::int64_t>(m));
    } catch (const ScenarioError& e) {
      std::string vals;
      for (const auto& o : overrides(p)) vals += (vals.empty() ? "" : ", ") + o;
      throw ScenarioError(spec_.path, 0, 0, e.key(), fmt::format("design point {} ({}) is not a valid scenario: {}", p, vals, e.what()));
    }
  }

  std::string t = "buurt-sweep 1\n";
  t += fmt::format("schema_version = {}\n", kSchemaVersion);
  t += fmt::format("design = {}\n", design_kind_name(spec_.kind));
  t += fmt::format("replicates = {}\nseed = {}\n", spec_.replicates, seed_);
  switch (spec_.kind) {
    case DesignKind::Grid:
    case DesignKind::Points: break;
    case DesignKind::Lhs:
      t += fmt::format("points = {}\ncentered = {}\ndesign_seed = {}\n", spec_.points, spec_.centered, spec_.design_seed.value_or(seed_));
      break;
    case DesignKind::Sobol:
    case DesignKind::Saltelli: t += fmt::format("points = {}\nskip = {}\n", spec_.points, spec_.skip); break;
    case DesignKind::Morris:
      t += fmt::format("trajectories = {}\nlevels = {}\ndesign_seed = {}\n", spec_.points, spec_.levels, spec_.design_seed.value_or(seed_));
      break;
  }
  if (adaptive())
    t += fmt::format("target_ci = {}={}\nmax_replicates = {}\n", kOutcomeSpecs[static_cast<std::size_t>(target_.outcome)].name, target_.width, stride_);
  for (const auto& f : spec_.factors) {
    if (!f.levels.empty()) {
      std::string lv;
      for (double v : f.levels) lv += (lv.empty() ? "" : ", ") + fmt::format("{}", v);
      t += fmt::format("factor {} levels [{}]\n", f.name, lv);
    } else {
      t += fmt::format("factor {} range [{}, {}]\n", f.name, f.min, f.max);
    }
  }
  t += "final =";
  for (auto& n2 : final_names()) t += " " + n2;
  t += "\ntimeseries =";
  for (auto& n2 : timeseries_names()) t += " " + n2;
  if (ensemble_) {
    t += fmt::format("\nensemble {} members of {}", ensemble_->members.size(), ensemble_->fingerprint);
    for (std::size_t m = 0; m < ensemble_->members.size(); ++m) t += fmt::format("\nmember {}: {}", m, fmt::join(ensemble_->overrides(m), " "));
  }
  t += "\n\n" + base_.resolved_toml();
  normalised_ = t;
  std::uint64_t h = fnv1a(t.data(), t.size());
  h = fnv1a(design_.v.data(), design_.v.size() * sizeof(double), h);
  fingerprint_ = fmt::format("{:016x}", h);
}

std::vector<std::string> Plan::parameter_names() const {
  std::vector<std::string> v;
  for (const auto& f : spec_.factors) v.push_back(f.name);
  return v;
}
std::vector<std::string> Plan::final_names() const {
  std::vector<std::string> v;
  for (int i : spec_.final_outcomes) v.emplace_back(kOutcomeSpecs[static_cast<std::size_t>(i)].name);
  return v;
}
std::vector<std::string> Plan::timeseries_names() const {
  std::vector<std::string> v;
  for (int i : spec_.timeseries) v.emplace_back(kOutcomeSpecs[static_cast<std::size_t>(i)].name);
  return v;
}

std::vector<std::string> Plan::overrides(std::int64_t point) const {
  std::vector<std::string> o;
  for (std::size_t c = 0; c < spec_.factors.size(); ++c) {
    const auto& f = spec_.factors[c];
    const double v = design_(point, static_cast<std::int64_t>(c));
    std::string val;
    if (f.spec->type == ParamType::Bool)
      val = v != 0 ? "true" : "false";
    else if (f.spec->type == ParamType::Int)
      val = fmt::format("{}", static_cast<std::int64_t>(v));
    else
      val = fmt::format("{}", v);  // shortest text that reads back as exactly v
    o.push_back(f.name + "=" + val);
  }
  return o;
}

Scenario Plan::scenario(std::int64_t point, std::int64_t replicate) const {
  Scenario s = base_;
  if (ensemble_) apply_overrides(s, ensemble_->overrides(static_cast<std::size_t>(replicate)));
  apply_overrides(s, overrides(point));
  s.params.run_seed = seed_;
  return s;
}

std::int64_t Plan::run_index(std::int64_t slot) const {
  if (adaptive()) {
    const std::int64_t local_point = slot / stride_;
    return (local_point * shard_.count + shard_.index) * stride_ + slot % stride_;
  }
  return slot * shard_.count + shard_.index;
}

std::int64_t Plan::slot_of(std::int64_t run) const {
  if (adaptive()) {
    const std::int64_t p = run / stride_;
    if (p % shard_.count != shard_.index) return -1;
    return (p / shard_.count) * stride_ + run % stride_;
  }
  if (run % shard_.count != shard_.index) return -1;
  return run / shard_.count;
}

std::vector<std::int64_t> Plan::shard_points() const {
  std::vector<std::int64_t> v;
  for (std::int64_t p = 0; p < points(); ++p)
    if (!adaptive() || p % shard_.count == shard_.index) v.push_back(p);
  return v;
}

}  // namespace buurt::sweep
