#include "Lang.h"

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

// Keys are stable identifiers used in the code; outcome names use their Outcomes.def name.
constexpr std::array kTable = {
    Entry{"week", "Week", "Week"},
    Entry{"residents", "residents", "bewoners"},
    Entry{"pause", "Pause", "Pauze"},
    Entry{"play", "Play", "Start"},
    Entry{"step", "Step", "Stap"},
    Entry{"speed", "Weeks per second", "Weken per seconde"},
    Entry{"reset", "Reset with new seed", "Opnieuw met nieuw zaadje"},
    Entry{"seed", "Seed", "Zaadje"},
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
    Entry{"difference", "Difference (right - left)", "Verschil (rechts - links)"},
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
    Entry{"o_unmet_need_share", "Unmet need", "Onvervulde hulpvraag"},
    Entry{"o_severely_lonely_share", "Severely lonely", "Ernstig eenzaam"},
    Entry{"o_severely_lonely_adults", "Severely lonely adults", "Ernstig eenzame volwassenen"},
    Entry{"o_mean_self_reliance", "Mean self-reliance", "Gem. zelfredzaamheid"},
    Entry{"o_informal_hours", "Informal help (h/week)", "Informele hulp (u/week)"},
    Entry{"o_professional_hours", "Team hours (h/week)", "Uren sociaal team (u/week)"},
    Entry{"o_team_queue", "Waiting for the team", "Wachtend op het team"},
    Entry{"o_burdened_helper_share", "Overburdened helpers", "Overbelaste helpers"},
    Entry{"o_burdened_helpers", "Overburdened helpers (count)", "Overbelaste helpers (aantal)"},
    Entry{"o_cost_total", "Public cost (EUR/week)", "Publieke kosten (EUR/week)"},
    Entry{"o_ties_per_resident", "Active ties per resident", "Actieve banden per bewoner"},
    Entry{"o_no_active_tie_share", "Without any active tie", "Zonder actieve band"},
    Entry{"o_self_reliant_share", "Self-reliant (>= 0.5)", "Zelfredzaam (>= 0,5)"},
    Entry{"o_volunteer_hours", "Volunteer help (h/week)", "Vrijwillige hulp (u/week)"},
    Entry{"o_team_mean_wait", "Waiting time for the team (weeks)", "Wachttijd sociaal team (weken)"},
    Entry{"o_reentries", "Back at the team within a year", "Binnen een jaar terug bij het team"},
    Entry{"o_mean_dependency", "Dependency on professionals", "Afhankelijkheid van professionals"},
    Entry{"o_helper_share_adults", "Adults helping", "Volwassenen die helpen"},
    Entry{"o_intensive_carer_share_adults", "Long or intensive carers", "Langdurige of intensieve mantelzorgers"},
    Entry{"o_informal_share_of_hours", "Informal share of help hours", "Aandeel informele hulp in hulpuren"},
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
  if (const Entry* e = find(key)) return g_lang == Lang::Nl ? e->nl : e->en;
  // Unknown keys are shown as given, so gaps get noticed.
  return intern(key);
}

const char* tr_or(std::string_view key, std::string_view fallback) {
  if (const Entry* e = find(key)) return g_lang == Lang::Nl ? e->nl : e->en;
  return intern(fallback);
}

}  // namespace buurt::view
