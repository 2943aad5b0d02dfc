#pragma once
// The bibliography docs/references.md, compiled into the schema library so that `buurt describe`
// shows the full entry of every source a key or an outcome cites (no file needed at run time).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace buurt {

/// docs/references.md as it was when the library was built.
std::string_view references_text();

/// The entry of a source key ("seed002", "cbs-mantelzorg-2022"): its text after "**[key]**", lines joined.
std::optional<std::string> reference_entry(std::string_view key);

/// The keys cited in brackets in a source text, in order of first appearance.
std::vector<std::string> cited_keys(std::string_view text);

/// A row of the reference-figure table (the `reference` column of Outcomes.def).
struct ReferenceFigure {
  std::string key, outcome, figure, source;
};
std::optional<ReferenceFigure> reference_figure(std::string_view key);

}  // namespace buurt
