#pragma once
/// Residents as a struct of arrays: one contiguous array per state variable.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <vector>

#include "buurt/schema/Schema.h"

namespace buurt {
class Rng;
}

namespace buurt {

inline constexpr int kDomains = 5;
enum Domain : int { Income = 0, Health = 1, Mental = 2, Social = 3, HouseholdCare = 4 };
inline constexpr std::array<const char*, kDomains> kDomainNames = {"income", "health", "mental", "social", "household"};

enum class HouseholdType : std::uint8_t { Single = 0, Couple = 1, Family = 2, Elderly = 3 };
inline constexpr std::array<const char*, 4> kHouseholdNames = {"single", "couple", "family", "elderly"};
enum class AgeGroup : std::uint8_t { Child = 0, Adult = 1, Elderly = 2 };
enum class IncomeGroup : std::uint8_t { Benefits = 0, Low = 1, Middle = 2 };
inline constexpr std::array<const char*, 3> kIncomeNames = {"benefits", "low", "middle"};

/// Who helped a resident this week.
enum class HelpSource : std::uint8_t { None = 0, Household, Kin, Neighbour, Friend, Brokered, Volunteer, CommunityManager, Team, SecondLine };
inline constexpr std::array<const char*, 10> kHelpSourceNames = {"none",      "household",         "kin",  "neighbour",  "friend", "brokered",
                                                                 "volunteer", "community_manager", "team", "second_line"};

/// How a resident seeks help this week.
enum class AskChannel : std::uint8_t {
  None = 0,
  Ties = 1,        ///< asks its ties, and the block's volunteers
  Volunteers = 2,  ///< shame keeps it from its ties: only a low-threshold volunteer
  Care = 3,        ///< a care need met by household and kin without asking (mantelzorg)
};

/// Where a resident is with the social team.
enum class TeamStage : std::uint8_t { None = 0, Queued = 1, Case = 2, Referred = 3, Treatment = 4 };

/// Paid work (CBS labour statistics): sets the time a resident has for helping and volunteering.
enum class WorkStatus : std::uint8_t { None = 0, Employed = 1, NotEmployed = 2, Retired = 3 };  ///< None: children
inline constexpr std::array<const char*, 4> kWorkNames = {"none", "employed", "not_employed", "retired"};

/// Resident role flags (bits).
enum ResidentFlag : std::uint8_t {
  kIsolated = 1,
  kWilling = 2,
  kVolunteer = 4,
  kCommunityManager = 8,
  kInTeam = 16,
  kHidesNetwork = 32,
  kAtDesk = 64,
  kIntroduced = 128
};

inline constexpr std::uint16_t kVacantAge = 0xFFFF;
inline constexpr int kAdultAge = 18, kElderlyAge = 65;
inline AgeGroup age_group(int years) { return years < kAdultAge ? AgeGroup::Child : years < kElderlyAge ? AgeGroup::Adult : AgeGroup::Elderly; }

/// All residents. Static attributes are set at initialisation; dynamic state changes weekly.
struct Population {
  std::size_t size = 0;
  std::size_t streets = 0;
  std::size_t blocks = 0;
  std::size_t blocks_x = 0;  ///< blocks per row of the layout grid

  // static
  std::vector<std::uint32_t> household;
  std::vector<std::uint32_t> street;
  std::vector<std::uint32_t> street_begin;     ///< residents of street s are [street_begin[s], street_begin[s+1])
  std::vector<std::uint32_t> household_begin;  ///< slots of dwelling h are [household_begin[h], household_begin[h+1])
  std::vector<HouseholdType> household_type;
  std::vector<AgeGroup> age;
  std::vector<IncomeGroup> income;
  std::vector<WorkStatus> work;
  std::vector<float> x, y;  ///< home position in layout units (1 = one house width)

  // life course (demography): a slot is a place in a dwelling; it is vacant or holds one resident
  std::vector<std::uint16_t> age_weeks;  ///< age in weeks, kVacant for an empty place
  std::vector<std::int32_t> arrived;     ///< tick the resident moved in or was born, -1 at the start
  float budget_scale = 1.0f;             ///< rescaling of drawn helping budgets (set once at initialisation)
  double isolate_prob = 0.0;             ///< probability that a resident living alone is isolated (set at initialisation)

  // dynamic state
  std::array<std::vector<float>, kDomains> need;
  std::array<std::vector<float>, kDomains> skill;
  std::array<std::vector<std::uint8_t>, kDomains> skill_base;  ///< own skill (initial plus training) in 1/255, what lived experience fades back to
  std::vector<float> self_reliance, self_direction, threshold, shame;
  std::vector<float> trust_neighbours, trust_professionals, dependency;
  std::vector<float> self_direction_trait, trust_neighbours_trait, trust_professionals_trait,
      shame_trait;                         ///< what self-direction, trust and shame relax back to
  std::vector<float> self_reliance_trait;  ///< what self-reliance relaxes back to (slowly)
  std::vector<float> budget, fatigue;
  std::vector<float> satisfaction;  ///< a helper's satisfaction from helping (0..1); eases recovery from fatigue
  std::vector<float> sociability;   ///< how often this resident is in touch with its ties (mean 1)
  std::vector<std::uint16_t> poverty_weeks;
  std::vector<std::uint16_t> help_streak;  ///< consecutive weeks this resident gave help
  std::vector<std::uint8_t> flags;
  std::vector<std::uint8_t> need_mask;     ///< bit d set when domain d was in need after last week
  std::vector<std::uint16_t> active_ties;  ///< ties with strength >= active_strength, after last week
  std::vector<std::uint8_t> shocks;        ///< bit d set when a life event hit domain d this week
  std::vector<std::uint16_t> team_wait;    ///< weeks waited for the team in the current or last episode
  std::vector<std::uint8_t> referrals;     ///< times referred to the second line (saturates at 255)
  std::vector<TeamStage> team_state;       ///< none, queued, case, referred (waiting), in treatment
  std::vector<std::int32_t> team_since;    ///< week the current team stage began
  std::vector<std::int32_t> team_closed;   ///< week the last team case closed, -1 never
  std::vector<std::uint16_t> member_of;    ///< initiative index + 1, 0 none

  // per-week scratch (rewritten every week)
  std::vector<std::int8_t> ask_domain;  ///< -1: not asking
  std::vector<AskChannel> ask_channel;
  std::vector<float> ask_hours;
  std::vector<std::uint32_t> helper;      ///< matched helper or kNone
  std::vector<std::uint32_t> help_entry;  ///< CSR entry of the tie used
  std::vector<float> hours_received, hours_given, remaining;
  std::vector<float> hours_returned;       ///< hours given back this week as favours (reciprocity), not counted as care
  std::vector<float> budget_used;          ///< hours of the helping budget given this week (help to others, volunteering, favours)
  std::vector<float> household_remaining;  ///< hours left this week for the own household
  std::vector<std::uint64_t> tried;        ///< bitmask of tie entries already tried this week
  std::vector<std::uint8_t> help_source;   ///< HelpSource of this week's help (0: nobody; bytes, as written to snapshots)

  /// Training (debts and forms, care) raises the skill in income and health and the base it fades back to.
  void train(std::size_t i, float bonus) {
    for (int d : {static_cast<int>(Income), static_cast<int>(Health)}) {
      skill[d][i] = std::min(1.0f, skill[d][i] + bonus);
      skill_base[d][i] = static_cast<std::uint8_t>(std::min(255.0f, std::round(255.0f * std::max(skill[d][i], static_cast<float>(skill_base[d][i]) / 255.0f))));
    }
  }
  bool has(std::size_t i, ResidentFlag f) const { return (flags[i] & f) != 0; }
  bool present(std::size_t i) const { return age_weeks[i] != kVacantAge; }
  int age_years(std::size_t i) const { return age_weeks[i] / 52; }
  std::size_t households() const { return household_begin.size() - 1; }
  float total_need(std::size_t i) const {
    float s = 0;
    for (int d = 0; d < kDomains; ++d) s += need[d][i];
    return s;
  }
  /// Bytes held per resident by these arrays (excluding ties).
  double bytes_per_resident() const;
  /// Every variable, for saved states (buurt/base/State.h).
  template <class Ar>
  void state(Ar& ar) {
    ar("size", size);
    ar("streets", streets);
    ar("blocks", blocks);
    ar("blocks_x", blocks_x);
    ar("household", household);
    ar("street", street);
    ar("street_begin", street_begin);
    ar("household_begin", household_begin);
    ar("household_type", household_type);
    ar("age", age);
    ar("income", income);
    ar("work", work);
    ar("x", x);
    ar("y", y);
    ar("age_weeks", age_weeks);
    ar("arrived", arrived);
    ar("budget_scale", budget_scale);
    ar("isolate_prob", isolate_prob);
    ar("need", need);
    ar("skill", skill);
    ar("skill_base", skill_base);
    ar("self_reliance", self_reliance);
    ar("self_direction", self_direction);
    ar("threshold", threshold);
    ar("shame", shame);
    ar("trust_neighbours", trust_neighbours);
    ar("trust_professionals", trust_professionals);
    ar("dependency", dependency);
    ar("self_direction_trait", self_direction_trait);
    ar("trust_neighbours_trait", trust_neighbours_trait);
    ar("trust_professionals_trait", trust_professionals_trait);
    ar("shame_trait", shame_trait);
    ar("self_reliance_trait", self_reliance_trait);
    ar("budget", budget);
    ar("fatigue", fatigue);
    ar("satisfaction", satisfaction);
    ar("sociability", sociability);
    ar("poverty_weeks", poverty_weeks);
    ar("help_streak", help_streak);
    ar("flags", flags);
    ar("need_mask", need_mask);
    ar("active_ties", active_ties);
    ar("shocks", shocks);
    ar("team_wait", team_wait);
    ar("referrals", referrals);
    ar("team_state", team_state);
    ar("team_since", team_since);
    ar("team_closed", team_closed);
    ar("member_of", member_of);
    ar("ask_domain", ask_domain);
    ar("ask_channel", ask_channel);
    ar("ask_hours", ask_hours);
    ar("helper", helper);
    ar("help_entry", help_entry);
    ar("hours_received", hours_received);
    ar("hours_given", hours_given);
    ar("remaining", remaining);
    ar("hours_returned", hours_returned);
    ar("budget_used", budget_used);
    ar("household_remaining", household_remaining);
    ar("tried", tried);
    ar("help_source", help_source);
  }
};

inline constexpr std::uint32_t kNone = 0xFFFFFFFFu;

/// Time for helping and volunteering relative to an employed resident (helping.free_time_factor).
inline float free_time(const Params& p, WorkStatus w) {
  return w == WorkStatus::NotEmployed || w == WorkStatus::Retired ? static_cast<float>(p.helping_free_time_factor) : 1.0f;
}

/// The life course run on the drawn residents before anything else is set (where demography.enabled):
/// `Demography::spinup` (behaviour/Demography.h), passed in so the population does not depend on the steps.
using Spinup = void (*)(Population& pop, const Params& p, const Rng& rng);
/// Build the population (households, streets, blocks, groups, traits), then run `spinup` (demography.spinup_years
/// of life course) so the age and household structure start stationary. Deterministic, single-threaded.
/// `build_population(p, run)` (behaviour/Demography.h) passes the life course's spin-up.
Population build_population(const Params& p, std::uint32_t run, Spinup spinup);

/// Draw the traits, work status, helping budget and skills of the resident in slot i from its age group
/// and income group (set before), and reset its dynamic state. `week` keys the draws (kInitWeek at the start).
void init_resident(Population& pop, const Params& p, const Rng& rng, std::size_t i, std::uint32_t week);
/// An 18-year-old (or an adult newcomer) takes on an adult's role: work status, willingness and time to help,
/// volunteering, own skills.
void come_of_age(Population& pop, const Params& p, const Rng& rng, std::size_t i, std::uint32_t week);
/// Empty slot i: no needs, no flags, no budget, no place with the team; it stays empty until reused.
void clear_resident(Population& pop, std::size_t i);
/// Household type from the members present: a child makes a family, all 65+ elderly, else single or couple.
HouseholdType household_type_of(const Population& pop, std::size_t h);

}  // namespace buurt
