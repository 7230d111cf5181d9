// Domain records: what a claim (837P) and an adjudication event (835 CLP loop) say, in the
// units the analytics use (integer cents, civil days). Every importer (gRPC records, JSONL,
// CSV, X12) produces these; everything downstream consumes only these.
#ifndef DENIALSCOPE_ANALYTICS_RECORDS_H_
#define DENIALSCOPE_ANALYTICS_RECORDS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/time/civil_time.h"

namespace denialscope {

using Cents = int64_t;
using Day = absl::CivilDay;

// CLM05-3: what a submission does to the claim with the same patient control number.
enum class FrequencyCode : int {
  kOriginal = 1,     // first submission
  kReplacement = 7,  // supersedes the earlier version of the claim
  kVoid = 8,         // withdraws the claim: it leaves every measure
};

// An onboarded practice (the tenant), identified by its billing NPI.
struct Practice {
  int64_t practice_id = 0;  // surrogate key, leads every primary key in storage
  std::string npi;          // 10 digits, Luhn-checked
  std::string display_name;
};

// One SV1 service line of an 837P claim.
struct ClaimLine {
  int line_number = 0;               // LX01, 1-based
  std::string line_control_number;   // REF*6R, echoed by the payer in the 835
  std::string procedure_code;        // SV101-2 (CPT/HCPCS)
  std::vector<std::string> modifiers;
  Cents charge_cents = 0;            // SV102
  double units = 0;                  // SV104
  std::vector<int> diagnosis_pointers;  // SV107, 1-based indexes into Claim::diagnoses
  Day service_date;                  // DTP*472 (from-date)
  std::string rendering_npi;         // NM1*82 on the line, when it differs from the claim's
};

// One 837P claim (loop 2300) as the practice submitted it.
struct Claim {
  std::string claim_id;        // CLM01, the patient control number
  FrequencyCode frequency = FrequencyCode::kOriginal;
  std::string payer_id;        // NM1*PR identifier
  std::string payer_name;
  std::string billing_npi;     // NM1*85: must be the practice's NPI
  std::string rendering_npi;   // NM1*82
  std::string patient_key;     // keyed hash (HMAC) of the patient identifier, never the id
  std::string place_of_service;  // CLM05-1
  std::optional<Day> submission_date;  // BHT04
  std::vector<std::string> diagnoses;  // normalized ICD-10-CM without dot; [0] is principal (ABK)
  std::vector<ClaimLine> lines;
  Cents total_charge_cents = 0;  // CLM02

  // Earliest service-line date: the claim's date of service (DESIGN §1).
  Day ServiceDate() const;
};

// X12 claim adjustment group codes (CAS01). CR is the 4010-era correction group.
enum class GroupCode { kCO, kPR, kOA, kPI, kCR };

// One reason/amount/quantity triplet of a CAS segment.
struct Adjustment {
  GroupCode group = GroupCode::kCO;
  std::string carc;  // claim adjustment reason code, e.g. "45", "50", "A2"
  Cents amount_cents = 0;
  double quantity = 0;
};

// One SVC loop (2110) of an adjudication event.
struct RemittanceLine {
  std::string line_control_number;  // REF*6R, joins to ClaimLine
  std::string procedure_code;
  std::vector<std::string> modifiers;
  Cents charge_cents = 0;  // SVC02
  Cents paid_cents = 0;    // SVC03
  double units = 0;        // SVC05
  std::optional<Day> service_date;  // DTM*472
  std::vector<Adjustment> adjustments;
  std::vector<std::string> remark_codes;  // LQ*HE
};

// CLP02 values the analytics distinguish; any other code is kept as its number.
inline constexpr int kClaimStatusProcessedPrimary = 1;
inline constexpr int kClaimStatusDenied = 4;
inline constexpr int kClaimStatusReversal = 22;

// One adjudication event: a CLP loop (2100) of an 835 with its CAS, dates and lines.
struct RemittanceEvent {
  std::string claim_id;  // CLP01 = CLM01
  std::string payer_id;
  std::string payer_name;
  int status_code = 0;                 // CLP02
  Cents charge_cents = 0;              // CLP03
  Cents paid_cents = 0;                // CLP04 (negative on reversals)
  Cents patient_responsibility_cents = 0;  // CLP05
  std::string payer_claim_control_number;  // CLP07
  std::optional<Day> received_date;    // DTM*050
  std::optional<Day> production_date;  // DTM*405
  std::optional<Day> payment_date;     // BPR16
  std::string trace_number;            // TRN02
  std::vector<Adjustment> adjustments;  // claim-level CAS
  std::vector<std::string> remark_codes;  // MOA/MIA remarks
  std::vector<RemittanceLine> lines;

  // The day the payer decided: production date (DTM*405), else payment date.
  std::optional<Day> AdjudicationDate() const;
};

// A claim with every adjudication event that joined to it (possibly none).
struct ClaimHistory {
  Claim claim;  // the current version (after any replacement)
  std::vector<RemittanceEvent> events;
  // Diagnoses of the first version stored, when a replacement changed them; empty otherwise.
  // The cohort follows the coding the payer first adjudicated: an M54.2 claim denied and
  // then recoded to M50.121 is an M54.2 denial that a coder fixed, not a specific-code one.
  std::vector<std::string> first_diagnoses = {};
};

// One reason/amount pair of an 835 PLB segment: money the payer moved at the provider level
// (interest L6, forward balance FB, recoupment WO, ...), not owed to any one claim. Stored
// apart from claims and never spread over them, so claim payments and denial measures do not
// see it. Its natural key within a practice is (payer_id, trace_number, sequence): the same
// remittance imported again names the same pairs.
struct ProviderLevelAdjustment {
  std::string payer_id;
  std::string payer_name;
  std::string trace_number;               // TRN02 of the remittance
  int sequence = 0;                       // 1-based pair number among the set's PLB pairs
  std::string provider_id;                // PLB01 (NPI or tax id, as sent)
  std::optional<Day> fiscal_period_date;  // PLB02
  std::string reason_code;                // PLB03-1, e.g. "WO", "L6", "FB"
  std::string reference;                  // PLB03-2
  Cents amount_cents = 0;                 // PLB04: positive reduces the payment
  std::optional<Day> payment_date;        // BPR16
};

// "CO" -> kCO etc.; nullopt for anything else.
std::optional<GroupCode> ParseGroupCode(std::string_view text);
std::string_view GroupCodeName(GroupCode group);

// Canonical byte strings of a record's content, so every store decides "same content again"
// (a duplicate) the same way and can hash it. Every field takes part except, for a claim, the
// frequency code: an original and a replacement with identical content say the same thing.
// Stable within one build; hash it for storage, do not parse it.
std::string ClaimContentKey(const Claim& claim);
std::string RemittanceContentKey(const RemittanceEvent& event);
std::string ProviderAdjustmentContentKey(const ProviderLevelAdjustment& adjustment);

}  // namespace denialscope

#endif  // DENIALSCOPE_ANALYTICS_RECORDS_H_
