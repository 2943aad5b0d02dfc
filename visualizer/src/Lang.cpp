#include "Lang.h"

#include <algorithm>
#include <array>
#include <set>
#include <stdexcept>
#include <string>

namespace buurt::view {
namespace {

struct Entry {
  std::string_view key;
  const char* en;
  const char* nl;
};

// Keys are stable identifiers used in the code. Names the model declares are not here: outcome labels come from
// Outcomes.def (`label`, `label_nl`), so the viewer, `buurt run` and the report name an outcome the same way; the
// policy sliders' labels from Params.def (`slider(lo, hi, label, label_nl)`); scenario titles and the Dutch of
// their descriptions from the scenario files (`title`, `title_nl`, `description_nl`).
constexpr std::array kTable = {
    Entry{"week", "Week", "Week"},
    Entry{"residents", "residents", "bewoners"},
    Entry{"pause", "Pause", "Pauze"},
    Entry{"play", "Play", "Start"},
    Entry{"step", "Step", "Stap"},
    Entry{"speed", "Weeks per second", "Weken per seconde"},
    Entry{"reset", "Reset with new seed", "Opnieuw met nieuw zaadje"},
    Entry{"seed", "Seed", "Zaadje"},
    Entry{"seed_word", "seed", "zaadje"},
    Entry{"on", "on", "aan"},
    Entry{"off", "off", "uit"},
    Entry{"colour_by", "Colour residents by", "Kleur bewoners naar"},
    Entry{"m_total", "Total need", "Totale hulpvraag"},
    Entry{"m_income", "Income & debt", "Inkomen & schulden"},
    Entry{"m_health", "Health", "Gezondheid"},
    Entry{"m_mental", "Mental health", "Psychisch"},
    Entry{"m_social", "Loneliness", "Eenzaamheid"},
    Entry{"m_household", "Household & care", "Huishouden & zorg"},
    Entry{"m_self_reliance", "Self-reliance", "Zelfredzaamheid"},
    Entry{"low", "low", "laag"},
    Entry{"high", "high", "hoog"},
    Entry{"legend", "Legend", "Legenda"},
    Entry{"help_lines", "Help this week (line from helper)", "Hulp deze week (lijn vanaf helper)"},
    Entry{"symbols", "Symbols", "Symbolen"},
    Entry{"sym_cm", "Community manager", "Buurtverbinder"},
    Entry{"sym_volunteer", "Volunteer", "Vrijwilliger"},
    Entry{"sym_team", "Team case", "Cliënt van het team"},
    Entry{"sym_office", "Social team office", "Sociaal team (kantoor)"},
    Entry{"sym_initiative", "Initiative meeting place", "Ontmoetingsplek initiatief"},
    Entry{"policy", "Policy", "Beleid"},
    Entry{"outcomes", "Outcomes", "Uitkomsten"},
    Entry{"difference_side", "Difference B − A (right − left)", "Verschil B − A (rechts − links)"},
    Entry{"difference_stacked", "Difference B − A (bottom − top)", "Verschil B − A (onder − boven)"},
    Entry{"mixed", "(A | B)", "(A | B)"},
    Entry{"reset_ws", "Start over (another neighbourhood)", "Opnieuw (andere buurt)"},
    Entry{"page", "page", "pagina"},
    Entry{"help_hint", "H: help", "H: hulp"},
    Entry{"keys", "Keys", "Toetsen"},
    Entry{"scenarios", "Scenarios", "Scenario's"},
    Entry{"shown", "shown", "getoond"},
    Entry{"key_space", "Space", "Spatie"},
    Entry{"click", "Click", "Klik"},
    Entry{"k_space", "play / pause", "start / pauze"},
    Entry{"k_right", "one week on (replay: ← one back)", "een week verder (terugkijken: ← een terug)"},
    Entry{"k_speed", "faster / slower", "sneller / langzamer"},
    Entry{"k_m", "next colour measure", "volgende kleurmaat"},
    Entry{"k_r", "start over with another neighbourhood", "opnieuw met een andere buurt"},
    Entry{"k_num", "show scenario n of this page", "toon scenario n van deze pagina"},
    Entry{"k_page", "previous / next page of scenarios", "vorige / volgende pagina met scenario's"},
    Entry{"k_h", "show / hide this help", "deze hulp tonen / verbergen"},
    Entry{"k_esc", "quit (asks first; closes this help)", "stoppen (vraagt eerst; sluit deze hulp)"},
    Entry{"k_click", "follow a resident", "een bewoner volgen"},
    Entry{"quit_q", "Quit buurt-view?", "buurt-view stoppen?"},
    Entry{"quit_keys", "Esc or Y / Enter: quit  ·  any other key: carry on", "Esc of J / Enter: stoppen  ·  andere toets: doorgaan"},
    // Units after a value (Outcomes.def `unit`; shares are shown as %, money in euros).
    Entry{"u_0..1", "(0–1)", "(0–1)"},
    Entry{"u_0 directive .. 1 facilitating", "(0 directive – 1 facilitating)", "(0 sturend – 1 faciliterend)"},
    Entry{"u_need", "", ""},
    Entry{"u_adults", "adults", "volwassenen"},
    Entry{"u_euro per week", "/week", "/week"},
    Entry{"u_hours", "h", "u"},
    Entry{"u_hours per week", "h/week", "u/week"},
    Entry{"u_requests per week", "requests/week", "hulpvragen/week"},
    Entry{"u_residents", "residents", "bewoners"},
    Entry{"u_residents per week", "residents/week", "bewoners/week"},
    Entry{"u_ties", "ties", "banden"},
    Entry{"u_ties per week", "ties/week", "banden/week"},
    Entry{"u_weeks", "weeks", "weken"},
    Entry{"resident", "Resident", "Bewoner"},
    Entry{"household", "household", "huishouden"},
    Entry{"ties", "Ties", "Banden"},
    Entry{"needs", "Needs", "Hulpvragen"},
    Entry{"self_reliance", "Self-reliance", "Zelfredzaamheid"},
    Entry{"helped_by", "Helped by", "Geholpen door"},
    Entry{"asking_for", "Asking for help with", "Vraagt hulp bij"},
    Entry{"team_wait", "Weeks on the team's waiting list", "Weken op de wachtlijst van het team"},
    Entry{"referrals", "Referrals to specialist care", "Verwijzingen naar specialistische zorg"},
    Entry{"life_events", "Life events", "Levensgebeurtenissen"},
    Entry{"follow_hint", "Click a resident to follow them", "Klik op een bewoner om te volgen"},
    Entry{"close", "Close", "Sluiten"},
    Entry{"story", "Life so far", "Het verhaal tot nu toe"},
    Entry{"no_history", "(history starts when followed)", "(geschiedenis vanaf het volgen)"},
    Entry{"replay", "Replay", "Terugkijken"},
    Entry{"timeline", "Timeline", "Tijdlijn"},
    Entry{"steering", "Slider log", "Logboek schuifjes"},
    Entry{"recording", "Recording", "Opname"},
    Entry{"isolated", "isolated", "geïsoleerd"},
    Entry{"willing", "willing helper", "wil helpen"},
    Entry{"none", "none", "niemand"},
    Entry{"hs_household", "household", "huisgenoot"},
    Entry{"hs_kin", "family", "familie"},
    Entry{"hs_neighbour", "neighbour", "buur"},
    Entry{"hs_friend", "friend", "vriend"},
    Entry{"hs_brokered", "new contact", "nieuw contact"},
    Entry{"hs_volunteer", "volunteer", "vrijwilliger"},
    Entry{"hs_community_manager", "community manager", "buurtverbinder"},
    Entry{"hs_team", "social team", "sociaal team"},
    Entry{"hs_second_line", "specialist care", "specialistische zorg"},
    Entry{"tk_household", "household", "huisgenoot"},
    Entry{"tk_kin", "family", "familie"},
    Entry{"tk_neighbour", "neighbour", "buur"},
    Entry{"tk_friend", "friend", "vriend"},
    Entry{"tk_brokered", "new contact", "nieuw contact"},
};

Lang g_lang = Lang::En;

}  // namespace

Lang parse_lang(std::string_view s) {
  if (s == "en") return Lang::En;
  if (s == "nl") return Lang::Nl;
  throw std::invalid_argument("--lang must be 'en' or 'nl', got '" + std::string(s) + "'");
}
void set_lang(Lang l) { g_lang = l; }
Lang lang() { return g_lang; }

namespace {

const Entry* find(std::string_view key) {
  for (const auto& e : kTable)
    if (e.key == key) return &e;
  return nullptr;
}

/// A NUL-terminated copy of `s` that lives as long as the program (ImGui keeps no strings of its own).
const char* intern(std::string_view s) {
  static std::set<std::string, std::less<>> interned;
  auto it = interned.find(s);
  if (it == interned.end()) it = interned.emplace(s).first;
  return it->c_str();
}

}  // namespace

const char* tr(std::string_view key) {
  const Entry* e = find(key);
  if (const char* s = e ? (g_lang == Lang::Nl ? e->nl : e->en) : nullptr) return s;
  // Unknown keys are shown as given, so gaps get noticed.
  return intern(key);
}

const char* tr_or(std::string_view key, std::string_view fallback) {
  const Entry* e = find(key);
  if (const char* s = e ? (g_lang == Lang::Nl ? e->nl : e->en) : nullptr) return s;
  return intern(fallback);
}

std::string scenario_title(const Scenario& s) {
  // A scenario file's own title (`title`, `title_nl`); without one, the name as words ("team_directive" -> "Team directive").
  if (g_lang == Lang::Nl && !s.title_nl.empty()) return s.title_nl;
  if (!s.title.empty()) return s.title;
  std::string words(s.name);
  std::replace(words.begin(), words.end(), '_', ' ');
  if (!words.empty() && words[0] >= 'a' && words[0] <= 'z') words[0] = static_cast<char>(words[0] - 'a' + 'A');
  return words;
}

std::string scenario_claim(const Scenario& s) {
  if (g_lang == Lang::Nl && !s.description_nl.empty()) return s.description_nl;
  const std::string first = s.description.substr(0, s.description.find('\n'));
  return first.empty() ? scenario_title(s) : first;
}

}  // namespace buurt::view
