// The demo and benchmark data generator. It simulates a few spine, chiropractic and pain
// practices billing neck-pain encounters to their payers over a year: care episodes become
// claims, and each claim lives through what payers actually do to it (contractual write-offs,
// deductibles, denials that follow the diagnosis, corrected claims and appeals, reversals,
// duplicate denials, voids, claims still waiting). The numbers it records as truth come from
// its own intentions, never from the analytics code they are meant to check.
//
// Determinism: everything flows from one seed through std::mt19937_64, whose output sequence
// the C++ standard fixes, and through the small distribution helpers below (the std
// distributions differ between standard libraries). Money is integer cents throughout.
#include "bench/demo_gen.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"

namespace denialscope {
namespace {

// ---------------------------------------------------------------------------------------
// Randomness

// SplitMix64 finalizer: turns (seed, practice index) into well-spread engine seeds.
uint64_t SplitMix64(uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

class Rng {
 public:
  explicit Rng(uint64_t seed) : engine_(seed) {}

  // Uniform integer in [lo, hi]; rejection sampling keeps it unbiased.
  int64_t Int(int64_t lo, int64_t hi) {
    const uint64_t span = static_cast<uint64_t>(hi - lo) + 1;
    const uint64_t max = std::numeric_limits<uint64_t>::max();
    const uint64_t limit = max - max % span;
    uint64_t x = engine_();
    while (x >= limit) x = engine_();
    return lo + static_cast<int64_t>(x % span);
  }
  // Uniform double in [0, 1) from the top 53 bits.
  double Unit() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }
  bool Chance(double p) { return Unit() < p; }

  // Index drawn with probability proportional to its weight.
  size_t Weighted(const std::vector<double>& weights) {
    double total = 0;
    for (double w : weights) total += w;
    double x = Unit() * total;
    for (size_t i = 0; i < weights.size(); ++i) {
      if (x < weights[i]) return i;
      x -= weights[i];
    }
    return weights.size() - 1;
  }
  template <typename T>
  const T& Pick(const std::vector<T>& items) {
    return items[static_cast<size_t>(Int(0, static_cast<int64_t>(items.size()) - 1))];
  }
  std::string Digits(int n) {
    std::string out;
    for (int i = 0; i < n; ++i) out.push_back(static_cast<char>('0' + Int(0, 9)));
    return out;
  }

 private:
  std::mt19937_64 engine_;
};

// Rounds v * bp / 10000 half up (v >= 0).
int64_t MulBp(int64_t v, int64_t bp) { return (v * bp + 5000) / 10000; }

std::string Date(absl::CivilDay day) { return absl::FormatCivilTime(day); }

// ---------------------------------------------------------------------------------------
// NPIs

// The NPI check digit is the Luhn digit of "80840" (the US health-industry card prefix)
// followed by the first nine digits. Kept local on purpose: the generator must not depend
// on the analytics code it helps to test.
int NpiCheckDigit(std::string_view first_nine) {
  const std::string payload = "80840" + std::string(first_nine);
  int sum = 0;
  bool double_it = true;  // the check digit will sit right of the last payload digit
  for (auto it = payload.rbegin(); it != payload.rend(); ++it) {
    int d = *it - '0';
    if (double_it) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double_it = !double_it;
  }
  return (10 - sum % 10) % 10;
}

std::string NewNpi(Rng& rng, std::set<std::string>& used) {
  while (true) {
    const std::string nine = absl::StrCat("1", rng.Digits(8));
    std::string npi = absl::StrCat(nine, NpiCheckDigit(nine));
    if (used.insert(npi).second) return npi;
  }
}

// ---------------------------------------------------------------------------------------
// Payers

enum class PayerKind { kMedicare, kMedicaid, kCommercial };

struct PayerSpec {
  const char* id;
  const char* name;
  PayerKind kind;
  double mix;               // share of patients
  int turnaround_min;       // received -> production, days
  int turnaround_max;
  int fee_bp;               // allowed amount as basis points of the Medicare-like base fee
  double admin_denial;      // denials unrelated to the diagnosis
  double dx_multiplier;     // how strictly it polices diagnosis against procedure
  const char* icn_prefix;   // shape of CLP07
  int icn_digits;
  const char* trace_prefix; // shape of TRN02
};

// A Pacific Northwest payer mix: Medicare through its MAC, one Medicaid managed-care plan and
// four commercial plans, with their usual speed and strictness.
const std::vector<PayerSpec>& Payers() {
  static const std::vector<PayerSpec> kPayers = {
      {"02202", "MEDICARE PART B NORIDIAN JF", PayerKind::kMedicare, 27, 14, 24, 10000, 0.030,
       1.10, "0225", 9, "88"},
      {"38336", "MOLINA HEALTHCARE OF WASHINGTON", PayerKind::kMedicaid, 13, 18, 45, 7800,
       0.075, 1.20, "MHW", 10, "1MH"},
      {"87726", "UNITEDHEALTHCARE", PayerKind::kCommercial, 18, 10, 28, 12500, 0.050, 1.00,
       "EX", 9, "UHC"},
      {"60054", "AETNA", PayerKind::kCommercial, 13, 12, 32, 13500, 0.040, 0.90, "E", 11,
       "AET"},
      {"47570", "PREMERA BLUE CROSS", PayerKind::kCommercial, 19, 14, 38, 12000, 0.045, 0.95,
       "PBC", 10, "PRM"},
      {"62308", "CIGNA", PayerKind::kCommercial, 10, 10, 26, 14000, 0.040, 0.90, "C", 12,
       "CIG"},
  };
  return kPayers;
}

// ---------------------------------------------------------------------------------------
// Procedures

enum class ProcFamily { kEm, kPt, kChiro, kInjection, kImaging, kOther };

struct Proc {
  const char* code;
  ProcFamily family;
  int64_t base_cents;  // roughly the Medicare non-facility allowed amount per unit
};

const std::vector<Proc>& Procs() {
  static const std::vector<Proc> kProcs = {
      {"99202", ProcFamily::kEm, 7300},        {"99203", ProcFamily::kEm, 11200},
      {"99204", ProcFamily::kEm, 16800},       {"99205", ProcFamily::kEm, 22200},
      {"99212", ProcFamily::kEm, 5800},        {"99213", ProcFamily::kEm, 9200},
      {"99214", ProcFamily::kEm, 13000},       {"99215", ProcFamily::kEm, 18300},
      {"97161", ProcFamily::kPt, 10100},       {"97162", ProcFamily::kPt, 10100},
      {"97110", ProcFamily::kPt, 2900},        {"97140", ProcFamily::kPt, 2700},
      {"97530", ProcFamily::kPt, 3300},        {"97112", ProcFamily::kPt, 3300},
      {"98940", ProcFamily::kChiro, 2900},     {"98941", ProcFamily::kChiro, 4200},
      {"98942", ProcFamily::kChiro, 5500},     {"62321", ProcFamily::kInjection, 29000},
      {"64490", ProcFamily::kInjection, 20500}, {"64491", ProcFamily::kInjection, 9500},
      {"20552", ProcFamily::kInjection, 5500}, {"20553", ProcFamily::kInjection, 6200},
      {"64633", ProcFamily::kInjection, 62000}, {"72040", ProcFamily::kImaging, 4000},
      {"72050", ProcFamily::kImaging, 5500},   {"72141", ProcFamily::kImaging, 22500},
      {"77003", ProcFamily::kOther, 7000},     {"96372", ProcFamily::kOther, 1500},
      {"J3301", ProcFamily::kOther, 200},
  };
  return kProcs;
}

const Proc& FindProc(std::string_view code) {
  for (const Proc& p : Procs()) {
    if (code == p.code) return p;
  }
  return Procs().back();  // unreachable: every code we bill is in the table
}

// Which line decides how a claim is judged: the most policed service on it.
int Severity(ProcFamily f) {
  switch (f) {
    case ProcFamily::kInjection: return 5;
    case ProcFamily::kImaging: return 4;
    case ProcFamily::kChiro: return 3;
    case ProcFamily::kPt: return 2;
    case ProcFamily::kEm: return 1;
    case ProcFamily::kOther: return 0;
  }
  return 0;
}

// ---------------------------------------------------------------------------------------
// Diagnoses

enum class Cohort { kNonspecific, kSpecific, kNonCervical };

const char* CohortName(Cohort c) {
  switch (c) {
    case Cohort::kNonspecific: return "nonspecific";
    case Cohort::kSpecific: return "specific";
    case Cohort::kNonCervical: return "non_cervical";
  }
  return "";
}

constexpr char kCervicalgia[] = "M54.2";
constexpr char kSegmental[] = "M99.01";

// Billable ICD-10-CM codes (FY2025/FY2026) per specific family.
const std::map<std::string, std::vector<std::string>>& FamilyCodes() {
  static const std::map<std::string, std::vector<std::string>> kCodes = {
      {"disc", {"M50.121", "M50.122", "M50.123", "M50.20", "M50.221", "M50.222"}},
      {"spondylosis", {"M47.812", "M47.812", "M47.22", "M47.12", "M47.892"}},
      {"radiculopathy", {"M54.12", "M54.12", "M54.13"}},
      {"stenosis", {"M48.02"}},
      {"sprain_strain", {"S13.4XXA", "S16.1XXA"}},
      {"segmental_dysfunction", {kSegmental}},
      {"torticollis", {"M43.6"}},
      {"cervicocranial_cervicobrachial", {"M53.0", "M53.1"}},
      {"other_cervical", {"M53.82", "M53.2X2"}},
  };
  return kCodes;
}

const std::vector<std::string>& NonCervicalPrincipals() {
  static const std::vector<std::string> kCodes = {"M54.50", "M54.50", "M54.16", "M51.26",
                                                  "M25.511", "M25.512", "M79.18", "M54.6",
                                                  "G44.209", "M62.830"};
  return kCodes;
}

// Secondary diagnoses that commonly ride along on spine visits.
const std::vector<std::string>& Comorbidities() {
  static const std::vector<std::string> kCodes = {"M62.830", "G44.209", "M79.18", "R51.9",
                                                  "M25.511", "I10",     "E11.9",  "M54.6"};
  return kCodes;
}

enum class EpisodeKind { kOffice, kTherapy, kChiro, kInterventional };

// Which specific family a clinician documents, given the kind of care.
std::string PickFamily(Rng& rng, EpisodeKind kind) {
  static const std::vector<std::string> kIds = {
      "disc",     "spondylosis",  "radiculopathy", "stenosis", "sprain_strain",
      "torticollis", "cervicocranial_cervicobrachial", "other_cervical"};
  std::vector<double> w;
  switch (kind) {
    case EpisodeKind::kInterventional: w = {25, 30, 25, 12, 0, 0, 5, 3}; break;
    case EpisodeKind::kTherapy: w = {15, 15, 20, 5, 25, 8, 7, 5}; break;
    case EpisodeKind::kOffice: w = {20, 25, 20, 8, 15, 5, 4, 3}; break;
    case EpisodeKind::kChiro: w = {10, 20, 15, 3, 30, 8, 10, 4}; break;
  }
  return kIds[rng.Weighted(w)];
}

// Sprain codes carry the encounter in their 7th character: A first, D subsequent care.
std::string ForEncounter(std::string code, bool first_visit) {
  if (code.size() == 8 && code[0] == 'S' && !first_visit) code.back() = 'D';
  return code;
}

// The specific family of a code we generate; the sprain codes match whatever their 7th
// character says.
std::string FamilyOf(std::string_view code) {
  const auto base = [](std::string_view c) {
    return c.size() == 8 && c[0] == 'S' ? c.substr(0, 7) : c;
  };
  for (const auto& [family, codes] : FamilyCodes()) {
    for (const std::string& c : codes) {
      if (base(c) == base(code)) return family;
    }
  }
  return "";
}

// The cohort by the principal rule, from the code alone.
const char* CohortOf(const std::string& principal) {
  if (principal == kCervicalgia) return CohortName(Cohort::kNonspecific);
  if (!FamilyOf(principal).empty()) return CohortName(Cohort::kSpecific);
  return CohortName(Cohort::kNonCervical);
}

// The condition an episode of care is about, and how the clinician codes it.
struct Condition {
  Cohort cohort = Cohort::kNonspecific;
  std::string code;             // principal for non-chiropractic visits
  std::string chiro_secondary;  // what a chiropractor lists after M99.01
};

Condition PickCondition(Rng& rng, EpisodeKind kind, Cohort cohort) {
  Condition c;
  c.cohort = cohort;
  switch (cohort) {
    case Cohort::kNonspecific:
      c.code = kCervicalgia;
      break;
    case Cohort::kSpecific:
      if (kind == EpisodeKind::kChiro) {
        // Chiropractors bill the subluxation first and the condition second, usually M54.2.
        c.code = kSegmental;
        c.chiro_secondary = rng.Chance(0.6)
                                ? std::string(kCervicalgia)
                                : rng.Pick(FamilyCodes().at(PickFamily(rng, kind)));
      } else {
        c.code = rng.Pick(FamilyCodes().at(PickFamily(rng, kind)));
      }
      break;
    case Cohort::kNonCervical:
      c.code = rng.Pick(NonCervicalPrincipals());
      if (kind != EpisodeKind::kOffice && c.code == "I10") c.code = "M54.50";
      if (kind == EpisodeKind::kOffice && rng.Chance(0.1)) c.code = "I10";
      break;
  }
  return c;
}

void AddUnique(std::vector<std::string>& dx, const std::string& code) {
  if (dx.size() < 12 && std::find(dx.begin(), dx.end(), code) == dx.end()) dx.push_back(code);
}

// The HI segment of one visit.
std::vector<std::string> CodeVisit(Rng& rng, const Condition& c, bool has_cmt,
                                   bool first_visit) {
  std::vector<std::string> dx;
  switch (c.cohort) {
    case Cohort::kNonspecific:
      dx.push_back(kCervicalgia);
      if (has_cmt && rng.Chance(0.3)) AddUnique(dx, kSegmental);
      // Worth flagging in the product: M54.2 excludes M50.-, yet coders pair them.
      if (rng.Chance(0.05)) AddUnique(dx, "M50.121");
      break;
    case Cohort::kSpecific:
      if (has_cmt || c.code == kSegmental) {
        dx.push_back(kSegmental);
        AddUnique(dx, ForEncounter(c.chiro_secondary.empty() ? std::string(kCervicalgia)
                                                             : c.chiro_secondary,
                                   first_visit));
      } else {
        dx.push_back(ForEncounter(c.code, first_visit));
        if (rng.Chance(0.3)) AddUnique(dx, kCervicalgia);
      }
      break;
    case Cohort::kNonCervical:
      dx.push_back(c.code);
      if (rng.Chance(0.15)) AddUnique(dx, kCervicalgia);
      break;
  }
  if (rng.Chance(0.35)) AddUnique(dx, rng.Pick(Comorbidities()));
  if (rng.Chance(0.1)) AddUnique(dx, rng.Pick(Comorbidities()));
  return dx;
}

// SV107: up to four pointers into the claim's diagnoses, principal first.
void PointLines(Rng& rng, v1::ClaimRecord& claim) {
  const int n = claim.diagnoses_size();
  for (v1::ClaimLineRecord& line : *claim.mutable_lines()) {
    line.clear_diagnosis_pointers();
    const ProcFamily family = FindProc(line.procedure_code()).family;
    int count = 1;
    if (family == ProcFamily::kEm) {
      count = std::min(n, 4);  // the visit addresses everything on the claim
    } else if (family == ProcFamily::kChiro) {
      count = std::min(n, 2);  // subluxation plus the condition it causes
    } else if (n >= 2 && rng.Chance(0.5)) {
      count = std::min(n, static_cast<int>(rng.Int(2, 3)));
    }
    for (int i = 1; i <= count; ++i) line.add_diagnosis_pointers(i);
  }
}

// ---------------------------------------------------------------------------------------
// Practices

struct Profile {
  std::vector<std::string> suffixes;
  std::vector<double> episode_weights;  // office, therapy, chiro, interventional
  int physicians;
  int chiropractors;
  int therapists;
};

const std::vector<Profile>& Profiles() {
  static const std::vector<Profile> kProfiles = {
      {{"Spine & Rehab", "Spine & Sports Medicine", "Physical Medicine & Rehab"},
       {30, 35, 15, 20}, 2, 1, 2},
      {{"Chiropractic & Wellness", "Family Chiropractic", "Chiropractic Center"},
       {8, 12, 80, 0}, 0, 3, 1},
      {{"Pain & Spine Associates", "Interventional Pain Center", "Pain Management"},
       {30, 15, 0, 55}, 3, 0, 1},
  };
  return kProfiles;
}

const std::vector<std::string>& NamePrefixes() {
  static const std::vector<std::string> kPrefixes = {
      "Cascade",     "Riverside",     "Summit",  "Lakeview",    "Northgate",
      "Harbor",      "Cedar Ridge",   "Pinecrest", "Willow Creek", "Bayview",
      "Granite Peak", "Meadowbrook", "Evergreen"};
  return kPrefixes;
}

std::string PracticeName(int index) {
  const auto& prefixes = NamePrefixes();
  const int p = static_cast<int>(prefixes.size());
  const int profiles = static_cast<int>(Profiles().size());
  const auto& suffixes = Profiles()[static_cast<size_t>(index % profiles)].suffixes;
  const int round = index / (p * profiles);  // (prefix, profile) pairs repeat after 39
  std::string name =
      absl::StrCat(prefixes[static_cast<size_t>(index % p)], " ",
                   suffixes[static_cast<size_t>(round % static_cast<int>(suffixes.size()))]);
  if (round >= static_cast<int>(suffixes.size())) {
    absl::StrAppend(&name, " (site ", round / static_cast<int>(suffixes.size()) + 1, ")");
  }
  return name;
}

std::string Initials(std::string_view name) {
  std::string out;
  for (size_t i = 0; i < name.size() && out.size() < 4; ++i) {
    const bool word_start = i == 0 || name[i - 1] == ' ';
    if (word_start && name[i] >= 'A' && name[i] <= 'Z') out.push_back(name[i]);
  }
  return out;
}

struct Patient {
  std::string id;
  size_t payer = 0;
  bool copay_plan = false;
  int64_t copay_cents = 0;
  int64_t deductible_cents = 0;  // commercial deductible plans
  int coinsurance_pct = 0;
  std::map<int, int64_t> deductible_left;  // by calendar year
};

int64_t MedicareDeductible(int year) {
  if (year <= 2025) return 25700;
  if (year == 2026) return 28300;
  return 28300 + 2600 * (year - 2026);
}

// ---------------------------------------------------------------------------------------
// Denials

enum class Fix {
  kNone,          // written off
  kDxCorrection,  // corrected claim with a specific principal diagnosis
  kRendering,     // corrected claim with the rendering provider filled in
  kModifier,      // corrected claim with the GP modifier restored
  kResubmit,      // corrected claim after fixing eligibility or coordination data
  kAppeal,        // written appeal, no new claim
};

struct Reason {
  const char* carc;
  const char* rarc;     // LQ*HE / MOA remark, may be empty
  bool claim_level;     // payer reports it on the CLP loop alone, without SVC detail
  int status;           // CLP02
  Fix fix;
  double overturn;      // chance the fix gets the claim paid
};

const Reason kMedNecessity = {"50", "N115", false, 1, Fix::kDxCorrection, 0.44};
const Reason kDxMismatch = {"11", "", false, 1, Fix::kDxCorrection, 0.44};
const Reason kDxMissing = {"16", "M76", false, 1, Fix::kDxCorrection, 0.44};
const Reason kNoAuth = {"197", "", false, 1, Fix::kAppeal, 0.35};
const Reason kNoRendering = {"16", "N290", false, 1, Fix::kRendering, 0.60};
const Reason kTerminated = {"27", "", true, 1, Fix::kResubmit, 0.12};
const Reason kOtherPayer = {"22", "", true, 1, Fix::kResubmit, 0.30};
const Reason kNotFound = {"31", "", true, 4, Fix::kResubmit, 0.40};
const Reason kTimely = {"29", "", true, 1, Fix::kAppeal, 0.05};
const Reason kNotThisPayer = {"109", "", true, 1, Fix::kNone, 0.0};
const Reason kModifierMissing = {"4", "", false, 1, Fix::kModifier, 0.60};
const Reason kNonCovered = {"96", "N130", false, 1, Fix::kAppeal, 0.05};

// How often a payer rejects the diagnosis for the service, by cohort and deciding service.
double DxDenialRate(Cohort cohort, ProcFamily family, bool mri) {
  switch (cohort) {
    case Cohort::kNonspecific:
      switch (family) {
        case ProcFamily::kInjection: return 0.42;
        case ProcFamily::kImaging: return mri ? 0.30 : 0.08;
        case ProcFamily::kChiro: return 0.34;
        case ProcFamily::kPt: return 0.09;
        case ProcFamily::kEm: return 0.03;
        case ProcFamily::kOther: return 0.05;
      }
      break;
    case Cohort::kSpecific:
      switch (family) {
        case ProcFamily::kInjection: return 0.05;
        case ProcFamily::kImaging: return mri ? 0.04 : 0.02;
        case ProcFamily::kChiro: return 0.04;
        case ProcFamily::kPt: return 0.02;
        case ProcFamily::kEm: return 0.01;
        case ProcFamily::kOther: return 0.02;
      }
      break;
    case Cohort::kNonCervical:
      switch (family) {
        case ProcFamily::kInjection: return 0.07;
        case ProcFamily::kImaging: return mri ? 0.06 : 0.02;
        case ProcFamily::kChiro: return 0.12;
        case ProcFamily::kPt: return 0.03;
        case ProcFamily::kEm: return 0.01;
        case ProcFamily::kOther: return 0.02;
      }
      break;
  }
  return 0.02;
}

// ---------------------------------------------------------------------------------------
// Claim plans and their lives

struct Visit {
  absl::CivilDay date;
  std::vector<v1::ClaimLineRecord> lines;  // codes, modifiers, units, dates; no charges yet
  int rendering_kind = 0;                  // 0 physician, 1 chiropractor, 2 therapist
  absl::CivilDay second_date;              // for PT claims that bill two visits at once
  bool two_dates = false;
};

v1::ClaimLineRecord MakeLine(std::string_view code, int units,
                             std::vector<std::string> modifiers = {}) {
  v1::ClaimLineRecord line;
  line.set_procedure_code(std::string(code));
  line.set_units(units);
  for (std::string& m : modifiers) line.add_modifiers(std::move(m));
  return line;
}

// A planned claim before ids and submission.
struct PlannedClaim {
  size_t patient = 0;
  EpisodeKind episode = EpisodeKind::kOffice;
  Condition condition;
  bool first_visit = false;
  v1::ClaimRecord claim;  // without claim id and submission date yet
  absl::CivilDay service_date;
  absl::CivilDay last_date;
  uint64_t order = 0;  // generation order, breaks ties deterministically
};

// An event with what the generator meant by it.
enum class Kind { kPaid, kZeroPay, kDenied, kDuplicate, kReversal };

Kind Classify(const v1::RemittanceRecord& e) {
  if (e.status_code() == 22 || e.paid_cents() < 0) return Kind::kReversal;
  if (e.paid_cents() > 0) return Kind::kPaid;
  bool dup = false;
  bool denial_reason = false;
  auto scan = [&](const auto& adjustments) {
    for (const v1::AdjustmentRecord& a : adjustments) {
      if (a.reason_code() == "18") dup = true;
      if (a.group_code() != "PR" && !(a.group_code() == "CO" && a.reason_code() == "45")) {
        denial_reason = true;
      }
    }
  };
  scan(e.adjustments());
  for (const v1::RemittanceLineRecord& l : e.lines()) scan(l.adjustments());
  if (dup) return Kind::kDuplicate;
  if (e.status_code() == 4 || (e.charge_cents() != 0 && denial_reason)) return Kind::kDenied;
  return Kind::kZeroPay;
}

struct Event {
  v1::RemittanceRecord record;
  uint64_t order = 0;
};

class PracticeGenerator {
 public:
  PracticeGenerator(const DemoOptions& options, int index, std::set<std::string>& npis)
      : options_(options),
        index_(index),
        rng_(SplitMix64(options.seed ^ SplitMix64(static_cast<uint64_t>(index) + 1))),
        used_npis_(npis) {}

  DemoPractice Run();

 private:
  void SetUpPractice();
  size_t NewPatient();
  std::vector<Visit> PlanEpisode(EpisodeKind kind, absl::CivilDay start, size_t patient);
  void PlanClaims();
  void Live(PlannedClaim& plan);

  absl::CivilDay Weekday(absl::CivilDay d) const {
    while (absl::GetWeekday(d) == absl::Weekday::saturday ||
           absl::GetWeekday(d) == absl::Weekday::sunday) {
      d += 1;
    }
    return d;
  }
  std::string Icn(const PayerSpec& payer, absl::CivilDay received) {
    return absl::StrCat(payer.icn_prefix,
                        absl::StrFormat("%02d%03d", received.year() % 100,
                                        absl::GetYearDay(received)),
                        rng_.Digits(payer.icn_digits - 5));
  }
  std::string Trace(const PayerSpec& payer, absl::CivilDay paid) const {
    // One EFT per payer, payee and payment day, like a real 835 batch.
    return absl::StrCat(payer.trace_prefix,
                        absl::StrFormat("%02d%02d%02d", paid.year() % 100, paid.month(),
                                        paid.day()),
                        practice_.npi.substr(6));
  }

  v1::RemittanceRecord EventShell(const v1::ClaimRecord& claim, const PayerSpec& payer,
                                  absl::CivilDay received, absl::CivilDay production,
                                  absl::CivilDay payment, const std::string& icn) const;
  v1::RemittanceRecord PaidEvent(const v1::ClaimRecord& claim, const PayerSpec& payer,
                                 Patient& patient, int64_t* deductible_left, int allowed_bp,
                                 const std::map<int, Reason>& denied_lines,
                                 absl::CivilDay received, absl::CivilDay production,
                                 absl::CivilDay payment, const std::string& icn) const;
  v1::RemittanceRecord DeniedEvent(const v1::ClaimRecord& claim, const PayerSpec& payer,
                                   const Reason& reason, absl::CivilDay received,
                                   absl::CivilDay production, absl::CivilDay payment,
                                   const std::string& icn) const;
  static v1::RemittanceRecord Reverse(const v1::RemittanceRecord& paid);

  int64_t* DeductibleLeft(Patient& patient, absl::CivilDay day);

  const DemoOptions& options_;
  int index_;
  Rng rng_;
  std::set<std::string>& used_npis_;
  DemoPractice practice_;
  std::string claim_prefix_;
  const Profile* profile_ = nullptr;
  int fee_markup_bp_ = 25000;
  std::vector<std::vector<std::string>> providers_;  // by rendering kind
  std::vector<Patient> patients_;
  std::vector<PlannedClaim> plans_;
  absl::CivilDay first_day_;
  absl::CivilDay last_day_;
  bool empty_window_ = false;

  // Output being assembled.
  std::vector<std::pair<v1::ClaimRecord, uint64_t>> claims_;
  std::vector<Event> events_;
  uint64_t next_order_ = 0;
};

void PracticeGenerator::SetUpPractice() {
  practice_.display_name = PracticeName(index_);
  practice_.npi = NewNpi(rng_, used_npis_);
  claim_prefix_ = Initials(practice_.display_name);
  profile_ = &Profiles()[static_cast<size_t>(index_) % Profiles().size()];
  fee_markup_bp_ = static_cast<int>(rng_.Int(19, 26)) * 1000;  // charges vs Medicare fees
  providers_.assign(3, {});
  const int counts[3] = {profile_->physicians, profile_->chiropractors, profile_->therapists};
  for (int kind = 0; kind < 3; ++kind) {
    for (int i = 0; i < counts[kind]; ++i) providers_[static_cast<size_t>(kind)].push_back(
        NewNpi(rng_, used_npis_));
  }
  first_day_ = absl::CivilDay(options_.first_month);
  const absl::CivilDay window_end = absl::CivilDay(options_.first_month + options_.months) - 1;
  // Leave a day between the last visit and as_of so every claim can be submitted.
  last_day_ = std::min(window_end, options_.as_of - 1);
  empty_window_ = options_.months <= 0 || last_day_ < first_day_;
}

size_t PracticeGenerator::NewPatient() {
  Patient p;
  std::vector<double> mix;
  for (const PayerSpec& payer : Payers()) mix.push_back(payer.mix);
  p.payer = rng_.Weighted(mix);
  p.id = absl::StrCat("MBR", rng_.Digits(9));
  if (Payers()[p.payer].kind == PayerKind::kCommercial) {
    p.copay_plan = rng_.Chance(0.45);
    if (p.copay_plan) {
      p.copay_cents = std::vector<int64_t>{2500, 3000, 4000, 5000}[rng_.Weighted({2, 3, 3, 2})];
    } else {
      p.deductible_cents = rng_.Int(2, 12) * 25000;
      p.coinsurance_pct = std::vector<int>{10, 20, 30}[rng_.Weighted({2, 6, 2})];
    }
  } else if (Payers()[p.payer].kind == PayerKind::kMedicare) {
    p.coinsurance_pct = 20;
  }
  patients_.push_back(std::move(p));
  return patients_.size() - 1;
}

int64_t* PracticeGenerator::DeductibleLeft(Patient& patient, absl::CivilDay day) {
  const int year = static_cast<int>(day.year());
  auto it = patient.deductible_left.find(year);
  if (it == patient.deductible_left.end()) {
    const PayerKind kind = Payers()[patient.payer].kind;
    int64_t full = 0;
    if (kind == PayerKind::kMedicare) full = MedicareDeductible(year);
    if (kind == PayerKind::kCommercial && !patient.copay_plan) full = patient.deductible_cents;
    // Other providers' bills have used part or all of it, the more so later in the year:
    // met already for 45% of patients in January, 86% in December. Integer math, so no
    // compiler can fuse it into something that rounds differently.
    const int64_t m = day.month() - 1;
    const bool met = rng_.Int(0, 11999) < 5400 + 450 * m;
    const int64_t left =
        met ? 0 : full * rng_.Int(0, 1000) / 1000 * (60 - 4 * m) / 60 / 100 * 100;
    it = patient.deductible_left.emplace(year, left).first;
  }
  return &it->second;
}

std::vector<Visit> PracticeGenerator::PlanEpisode(EpisodeKind kind, absl::CivilDay start,
                                                  size_t patient) {
  std::vector<Visit> visits;
  const bool medicare = Payers()[patients_[patient].payer].kind == PayerKind::kMedicare;
  const bool has_physician = !providers_[0].empty();
  auto visit = [&](absl::CivilDay date, int rendering) -> Visit& {
    visits.push_back(Visit{});
    visits.back().date = Weekday(date);
    visits.back().rendering_kind = rendering;
    return visits.back();
  };
  auto gp = [&]() { return std::vector<std::string>{"GP"}; };
  switch (kind) {
    case EpisodeKind::kOffice: {
      const int rendering = has_physician ? 0 : 1;
      Visit& first = visit(start, rendering);
      const size_t np = rng_.Weighted({10, 45, 45});
      first.lines.push_back(
          MakeLine(std::vector<std::string>{"99202", "99203", "99204"}[np], 1));
      if (rng_.Chance(0.35)) {
        first.lines.push_back(MakeLine(rng_.Chance(0.7) ? "72040" : "72050", 1));
      }
      absl::CivilDay d = first.date;
      const int follow_ups = static_cast<int>(rng_.Int(0, 2));
      for (int i = 0; i < follow_ups; ++i) {
        d += rng_.Int(14, 42);
        Visit& v = visit(d, rendering);
        d = v.date;
        const size_t est = rng_.Weighted({5, 60, 33, 2});
        const bool trigger_point = has_physician && rng_.Chance(0.15);
        v.lines.push_back(MakeLine(
            std::vector<std::string>{"99212", "99213", "99214", "99215"}[est], 1,
            trigger_point ? std::vector<std::string>{"25"} : std::vector<std::string>{}));
        if (trigger_point) {
          v.lines.push_back(MakeLine(rng_.Chance(0.5) ? "20552" : "20553", 1));
          v.lines.push_back(MakeLine("J3301", 4));
        }
      }
      break;
    }
    case EpisodeKind::kTherapy: {
      Visit& eval = visit(start, 2);
      eval.lines.push_back(MakeLine(rng_.Chance(0.6) ? "97161" : "97162", 1, gp()));
      eval.lines.push_back(MakeLine("97110", static_cast<int>(rng_.Int(1, 2)), gp()));
      if (rng_.Chance(0.5)) eval.lines.push_back(MakeLine("97140", 1, gp()));
      absl::CivilDay d = eval.date;
      const int n = static_cast<int>(rng_.Int(3, 11));
      const bool batches = rng_.Chance(0.1);  // some therapists bill two visits per claim
      for (int i = 0; i < n; ++i) {
        d += rng_.Int(2, 4);
        Visit& v = visit(d, 2);
        d = v.date;
        static const std::vector<std::string> kCodes = {"97110", "97140", "97530", "97112"};
        std::vector<std::string> codes = {"97110"};
        for (size_t c = 1; c < kCodes.size(); ++c) {
          if (rng_.Chance(0.45)) codes.push_back(kCodes[c]);
        }
        const bool has_97530 =
            std::find(codes.begin(), codes.end(), "97530") != codes.end();
        for (const std::string& code : codes) {
          std::vector<std::string> mods = gp();
          // NCCI pairs 97140 with 97530: billed together they need modifier 59.
          if (code == "97140" && has_97530) mods.push_back("59");
          v.lines.push_back(MakeLine(code, static_cast<int>(rng_.Int(1, 2)), mods));
        }
        if (batches && i + 1 < n && rng_.Chance(0.5)) {
          v.two_dates = true;
          d = Weekday(d + rng_.Int(2, 3));
          v.second_date = d;
          ++i;
        }
      }
      break;
    }
    case EpisodeKind::kChiro: {
      auto cmt_mods = [&]() {
        // Medicare pays manipulation only as active treatment, marked AT.
        return medicare ? std::vector<std::string>{"AT"} : std::vector<std::string>{};
      };
      Visit& first = visit(start, 1);
      first.lines.push_back(MakeLine("99203", 1, {"25"}));
      first.lines.push_back(MakeLine("98941", 1, cmt_mods()));
      if (rng_.Chance(0.3)) first.lines.push_back(MakeLine("72040", 1));
      absl::CivilDay d = first.date;
      const int n = static_cast<int>(rng_.Int(3, 11));
      for (int i = 0; i < n; ++i) {
        d += rng_.Int(2, 7);
        Visit& v = visit(d, 1);
        d = v.date;
        const size_t cmt = rng_.Weighted({55, 40, 5});
        v.lines.push_back(MakeLine(std::vector<std::string>{"98940", "98941", "98942"}[cmt], 1,
                                   cmt_mods()));
        if (rng_.Chance(0.4)) {
          // Soft-tissue work with manipulation is bundled unless marked distinct (59).
          v.lines.push_back(MakeLine("97140", 1,
                                     rng_.Chance(0.88) ? std::vector<std::string>{"59"}
                                                       : std::vector<std::string>{}));
        }
        if (rng_.Chance(0.2)) {
          v.lines.push_back(MakeLine("97110", static_cast<int>(rng_.Int(1, 2)), gp()));
        }
      }
      break;
    }
    case EpisodeKind::kInterventional: {
      Visit& consult = visit(start, 0);
      consult.lines.push_back(MakeLine(rng_.Chance(0.7) ? "99204" : "99203", 1));
      absl::CivilDay d = consult.date;
      if (rng_.Chance(0.6)) {
        d += rng_.Int(3, 14);
        Visit& mri = visit(d, 0);
        d = mri.date;
        mri.lines.push_back(MakeLine("72141", 1));
      }
      const int procedures = rng_.Chance(0.4) ? 2 : 1;
      bool facet = false;
      for (int p = 0; p < procedures; ++p) {
        d += p == 0 ? rng_.Int(10, 35) : rng_.Int(30, 90);
        Visit& proc = visit(d, 0);
        d = proc.date;
        if (p == 1 && facet && rng_.Chance(0.5)) {
          proc.lines.push_back(MakeLine("64633", 1));  // radiofrequency after diagnostic blocks
        } else {
          switch (rng_.Weighted({40, 35, 25})) {
            case 0:
              proc.lines.push_back(MakeLine("62321", 1));
              // Imaging guidance is included in 62321; billing it anyway gets it bundled.
              if (rng_.Chance(0.15)) proc.lines.push_back(MakeLine("77003", 1));
              break;
            case 1: {
              facet = true;
              const bool bilateral = rng_.Chance(0.3);
              std::vector<std::string> mods;
              if (bilateral) mods.push_back("50");
              proc.lines.push_back(MakeLine("64490", 1, mods));
              if (rng_.Chance(0.6)) proc.lines.push_back(MakeLine("64491", 1, mods));
              break;
            }
            default:
              proc.lines.push_back(MakeLine(rng_.Chance(0.5) ? "20552" : "20553", 1));
              proc.lines.push_back(MakeLine("J3301", 4));
              if (rng_.Chance(0.3)) proc.lines.push_back(MakeLine("96372", 1));
              break;
          }
        }
        d += rng_.Int(14, 30);
        Visit& follow = visit(d, 0);
        d = follow.date;
        follow.lines.push_back(MakeLine(rng_.Chance(0.6) ? "99213" : "99214", 1));
      }
      break;
    }
  }
  return visits;
}

void PracticeGenerator::PlanClaims() {
  const auto& weights = profile_->episode_weights;
  const int64_t window = last_day_ - first_day_;
  uint64_t order = 0;
  while (static_cast<int>(plans_.size()) < options_.claims_per_practice) {
    const EpisodeKind kind = static_cast<EpisodeKind>(rng_.Weighted(weights));
    const absl::CivilDay start = first_day_ + rng_.Int(0, window);
    // Most episodes are a new patient; some patients come back for another course of care.
    const size_t patient =
        (!patients_.empty() && rng_.Chance(0.15))
            ? static_cast<size_t>(rng_.Int(0, static_cast<int64_t>(patients_.size()) - 1))
            : NewPatient();
    const Cohort cohort =
        static_cast<Cohort>(rng_.Weighted({0.35, 0.45, 0.20}));  // nonspecific/specific/other
    const Condition condition = PickCondition(rng_, kind, cohort);
    const std::vector<Visit> visits = PlanEpisode(kind, start, patient);
    const Patient& pat = patients_[patient];
    const PayerSpec& payer = Payers()[pat.payer];
    for (size_t vi = 0; vi < visits.size(); ++vi) {
      const Visit& visit = visits[vi];
      const absl::CivilDay end = visit.two_dates ? visit.second_date : visit.date;
      if (end > last_day_) break;
      if (static_cast<int>(plans_.size()) >= options_.claims_per_practice) break;
      PlannedClaim plan;
      plan.patient = patient;
      plan.episode = kind;
      plan.condition = condition;
      plan.first_visit = vi == 0;
      plan.service_date = visit.date;
      plan.last_date = end;
      plan.order = order++;
      v1::ClaimRecord& claim = plan.claim;
      claim.set_frequency_code(1);
      claim.set_payer_id(payer.id);
      claim.set_payer_name(payer.name);
      claim.set_billing_npi(practice_.npi);
      const auto& pool = providers_[static_cast<size_t>(visit.rendering_kind)];
      claim.set_rendering_npi(rng_.Pick(pool));
      claim.set_patient_id(pat.id);
      bool injection = false;
      bool has_cmt = false;
      for (const auto& line : visit.lines) {
        const ProcFamily f = FindProc(line.procedure_code()).family;
        injection |= f == ProcFamily::kInjection && line.procedure_code()[0] == '6';
        has_cmt |= f == ProcFamily::kChiro;
      }
      // Spinal injections are often done in the practice's ambulatory surgery center.
      claim.set_place_of_service(injection && rng_.Chance(0.3) ? "24" : "11");
      for (const std::string& dx : CodeVisit(rng_, condition, has_cmt, plan.first_visit)) {
        claim.add_diagnoses(dx);
      }
      int64_t total = 0;
      int number = 0;
      auto add_lines = [&](absl::CivilDay date) {
        for (const v1::ClaimLineRecord& planned : visit.lines) {
          v1::ClaimLineRecord& line = *claim.add_lines();
          line = planned;
          line.set_line_number(++number);
          line.set_service_date(Date(date));
          const int64_t fee = (MulBp(FindProc(line.procedure_code()).base_cents,
                                     fee_markup_bp_) + 50) / 100 * 100;  // whole dollars
          line.set_charge_cents(fee * static_cast<int64_t>(line.units()));
          total += line.charge_cents();
        }
      };
      add_lines(visit.date);
      if (visit.two_dates) add_lines(visit.second_date);
      claim.set_total_charge_cents(total);
      PointLines(rng_, claim);
      plans_.push_back(std::move(plan));
    }
  }
}

v1::RemittanceRecord PracticeGenerator::EventShell(const v1::ClaimRecord& claim,
                                                   const PayerSpec& payer,
                                                   absl::CivilDay received,
                                                   absl::CivilDay production,
                                                   absl::CivilDay payment,
                                                   const std::string& icn) const {
  v1::RemittanceRecord e;
  e.set_claim_id(claim.claim_id());
  e.set_payer_id(payer.id);
  e.set_payer_name(payer.name);
  e.set_payee_npi(practice_.npi);
  e.set_status_code(1);
  e.set_charge_cents(claim.total_charge_cents());
  e.set_payer_claim_control_number(icn);
  e.set_received_date(Date(received));
  e.set_production_date(Date(production));
  e.set_payment_date(Date(payment));
  e.set_trace_number(Trace(payer, payment));
  return e;
}

void AddAdjustment(google::protobuf::RepeatedPtrField<v1::AdjustmentRecord>* list,
                   const char* group, const std::string& carc, int64_t cents) {
  if (cents == 0) return;  // a CAS triplet never carries a zero amount
  v1::AdjustmentRecord* a = list->Add();
  a->set_group_code(group);
  a->set_reason_code(carc);
  a->set_amount_cents(cents);
}

v1::RemittanceLineRecord* AddRemitLine(v1::RemittanceRecord& e,
                                       const v1::ClaimLineRecord& line) {
  v1::RemittanceLineRecord* r = e.add_lines();
  r->set_line_control_number(line.line_control_number());
  r->set_procedure_code(line.procedure_code());
  *r->mutable_modifiers() = line.modifiers();
  r->set_charge_cents(line.charge_cents());
  r->set_units(line.units());
  r->set_service_date(line.service_date());
  return r;
}

v1::RemittanceRecord PracticeGenerator::PaidEvent(
    const v1::ClaimRecord& claim, const PayerSpec& payer, Patient& patient,
    int64_t* deductible_left, int allowed_bp, const std::map<int, Reason>& denied_lines,
    absl::CivilDay received, absl::CivilDay production, absl::CivilDay payment,
    const std::string& icn) const {
  v1::RemittanceRecord e = EventShell(claim, payer, received, production, payment, icn);
  int64_t paid_total = 0;
  int64_t patient_total = 0;
  int64_t copay_left = patient.copay_plan ? patient.copay_cents : 0;
  for (const v1::ClaimLineRecord& line : claim.lines()) {
    v1::RemittanceLineRecord* r = AddRemitLine(e, line);
    const int64_t charge = line.charge_cents();
    auto denied = denied_lines.find(line.line_number());
    if (denied != denied_lines.end()) {
      AddAdjustment(r->mutable_adjustments(), "CO", denied->second.carc, charge);
      if (*denied->second.rarc) r->add_remark_codes(denied->second.rarc);
      continue;
    }
    const int64_t units = static_cast<int64_t>(line.units());
    const int64_t fee = MulBp(FindProc(line.procedure_code()).base_cents * units, payer.fee_bp);
    const int64_t allowed = std::min(charge, MulBp(fee, allowed_bp));
    int64_t deductible = 0;
    int64_t coinsurance = 0;
    int64_t copay = 0;
    int64_t sequestration = 0;
    int64_t paid = allowed;
    switch (payer.kind) {
      case PayerKind::kMedicare:
        deductible = std::min(allowed, *deductible_left);
        *deductible_left -= deductible;
        coinsurance = ((allowed - deductible) * patient.coinsurance_pct + 50) / 100;
        paid = allowed - deductible - coinsurance;
        sequestration = (paid * 2 + 50) / 100;  // the 2% payment reduction since 2013
        paid -= sequestration;
        break;
      case PayerKind::kMedicaid:
        break;
      case PayerKind::kCommercial:
        if (patient.copay_plan) {
          copay = std::min(allowed, copay_left);
          copay_left -= copay;
          paid = allowed - copay;
        } else {
          deductible = std::min(allowed, *deductible_left);
          *deductible_left -= deductible;
          coinsurance = ((allowed - deductible) * patient.coinsurance_pct + 50) / 100;
          paid = allowed - deductible - coinsurance;
        }
        break;
    }
    AddAdjustment(r->mutable_adjustments(), "CO", "45", charge - allowed);
    AddAdjustment(r->mutable_adjustments(), "PR", "1", deductible);
    AddAdjustment(r->mutable_adjustments(), "PR", "2", coinsurance);
    AddAdjustment(r->mutable_adjustments(), "PR", "3", copay);
    AddAdjustment(r->mutable_adjustments(), "CO", "253", sequestration);
    r->set_paid_cents(paid);
    paid_total += paid;
    patient_total += deductible + coinsurance + copay;
  }
  e.set_paid_cents(paid_total);
  e.set_patient_responsibility_cents(patient_total);
  return e;
}

v1::RemittanceRecord PracticeGenerator::DeniedEvent(const v1::ClaimRecord& claim,
                                                    const PayerSpec& payer,
                                                    const Reason& reason,
                                                    absl::CivilDay received,
                                                    absl::CivilDay production,
                                                    absl::CivilDay payment,
                                                    const std::string& icn) const {
  v1::RemittanceRecord e = EventShell(claim, payer, received, production, payment, icn);
  e.set_status_code(reason.status);
  e.set_paid_cents(0);
  if (reason.claim_level) {
    // Eligibility-type denials come back on the claim alone, without service lines.
    AddAdjustment(e.mutable_adjustments(), "CO", reason.carc, claim.total_charge_cents());
    if (*reason.rarc) e.add_remark_codes(reason.rarc);
    return e;
  }
  for (const v1::ClaimLineRecord& line : claim.lines()) {
    v1::RemittanceLineRecord* r = AddRemitLine(e, line);
    r->set_paid_cents(0);
    AddAdjustment(r->mutable_adjustments(), "CO", reason.carc, line.charge_cents());
    if (*reason.rarc) r->add_remark_codes(reason.rarc);
  }
  return e;
}

// CLP02 22: the payer takes a payment back; every amount, and every CAS, is negated.
v1::RemittanceRecord PracticeGenerator::Reverse(const v1::RemittanceRecord& paid) {
  v1::RemittanceRecord e = paid;
  e.set_status_code(22);
  e.set_charge_cents(-paid.charge_cents());
  e.set_paid_cents(-paid.paid_cents());
  e.set_patient_responsibility_cents(-paid.patient_responsibility_cents());
  for (v1::AdjustmentRecord& a : *e.mutable_adjustments()) a.set_amount_cents(-a.amount_cents());
  for (v1::RemittanceLineRecord& l : *e.mutable_lines()) {
    l.set_charge_cents(-l.charge_cents());
    l.set_paid_cents(-l.paid_cents());
    for (v1::AdjustmentRecord& a : *l.mutable_adjustments()) {
      a.set_amount_cents(-a.amount_cents());
    }
  }
  return e;
}

// One claim's life: submission, adjudication, and whatever follows it, cut at as_of.
void PracticeGenerator::Live(PlannedClaim& plan) {
  Patient& patient = patients_[plan.patient];
  const PayerSpec& payer = Payers()[patient.payer];
  const absl::CivilDay as_of = options_.as_of;
  v1::ClaimRecord& claim = plan.claim;

  const int64_t lag_choice = static_cast<int64_t>(rng_.Weighted({60, 30, 10}));
  int64_t lag = lag_choice == 0 ? rng_.Int(1, 4) : lag_choice == 1 ? rng_.Int(5, 10)
                                                                   : rng_.Int(11, 20);
  lag = std::min<int64_t>(lag, as_of - plan.last_date);
  const absl::CivilDay submitted = plan.last_date + lag;
  claim.set_submission_date(Date(submitted));

  ClaimTruth truth;
  truth.claim_id = claim.claim_id();
  truth.payer_id = claim.payer_id();
  truth.service_date = plan.service_date;
  truth.charge_cents = claim.total_charge_cents();

  // Choose the initial decision up front so the claim can carry its cause (a missing
  // rendering provider, a dropped GP modifier) rather than a label with no reason.
  const Proc* deciding = nullptr;
  bool mri = false;
  bool has_pt = false;
  for (const auto& line : claim.lines()) {
    const Proc& p = FindProc(line.procedure_code());
    if (deciding == nullptr || Severity(p.family) > Severity(deciding->family)) deciding = &p;
    mri |= line.procedure_code() == "72141";
    has_pt |= p.family == ProcFamily::kPt;
  }
  const bool commercial_or_medicaid = payer.kind != PayerKind::kMedicare;
  std::optional<Reason> denial;
  const double dx_rate = std::min(
      0.9, DxDenialRate(plan.condition.cohort, deciding->family, mri) * payer.dx_multiplier);
  if (rng_.Chance(dx_rate)) {
    std::vector<double> w;
    if (payer.kind == PayerKind::kMedicare) {
      // Medicare: LCDs for injections and imaging; subluxation rules for manipulation.
      w = deciding->family == ProcFamily::kChiro ? std::vector<double>{10, 45, 45, 0}
                                                 : std::vector<double>{70, 20, 10, 0};
    } else {
      const bool auth_service = deciding->family == ProcFamily::kInjection || mri;
      w = {40, 25, 15, auth_service ? 30.0 : 0.0};
    }
    const Reason choices[] = {kMedNecessity, kDxMismatch, kDxMissing, kNoAuth};
    denial = choices[rng_.Weighted(w)];
    if (plan.condition.cohort != Cohort::kNonspecific && denial->fix == Fix::kDxCorrection) {
      denial->fix = Fix::kAppeal;  // the code is already specific: argue with records
      denial->overturn = 0.35;
    }
  } else if (rng_.Chance(payer.admin_denial)) {
    const bool auth_service =
        commercial_or_medicaid && (deciding->family == ProcFamily::kInjection || mri);
    const Reason choices[] = {kNoRendering, kNoAuth,        kTerminated, kOtherPayer,
                              kNotFound,    kTimely,        kNotThisPayer,
                              kModifierMissing, kNonCovered};
    denial = choices[rng_.Weighted({25, auth_service ? 20.0 : 0.0, 15, 10, 5, 3, 5,
                                    has_pt ? 7.0 : 0.0, 5})];
  }
  const std::string rendering_npi = claim.rendering_npi();
  if (denial && denial->fix == Fix::kRendering) claim.clear_rendering_npi();
  if (denial && denial->fix == Fix::kModifier) {
    for (auto& line : *claim.mutable_lines()) {
      if (FindProc(line.procedure_code()).family != ProcFamily::kPt) continue;
      auto* mods = line.mutable_modifiers();
      mods->erase(std::remove(mods->begin(), mods->end(), "GP"), mods->end());
    }
  }

  const uint64_t claim_order = next_order_++;
  claims_.emplace_back(claim, claim_order);
  std::vector<Event> events;
  auto emit = [&](v1::RemittanceRecord e) {
    events.push_back(Event{std::move(e), next_order_++});
  };
  std::optional<v1::ClaimRecord> replacement;

  auto turnaround = [&]() { return rng_.Int(payer.turnaround_min, payer.turnaround_max); };
  auto pay_day = [&](absl::CivilDay production) { return production + rng_.Int(0, 3); };

  // Claims nobody answers: voided before adjudication, or lost at the payer.
  const bool void_early = rng_.Chance(0.005);
  const bool never_answered = !void_early && rng_.Chance(0.012);
  if (void_early) {
    const absl::CivilDay void_date = submitted + rng_.Int(1, 6);
    if (void_date <= as_of) {
      v1::ClaimRecord v = claim;
      v.set_frequency_code(8);
      v.set_submission_date(Date(void_date));
      claims_.emplace_back(std::move(v), next_order_++);
      truth.voided = true;
    }
  }

  if (!void_early && !never_answered) {
    const absl::CivilDay received = submitted + rng_.Int(0, 2);
    const absl::CivilDay production = received + turnaround();
    const absl::CivilDay payment = pay_day(production);
    const std::string icn = Icn(payer, received);
    if (payment <= as_of) {
      if (denial) {
        emit(DeniedEvent(claim, payer, *denial, received, production, payment, icn));
        // Medical-necessity denials are as often appealed with the chart as recoded.
        if (denial->fix == Fix::kDxCorrection && std::string_view(denial->carc) == "50" &&
            rng_.Chance(0.5)) {
          denial->fix = Fix::kAppeal;
        }
        if (denial->fix != Fix::kNone && rng_.Chance(denial->overturn)) {
          // Overturned: a corrected claim (frequency 7) or an appeal, then a payment.
          const v1::ClaimRecord* paid_version = &claim;
          std::optional<absl::CivilDay> received2;
          if (denial->fix == Fix::kAppeal) {
            received2 = payment + rng_.Int(10, 40);
          } else if (const absl::CivilDay resubmitted = payment + rng_.Int(3, 25);
                     resubmitted <= as_of) {
            v1::ClaimRecord rep = claim;
            rep.set_frequency_code(7);
            rep.set_submission_date(Date(resubmitted));
            if (denial->fix == Fix::kRendering) {
              rep.set_rendering_npi(rendering_npi);
            } else if (denial->fix == Fix::kModifier) {
              for (auto& line : *rep.mutable_lines()) {
                if (FindProc(line.procedure_code()).family == ProcFamily::kPt) {
                  line.add_modifiers("GP");
                }
              }
            } else if (denial->fix == Fix::kDxCorrection) {
              // The coder replaces cervicalgia with what the chart documents.
              const bool cmt = deciding->family == ProcFamily::kChiro;
              const Condition fixed = PickCondition(
                  rng_, cmt ? EpisodeKind::kChiro : plan.episode, Cohort::kSpecific);
              rep.clear_diagnoses();
              for (const std::string& dx : CodeVisit(rng_, fixed, cmt, plan.first_visit)) {
                rep.add_diagnoses(dx);
              }
              PointLines(rng_, rep);
            }
            claims_.emplace_back(rep, next_order_++);
            replacement = std::move(rep);
            paid_version = &*replacement;
            received2 = resubmitted + rng_.Int(0, 2);
          }
          if (received2) {
            const absl::CivilDay production2 =
                *received2 + (denial->fix == Fix::kAppeal ? rng_.Int(20, 60) : turnaround());
            const absl::CivilDay payment2 = pay_day(production2);
            if (payment2 <= as_of) {
              emit(PaidEvent(*paid_version, payer, patient,
                             DeductibleLeft(patient, plan.service_date), 10000, {},
                             *received2, production2, payment2, Icn(payer, *received2)));
            }
          }
        } else if (rng_.Chance(0.25)) {
          // Appealed and upheld: the same denial, a second time.
          const absl::CivilDay received2 = payment + rng_.Int(10, 40);
          const absl::CivilDay production2 = received2 + rng_.Int(20, 60);
          const absl::CivilDay payment2 = pay_day(production2);
          if (payment2 <= as_of) {
            emit(DeniedEvent(claim, payer, *denial, received2, production2, payment2,
                             Icn(payer, received2)));
          }
        }
      } else {
        // Paid, possibly with one line denied (bundling or medical necessity).
        std::map<int, Reason> denied_lines;
        const bool nonspecific = plan.condition.cohort == Cohort::kNonspecific;
        for (const auto& line : claim.lines()) {
          const auto& mods = line.modifiers();
          const bool has_59 = std::find(mods.begin(), mods.end(), "59") != mods.end();
          if (line.procedure_code() == "77003" ||
              (line.procedure_code() == "97140" && !has_59 && deciding->family ==
                                                                  ProcFamily::kChiro)) {
            if (rng_.Chance(0.85)) {
              denied_lines.emplace(line.line_number(),
                                   Reason{"97", "M15", false, 1, Fix::kNone, 0});
            }
          }
        }
        if (denied_lines.empty() && claim.lines_size() >= 2 &&
            rng_.Chance(nonspecific ? 0.08 : 0.04)) {
          const int pick = static_cast<int>(rng_.Int(2, claim.lines_size()));
          denied_lines.emplace(pick, rng_.Chance(0.5)
                                         ? Reason{"97", "M15", false, 1, Fix::kNone, 0}
                                         : kMedNecessity);
        }
        int64_t* left = DeductibleLeft(patient, plan.service_date);
        const int64_t left_before = *left;
        v1::RemittanceRecord paid = PaidEvent(claim, payer, patient, left, 10000, denied_lines,
                                              received, production, payment, icn);
        const bool pays = paid.paid_cents() > 0;
        const v1::RemittanceRecord original = paid;
        emit(std::move(paid));
        if (pays && rng_.Chance(0.015)) {
          // Reversed on a later remittance, then reprocessed at a corrected amount.
          const absl::CivilDay production2 = production + rng_.Int(15, 60);
          const absl::CivilDay payment2 = pay_day(production2);
          if (payment2 <= as_of) {
            v1::RemittanceRecord rev = Reverse(original);
            rev.set_production_date(Date(production2));
            rev.set_payment_date(Date(payment2));
            rev.set_trace_number(Trace(payer, payment2));
            emit(std::move(rev));
            const absl::CivilDay production3 =
                rng_.Chance(0.6) ? production2 : production2 + rng_.Int(1, 14);
            const absl::CivilDay payment3 =
                production3 == production2 ? payment2 : pay_day(production3);
            if (payment3 <= as_of) {
              int64_t left_copy = left_before;
              emit(PaidEvent(claim, payer, patient, &left_copy,
                             static_cast<int>(rng_.Int(9000, 10500)), denied_lines, received,
                             production3, payment3, Icn(payer, received)));
            }
          }
        } else if (pays && rng_.Chance(0.012)) {
          // The practice re-sent a claim it thought was lost; the payer calls it a duplicate.
          const absl::CivilDay received2 = payment + rng_.Int(15, 40);
          const absl::CivilDay production2 = received2 + turnaround();
          const absl::CivilDay payment2 = pay_day(production2);
          if (payment2 <= as_of) {
            emit(DeniedEvent(claim, payer, Reason{"18", "", false, 1, Fix::kNone, 0},
                             received2, production2, payment2, Icn(payer, received2)));
          }
        } else if (pays && rng_.Chance(0.004)) {
          // Billed in error: voided after payment, and the payer takes the money back.
          const absl::CivilDay void_date = payment + rng_.Int(3, 20);
          if (void_date <= as_of) {
            v1::ClaimRecord v = claim;
            v.set_frequency_code(8);
            v.set_submission_date(Date(void_date));
            claims_.emplace_back(std::move(v), next_order_++);
            truth.voided = true;
            const absl::CivilDay production2 = void_date + turnaround();
            const absl::CivilDay payment2 = pay_day(production2);
            if (payment2 <= as_of) {
              v1::RemittanceRecord rev = Reverse(original);
              rev.set_production_date(Date(production2));
              rev.set_payment_date(Date(payment2));
              rev.set_trace_number(Trace(payer, payment2));
              emit(std::move(rev));
            }
          }
        }
      }
    }
  }

  // Truth from what was emitted: cohort of the final version, outcomes from the events.
  const v1::ClaimRecord& last = replacement ? *replacement : claim;
  truth.family = FamilyOf(last.diagnoses(0));
  truth.cohort = CohortOf(last.diagnoses(0));
  truth.original_cohort = CohortOf(claim.diagnoses(0));
  std::vector<const Event*> outcomes;
  int64_t net_paid = 0;
  for (const Event& e : events) {
    net_paid += e.record.paid_cents();
    const Kind kind = Classify(e.record);
    if (kind == Kind::kPaid) {
      absl::CivilDay day;
      absl::ParseCivilTime(e.record.payment_date(), &day);
      if (!truth.first_payment_date || day < *truth.first_payment_date) {
        truth.first_payment_date = day;
      }
    }
    if (kind != Kind::kReversal && kind != Kind::kDuplicate) outcomes.push_back(&e);
  }
  // Events were emitted in date order per claim; order by (production, payment) anyway.
  std::stable_sort(outcomes.begin(), outcomes.end(), [](const Event* a, const Event* b) {
    return std::tie(a->record.production_date(), a->record.payment_date()) <
           std::tie(b->record.production_date(), b->record.payment_date());
  });
  truth.adjudicated = !outcomes.empty();
  if (!outcomes.empty()) {
    truth.initially_denied = Classify(outcomes.front()->record) == Kind::kDenied;
    truth.finally_denied = net_paid == 0 && Classify(outcomes.back()->record) == Kind::kDenied;
  }
  practice_.truth.push_back(std::move(truth));
  for (Event& e : events) events_.push_back(std::move(e));
}

DemoPractice PracticeGenerator::Run() {
  SetUpPractice();
  if (empty_window_) return std::move(practice_);
  PlanClaims();
  // Claim ids follow the date of service, as a practice management system numbers them.
  std::stable_sort(plans_.begin(), plans_.end(), [](const PlannedClaim& a,
                                                    const PlannedClaim& b) {
    return std::tie(a.service_date, a.order) < std::tie(b.service_date, b.order);
  });
  const int64_t first_number = rng_.Int(10000, 90000);
  for (size_t i = 0; i < plans_.size(); ++i) {
    v1::ClaimRecord& claim = plans_[i].claim;
    claim.set_claim_id(absl::StrFormat("%s%07d", claim_prefix_,
                                       first_number + static_cast<int64_t>(i)));
    for (auto& line : *claim.mutable_lines()) {
      line.set_line_control_number(absl::StrCat(claim.claim_id(), "-", line.line_number()));
    }
  }
  // Claims live in date-of-service order so each patient's deductible is used up in order.
  for (PlannedClaim& plan : plans_) Live(plan);
  const size_t claim_count = plans_.size();
  std::vector<PlannedClaim>().swap(plans_);  // claims_ holds the records now

  // ~2% of the claims that have a remittance reach the server after it.
  std::set<std::string> answered;
  for (const Event& e : events_) answered.insert(e.record.claim_id());
  std::vector<std::string> candidates(answered.begin(), answered.end());
  const size_t late_count = (claim_count * 2 + 50) / 100;
  std::set<std::string> late;
  for (size_t i = 0; i < late_count && i < candidates.size(); ++i) {
    const size_t j = static_cast<size_t>(
        rng_.Int(static_cast<int64_t>(i), static_cast<int64_t>(candidates.size()) - 1));
    std::swap(candidates[i], candidates[j]);
    late.insert(candidates[i]);
  }

  auto by_submission = [](const std::pair<v1::ClaimRecord, uint64_t>& a,
                          const std::pair<v1::ClaimRecord, uint64_t>& b) {
    return std::tie(a.first.submission_date(), a.second) <
           std::tie(b.first.submission_date(), b.second);
  };
  auto is_late = [&](const std::pair<v1::ClaimRecord, uint64_t>& c) {
    return late.count(c.first.claim_id()) > 0;
  };
  auto middle = std::stable_partition(claims_.begin(), claims_.end(),
                                      [&](const auto& c) { return !is_late(c); });
  std::stable_sort(claims_.begin(), middle, by_submission);
  std::stable_sort(middle, claims_.end(), by_submission);
  practice_.first_late_claim = static_cast<size_t>(middle - claims_.begin());
  practice_.claims.reserve(claims_.size());
  for (auto& c : claims_) practice_.claims.push_back(std::move(c.first));

  std::stable_sort(events_.begin(), events_.end(), [](const Event& a, const Event& b) {
    return std::tie(a.record.production_date(), a.record.payment_date(), a.order) <
           std::tie(b.record.production_date(), b.record.payment_date(), b.order);
  });
  practice_.remittances.reserve(events_.size());
  for (Event& e : events_) practice_.remittances.push_back(std::move(e.record));
  return std::move(practice_);
}

}  // namespace

std::vector<DemoPractice> GenerateDemoData(const DemoOptions& options) {
  std::vector<DemoPractice> out;
  std::set<std::string> npis;  // NPIs stay unique across practices and their providers
  for (int i = 0; i < options.practices; ++i) {
    out.push_back(GenerateDemoPractice(options, i, &npis));
  }
  return out;
}

DemoPractice GenerateDemoPractice(const DemoOptions& options, int index,
                                  std::set<std::string>* used_npis) {
  return PracticeGenerator(options, index, *used_npis).Run();
}

std::vector<v1::IngestRecord> IngestOrder(const DemoPractice& practice) {
  std::vector<v1::IngestRecord> out;
  out.reserve(practice.claims.size() + practice.remittances.size());
  const size_t late = std::min(practice.first_late_claim, practice.claims.size());
  for (size_t i = 0; i < late; ++i) *out.emplace_back().mutable_claim() = practice.claims[i];
  for (const auto& r : practice.remittances) *out.emplace_back().mutable_remittance() = r;
  for (size_t i = late; i < practice.claims.size(); ++i) {
    *out.emplace_back().mutable_claim() = practice.claims[i];
  }
  return out;
}

}  // namespace denialscope
