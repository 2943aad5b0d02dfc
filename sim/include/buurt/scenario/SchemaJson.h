#pragma once
// The schema as JSON (`buurt describe --json`): every parameter and every outcome with all its columns, for
// tools that read the schema (analysis/params.py) instead of scraping the Markdown tables.
#include <string>

namespace buurt {

/// {"schema_version", "parameters": [...], "outcomes": [...]}: one object per Params.def and Outcomes.def row,
/// in declaration order, with every column (role, unit, range, slider, labels, headline rank, window).
std::string schema_json();

}  // namespace buurt
