#include "buurt/sweep/Header.h"

#include <fmt/format.h>

#include "FileFormat.h"
#include "buurt/output/Recorder.h"
#include "buurt/schema/Schema.h"

namespace buurt::sweep {

namespace detail {

std::string read_kind(const ResultGroup& file) { return file.has_attr("kind") ? file.attr_string("kind") : ""; }

std::int64_t read_i64(const ResultGroup& g, const std::string& name) { return g.read<std::int64_t>(name).at(0); }

std::string first_difference(const std::string& a, const std::string& b) {
  std::size_t ia = 0, ib = 0;
  while (ia < a.size() || ib < b.size()) {
    const auto ea = a.find('\n', ia), eb = b.find('\n', ib);
    const std::string la = ia < a.size() ? a.substr(ia, ea == std::string::npos ? std::string::npos : ea - ia) : "<end>";
    const std::string lb = ib < b.size() ? b.substr(ib, eb == std::string::npos ? std::string::npos : eb - ib) : "<end>";
    if (la != lb) return fmt::format("file has '{}', this sweep has '{}'", la, lb);
    ia = ea == std::string::npos ? a.size() : ea + 1;
    ib = eb == std::string::npos ? b.size() : eb + 1;
  }
  return "the design tables differ";
}

}  // namespace detail

using namespace detail;

Header Header::from_plan(const Plan& plan) {
  Header h;
  h.definition = plan.spec().text;
  h.base_resolved = plan.base().resolved_toml();
  h.design_kind = design_kind_name(plan.spec().kind);
  h.name = plan.spec().name;
  h.description = plan.spec().description;
  h.fingerprint = plan.fingerprint();
  h.normalised = plan.normalised();
  if (plan.adaptive()) h.target_ci = fmt::format("{}={}", kOutcomeSpecs[static_cast<std::size_t>(plan.target().outcome)].name, plan.target().width);
  h.program_version = Provenance::version();
  h.git_commit = Provenance::commit();
  h.parameter_names = plan.parameter_names();
  h.final_names = plan.final_names();
  h.timeseries_names = plan.timeseries_names();
  h.design = plan.design();
  h.replicates = plan.replicates();
  h.stride = plan.stride();
  h.seed = plan.seed();
  h.weeks = plan.weeks();
  h.schema_version = kSchemaVersion;
  h.shard_index = plan.shard().index;
  h.shard_count = plan.shard().count;
  return h;
}

void Header::write(const ResultGroup& file) const {
  ResultGroup g = file.create_group("sweep");
  const ResultGroup& s = g;
  s.write_string("definition", definition);
  s.write_string("base_resolved", base_resolved);
  s.write_string("design_kind", design_kind);
  s.write_string("name", name);
  s.write_string("description", description);
  s.write_string("fingerprint", fingerprint);
  s.write_string("normalised", normalised);
  if (!target_ci.empty()) s.write_string("target_ci", target_ci);
  s.write_string("program_version", program_version);
  s.write_string("git_commit", git_commit);
  s.write_strings("parameter_names", parameter_names);
  s.write<double>("design", design.v, {static_cast<std::uint64_t>(design.rows), static_cast<std::uint64_t>(design.cols)});
  s.write_scalar<std::int64_t>("points", design.rows);
  s.write_scalar<std::int64_t>("replicates", replicates);
  s.write_scalar<std::int64_t>("max_replicates", stride);
  s.write_scalar<std::int64_t>("seed", seed);
  s.write_scalar<std::int64_t>("weeks", weeks);
  s.write_scalar<std::int64_t>("schema_version", schema_version);
  if (shard_count > 0) {
    s.write_scalar<std::int64_t>("shard_index", shard_index);
    s.write_scalar<std::int64_t>("shard_count", shard_count);
  }
  // Empty datasets are left out: h5diff reports them as "not comparable".
  if (!timeseries_names.empty()) s.write_strings("timeseries_names", timeseries_names);
  s.write_strings("final_names", final_names);
}

Header Header::read(const ResultGroup& file) {
  Header h;
  ResultGroup g = file.open_group("sweep");
  const ResultGroup& s = g;
  h.definition = s.read_string("definition");
  h.base_resolved = s.read_string("base_resolved");
  h.design_kind = s.read_string("design_kind");
  h.name = s.read_string("name");
  h.description = s.read_string("description");
  h.fingerprint = s.read_string("fingerprint");
  h.normalised = s.read_string("normalised");
  if (s.exists("target_ci")) h.target_ci = s.read_string("target_ci");
  h.program_version = s.read_string("program_version");
  h.git_commit = s.read_string("git_commit");
  h.parameter_names = s.read_strings("parameter_names");
  h.final_names = s.read_strings("final_names");
  if (s.exists("timeseries_names")) h.timeseries_names = s.read_strings("timeseries_names");
  std::vector<std::uint64_t> dims;
  h.design.v = s.read<double>("design", &dims);
  h.design.rows = dims.size() > 0 ? static_cast<std::int64_t>(dims[0]) : 0;
  h.design.cols = dims.size() > 1 ? static_cast<std::int64_t>(dims[1]) : 0;
  h.replicates = read_i64(s, "replicates");
  h.stride = read_i64(s, "max_replicates");
  h.seed = read_i64(s, "seed");
  h.weeks = read_i64(s, "weeks");
  h.schema_version = read_i64(s, "schema_version");
  // Values from a file are checked against the schema's bounds before they size anything.
  const auto* weeks_spec = find_param("run.weeks");
  if (h.weeks < 1 || static_cast<double>(h.weeks) > weeks_spec->max || h.replicates < 1 || h.stride < 1)
    throw FormatError(fmt::format("sweep header is damaged: weeks {}, replicates {}, max_replicates {}", h.weeks, h.replicates, h.stride));
  if (s.exists("shard_count")) {
    h.shard_index = read_i64(s, "shard_index");
    h.shard_count = read_i64(s, "shard_count");
  }
  return h;
}

}  // namespace buurt::sweep
