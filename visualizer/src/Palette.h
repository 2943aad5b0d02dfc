#pragma once
/// Colours: the need scale (blue = fine ... red = high need), domain colours for help lines, symbols.
/// These are documented in docs/viewer.md; the screenshot tests check the drawn pixels against them.
#include <SFML/Graphics/Color.hpp>

#include <algorithm>
#include <array>

#include "buurt/population/Population.h"

namespace buurt::view {

/// What residents are coloured by.
enum class Measure : int { TotalNeed = 0, Income, Health, Mental, Social, Household, SelfReliance, Count };
inline constexpr std::array<const char*, static_cast<int>(Measure::Count)> kMeasureKeys = {"m_total",  "m_income",    "m_health",       "m_mental",
                                                                                           "m_social", "m_household", "m_self_reliance"};
inline constexpr std::array<const char*, static_cast<int>(Measure::Count)> kMeasureArgs = {"total",      "income",    "health",       "mental",
                                                                                           "loneliness", "household", "self_reliance"};
/// Total need is shown on 0..kTotalNeedScale (summed over the five domains); higher is clamped.
inline constexpr float kTotalNeedScale = 2.0f;

struct Stop {
  float t;
  std::uint8_t r, g, b;
};
inline constexpr std::array<Stop, 5> kScale = {
    {{0.00f, 60, 120, 200}, {0.30f, 70, 185, 120}, {0.55f, 235, 215, 60}, {0.80f, 245, 130, 40}, {1.00f, 220, 30, 40}}};

/// Colour of a scale position t in 0..1 (0 = doing fine, 1 = worst).
inline sf::Color scale_colour(float t) {
  t = std::clamp(t, 0.0f, 1.0f);
  for (std::size_t k = 1; k < kScale.size(); ++k) {
    if (t <= kScale[k].t) {
      const Stop& a = kScale[k - 1];
      const Stop& b = kScale[k];
      const float u = (t - a.t) / (b.t - a.t);
      auto mix = [u](std::uint8_t x, std::uint8_t y) {
        return static_cast<std::uint8_t>(static_cast<float>(x) + u * (static_cast<float>(y) - static_cast<float>(x)) + 0.5f);
      };
      return {mix(a.r, b.r), mix(a.g, b.g), mix(a.b, b.b)};
    }
  }
  return {kScale.back().r, kScale.back().g, kScale.back().b};
}

/// Help lines by domain: income, health, mental, social, household.
inline const std::array<sf::Color, kDomains> kDomainColours = {sf::Color(255, 196, 0), sf::Color(0, 200, 255), sf::Color(190, 110, 255),
                                                               sf::Color(255, 105, 180), sf::Color(150, 240, 110)};
inline const sf::Color kBackground(24, 28, 36);
inline const sf::Color kBlock(40, 47, 58);
inline const sf::Color kStreet(78, 84, 96);
inline const sf::Color kHouse(58, 64, 76);
inline const sf::Color kColCommunityManager(255, 255, 255);
inline const sf::Color kColVolunteer(255, 230, 120);
inline const sf::Color kColTeamCase(90, 200, 255);
inline const sf::Color kColOffice(90, 200, 255);
inline const sf::Color kColInitiative(120, 255, 160);
inline const std::array<sf::Color, 5> kTieColours = {sf::Color(255, 255, 255), sf::Color(255, 196, 0), sf::Color(120, 220, 255), sf::Color(255, 120, 200),
                                                     sf::Color(150, 255, 150)};

}  // namespace buurt::view
