#pragma once
/// Levenshtein distance between names: the "did you mean" hints of the scenario, outcome and sweep loaders.
#include <cstddef>
#include <string_view>

namespace buurt {

/// Insertions, deletions and substitutions that turn `a` into `b`.
std::size_t edit_distance(std::string_view a, std::string_view b);

}  // namespace buurt
