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

}  // namespace buurt::view
