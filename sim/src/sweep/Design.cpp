#include "buurt/sweep/Design.h"

#include <fmt/format.h>
#include <array>
#include <cmath>
#include <numeric>
#include <stdexcept>

#include "buurt/base/Rng.h"

namespace buurt::sweep {
namespace {

struct JoeKuo {
  int s;            // degree of the primitive polynomial
  std::uint32_t a;  // its middle coefficients
  std::uint32_t m[13];
};
const JoeKuo kJoeKuo[] = {
#include "JoeKuo.inc"
};
constexpr int kDims = static_cast<int>(sizeof(kJoeKuo) / sizeof(kJoeKuo[0]));
constexpr int kBits = 32;

/// Direction numbers V[dim][k] (k = 0 is the most significant bit), built once.
const std::vector<std::array<std::uint32_t, kBits>>& directions() {
  static const auto table = [] {
    std::vector<std::array<std::uint32_t, kBits>> v(kDims);
    for (int k = 0; k < kBits; ++k) v[0][static_cast<std::size_t>(k)] = 1u << (kBits - 1 - k);
    for (int d = 1; d < kDims; ++d) {
      const auto& jk = kJoeKuo[d];
      auto& V = v[static_cast<std::size_t>(d)];
      const int s = jk.s;
      for (int k = 0; k < kBits; ++k) {
        if (k < s) {
          V[static_cast<std::size_t>(k)] = jk.m[k] << (kBits - 1 - k);
        } else {
          std::uint32_t x = V[static_cast<std::size_t>(k - s)] ^ (V[static_cast<std::size_t>(k - s)] >> s);
          for (int i = 1; i < s; ++i)
            if ((jk.a >> (s - 1 - i)) & 1u) x ^= V[static_cast<std::size_t>(k - i)];
          V[static_cast<std::size_t>(k)] = x;
        }
      }
    }
    return v;
  }();
  return table;
}

/// Fisher-Yates permutation of 0..n-1 from counter-based random numbers keyed by (seed, run, column).
std::vector<std::int64_t> permutation(std::int64_t n, const Rng& rng, std::uint32_t column, std::uint32_t sub) {
  std::vector<std::int64_t> p(static_cast<std::size_t>(n));
  std::iota(p.begin(), p.end(), 0);
  for (std::int64_t i = n - 1; i > 0; --i) {
    const double u = rng.uniforms(static_cast<std::uint32_t>(i), column, Stream::Replicate, sub)[0];
    const auto k = static_cast<std::int64_t>(u * static_cast<double>(i + 1));
    std::swap(p[static_cast<std::size_t>(i)], p[static_cast<std::size_t>(std::min(k, i))]);
  }
  return p;
}

}  // namespace

int sobol_max_dimensions() { return kDims; }

double sobol_value(std::uint64_t index, int dim) {
  if (dim < 0 || dim >= kDims) throw std::out_of_range(fmt::format("Sobol dimension {} (at most {})", dim + 1, kDims));
  if (index >> kBits) throw std::out_of_range("Sobol index beyond 2^32");
  const auto& V = directions()[static_cast<std::size_t>(dim)];
  const std::uint64_t gray = index ^ (index >> 1);
  std::uint32_t x = 0;
  for (int k = 0; k < kBits; ++k)
    if ((gray >> k) & 1u) x ^= V[static_cast<std::size_t>(k)];
  return static_cast<double>(x) / 4294967296.0;
}

Matrix sobol(std::int64_t n, int dims, std::int64_t skip) {
  Matrix m{n, dims, std::vector<double>(static_cast<std::size_t>(n * dims))};
  for (std::int64_t i = 0; i < n; ++i)
    for (int d = 0; d < dims; ++d) m(i, d) = sobol_value(static_cast<std::uint64_t>(i + skip), d);
  return m;
}

Matrix latin_hypercube(std::int64_t n, int dims, std::uint64_t seed, bool centered) {
  Matrix m{n, dims, std::vector<double>(static_cast<std::size_t>(n * dims))};
  const Rng rng(seed, 0x4c4853u);  // "LHS"
  for (int d = 0; d < dims; ++d) {
    const auto perm = permutation(n, rng, static_cast<std::uint32_t>(d), 0);
    for (std::int64_t i = 0; i < n; ++i) {
      const double u = centered ? 0.5 : rng.uniforms(static_cast<std::uint32_t>(i), static_cast<std::uint32_t>(d), Stream::Replicate, 1)[0];
      m(i, d) = (static_cast<double>(perm[static_cast<std::size_t>(i)]) + u) / static_cast<double>(n);
    }
  }
  return m;
}

Matrix saltelli(std::int64_t base_samples, int dims, std::int64_t skip) {
  const Matrix ab = sobol(base_samples, 2 * dims, skip);
  const std::int64_t block = dims + 2;
  Matrix m{base_samples * block, dims, std::vector<double>(static_cast<std::size_t>(base_samples * block * dims))};
  for (std::int64_t i = 0; i < base_samples; ++i) {
    for (int d = 0; d < dims; ++d) {
      m(i * block, d) = ab(i, d);                                                                      // A
      m(i * block + block - 1, d) = ab(i, dims + d);                                                   // B
      for (int j = 0; j < dims; ++j) m(i * block + 1 + j, d) = (d == j) ? ab(i, dims + d) : ab(i, d);  // AB^(j)
    }
  }
  return m;
}

double morris_delta(int levels) { return static_cast<double>(levels) / (2.0 * (levels - 1)); }

Matrix morris(std::int64_t trajectories, int dims, int levels, std::uint64_t seed) {
  const std::int64_t rows = trajectories * (dims + 1);
  Matrix m{rows, dims, std::vector<double>(static_cast<std::size_t>(rows * dims))};
  const Rng rng(seed, 0x4d4f52u);  // "MOR"
  const int half = levels / 2;     // the step, in grid levels
  const double denom = levels - 1;
  std::vector<int> level(static_cast<std::size_t>(dims)), dir(static_cast<std::size_t>(dims));
  for (std::int64_t t = 0; t < trajectories; ++t) {
    const auto order = permutation(dims, rng, static_cast<std::uint32_t>(t), 7);
    for (int j = 0; j < dims; ++j) {
      const auto u = rng.uniforms(static_cast<std::uint32_t>(t), static_cast<std::uint32_t>(j), Stream::Replicate, 8);
      const int base = std::min(half - 1, static_cast<int>(u[0] * half));  // x* in {0, .., 1 - delta}
      dir[static_cast<std::size_t>(j)] = u[1] < 0.5 ? -1 : 1;
      level[static_cast<std::size_t>(j)] = base + (dir[static_cast<std::size_t>(j)] < 0 ? half : 0);
    }
    const std::int64_t r0 = t * (dims + 1);
    for (int j = 0; j < dims; ++j) m(r0, j) = level[static_cast<std::size_t>(j)] / denom;
    for (int s = 0; s < dims; ++s) {
      const auto j = static_cast<std::size_t>(order[static_cast<std::size_t>(s)]);
      level[j] += dir[j] * half;
      for (int c = 0; c < dims; ++c) m(r0 + s + 1, c) = level[static_cast<std::size_t>(c)] / denom;
    }
  }
  return m;
}

Matrix full_grid(const std::vector<std::int64_t>& counts) {
  std::int64_t rows = 1;
  for (auto c : counts) rows *= c;
  const auto cols = static_cast<std::int64_t>(counts.size());
  Matrix m{rows, cols, std::vector<double>(static_cast<std::size_t>(rows * cols))};
  for (std::int64_t r = 0; r < rows; ++r) {
    std::int64_t rest = r;
    for (std::int64_t c = cols - 1; c >= 0; --c) {
      m(r, c) = static_cast<double>(rest % counts[static_cast<std::size_t>(c)]);
      rest /= counts[static_cast<std::size_t>(c)];
    }
  }
  return m;
}

std::int64_t design_points(const SweepSpec& s) {
  const auto p = static_cast<std::int64_t>(s.factors.size());
  switch (s.kind) {
    case DesignKind::Grid: {
      std::int64_t n = 1;
      for (const auto& f : s.factors) n *= static_cast<std::int64_t>(f.levels.size());
      return n;
    }
    case DesignKind::Lhs:
    case DesignKind::Sobol: return s.points;
    case DesignKind::Saltelli: return s.points * (p + 2);
    case DesignKind::Morris: return s.points * (p + 1);
    case DesignKind::Points: return s.factors.empty() ? 0 : static_cast<std::int64_t>(s.factors.front().levels.size());
  }
  return 0;
}

Matrix make_design(const SweepSpec& s) {
  const int p = static_cast<int>(s.factors.size());
  const std::uint64_t dseed = static_cast<std::uint64_t>(s.design_seed.value_or(s.seed.value_or(0)));
  Matrix u;
  switch (s.kind) {
    case DesignKind::Grid: {
      std::vector<std::int64_t> counts;
      for (const auto& f : s.factors) counts.push_back(static_cast<std::int64_t>(f.levels.size()));
      Matrix idx = full_grid(counts);
      for (std::int64_t r = 0; r < idx.rows; ++r)
        for (int c = 0; c < p; ++c) idx(r, c) = s.factors[static_cast<std::size_t>(c)].levels[static_cast<std::size_t>(idx(r, c))];
      return idx;
    }
    case DesignKind::Points: {
      const std::int64_t n = design_points(s);
      Matrix m{n, p, std::vector<double>(static_cast<std::size_t>(n * p))};
      for (std::int64_t r = 0; r < n; ++r)
        for (int c = 0; c < p; ++c) m(r, c) = s.factors[static_cast<std::size_t>(c)].levels[static_cast<std::size_t>(r)];
      return m;
    }
    case DesignKind::Lhs: u = latin_hypercube(s.points, p, dseed, s.centered); break;
    case DesignKind::Sobol: u = sobol(s.points, p, s.skip); break;
    case DesignKind::Saltelli: u = saltelli(s.points, p, s.skip); break;
    case DesignKind::Morris: u = morris(s.points, p, static_cast<int>(s.levels), dseed); break;
  }
  for (std::int64_t r = 0; r < u.rows; ++r)
    for (int c = 0; c < p; ++c) {
      const auto& f = s.factors[static_cast<std::size_t>(c)];
      double v = f.min + u(r, c) * (f.max - f.min);
      if (u(r, c) >= 1.0) v = f.max;  // Morris reaches the upper end exactly
      if (f.spec->type == ParamType::Int) v = std::clamp(std::round(v), f.min, f.max);
      u(r, c) = v;
    }
  return u;
}

}  // namespace buurt::sweep
