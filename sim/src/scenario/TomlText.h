#pragma once
/// TOML for the loaders (scenario and sweep files): parsing with file:line:col errors, and how values are named in
/// error messages ("the integer 3", "a table").
#include <toml++/toml.h>
#include <string>
#include <string_view>

namespace buurt {

/// `text` parsed as TOML; a syntax error throws ScenarioError at `label`:line:col, "TOML syntax error: ...".
toml::table parse_toml(std::string_view text, const std::string& label);

/// A TOML value as an error message names it: its type and, for scalars, its value.
std::string describe_toml_value(const toml::node& n);

}  // namespace buurt
