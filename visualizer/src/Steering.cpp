#include "Steering.h"

#include <fmt/format.h>

#include "buurt/output/Hdf5.h"

namespace buurt::view {
namespace {

std::vector<std::string> read_strings(hid_t parent, const std::string& name) {
  h5::Handle d(H5Dopen2(parent, name.c_str(), H5P_DEFAULT));
  if (!d) throw h5::Error(fmt::format("cannot open dataset '{}'", name));
  h5::Handle space(H5Dget_space(d.id()));
  hsize_t n = 0;
  if (H5Sget_simple_extent_ndims(space.id()) == 1) H5Sget_simple_extent_dims(space.id(), &n, nullptr);
  std::vector<std::string> out;
  if (n == 0) return out;
  h5::Handle t(H5Tcopy(H5T_C_S1));
  H5Tset_size(t.id(), H5T_VARIABLE);
  H5Tset_cset(t.id(), H5T_CSET_UTF8);
  std::vector<char*> ptrs(n, nullptr);
  if (H5Dread(d.id(), t.id(), H5S_ALL, H5S_ALL, H5P_DEFAULT, ptrs.data()) < 0) throw h5::Error(fmt::format("cannot read dataset '{}'", name));
  for (char* p : ptrs) out.emplace_back(p ? p : "");
  H5Dvlen_reclaim(t.id(), space.id(), H5P_DEFAULT, ptrs.data());
  return out;
}

}  // namespace

void write_steering(hid_t root, const std::vector<SteerEntry>& log) {
  h5::Handle g = h5::create_group(root, "steering");
  std::vector<std::int32_t> weeks;
  std::vector<std::string> keys, values;
  for (const auto& e : log) {
    weeks.push_back(e.week);
    keys.push_back(e.key);
    values.push_back(e.value);
  }
  h5::write<std::int32_t>(g.id(), "week", weeks);
  h5::write_strings(g.id(), "key", keys);
  h5::write_strings(g.id(), "value", values);
  h5::set_attr(g.id(), "description",
               std::string("Policy slider changes of a buurt-view session: at week[k] (weeks completed) key[k] was set to value[k] "
                           "(TOML literal) before the next week was simulated. Replaying /meta/scenario_resolved with these changes "
                           "reproduces the session exactly."));
}

std::optional<std::vector<SteerEntry>> read_steering(hid_t root) {
  if (!h5::exists(root, "steering")) return std::nullopt;
  h5::Handle g = h5::open_group(root, "steering");
  const auto weeks = h5::read<std::int32_t>(g.id(), "week");
  const auto keys = read_strings(g.id(), "key");
  const auto values = read_strings(g.id(), "value");
  if (keys.size() != weeks.size() || values.size() != weeks.size()) throw h5::Error("/steering: week, key and value differ in length");
  std::vector<SteerEntry> log;
  for (std::size_t k = 0; k < weeks.size(); ++k) log.push_back({weeks[k], keys[k], values[k]});
  return log;
}

}  // namespace buurt::view
