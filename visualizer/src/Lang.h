#pragma once
/// User-visible labels in English and Dutch (`--lang en|nl`): one small table, looked up by key.
#include <string>
#include <string_view>

#include "buurt/scenario/Scenario.h"

namespace buurt::view {

enum class Lang { En, Nl };

/// Parse "en" / "nl"; throws std::invalid_argument otherwise.
Lang parse_lang(std::string_view s);
void set_lang(Lang l);
Lang lang();
/// Label for `key` in the current language; the key itself if the table has no entry (visible, so gaps get noticed).
const char* tr(std::string_view key);
/// Label for `key` in the current language; `fallback` when the table has no entry (e.g. a label from the schema).
const char* tr_or(std::string_view key, std::string_view fallback);
/// A scenario's short title in the current language: the file's `title_nl` under --lang nl, else its `title`,
/// else its name as words.
std::string scenario_title(const Scenario& s);
/// A scenario's one-line claim: the file's `description_nl` under --lang nl, else the first line of its
/// `description`, else its title.
std::string scenario_claim(const Scenario& s);

}  // namespace buurt::view
