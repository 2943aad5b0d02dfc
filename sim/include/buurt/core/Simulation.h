#pragma once
/// The model's week: a fixed schedule of named phases over residents and ties.
#include <cstdint>
#include <deque>
#include <vector>

#include "buurt/core/Outcomes.h"
#include "buurt/core/Rng.h"
#include "buurt/network/Network.h"
#include "buurt/population/Population.h"
#include "buurt/scenario/Schema.h"

namespace buurt {

/// Who helped a resident this week.
enum class HelpSource : std::uint8_t { None = 0, Household, Kin, Neighbour, Friend, Brokered, Volunteer, CommunityManager, Team, SecondLine };
inline constexpr std::array<const char*, 10> kHelpSourceNames = {"none", "household", "kin", "neighbour", "friend", "brokered", "volunteer", "community_manager", "team", "second_line"};

/// A citizen initiative (e.g. Buren helpen buren): a meeting place with members and an owner.
struct Initiative {
  float x = 0, y = 0;            ///< meeting place in layout units
  std::uint8_t theme = 0;        ///< Domain it works on (Income: debts and forms, Social: loneliness...)
  std::uint32_t chair = kNone;   ///< chairing community manager or volunteer, kNone if none
  std::uint32_t members = 0;
  float ownership = 1.0f;        ///< 1 = owned by residents, 0 = taken over by professionals
  bool active = true;
};

/// Where the social team works from (drawn by the viewer), and its size this week.
struct TeamState {
  float x = 0, y = 0;
  double fte = 0;
  double attunement = 1.0;  ///< 0..1, ramps up for a new team
  std::size_t queue = 0, caseload = 0;
};

class Simulation {
 public:
  /// Builds population and network for (params.run.seed, run).
  explicit Simulation(const Params& params, std::uint32_t run = 0);

  /// Advance one week.
  void step();

  int week() const { return week_; }  ///< weeks completed since week 0 (negative during burn-in)
  std::uint32_t run() const { return run_; }
  const Params& params() const { return p_; }
  /// Change parameters of a running simulation (policy sliders). Population size and layout keys are ignored.
  void steer(const Params& p);
  const Population& population() const { return pop_; }
  const Network& network() const { return net_; }
  const WeekOutcomes& outcomes() const { return out_; }
  const std::vector<Initiative>& initiatives() const { return initiatives_; }
  const TeamState& team() const { return team_; }
  /// Writable state, for tests and tools that set up a situation between weeks (never during step()).
  Population& population_mut() { return pop_; }
  Network& network_mut() { return net_; }
  /// Recompute derived state (active ties, need mask, outcomes) after editing state by hand.
  void refresh();
  /// Bytes per resident of all state, ties included (for the benchmark).
  double bytes_per_resident() const;

 private:
  // Phases, in the order of MODEL.md.
  void life_events();     // 1
  void self_help();       // 2
  void asking();          // 3
  void care_circles();    // 3b
  void matching();        // 4
  void helping();         // 5
  void team_phase();      // 6  (policy/Team.cpp)
  void community_phase(); // 7  (policy/Community.cpp)
  void tie_dynamics();    // 8
  void adaptation();      // 9
  void accounting();      // 10
  void count_active_ties();
  void build_volunteer_pool();
  std::uint32_t block_of(std::size_t i) const { return pop_.street[i] / static_cast<std::uint32_t>(p_.population_streets_per_block); }
  void manage_community_managers();
  void run_initiatives();
  void apply_to_team(std::uint32_t i);

  /// A community manager: a resident with a connecting talent, active unless burned out.
  struct Manager {
    std::uint32_t resident = kNone;
    std::int32_t inactive_until = -1;  ///< burned out until this week
    bool replaced = false;             ///< left the programme; a replacement was recruited
  };
  /// Per-week counters of the policy phases, read by accounting().
  struct PolicyCounters {
    double intakes = 0, wait_sum = 0, referrals = 0, reentries = 0, professional_hours = 0, secondline_hours = 0;
    double ties_formed = 0;  ///< by team mobilisation, managers and initiatives (street meetings: ties_formed_)
    double cm_hours = 0, cm_active = 0, cm_burned_out = 0, initiative_members = 0, ownership = 0;
  };

  std::vector<Initiative> initiatives_;
  TeamState team_;
  std::deque<std::uint32_t> queue_;
  std::vector<std::uint32_t> caseload_, secondline_;
  std::vector<Manager> managers_;
  std::vector<std::int32_t> replacements_due_;  ///< weeks at which replacement managers start
  std::uint32_t next_recruit_ = 0;              ///< position in the recruitment order
  std::vector<std::uint32_t> recruit_order_;
  std::vector<std::uint32_t> vol_begin_, vol_list_;  ///< volunteers and active managers per block (CSR)
  std::vector<std::uint8_t> apply_;
  PolicyCounters pc_;
  Params p_;
  std::uint32_t run_;
  Rng rng_;
  Population pop_;
  Network net_;
  WeekOutcomes out_;
  int week_ = 0;
  int burn_in_ = 0;                         ///< weeks run before week 0 (random numbers use week + burn_in)
  std::uint32_t cur_ = 0;                   ///< week being simulated (week_ before increment)
  std::vector<std::uint64_t> offer_;        ///< matching: highest proposal key per helper
  std::vector<std::uint32_t> meet_;         ///< tie formation proposals per resident
  std::vector<float> care_weight_;          ///< care circle: summed weight of each receiver's carers
  std::vector<std::uint8_t> care_flag_;     ///< care circle: carer of some receiver this week
  std::vector<float> care_to_a_, care_to_b_;  ///< care hours given this week on each tie, per direction
  std::size_t ties_formed_ = 0, ties_broken_ = 0;
};

}  // namespace buurt
