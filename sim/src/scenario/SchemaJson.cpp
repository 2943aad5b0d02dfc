#include "buurt/scenario/SchemaJson.h"

#include <sstream>

#include <toml++/toml.h>

#include "buurt/schema/Outcomes.h"
#include "buurt/schema/Schema.h"

namespace buurt {
namespace {

// The enum columns of Outcomes.def, as written there.
struct OutcomeTokens {
  std::string_view format, kind, direction, window;
};
constexpr OutcomeTokens kOutcomeTokens[] = {
#define X(name, unit, desc, label, label_nl, format, kind, direction, adults, reference, headline, window) {#format, #kind, #direction, #window},
#include "buurt/schema/Outcomes.def"
#undef X
};
static_assert(std::size(kOutcomeTokens) == kNumOutcomes);

constexpr std::string_view role_name(ParamRole r) {
  switch (r) {
    case ParamRole::run: return "run";
    case ParamRole::structure: return "structure";
    case ParamRole::behaviour: return "behaviour";
    case ParamRole::policy: return "policy";
    case ParamRole::price: return "price";
  }
  return "";
}

// A number as the parameter's type: integers as integers, so a reader sees 208, not 208.0.
void put_number(toml::table& t, std::string_view key, ParamType type, double v) {
  if (type == ParamType::Real)
    t.insert(key, v);
  else if (type == ParamType::Int)
    t.insert(key, static_cast<std::int64_t>(v));
  else
    t.insert(key, v != 0.0);
}

}  // namespace

std::string schema_json() {
  toml::array params;
  for (const ParamSpec& s : schema()) {
    toml::table t{
        {"name", s.full_name()},       {"section", std::string(s.section)},         {"key", std::string(s.key)},       {"type", s.type_name()},
        {"unit", std::string(s.unit)}, {"description", std::string(s.description)}, {"source", std::string(s.source)}, {"role", std::string(role_name(s.role))},
        {"steerable", s.steerable()}};
    put_number(t, "default", s.type, s.default_value);
    if (s.type != ParamType::Bool) {
      put_number(t, "min", s.type, s.min);
      put_number(t, "max", s.type, s.max);
    }
    if (s.slider.shown)
      t.insert("slider",
               toml::table{{"lo", s.slider.lo}, {"hi", s.slider.hi}, {"label", std::string(s.slider.label)}, {"label_nl", std::string(s.slider.label_nl)}});
    params.push_back(std::move(t));
  }
  toml::array outcomes;
  for (const OutcomeSpec& o : kOutcomeSpecs) {
    const OutcomeTokens& k = kOutcomeTokens[static_cast<std::size_t>(o.id)];
    outcomes.push_back(toml::table{{"name", std::string(o.name)},
                                   {"unit", std::string(o.unit)},
                                   {"description", std::string(o.description)},
                                   {"label", std::string(o.label)},
                                   {"label_nl", std::string(o.label_nl)},
                                   {"format", std::string(k.format)},
                                   {"kind", std::string(k.kind)},
                                   {"direction", std::string(k.direction)},
                                   {"adults_only", o.adults_only},
                                   {"reference", std::string(o.reference)},
                                   {"headline", o.headline},
                                   {"window", std::string(k.window)}});
  }
  const toml::table doc{{"schema_version", kSchemaVersion}, {"parameters", std::move(params)}, {"outcomes", std::move(outcomes)}};
  std::ostringstream os;
  os << toml::json_formatter{doc} << '\n';
  return os.str();
}

}  // namespace buurt
