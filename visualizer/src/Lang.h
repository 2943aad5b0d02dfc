#pragma once
/// User-visible labels in English and Dutch (`--lang en|nl`): one small table, looked up by key.
#include <string>
#include <string_view>

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
/// A scenario's short title in the current language (`sc_<name>`), else its name as words.
std::string scenario_title(std::string_view name);
/// A scenario's one-line claim: the Dutch of its description (`sc_<name>_claim`) under --lang nl, else the
/// first line of its own `description`.
std::string scenario_claim(std::string_view name, std::string_view description);

}  // namespace buurt::view
