#include "buurt/sweep/Header.h"

#include <fmt/format.h>

#include "FileFormat.h"
#include "buurt/output/Recorder.h"
#include "buurt/schema/Schema.h"

namespace buurt::sweep {

namespace detail {

std::string read_kind(hid_t file) {
  if (H5Aexists(file, "kind") <= 0) return "";
  return h5::get_attr_string(file, "kind");
}

std::int64_t read_i64(hid_t g, const std::string& name) { return h5::read<std::int64_t>(g, name).at(0); }

std::vector<std::string> read_strings(hid_t parent, const std::string& name) {
  h5::Handle d = h5::open_dataset(parent, name);
  h5::Handle space(H5Dget_space(d.id()));
  hsize_t n = 0;
  H5Sget_simple_extent_dims(space.id(), &n, nullptr);
  h5::Handle t(H5Tcopy(H5T_C_S1));
  H5Tset_size(t.id(), H5T_VARIABLE);
  H5Tset_cset(t.id(), H5T_CSET_UTF8);
  std::vector<char*> p(n, nullptr);
  std::vector<std::string> out;
  if (n && H5Dread(d.id(), t.id(), H5S_ALL, H5S_ALL, H5P_DEFAULT, p.data()) < 0) throw h5::Error(fmt::format("HDF5: cannot read '{}'", name));
  for (auto* s : p) out.emplace_back(s ? s : "");
  if (n) H5Dvlen_reclaim(t.id(), space.id(), H5P_DEFAULT, p.data());
  return out;
}

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

void Header::write(hid_t file) const {
  h5::Handle g = h5::create_group(file, "sweep");
  const hid_t s = g.id();
  h5::write_string(s, "definition", definition);
  h5::write_string(s, "base_resolved", base_resolved);
  h5::write_string(s, "design_kind", design_kind);
  h5::write_string(s, "name", name);
  h5::write_string(s, "description", description);
  h5::write_string(s, "fingerprint", fingerprint);
  h5::write_string(s, "normalised", normalised);
  if (!target_ci.empty()) h5::write_string(s, "target_ci", target_ci);
  h5::write_string(s, "program_version", program_version);
  h5::write_string(s, "git_commit", git_commit);
  h5::write_strings(s, "parameter_names", parameter_names);
  h5::write<double>(s, "design", design.v, {static_cast<hsize_t>(design.rows), static_cast<hsize_t>(design.cols)});
  h5::write_scalar<std::int64_t>(s, "points", design.rows);
  h5::write_scalar<std::int64_t>(s, "replicates", replicates);
  h5::write_scalar<std::int64_t>(s, "max_replicates", stride);
  h5::write_scalar<std::int64_t>(s, "seed", seed);
  h5::write_scalar<std::int64_t>(s, "weeks", weeks);
  h5::write_scalar<std::int64_t>(s, "schema_version", schema_version);
  if (shard_count > 0) {
    h5::write_scalar<std::int64_t>(s, "shard_index", shard_index);
    h5::write_scalar<std::int64_t>(s, "shard_count", shard_count);
  }
  // Empty datasets are left out: h5diff reports them as "not comparable".
  if (!timeseries_names.empty()) h5::write_strings(s, "timeseries_names", timeseries_names);
  h5::write_strings(s, "final_names", final_names);
}

Header Header::read(hid_t file) {
  Header h;
  h5::Handle g = h5::open_group(file, "sweep");
  const hid_t s = g.id();
  h.definition = h5::read_string(s, "definition");
  h.base_resolved = h5::read_string(s, "base_resolved");
  h.design_kind = h5::read_string(s, "design_kind");
  h.name = h5::read_string(s, "name");
  h.description = h5::read_string(s, "description");
  h.fingerprint = h5::read_string(s, "fingerprint");
  h.normalised = h5::read_string(s, "normalised");
  if (h5::exists(s, "target_ci")) h.target_ci = h5::read_string(s, "target_ci");
  h.program_version = h5::read_string(s, "program_version");
  h.git_commit = h5::read_string(s, "git_commit");
  h.parameter_names = read_strings(s, "parameter_names");
  h.final_names = read_strings(s, "final_names");
  if (h5::exists(s, "timeseries_names")) h.timeseries_names = read_strings(s, "timeseries_names");
  std::vector<hsize_t> dims;
  h.design.v = h5::read<double>(s, "design", &dims);
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
    throw h5::Error(fmt::format("sweep header is damaged: weeks {}, replicates {}, max_replicates {}", h.weeks, h.replicates, h.stride));
  if (h5::exists(s, "shard_count")) {
    h.shard_index = read_i64(s, "shard_index");
    h.shard_count = read_i64(s, "shard_count");
  }
  return h;
}

}  // namespace buurt::sweep
