#include <gtest/gtest.h>

#include "../test_support.h"
#include "buurt/behaviour/Demography.h"
#include "buurt/network/Network.h"

using namespace buurt;

TEST(Network, RowsAreSymmetricAndPointToTheirEdge) {
  const Params p = test::small_params(3000);
  const Population pop = build_population(p, 0);
  const Network net = build_network(p, pop, 0);
  ASSERT_EQ(net.row_begin.size(), pop.size + 1);
  for (std::uint32_t i = 0; i < pop.size; ++i)
    for (std::uint32_t k = net.row_begin[i]; k < net.row_begin[i + 1]; ++k) {
      if (net.other[k] == kNone) continue;
      const std::uint32_t j = net.other[k], e = net.edge[k];
      ASSERT_TRUE((net.a[e] == i && net.b[e] == j) || (net.a[e] == j && net.b[e] == i));
      ASSERT_NE(net.find(j, i), kNone);
    }
}

TEST(Network, IsolatedResidentsHaveNoTiesAndNeighboursShareAStreet) {
  Params p = test::small_params(5000);
  p.population_share_isolated = 0.1;
  const Population pop = build_population(p, 0);
  const Network net = build_network(p, pop, 0);
  std::size_t isolated = 0;
  for (std::uint32_t i = 0; i < pop.size; ++i) {
    if (!pop.has(i, kIsolated)) continue;
    ++isolated;
    for (std::uint32_t k = net.row_begin[i]; k < net.row_begin[i + 1]; ++k) EXPECT_EQ(net.other[k], kNone);
  }
  EXPECT_GT(isolated, 100u);
  for (std::size_t e = 0; e < net.edges(); ++e)
    if (net.kind[e] == TieKind::Neighbour)
      ASSERT_EQ(pop.street[net.a[e]], pop.street[net.b[e]]);
    else if (net.kind[e] == TieKind::Household)
      ASSERT_EQ(pop.household[net.a[e]], pop.household[net.b[e]]);
}

TEST(Network, MeanDegreeFollowsTheScenarioAndPovertyShrinksNetworks) {
  Params p = test::small_params(20000);
  p.population_share_isolated = 0;
  p.demography_enabled = false;  // the network as drawn for the dwellings as drawn
  const Population pop = build_population(p, 0);
  const Network net = build_network(p, pop, 0);
  double deg_poor = 0, deg_rich = 0, np = 0, nr = 0;
  for (std::uint32_t i = 0; i < pop.size; ++i) {
    double d = 0;
    for (std::uint32_t k = net.row_begin[i]; k < net.row_begin[i + 1]; ++k)
      if (net.other[k] != kNone && net.kind[net.edge[k]] != TieKind::Household) ++d;
    if (pop.income[i] == IncomeGroup::Middle)
      deg_rich += d, ++nr;
    else
      deg_poor += d, ++np;
  }
  const double expected = p.network_kin_ties + p.network_neighbour_ties + p.network_friend_ties;
  EXPECT_NEAR(deg_rich / nr, expected, 0.15 * expected);
  EXPECT_LT(deg_poor / np, deg_rich / nr);
}

TEST(Network, AddUsesFreeSlotsAndRefusesDuplicates) {
  const Params p = test::small_params(1000);
  const Population pop = build_population(p, 0);
  Network net = build_network(p, pop, 0);
  std::uint32_t i = 0, j = 0;
  for (j = 1; j < pop.size && net.find(i, j) != kNone; ++j) {
  }
  const auto before = net.edges();
  const auto e = net.add(i, j, TieKind::Brokered, 0.4f, 3);
  ASSERT_NE(e, kNone);
  EXPECT_EQ(net.edges(), before + 1);
  EXPECT_NE(net.find(i, j), kNone);
  EXPECT_NE(net.find(j, i), kNone);
  EXPECT_EQ(net.add(j, i, TieKind::Friend, 0.4f, 3), kNone);
}
