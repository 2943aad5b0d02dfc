#include "buurt/network/Network.h"

#include <algorithm>
#include <cmath>

#include "buurt/base/Rng.h"

namespace buurt {

std::uint32_t Network::find(std::uint32_t i, std::uint32_t j) const {
  for (std::uint32_t k = row_begin[i]; k < row_begin[i + 1]; ++k)
    if (other[k] == j && active(edge[k])) return k;
  return kNone;
}

namespace {
/// A free slot in row i: never used, or holding an ended tie.
std::uint32_t free_slot(const Network& net, std::uint32_t i) {
  for (std::uint32_t k = net.row_begin[i]; k < net.row_begin[i + 1]; ++k)
    if (net.other[k] == kNone || !net.active(net.edge[k])) return k;
  return kNone;
}
}  // namespace

namespace {
/// Whether row i still refers to edge e.
bool refers(const Network& net, std::uint32_t i, std::uint32_t e) {
  for (std::uint32_t k = net.row_begin[i]; k < net.row_begin[i + 1]; ++k)
    if (net.edge[k] == e && net.other[k] != kNone) return true;
  return false;
}
}  // namespace

// An ended edge is freed for reuse once no row refers to it, so the edge arrays stay bounded however many
// ties form and end (e.g. under residential churn).
std::uint32_t Network::add(std::uint32_t i, std::uint32_t j, TieKind k, float s, std::int32_t week) {
  if (i == j || find(i, j) != kNone) return kNone;
  const std::uint32_t si = free_slot(*this, i), sj = free_slot(*this, j);
  if (si == kNone || sj == kNone) return kNone;
  const std::uint32_t old_i = other[si] != kNone ? edge[si] : kNone, old_j = other[sj] != kNone ? edge[sj] : kNone;
  const std::uint32_t end_i = other[si], end_j = other[sj];
  other[si] = kNone;
  other[sj] = kNone;
  if (old_i != kNone && !refers(*this, end_i, old_i) && !refers(*this, i, old_i)) free_edges.push_back(old_i);
  if (old_j != kNone && old_j != old_i && !refers(*this, end_j, old_j) && !refers(*this, j, old_j)) free_edges.push_back(old_j);
  std::uint32_t e;
  if (!free_edges.empty()) {
    e = free_edges.back();
    free_edges.pop_back();
    a[e] = std::min(i, j);
    b[e] = std::max(i, j);
    kind[e] = k;
    strength[e] = s;
    balance[e] = 0.0f;
    last_help[e] = week;
  } else {
    e = static_cast<std::uint32_t>(a.size());
    a.push_back(std::min(i, j));
    b.push_back(std::max(i, j));
    kind.push_back(k);
    strength.push_back(s);
    balance.push_back(0.0f);
    last_help.push_back(week);
  }
  other[si] = j;
  edge[si] = e;
  other[sj] = i;
  edge[sj] = e;
  return e;
}

void Network::remove(std::uint32_t i) {
  for (std::uint32_t k = row_begin[i]; k < row_begin[i + 1]; ++k) {
    const std::uint32_t j = other[k];
    if (j == kNone) continue;
    const std::uint32_t e = edge[k];
    other[k] = kNone;
    edge[k] = kNone;
    for (std::uint32_t q = row_begin[j]; q < row_begin[j + 1]; ++q)
      if (edge[q] == e && other[q] == i) {
        other[q] = kNone;
        edge[q] = kNone;
      }
    if (!refers(*this, j, e) && !refers(*this, i, e)) {
      strength[e] = 0.0f;
      balance[e] = 0.0f;
      free_edges.push_back(e);
    }
  }
}

std::size_t Network::active_edges() const {
  return static_cast<std::size_t>(std::count_if(strength.begin(), strength.end(), [](float s) { return s > 0.0f; }));
}

double Network::bytes_per_tie() const {
  // Two row entries plus one edge record per undirected tie.
  return 2.0 * (sizeof(std::uint32_t) * 2) + sizeof(std::uint32_t) * 2 + sizeof(TieKind) + sizeof(float) * 2 + sizeof(std::int32_t);
}

Network build_network(const Params& p, const Population& pop, std::uint32_t run) {
  const Rng rng(static_cast<std::uint64_t>(p.run_seed), run);
  const std::size_t n = pop.size;
  struct Proposal {
    std::uint32_t a, b;
    TieKind kind;
  };
  std::vector<Proposal> props;
  props.reserve(n * 6);
  std::vector<std::uint32_t> friends(n, 0);         // friend ties each resident proposes (drawn below, after kin and neighbours)
  constexpr std::uint32_t kFriendDraws = 1u << 16;  // counter of a resident's friend draws, clear of the kin and neighbour draws

  // Household members are kin that live together.
  for (std::size_t i = 1; i < n; ++i) {
    if (!pop.present(i)) continue;
    for (std::size_t j = i; j-- > 0 && pop.household[j] == pop.household[i];)
      if (pop.present(j)) props.push_back({static_cast<std::uint32_t>(j), static_cast<std::uint32_t>(i), TieKind::Household});
  }
  const std::uint32_t streets_per_block = static_cast<std::uint32_t>(p.population_streets_per_block);
  auto block_range = [&](std::uint32_t street) {
    const std::uint32_t b0 = (street / streets_per_block) * streets_per_block;
    const std::uint32_t b1 = std::min<std::uint32_t>(b0 + streets_per_block, static_cast<std::uint32_t>(pop.streets));
    return std::pair{pop.street_begin[b0], pop.street_begin[b1]};
  };
  // Each resident proposes about half its ties (the other half come from the other side).
  for (std::size_t i = 0; i < n; ++i) {
    if (pop.has(i, kIsolated) || !pop.present(i)) continue;
    const auto id = static_cast<std::uint32_t>(i);
    const double f = pop.income[i] == IncomeGroup::Middle ? 1.0 : p.network_low_income_tie_factor;
    auto u = rng.uniforms(id, kInitWeek, Stream::Ties, 0);
    const int kin = poisson_from_uniform(0.5 * p.network_kin_ties * f, u[0]);
    const int nb = poisson_from_uniform(0.5 * p.network_neighbour_ties * f, u[1]);
    const int fr = poisson_from_uniform(0.5 * p.network_friend_ties * f, u[2]);
    std::uint32_t sub = 1;
    auto pick = [&](std::uint32_t lo, std::uint32_t hi) {
      const auto w = rng.words(id, kInitWeek, Stream::Ties, sub++);
      return lo + static_cast<std::uint32_t>((static_cast<std::uint64_t>(w[0]) * (hi - lo)) >> 32);
    };
    const std::uint32_t s = pop.street[i];
    const auto [blo, bhi] = block_range(s);
    for (int k = 0; k < kin; ++k) {
      // Kin in the wijk: half in the own block, half anywhere.
      const bool local = Rng::to_unit(rng.words(id, kInitWeek, Stream::Ties, sub++)[1]) < 0.5;
      props.push_back({id, local ? pick(blo, bhi) : pick(0, static_cast<std::uint32_t>(n)), TieKind::Kin});
    }
    for (int k = 0; k < nb; ++k) props.push_back({id, pick(pop.street_begin[s], pop.street_begin[s + 1]), TieKind::Neighbour});
    friends[i] = static_cast<std::uint32_t>(fr);
  }
  // Drop self-ties, ties to isolated residents and same-household duplicates; keep the first kind.
  auto tidy = [&] {
    for (auto& pr : props)
      if (pr.a > pr.b) std::swap(pr.a, pr.b);
    std::erase_if(props, [&](const Proposal& pr) {
      if (pr.a == pr.b || !pop.present(pr.a) || !pop.present(pr.b)) return true;
      if (pr.kind != TieKind::Household && (pop.has(pr.a, kIsolated) || pop.has(pr.b, kIsolated))) return true;
      return pr.kind != TieKind::Household && pop.household[pr.a] == pop.household[pr.b];
    });
    std::stable_sort(props.begin(), props.end(), [](const Proposal& x, const Proposal& y) { return x.a != y.a ? x.a < y.a : x.b < y.b; });
    props.erase(std::unique(props.begin(), props.end(), [](const Proposal& x, const Proposal& y) { return x.a == y.a && x.b == y.b; }), props.end());
  };
  tidy();
  // Friends, drawn after kin and neighbours: a share (network.friend_via_contacts) among the kin and neighbours
  // of one's own kin and neighbours (a friend's friend: the ties that meeting through shared contacts forms
  // during the run, phase 3), the rest in the own block or anywhere (network.friend_local_share). Drawn so,
  // the first residents' networks have the structure that newcomers' networks grow into, and the network's
  // clustering does not drift as residents move (docs/ODD.md, "Meeting through shared contacts").
  std::vector<std::uint32_t> near_begin(n + 1, 0), near;
  for (const auto& pr : props)
    if (pr.kind != TieKind::Household) ++near_begin[pr.a + 1], ++near_begin[pr.b + 1];
  for (std::size_t i = 0; i < n; ++i) near_begin[i + 1] += near_begin[i];
  near.resize(near_begin[n]);
  {
    std::vector<std::uint32_t> fill(near_begin.begin(), near_begin.end() - 1);
    for (const auto& pr : props)
      if (pr.kind != TieKind::Household) near[fill[pr.a]++] = pr.b, near[fill[pr.b]++] = pr.a;
  }
  for (std::size_t i = 0; i < n; ++i) {
    const auto id = static_cast<std::uint32_t>(i);
    const std::uint32_t s = pop.street[i];
    const auto [blo, bhi] = block_range(s);
    auto pick = [&](std::uint32_t lo, std::uint32_t hi, std::uint32_t w) {
      return lo + static_cast<std::uint32_t>((static_cast<std::uint64_t>(w) * (hi - lo)) >> 32);
    };
    for (std::uint32_t k = 0; k < friends[i]; ++k) {
      const auto w = rng.words(id, kInitWeek, Stream::Ties, kFriendDraws + k);
      if (Rng::to_unit(w[0]) < p.network_friend_via_contacts && near_begin[i + 1] > near_begin[i]) {
        const std::uint32_t c = near[pick(near_begin[i], near_begin[i + 1], w[1])];
        const std::uint32_t f = near[pick(near_begin[c], near_begin[c + 1], w[2])];  // c has i among its contacts
        if (f != id && pop.household[f] != pop.household[i]) {
          props.push_back({id, f, TieKind::Friend});
          continue;
        }
      }
      const bool local = Rng::to_unit(w[3]) < p.network_friend_local_share;
      const auto other = rng.words(id, kInitWeek, Stream::Ties, kFriendDraws + 256 + k)[0];
      props.push_back({id, local ? pick(blo, bhi, other) : pick(0, static_cast<std::uint32_t>(n), other), TieKind::Friend});
    }
  }
  tidy();

  Network net;
  std::vector<std::uint32_t> degree(n, 0);
  for (const auto& pr : props) {
    ++degree[pr.a];
    ++degree[pr.b];
  }
  net.row_begin.assign(n + 1, 0);
  const auto slack = static_cast<std::uint32_t>(p.network_slack_per_resident);
  // An empty place gets room for a future resident's household ties and about the ties a resident has.
  const auto typical = static_cast<std::uint32_t>(std::lround(p.network_kin_ties + p.network_neighbour_ties + p.network_friend_ties));
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint32_t h = pop.household[i];
    const std::uint32_t room = pop.present(i) ? 0 : pop.household_begin[h + 1] - pop.household_begin[h] - 1 + typical;
    net.row_begin[i + 1] = net.row_begin[i] + degree[i] + room + (pop.has(i, kIsolated) ? slack / 2 + 1 : slack);
  }
  net.other.assign(net.row_begin[n], kNone);
  net.edge.assign(net.row_begin[n], kNone);
  net.a.reserve(props.size() + n / 4);
  net.b.reserve(props.size() + n / 4);
  std::vector<std::uint32_t> fill(net.row_begin.begin(), net.row_begin.end() - 1);
  for (const auto& pr : props) {
    const auto e = static_cast<std::uint32_t>(net.a.size());
    net.a.push_back(pr.a);
    net.b.push_back(pr.b);
    net.kind.push_back(pr.kind);
    const float s = pr.kind == TieKind::Household ? 1.0f : pr.kind == TieKind::Kin ? 0.7f : 0.5f;
    net.strength.push_back(s);
    net.balance.push_back(0.0f);
    net.last_help.push_back(-1);
    net.other[fill[pr.a]] = pr.b;
    net.edge[fill[pr.a]++] = e;
    net.other[fill[pr.b]] = pr.a;
    net.edge[fill[pr.b]++] = e;
  }
  return net;
}

}  // namespace buurt
