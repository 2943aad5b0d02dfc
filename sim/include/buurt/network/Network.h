#pragma once
/// Social ties in compressed-sparse-row form with per-tie reciprocity balance.
#include <cstdint>
#include <vector>

#include "buurt/population/Population.h"
#include "buurt/schema/Schema.h"

namespace buurt {

enum class TieKind : std::uint8_t { Household = 0, Kin = 1, Neighbour = 2, Friend = 3, Brokered = 4 };
inline constexpr std::array<const char*, 5> kTieKindNames = {"household", "kin", "neighbour", "friend", "brokered"};

/// Undirected ties. Each resident's row holds entries (other resident, edge id); rows have spare
/// slots so ties can form during a run without rebuilding the CSR arrays.
struct Network {
  std::vector<std::uint32_t> row_begin;  ///< size n+1
  std::vector<std::uint32_t> other;      ///< per entry: the other resident, kNone when the slot is free
  std::vector<std::uint32_t> edge;       ///< per entry: edge id

  // per edge
  std::vector<std::uint32_t> a, b;  ///< endpoints, a < b
  std::vector<TieKind> kind;
  std::vector<float> strength;            ///< 0 = ended
  std::vector<float> balance;             ///< hours given by a to b minus received from b
  std::vector<std::int32_t> last_help;    ///< last week with help on the tie, -1 never
  std::vector<std::uint32_t> free_edges;  ///< ended edges no row refers to any more, reused by add() (last freed first)

  std::size_t edges() const { return a.size(); }
  bool active(std::uint32_t e) const { return strength[e] > 0.0f; }
  /// Balance as seen by `self`: hours `self` gave minus received on edge e.
  float balance_of(std::uint32_t e, std::uint32_t self) const { return self == a[e] ? balance[e] : -balance[e]; }
  /// Find the entry of `j` in row `i`, or kNone.
  std::uint32_t find(std::uint32_t i, std::uint32_t j) const;
  /// Add a tie if both rows have a free slot and none exists. Returns edge id or kNone.
  std::uint32_t add(std::uint32_t i, std::uint32_t j, TieKind k, float strength, std::int32_t week);
  /// End every tie of resident i (it leaves the wijk): its row and the other ends' entries become free.
  void remove(std::uint32_t i);
  std::size_t active_edges() const;
  double bytes_per_tie() const;
  /// Every variable, for saved states (buurt/base/State.h).
  template <class Ar>
  void state(Ar& ar) {
    ar("row_begin", row_begin);
    ar("other", other);
    ar("edge", edge);
    ar("a", a);
    ar("b", b);
    ar("kind", kind);
    ar("strength", strength);
    ar("balance", balance);
    ar("last_help", last_help);
    ar("free_edges", free_edges);
  }
};

/// Build household, kin, neighbour and friend ties (small world, with isolated residents).
Network build_network(const Params& p, const Population& pop, std::uint32_t run);

}  // namespace buurt
