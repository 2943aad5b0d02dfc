// Fuzz target: reading result files. The input bytes are written to a file and opened as HDF5:
//  1. the run layout of docs/output.md (`buurt run` files) through the output module's private HDF5 wrappers (sim/src/output/Hdf5.h):
//     every group, dataset and attribute the report and the viewer read, with shape checks;
//  2. the sweep readers: Header::read, status_report (final and working files) and merge of the
//     file as a one-shard sweep.
// Oracle: the only exceptions allowed are h5::Error, OutputError, InputError and ScenarioError (clear messages);
// anything else (std::length_error, bad_alloc, out_of_range ...) or a sanitizer report is a bug.
#include <cstdint>
#include <string>
#include <vector>

#include "Hdf5.h"  // private to the output module: tests/fuzz/CMakeLists.txt gives this harness its folder
#include "buurt/output/Recorder.h"
#include "buurt/scenario/Scenario.h"
#include "buurt/schema/Outcomes.h"
#if __has_include("buurt/sweep/Store.h")
#include "buurt/sweep/Store.h"
#define BUURT_FUZZ_SWEEP 1
#endif
#include "fuzz_common.h"

namespace h5 = buurt::h5;

namespace {

template <class F>
void allowed_errors_only(F&& f) {
  try {
    f();
  } catch (const h5::Error&) {
  } catch (const buurt::OutputError&) {
  } catch (const buurt::InputError&) {
  } catch (const buurt::ScenarioError&) {
  } catch (const std::exception& e) {
    buurt_fuzz::bug("fuzz_results", e.what());
  } catch (...) {
    buurt_fuzz::bug("fuzz_results", "non-std exception");
  }
}

// Datasets bigger than this are not read (a fuzzed header can claim petabytes; HDF5 reports
// that as an error, the cap keeps the fuzzer fast).
constexpr hsize_t kMaxElements = hsize_t{1} << 20;

template <class T>
void read_capped(hid_t parent, const std::string& name) {
  allowed_errors_only([&] {
    if (!h5::exists(parent, name)) return;
    h5::Handle ds = h5::open_dataset(parent, name);
    h5::Handle space(H5Dget_space(ds.id()));
    if (!space) return;
    const hssize_t n = H5Sget_simple_extent_npoints(space.id());
    if (n < 0 || static_cast<hsize_t>(n) > kMaxElements) return;
    std::vector<hsize_t> dims;
    std::vector<T> v = h5::read<T>(parent, name, &dims);
    hsize_t prod = 1;
    for (hsize_t d : dims) prod *= d;
    if (prod != v.size()) buurt_fuzz::bug("fuzz_results", ("h5::read returned a size that differs from its dims: " + name).c_str());
  });
}

void read_run_layout(hid_t f) {
  allowed_errors_only([&] {
    if (!h5::exists(f, "meta")) return;
    h5::Handle meta = h5::open_group(f, "meta");
    for (const char* s : {"scenario_given", "scenario_resolved", "scenario_name", "scenario_description", "scenario_path", "program_version", "git_commit"})
      allowed_errors_only([&] {
        if (h5::exists(meta.id(), s)) (void)h5::read_string(meta.id(), s);
      });
    for (const char* s : {"seed", "run", "schema_version"}) read_capped<std::int64_t>(meta.id(), s);
    // The resolved scenario stored in a file must load back (or fail with a ScenarioError).
    allowed_errors_only([&] {
      if (h5::exists(meta.id(), "scenario_resolved")) (void)buurt::parse_scenario(h5::read_string(meta.id(), "scenario_resolved"), "stored");
    });
  });
  allowed_errors_only([&] {
    if (!h5::exists(f, "population")) return;
    h5::Handle g = h5::open_group(f, "population");
    for (const char* s : {"household", "street", "block"}) read_capped<std::uint32_t>(g.id(), s);
    for (const char* s : {"household_type", "age_group", "income"}) read_capped<std::uint8_t>(g.id(), s);
    for (const char* s : {"x", "y"}) read_capped<float>(g.id(), s);
    allowed_errors_only([&] { (void)h5::get_attr_string(g.id(), "household_type_codes"); });
  });
  allowed_errors_only([&] {
    if (!h5::exists(f, "timeseries")) return;
    h5::Handle g = h5::open_group(f, "timeseries");
    read_capped<std::int32_t>(g.id(), "week");
    for (const auto& spec : buurt::kOutcomeSpecs) {
      const std::string name(spec.name);
      read_capped<double>(g.id(), name);
      allowed_errors_only([&] {
        if (h5::exists(g.id(), name)) (void)h5::get_attr_string(h5::open_dataset(g.id(), name).id(), "unit");
      });
    }
  });
  allowed_errors_only([&] {
    if (!h5::exists(f, "snapshots")) return;
    h5::Handle g = h5::open_group(f, "snapshots");
    read_capped<std::int32_t>(g.id(), "week");
    for (const char* s : {"need_income", "self_reliance", "fatigue", "hours_received"}) read_capped<float>(g.id(), s);
    read_capped<std::uint16_t>(g.id(), "active_ties");
    read_capped<std::uint8_t>(g.id(), "help_source");
    read_capped<std::uint32_t>(g.id(), "helper");
    read_capped<std::int8_t>(g.id(), "ask_domain");
    // Row-wise reads as the viewer does them: one snapshot row at a time.
    allowed_errors_only([&] {
      if (!h5::exists(g.id(), "self_reliance")) return;
      h5::Handle ds = h5::open_dataset(g.id(), "self_reliance");
      h5::Handle space(H5Dget_space(ds.id()));
      hsize_t dims[2] = {0, 0};
      if (!space || H5Sget_simple_extent_ndims(space.id()) != 2) return;
      H5Sget_simple_extent_dims(space.id(), dims, nullptr);
      if (dims[0] == 0 || dims[1] > kMaxElements) return;
      std::vector<float> row(dims[1]);
      h5::read_rows(ds.id(), dims[0] - 1, 1, dims[1], row.data());
    });
  });
  allowed_errors_only([&] {
    if (!h5::exists(f, "network/week_00000")) return;
    h5::Handle g = h5::open_group(f, "network/week_00000");
    for (const char* s : {"a", "b"}) read_capped<std::uint32_t>(g.id(), s);
    read_capped<std::uint8_t>(g.id(), "kind");
    for (const char* s : {"strength", "balance"}) read_capped<float>(g.id(), s);
  });
  allowed_errors_only([&] {
    if (!h5::exists(f, "final")) return;
    h5::Handle g = h5::open_group(f, "final");
    for (const auto& spec : buurt::kOutcomeSpecs) read_capped<double>(g.id(), std::string(spec.name));
    if (!h5::exists(g.id(), "by_group")) return;
    h5::Handle bg = h5::open_group(g.id(), "by_group");
    for (const char* s : {"residents", "in_need_share", "mean_self_reliance"}) read_capped<double>(bg.id(), s);
  });
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto& dir = buurt_fuzz::scratch();
  const auto path = dir / "input.h5";
  buurt_fuzz::write_file(path, std::string_view(reinterpret_cast<const char*>(data), size));
  h5::quiet();
  allowed_errors_only([&] {
    const buurt::ResultGroup f = buurt::ResultGroup::open_file(path, false);
    read_run_layout(f.handle());
#ifdef BUURT_FUZZ_SWEEP
    allowed_errors_only([&] { (void)buurt::sweep::Header::read(f); });
#endif
  });
#ifdef BUURT_FUZZ_SWEEP
  allowed_errors_only([&] { (void)buurt::sweep::status_report(path, 1); });
  allowed_errors_only([&] {
    const std::vector<std::filesystem::path> shards{path};
    (void)buurt::sweep::merge(shards, dir / "merged.h5", true);
  });
#endif
  return 0;
}
