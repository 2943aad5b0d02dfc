#pragma once
// Helpers shared by the phases of the week (kernel-internal).
#include <algorithm>
#include <cstddef>
#include <utility>
#include <vector>

#include "buurt/base/Parallel.h"
#include "buurt/base/Rng.h"
#include "buurt/network/Network.h"
#include "buurt/population/Population.h"

namespace buurt::detail {

/// On a function made of array loops: compiled also for AVX-512 and AVX2 and picked at load time, so its loops
/// become wide vector code where the processor has it. Lane by lane these are the same IEEE operations as the
/// plain build (neither ISA enables fused multiply-add), so the numbers are the same on every processor. GCC
/// only, and not under the sanitizers (their runtimes and load-time selection do not mix).
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
#define BUURT_VECTOR_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define BUURT_VECTOR_CLONES
#endif

/// Grain of the per-resident and per-tie loops.
inline constexpr std::size_t kGrain = 2048;
/// Need below this is gone: a domain is resolved, not just relieved.
inline constexpr float kResolved = 0.02f;

template <class F>
void for_each_index(std::size_t n, F&& f) {
  par::for_each_index(n, kGrain, std::forward<F>(f));
}

/// f(i, draws) for every i in [0, n), in parallel, where draws.uniforms(i) is rng.uniforms(i, week, stream,
/// sub) made a block at a time (DrawCursor): for loops where most indices draw.
template <class F>
void for_each_drawing(std::size_t n, const Rng& rng, std::uint32_t week, Stream stream, std::uint32_t sub, F&& f) {
  par::for_chunks(n, kGrain, [&](std::size_t begin, std::size_t end) {
    DrawCursor draws(rng, week, stream, sub, end);
    for (std::size_t i = begin; i != end; ++i) f(i, draws);
  });
}

/// What body(begin, end, out) appends to `out` for fixed chunks of [0, n), chunk after chunk: the chunks run
/// in parallel, each into its own list, and the lists are joined in index order, so the result does not
/// depend on the thread count. The body may write the slots of its own indices.
template <class T, class Body>
std::vector<T> collect_chunks(std::size_t n, Body&& body) {
  constexpr std::size_t kChunk = 4 * kGrain;
  std::vector<std::vector<T>> parts((n + kChunk - 1) / kChunk);
  par::for_each_index(parts.size(), 1, [&](std::size_t c) { body(c * kChunk, std::min(n, (c + 1) * kChunk), parts[c]); });
  std::size_t total = 0;
  for (const auto& part : parts) total += part.size();
  std::vector<T> out;
  out.reserve(total);
  for (const auto& part : parts) out.insert(out.end(), part.begin(), part.end());
  return out;
}

/// The residents (or ties) i in [0, n) with pred(i), in increasing order (collect_chunks): lets the
/// phases where few act (care receivers, askers, helped, debtors) visit only those.
template <class Pred>
std::vector<std::uint32_t> those(std::size_t n, Pred&& pred) {
  return collect_chunks<std::uint32_t>(n, [&](std::size_t begin, std::size_t end, std::vector<std::uint32_t>& out) {
    for (std::size_t i = begin; i != end; ++i)
      if (pred(i)) out.push_back(static_cast<std::uint32_t>(i));
  });
}

/// f(i) for every i of `list`, in parallel; each i is visited once.
template <class F>
void for_each_of(const std::vector<std::uint32_t>& list, F&& f) {
  par::for_each_index(list.size(), kGrain / 8, [&](std::size_t k) { f(list[k]); });
}

/// Lower `need` by `amount`; what falls below kResolved is gone.
inline void reduce_need(float& need, float amount) {
  need = std::max(0.0f, need - amount);
  if (need < kResolved) need = 0.0f;
}

/// Raise `need` by `amount`, up to 1.
inline void raise_need(float& need, float amount) { need = std::min(1.0f, need + amount); }

/// Top need in the domains the team works on: loneliness is left to contact, managers and initiatives.
inline float top_team_need(const Population& pop, std::size_t i) {
  float m = 0.0f;
  for (int d = 0; d < kDomains; ++d)
    if (d != Social) m = std::max(m, pop.need[d][i]);
  return m;
}

/// Complexity of a case: need summed over the practical domains (all but loneliness), 0..4.
inline float practical_need(const Population& pop, std::size_t i) {
  float s = 0.0f;
  for (int d = 0; d < kDomains; ++d)
    if (d != Social) s += pop.need[d][i];
  return s;
}

/// a / b, and 0 where b is not positive (an outcome of nobody is reported as 0).
inline double ratio(double a, double b) { return b > 0 ? a / b : 0.0; }

/// Team and second-line cases close when every team need is below this (output steering closes sooner).
inline float closure_need(const Params& p) { return static_cast<float>(p.team_closure_need + 0.25 * p.team_output_steering); }

/// The second line's hours a week (secondline.capacity per 1,000 residents): the places it offers and the hours
/// it is paid for, used or not (phase 10). Only where secondline.limited is on.
inline double secondline_capacity_hours(const Params& p) { return p.secondline_capacity * static_cast<double>(p.population_residents) / 1000.0; }

/// What a professional's solving hours do (the team, the second line): remove `amount` of need, spread over
/// the practical domains (income, health, mental health, household and care) in proportion to their need.
/// Loneliness is not solved by a service: it changes through contact, the money and health gradients and
/// the programmes that make contact (docs/ODD.md 7.6, "Relief reaches the domains a service works on").
inline void relieve(Population& pop, std::size_t i, float amount) {
  const float total = practical_need(pop, i);
  if (total <= 0.0f || amount <= 0.0f) return;
  for (int d = 0; d < kDomains; ++d)
    if (d != Social) reduce_need(pop.need[d][i], amount * pop.need[d][i] / total);
}

/// Who helped, by the kind of tie that carried the help.
inline HelpSource source_of(TieKind k) {
  switch (k) {
    case TieKind::Household: return HelpSource::Household;
    case TieKind::Kin: return HelpSource::Kin;
    case TieKind::Neighbour: return HelpSource::Neighbour;
    case TieKind::Friend: return HelpSource::Friend;
    case TieKind::Brokered: return HelpSource::Brokered;
  }
  return HelpSource::None;
}

/// Informal help: household, kin, neighbours, friends and brokered ties (not volunteers or professionals).
inline bool is_informal(HelpSource s) { return s != HelpSource::None && s <= HelpSource::Brokered; }

}  // namespace buurt::detail
