#include "buurt/output/StateFile.h"

#include <fmt/format.h>

#include <cstring>
#include <map>
#include <span>
#include <sstream>
#include <type_traits>

#include "Hdf5.h"
#include "buurt/base/Hash.h"
#include "buurt/base/State.h"
#include "buurt/output/Recorder.h"

namespace fs = std::filesystem;

namespace buurt {
namespace {

constexpr const char* kFormat = "buurt-state";

/// Numbers are stored as typed datasets (enums as their underlying type); anything else (bool, structs)
/// as its bytes, with the item size as attribute `item_bytes`.
template <class T>
using Stored = typename std::conditional_t<std::is_enum_v<T>, std::underlying_type<T>, std::type_identity<T>>::type;
template <class T>
constexpr bool kTyped = std::is_arithmetic_v<Stored<T>> && !std::is_same_v<Stored<T>, bool> && !std::is_same_v<Stored<T>, char>;

class H5Writer : public state::Names {
 public:
  static constexpr bool kLoading = false;
  explicit H5Writer(hid_t group) : group_(group) {}
  template <state::Plain T>
  void operator()(const char* name, const T& v) {
    put(path(name), std::span<const T>(&v, 1), true);
  }
  template <state::Plain T>
  void operator()(const char* name, const std::vector<T>& v) {
    put(path(name), std::span<const T>(v), false);
  }
  template <state::Plain T>
  void operator()(const char* name, const std::deque<T>& v) {
    (*this)(name, std::vector<T>(v.begin(), v.end()));
  }
  template <class T, std::size_t K>
  void operator()(const char* name, const std::array<std::vector<T>, K>& a) {
    for (std::size_t k = 0; k < K; ++k) (*this)(fmt::format("{}_{}", name, k).c_str(), a[k]);
  }

 private:
  template <class T>
  void put(const std::string& name, std::span<const T> v, bool scalar) {
    const int deflate = scalar ? -1 : 4;
    if constexpr (kTyped<T>) {
      using S = Stored<T>;
      h5::write<S>(group_, name, std::span<const S>(reinterpret_cast<const S*>(v.data()), v.size()), {}, deflate);
    } else {
      h5::write<std::uint8_t>(group_, name, std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(v.data()), v.size_bytes()), {},
                              scalar ? 0 : deflate);
      h5::Handle d = h5::open_dataset(group_, name);
      h5::set_attr(d.id(), "item_bytes", static_cast<std::int64_t>(sizeof(T)));
    }
  }
  hid_t group_;
};

class H5Reader : public state::Names {
 public:
  static constexpr bool kLoading = true;
  H5Reader(hid_t group, std::string where) : group_(group), where_(std::move(where)) {}
  template <state::Plain T>
  void operator()(const char* name, T& v) {
    using Item = std::conditional_t<std::is_same_v<T, bool>, std::uint8_t, T>;  // a bool is stored as its byte
    const std::vector<Item> tmp = get<Item>(path(name));
    if (tmp.size() != 1) throw StateError(fmt::format("{}: '{}' holds {} values, expected one", where_, path(name), tmp.size()));
    if constexpr (std::is_same_v<T, bool>)
      v = tmp.front() != 0;
    else
      v = tmp.front();
  }
  template <state::Plain T>
  void operator()(const char* name, std::vector<T>& v) {
    v = get<T>(path(name));
  }
  template <state::Plain T>
  void operator()(const char* name, std::deque<T>& v) {
    const auto tmp = get<T>(path(name));
    v.assign(tmp.begin(), tmp.end());
  }
  template <class T, std::size_t K>
  void operator()(const char* name, std::array<std::vector<T>, K>& a) {
    for (std::size_t k = 0; k < K; ++k) (*this)(fmt::format("{}_{}", name, k).c_str(), a[k]);
  }

 private:
  template <class T>
  std::vector<T> get(const std::string& name) {
    if (!h5::exists(group_, name)) throw StateError(fmt::format("{}: '{}' is missing (a damaged state file?)", where_, name));
    std::vector<T> out;
    if constexpr (kTyped<T>) {
      using S = Stored<T>;
      const auto raw = h5::read<S>(group_, name);
      out.resize(raw.size());
      if (!raw.empty()) std::memcpy(out.data(), raw.data(), raw.size() * sizeof(S));
    } else {
      const auto raw = h5::read<std::uint8_t>(group_, name);
      if (raw.size() % sizeof(T) != 0) throw StateError(fmt::format("{}: '{}' has {} bytes, not whole items of {}", where_, name, raw.size(), sizeof(T)));
      out.resize(raw.size() / sizeof(T));
      if (!raw.empty()) std::memcpy(static_cast<void*>(out.data()), raw.data(), raw.size());
    }
    return out;
  }
  hid_t group_;
  std::string where_;
};

/// `key = value` lines into a map.
std::map<std::string, std::string> parse_keys(const std::string& text) {
  std::map<std::string, std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    const auto eq = line.find(" = ");
    if (eq != std::string::npos) out[line.substr(0, eq)] = line.substr(eq + 3);
  }
  return out;
}

}  // namespace

std::string neighbourhood_keys(const Params& p) {
  std::string out;
  for (const auto& spec : schema())
    if (spec.role != ParamRole::policy && spec.role != ParamRole::run) out += fmt::format("{} = {}\n", spec.full_name(), spec.format(p));
  return out;
}

std::string neighbourhood_digest(const Params& p) {
  return fmt::format("{:016x}", fnv1a(fmt::format("run.seed = {}\n", p.run_seed), fnv1a(neighbourhood_keys(p))));
}

StateWriter::StateWriter(const fs::path& path, const Scenario& scenario, const std::string& command, bool force) : file_(path, force) {
  const hid_t root = file_.root().handle();
  h5::set_attr(root, "format", std::string(kFormat));
  h5::set_attr(root, "state_version", static_cast<std::int64_t>(state::kVersion));
  h5::set_attr(root, "schema_version", static_cast<std::int64_t>(kSchemaVersion));
  h5::set_attr(root, "buurt_version", Provenance::version());
  h5::set_attr(root, "git_commit", Provenance::commit());
  h5::set_attr(root, "seed", scenario.params.run_seed);
  h5::set_attr(root, "burn_in", scenario.params.run_burn_in);
  h5::set_attr(root, "digest", neighbourhood_digest(scenario.params));
  h5::set_attr(root, "scenario", scenario.name);
  h5::set_attr(root, "command", command);
  h5::set_attr(root, "note",
               std::string("Burned-in neighbourhoods at week 0, one group per replicate (run index); start from one with --from-state. "
                           "Every variable of the simulation's state is a dataset; see docs/output.md, State files."));
  h5::write_string(root, "keys", neighbourhood_keys(scenario.params));
  h5::write_string(root, "scenario_toml", scenario.resolved_toml());
}

void StateWriter::add(Simulation& sim) {
  h5::Handle g = h5::create_group(file_.root().handle(), fmt::format("run_{}", sim.run()));
  h5::set_attr(g.id(), "run", static_cast<std::int64_t>(sim.run()));
  H5Writer w(g.id());
  sim.state(w);
}

void StateWriter::commit() { file_.commit(); }

StateFile::StateFile(const fs::path& path) : path_(path) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) throw StateError(fmt::format("state file '{}' does not exist", path.string()));
  try {
    file_ = ResultGroup::open_file(path);
  } catch (const h5::Error&) {
    throw StateError(fmt::format("'{}' is not an HDF5 file (a state file is written by --save-state)", path.string()));
  }
  const hid_t root = file_.handle();
  if (H5Aexists(root, "format") <= 0 || h5::get_attr_string(root, "format") != kFormat)
    throw StateError(fmt::format("'{}' is not a state file (no format = \"{}\"; write one with --save-state)", path.string(), kFormat));
  const auto version = h5::get_attr_int(root, "state_version");
  if (version != state::kVersion)
    throw StateError(
        fmt::format("'{}' has state layout version {}, this buurt reads version {}: save the neighbourhood again with this version "
                    "(--save-state)",
                    path.string(), version, state::kVersion));
  seed_ = h5::get_attr_int(root, "seed");
  burn_in_ = h5::get_attr_int(root, "burn_in");
  keys_ = h5::read_string(root, "keys");
  for (std::uint32_t r = 0;; ++r) {
    if (!h5::exists(root, fmt::format("run_{}", r))) break;
    runs_.push_back(r);
  }
  if (runs_.empty()) throw StateError(fmt::format("'{}' holds no neighbourhood (no group run_0)", path.string()));
}

void StateFile::check(const Params& p) const {
  if (p.run_seed != seed_)
    throw StateError(
        fmt::format("'{}' holds neighbourhoods of run.seed = {}, this run has run.seed = {} (the first differing key): start without "
                    "--from-state or pass --seed {}",
                    path_.string(), seed_, p.run_seed, seed_));
  const auto saved = parse_keys(keys_);
  for (const auto& spec : schema()) {
    if (spec.role == ParamRole::policy || spec.role == ParamRole::run) continue;
    const auto it = saved.find(spec.full_name());
    const std::string now = spec.format(p);
    if (it == saved.end())
      throw StateError(fmt::format("'{}' was saved without key '{}' (a neighbourhood of another schema): save it again", path_.string(), spec.full_name()));
    if (it->second != now)
      throw StateError(
          fmt::format("'{}' holds a neighbourhood with {} = {}, this scenario has {} = {} (the first differing key that is not a "
                      "policy key): a saved neighbourhood fixes everything but the policy keys",
                      path_.string(), spec.full_name(), it->second, spec.full_name(), now));
  }
}

std::unique_ptr<Simulation> StateFile::load(const Params& p, std::uint32_t run) const {
  const std::string name = fmt::format("run_{}", run);
  if (!file_.exists(name))
    throw StateError(
        fmt::format("'{}' holds {} neighbourhood(s) (replicates 0-{}), not replicate {}: save more with `buurt compare --save-state` or "
                    "run fewer replicates",
                    path_.string(), runs_.size(), runs_.size() - 1, run));
  h5::Handle g = h5::open_group(file_.handle(), name);
  Params q = p;
  q.run_burn_in = burn_in_;
  return std::make_unique<Simulation>(q, run, [&](Simulation& sim) {
    H5Reader r(g.id(), fmt::format("{} ({})", path_.string(), name));
    sim.state(r);
  });
}

}  // namespace buurt
