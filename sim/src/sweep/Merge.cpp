#include "buurt/sweep/Merge.h"

#include <fmt/format.h>
#include <algorithm>
#include <map>

#include "FileFormat.h"
#include "buurt/output/Recorder.h"
#include "buurt/sweep/Header.h"
#include "buurt/sweep/Sweep.h"

namespace buurt::sweep {
namespace fs = std::filesystem;
using namespace detail;

namespace {

/// Writes /runs of a final file block by block, rows in run-index order.
class FinalWriter {
 public:
  FinalWriter(const ResultGroup& file, const Header& h, std::int64_t n)
      : k_(static_cast<std::uint64_t>(h.final_names.size())), w1_(static_cast<std::uint64_t>(h.weeks + 1)) {
    const auto rows = static_cast<std::uint64_t>(n);
    auto chunk = [&](std::uint64_t cols) -> std::vector<std::uint64_t> {
      if (rows == 0) return {};
      const std::uint64_t r = std::clamp<std::uint64_t>(65536 / std::max<std::uint64_t>(cols, 1), 1, rows);
      return cols == 0 ? std::vector<std::uint64_t>{r} : std::vector<std::uint64_t>{r, cols};
    };
    ResultGroup runs = file.create_group("runs");
    for (const char* nm : {"run_index", "point", "replicate", "seed"}) cols_.push_back(runs.create_dataset<std::int64_t>(nm, {rows}, chunk(0), rows ? 4 : 0));
    final_ = runs.create_dataset<double>("final", {rows, k_}, chunk(k_), rows ? 4 : 0);
    final_.set_attr("columns", std::string("/runs/outcome_names"));
    for (const auto& nm : h.timeseries_names) {
      series_.push_back(runs.create_dataset<double>("timeseries/" + nm, {rows, w1_}, chunk(w1_), rows ? 4 : 0));
      const int o = find_outcome(nm);
      if (o >= 0) set_outcome_attrs(series_.back(), kOutcomeSpecs[static_cast<std::size_t>(o)]);  // unit, label, format...
    }
    runs.write_strings("outcome_names", h.final_names);
    std::vector<std::string> units, descs;
    for (const auto& nm : h.final_names) {
      const int o = find_outcome(nm);
      units.emplace_back(o >= 0 ? kOutcomeSpecs[static_cast<std::size_t>(o)].unit : "");
      descs.emplace_back(o >= 0 ? kOutcomeSpecs[static_cast<std::size_t>(o)].description : "");
    }
    runs.write_strings("outcome_units", units);
    runs.write_strings("outcome_descriptions", descs);
    write_outcome_columns(runs, h.final_names, "outcome_");  // label, format, kind, direction, headline (docs/output.md)
  }
  void write(std::int64_t row0, std::int64_t count, const std::vector<std::int64_t>& run, const Header& h, const std::vector<double>& fin,
             const std::vector<std::vector<double>>& series) {
    std::vector<std::int64_t> point(run.size()), rep(run.size()), seed(run.size(), h.seed);
    for (std::size_t i = 0; i < run.size(); ++i) {
      point[i] = run[i] / h.stride;
      rep[i] = run[i] % h.stride;
    }
    const auto r0 = static_cast<std::uint64_t>(row0), c = static_cast<std::uint64_t>(count);
    cols_[0].write_rows(r0, c, 1, run.data());
    cols_[1].write_rows(r0, c, 1, point.data());
    cols_[2].write_rows(r0, c, 1, rep.data());
    cols_[3].write_rows(r0, c, 1, seed.data());
    final_.write_rows(r0, c, k_, fin.data());
    for (std::size_t t = 0; t < series_.size(); ++t) series_[t].write_rows(r0, c, w1_, series[t].data());
  }

 private:
  std::uint64_t k_, w1_;
  std::vector<ResultDataset> cols_;
  ResultDataset final_;
  std::vector<ResultDataset> series_;
};

/// Rows of one source (a working file or a shard file) read in order, block by block.
struct RowReader {
  ResultGroup file;
  ResultDataset fin;
  std::vector<ResultDataset> series;
  std::uint64_t k = 0, w1 = 0;
  void read(std::int64_t row0, std::int64_t n, std::vector<double>& f, std::vector<std::vector<double>>& s) const {
    f.resize(static_cast<std::size_t>(n) * k);
    fin.read_rows(static_cast<std::uint64_t>(row0), static_cast<std::uint64_t>(n), k, f.data());
    s.resize(series.size());
    for (std::size_t t = 0; t < series.size(); ++t) {
      s[t].resize(static_cast<std::size_t>(n) * w1);
      series[t].read_rows(static_cast<std::uint64_t>(row0), static_cast<std::uint64_t>(n), w1, s[t].data());
    }
  }
};

RowReader open_rows(const fs::path& path, const Header& h, bool partial) {
  RowReader r;
  r.file = ResultGroup::open_file(path, false);
  r.fin = r.file.open_dataset(partial ? "/partial/final" : "/runs/final");
  for (const auto& nm : h.timeseries_names) r.series.push_back(r.file.open_dataset(partial ? series_path(nm) : "/runs/timeseries/" + nm));
  r.k = h.final_names.size();
  r.w1 = static_cast<std::uint64_t>(h.weeks + 1);
  return r;
}

void append_rows(std::vector<double>& dst, const std::vector<double>& src, std::size_t row, std::size_t width) {
  dst.insert(dst.end(), src.begin() + static_cast<std::ptrdiff_t>(row * width), src.begin() + static_cast<std::ptrdiff_t>((row + 1) * width));
}

void write_final_root(const ResultGroup& file, const Header& h) {
  file.set_attr("kind", std::string(kKindFinal));
  h.write(file);
}

}  // namespace

void finalize(const Plan& plan, const fs::path& partial, const fs::path& out, bool force, bool shard_file) {
  Header h = Header::from_plan(plan);
  if (!shard_file) h.shard_index = -1, h.shard_count = 0;
  std::vector<std::uint64_t> done;
  {
    ResultGroup f = ResultGroup::open_file(partial, false);
    done = f.read<std::uint64_t>("/partial/done");
  }
  const auto n = static_cast<std::int64_t>(std::count_if(done.begin(), done.end(), [](std::uint64_t d) { return d != 0; }));
  RowReader src = open_rows(partial, h, true);
  ResultFile file(out, force);
  write_final_root(file.root(), h);
  FinalWriter w(file.root(), h, n);
  std::vector<double> fin, bf;
  std::vector<std::vector<double>> ser, bs(h.timeseries_names.size());
  std::vector<std::int64_t> runs;
  std::int64_t row = 0;
  for (std::int64_t s0 = 0; s0 < plan.slots(); s0 += kBlock) {
    const std::int64_t m = std::min(kBlock, plan.slots() - s0);
    src.read(s0, m, fin, ser);
    runs.clear();
    bf.clear();
    for (auto& b : bs) b.clear();
    for (std::int64_t i = 0; i < m; ++i) {
      if (done[static_cast<std::size_t>(s0 + i)] == 0) continue;
      runs.push_back(plan.run_index(s0 + i));
      append_rows(bf, fin, static_cast<std::size_t>(i), src.k);
      for (std::size_t t = 0; t < bs.size(); ++t) append_rows(bs[t], ser[t], static_cast<std::size_t>(i), src.w1);
    }
    w.write(row, static_cast<std::int64_t>(runs.size()), runs, h, bf, bs);
    row += static_cast<std::int64_t>(runs.size());
  }
  src = RowReader{};
  file.commit();
  std::error_code ec;
  fs::remove(partial, ec);
}

std::int64_t merge(const std::vector<fs::path>& shards, const fs::path& out, bool force) {
  if (shards.empty()) throw InputError("merge: no shard files given");
  check_output_path(out, force);
  std::vector<Header> hs;
  std::vector<std::vector<std::int64_t>> runs;
  std::map<std::int64_t, fs::path> by_index;
  for (const auto& p : shards) {
    if (std::error_code ec; !fs::exists(p, ec)) throw InputError(fmt::format("merge: shard file '{}' does not exist", p.string()));
    ResultGroup f;
    try {
      f = ResultGroup::open_file(p, false);
    } catch (const FormatError&) {
      throw InputError(fmt::format("merge: cannot open '{}' as HDF5", p.string()));
    }
    const std::string kind = read_kind(f);
    if (kind == kKindPartial)
      throw InputError(fmt::format("merge: '{}' is an unfinished working file; finish that shard with `buurt sweep --resume` first", p.string()));
    if (kind != kKindFinal) throw InputError(fmt::format("merge: '{}' is not a sweep result file", p.string()));
    Header h = Header::read(f);
    if (h.shard_count <= 0) throw InputError(fmt::format("merge: '{}' is not a shard (made without --shard I/N)", p.string()));
    if (!hs.empty()) {
      if (h.fingerprint != hs[0].fingerprint)
        throw InputError(fmt::format("merge: '{}' belongs to a different sweep than '{}' ({})", p.string(), shards[0].string(),
                                     first_difference(hs[0].normalised, h.normalised)));
      if (h.git_commit != hs[0].git_commit || h.program_version != hs[0].program_version)
        throw InputError(fmt::format("merge: '{}' was written by buurt {} ({}), '{}' by buurt {} ({}): shards of two program versions", p.string(),
                                     h.program_version, h.git_commit, shards[0].string(), hs[0].program_version, hs[0].git_commit));
      if (h.shard_count != hs[0].shard_count)
        throw InputError(
            fmt::format("merge: '{}' is shard {}/{} but '{}' is one of {}", p.string(), h.shard_index, h.shard_count, shards[0].string(), hs[0].shard_count));
    }
    if (by_index.count(h.shard_index))
      throw InputError(
          fmt::format("merge: shard {}/{} given twice ('{}' and '{}')", h.shard_index, h.shard_count, by_index[h.shard_index].string(), p.string()));
    by_index[h.shard_index] = p;
    runs.push_back(f.read<std::int64_t>("/runs/run_index"));
    hs.push_back(std::move(h));
  }
  const std::int64_t n_shards = hs[0].shard_count;
  std::string missing;
  for (std::int64_t i = 0; i < n_shards; ++i)
    if (!by_index.count(i)) missing += fmt::format("{}{}/{}", missing.empty() ? "" : ", ", i, n_shards);
  if (!missing.empty()) throw InputError(fmt::format("merge: shard(s) {} missing", missing));

  const Header& h0 = hs[0];
  const bool adaptive = !h0.target_ci.empty();
  const std::int64_t points = h0.design.rows, stride = h0.stride;
  // Each shard's runs: increasing, its own, and (without adaptive replicates) all of them.
  std::int64_t total = 0;
  for (std::size_t s = 0; s < hs.size(); ++s) {
    const auto& r = runs[s];
    const std::int64_t I = hs[s].shard_index;
    for (std::size_t i = 0; i < r.size(); ++i) {
      const std::int64_t key = adaptive ? r[i] / stride : r[i];
      if (r[i] < 0 || r[i] >= points * stride || key % n_shards != I)
        throw InputError(fmt::format("merge: '{}' holds run {} which is not part of shard {}/{}", shards[s].string(), r[i], I, n_shards));
      if (i > 0 && r[i] <= r[i - 1]) throw InputError(fmt::format("merge: '{}' has run {} twice or out of order", shards[s].string(), r[i]));
    }
    if (!adaptive) {
      const std::int64_t expect = (points * stride - I + n_shards - 1) / n_shards;
      if (static_cast<std::int64_t>(r.size()) != expect)
        throw InputError(fmt::format("merge: '{}' (shard {}/{}) holds {} of its {} runs", shards[s].string(), I, n_shards, r.size(), expect));
    } else {
      // Per point: replicates 0..n-1 with n >= replicates.
      std::size_t i = 0;
      for (std::int64_t p = I; p < points; p += n_shards) {
        std::int64_t rep = 0;
        while (i < r.size() && r[i] / stride == p) {
          if (r[i] % stride != rep) throw InputError(fmt::format("merge: '{}' lacks replicate {} of point {}", shards[s].string(), rep, p));
          ++rep;
          ++i;
        }
        if (rep < h0.replicates)
          throw InputError(fmt::format("merge: '{}' holds {} of at least {} replicates of point {}", shards[s].string(), rep, h0.replicates, p));
      }
    }
    total += static_cast<std::int64_t>(r.size());
  }
  // Merged order: by run index. Each shard's rows come in order, so a block takes a contiguous range of each.
  std::vector<std::int32_t> from;
  from.reserve(static_cast<std::size_t>(total));
  {
    std::vector<std::size_t> cur(hs.size(), 0);
    for (std::int64_t k = 0; k < total; ++k) {
      std::int32_t best = -1;
      for (std::size_t s = 0; s < hs.size(); ++s)
        if (cur[s] < runs[s].size() && (best < 0 || runs[s][cur[s]] < runs[static_cast<std::size_t>(best)][cur[static_cast<std::size_t>(best)]]))
          best = static_cast<std::int32_t>(s);
      from.push_back(best);
      ++cur[static_cast<std::size_t>(best)];
    }
  }
  Header h = h0;
  h.shard_index = -1;
  h.shard_count = 0;
  std::vector<RowReader> src;
  for (std::size_t s = 0; s < hs.size(); ++s) src.push_back(open_rows(by_index[hs[s].shard_index], h, false));
  ResultFile file(out, force);
  write_final_root(file.root(), h);
  FinalWriter w(file.root(), h, total);
  std::vector<std::size_t> cur(hs.size(), 0);
  std::vector<std::vector<double>> fin(hs.size());
  std::vector<std::vector<std::vector<double>>> ser(hs.size());
  std::vector<double> bf;
  std::vector<std::vector<double>> bs(h.timeseries_names.size());
  std::vector<std::int64_t> rr;
  for (std::int64_t r0 = 0; r0 < total; r0 += kBlock) {
    const std::int64_t m = std::min(kBlock, total - r0);
    std::vector<std::int64_t> take(hs.size(), 0);
    for (std::int64_t i = 0; i < m; ++i) ++take[static_cast<std::size_t>(from[static_cast<std::size_t>(r0 + i)])];
    for (std::size_t s = 0; s < hs.size(); ++s) src[s].read(static_cast<std::int64_t>(cur[s]), take[s], fin[s], ser[s]);
    std::vector<std::size_t> pos(hs.size(), 0);
    rr.clear();
    bf.clear();
    for (auto& b : bs) b.clear();
    for (std::int64_t i = 0; i < m; ++i) {
      const auto s = static_cast<std::size_t>(from[static_cast<std::size_t>(r0 + i)]);
      rr.push_back(runs[s][cur[s] + pos[s]]);
      append_rows(bf, fin[s], pos[s], src[s].k);
      for (std::size_t t = 0; t < bs.size(); ++t) append_rows(bs[t], ser[s][t], pos[s], src[s].w1);
      ++pos[s];
    }
    for (std::size_t s = 0; s < hs.size(); ++s) cur[s] += static_cast<std::size_t>(take[s]);
    w.write(r0, m, rr, h, bf, bs);
  }
  src.clear();
  file.commit();
  return total;
}

}  // namespace buurt::sweep
