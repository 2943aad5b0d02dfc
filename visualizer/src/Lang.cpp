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
  const char* en;  ///< nullptr: the caller's fallback (e.g. a scenario's own English description)
  const char* nl;
};

// Keys are stable identifiers used in the code. Outcome labels are not here: they come from Outcomes.def
// (`label`, `label_nl`), so the viewer, `buurt run` and the report name an outcome the same way.
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
    // The scenario library (scenarios/*.toml): a short title, and the Dutch of its `description` (English
    // comes from the file itself: en = nullptr). Scenarios without an entry show their name and description.
    Entry{"sc_baseline", "Baseline", "Uitgangssituatie"},
    Entry{"sc_baseline_claim", nullptr,
          "Een gemengde wijk van 6.500 inwoners met een sociaal team van 6,5 fte dat vooral sturend werkt, zonder buurtprogramma"},
    Entry{"sc_buren_helpen_buren", "Neighbours helping neighbours", "Buren helpen buren"},
    Entry{"sc_buren_helpen_buren_claim", nullptr,
          "Initiatieven van bewoners zelf, met getrainde ervaringsdeskundige vrijwilligers (schulden, formulieren, eenzaamheid)"},
    Entry{"sc_community_managers", "Community managers", "Buurtverbinders"},
    Entry{"sc_community_managers_claim", nullptr, "Zes getrainde buurtverbinders met een ov-vergoeding, die twee initiatieven trekken"},
    Entry{"sc_fragmented_team", "Fragmented team", "Versnipperd team"},
    Entry{"sc_fragmented_team_claim", nullptr, "Een team uit zes moederorganisaties"},
    Entry{"sc_integrated_social_services", "Integrated social services", "Geïntegreerde sociale dienst"},
    Entry{"sc_integrated_social_services_claim", nullptr, "Sociale dienst geïntegreerd met het team: één plan per huishouden, geen overdrachten"},
    Entry{"sc_network_first_intake", "Network-first intake", "Eerst het eigen netwerk"},
    Entry{"sc_network_first_intake_claim", nullptr, "Intakeregel: bewoners moeten eerst hun eigen netwerk inschakelen"},
    Entry{"sc_new_team", "New team", "Nieuw team"},
    Entry{"sc_new_team_claim", nullptr, "Een nieuw gevormd team dat zich nog op de wijk moet afstemmen (78 weken)"},
    Entry{"sc_team_directive", "Directive team", "Sturend team"},
    Entry{"sc_team_directive_claim", nullptr, "Het sociale team neemt problemen over (sturend)"},
    Entry{"sc_team_facilitating", "Facilitating team", "Faciliterend team"},
    Entry{"sc_team_facilitating_claim", nullptr, "Het sociale team stelt open vragen en zet de netwerken van bewoners in (faciliterend)"},
    Entry{"sc_trust_steering", "Steering on trust", "Sturen op vertrouwen"},
    Entry{"sc_trust_steering_claim", nullptr, "De gemeente stuurt het team op vertrouwen in plaats van op productienormen"},
    Entry{"sc_vulnerable_wijk", "Vulnerable wijk", "Kwetsbare wijk"},
    Entry{"sc_vulnerable_wijk_claim", nullptr, "Een wijk met veel huishoudens met een uitkering of laag inkomen, kleine netwerken en meer isolement"},
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
    Entry{"p_team.fte_per_1000", "Social team (FTE per 1,000 residents)", "Sociaal team (fte per 1.000 inwoners)"},
    Entry{"p_team.mode", "Directive <-> facilitating", "Sturend <-> faciliterend"},
    Entry{"p_team.network_first", "Network-first intake", "Netwerk eerst bij intake"},
    Entry{"p_community.managers", "Community managers", "Buurtverbinders"},
    Entry{"p_volunteers.training", "Volunteer training", "Training vrijwilligers"},
    Entry{"p_initiatives.municipal_control", "Municipal control of initiatives", "Gemeentelijke regie op initiatieven"},
    Entry{"p_team.output_steering", "Steering on output (vs trust)", "Sturen op output (vs vertrouwen)"},
    Entry{"p_services.integrated", "Social services integrated", "Sociale dienst geïntegreerd"},
    Entry{"p_initiatives.count", "Citizen initiatives", "Bewonersinitiatieven"},
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

std::string scenario_title(std::string_view name) {
  // Without an entry: the name as words ("team_directive" -> "Team directive").
  std::string words(name);
  std::replace(words.begin(), words.end(), '_', ' ');
  if (!words.empty() && words[0] >= 'a' && words[0] <= 'z') words[0] = static_cast<char>(words[0] - 'a' + 'A');
  return tr_or("sc_" + std::string(name), words);
}

std::string scenario_claim(std::string_view name, std::string_view description) {
  const std::string first(description.substr(0, description.find('\n')));
  return tr_or("sc_" + std::string(name) + "_claim", first.empty() ? scenario_title(name) : first);
}

}  // namespace buurt::view
