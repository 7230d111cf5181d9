// Semantic validation of domain records, shared by every importer (gRPC records, JSONL,
// CSV, X12). Each problem names the field by its path in the record ("lines[1].charge_cents")
// so the caller can report record, position and field together.
#ifndef DENIALSCOPE_INGEST_VALIDATE_H_
#define DENIALSCOPE_INGEST_VALIDATE_H_

#include <string>
#include <vector>

#include "analytics/records.h"

namespace denialscope {

struct FieldError {
  std::string field;   // path inside the record, in the ingest records' field names
  std::string reason;  // a sentence
};

// Limits a record must respect (X12 5010 limits where they exist).
inline constexpr int kMaxDiagnoses = 12;
inline constexpr int kMaxLines = 50;
inline constexpr int kMaxModifiers = 4;
inline constexpr int kMaxDiagnosisPointers = 4;

// Checks a claim against the practice it is ingested into. Empty when valid. Checks:
// claim_id and payer_id present, billing_npi (when set) equals `practice_npi`, at least one
// and at most twelve diagnoses each syntactically valid and normalized, 1..50 lines with
// unique positive line numbers, procedure codes present, charges >= 0, units >= 0, pointers in
// range, total charge equal to the sum of the lines when given.
std::vector<FieldError> ValidateClaim(const Claim& claim, const std::string& practice_npi);

// Checks an adjudication event: claim_id and payer_id present, a status code, at least one of
// production and payment date, adjustments with a reason code, non-negative charges (except
// on reversals), lines with a procedure code.
std::vector<FieldError> ValidateRemittance(const RemittanceEvent& event);

// Checks a provider-level adjustment (PLB pair): payer_id and trace_number (its storage key,
// TRN02) present, provider_id and reason_code present, sequence positive.
std::vector<FieldError> ValidateProviderAdjustment(const ProviderLevelAdjustment& adjustment);

}  // namespace denialscope

#endif  // DENIALSCOPE_INGEST_VALIDATE_H_
