#pragma once
/// How TOML values are named in error messages ("the integer 3", "a table"), shared by all loaders.
#include <toml++/toml.h>
#include <string>

namespace buurt {

/// A TOML value as an error message names it: its type and, for scalars, its value.
std::string describe_toml_value(const toml::node& n);

}  // namespace buurt
