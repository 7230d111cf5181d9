// What a file importer hands to its caller: the domain records (analytics/records.h) plus the
// few facts a file carries that the domain records do not (raw patient identifiers the server
// must hash, the payee NPI of a remittance, provider-level adjustments), each with the
// position it came from. The sink is push-style so an importer never holds a whole file.
#ifndef DENIALSCOPE_INGEST_IMPORT_RECORDS_H_
#define DENIALSCOPE_INGEST_IMPORT_RECORDS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "analytics/records.h"
#include "ingest/problem.h"

namespace denialscope {

// A claim read from a file (837P loop 2300 or CSV rows).
//
// PRIVACY: `claim.patient_key` holds the RAW patient identifier as read (the patient's own
// NM1*QC id when present, else the subscriber's NM1*IL member id; CSV column patient_id).
// The server MUST replace it with the keyed hash (HMAC) before the claim is stored, logged or
// answered. Names, addresses and birth dates are never read into any field.
struct ParsedClaim {
  Claim claim;
  std::string subscriber_id;       // NM1*IL NM109, raw (hash before storing)
  std::string original_reference;  // REF*F8: payer's control number of the claim that a
                                   // replacement (7) or void (8) refers to
  Position position;               // of the CLM segment (CSV: the claim's first row)
};

// Line facts of an 835 SVC loop that RemittanceLine does not carry; parallel to
// RemittanceEvent::lines.
struct RemittanceLineExtras {
  std::string original_procedure_code;  // SVC06-2, when the payer paid a different code
  std::optional<Cents> allowed_cents;   // AMT*B6
};

// An adjudication event read from an 835 (loop 2100 with its 2110 lines).
//
// PRIVACY: `patient_id` and `subscriber_id` are RAW identifiers; the server hashes them.
struct ParsedRemittance {
  RemittanceEvent event;
  std::string payee_npi;      // N1*PE N104 when N103 = XX: the practice
  std::string patient_id;     // NM1*QC NM109, raw
  std::string subscriber_id;  // NM1*IL NM109, raw
  std::optional<Day> statement_from;  // DTM*232
  std::optional<Day> statement_to;    // DTM*233
  std::vector<RemittanceLineExtras> line_extras;  // one per event.lines entry
  Position position;  // of the CLP segment
};

// One adjustment pair of a PLB segment (analytics/records.h says what it is), with the few
// facts the file adds: the payee the remittance names and where the pair was read.
struct ProviderAdjustment {
  ProviderLevelAdjustment adjustment;
  std::string payee_npi;  // N1*PE N104 when N103 = XX: the practice
  Position position;      // of the PLB segment
};

enum class RecordKind { kClaim, kRemittance, kProviderAdjustment };

// A record that was read but not produced, with the problem that rejected it.
struct RejectedRecord {
  RecordKind kind = RecordKind::kClaim;
  std::string claim_id;  // CLM01 / CLP01 / claim_id, when it was read
  Problem problem;
};

// Receives records in file order. An X12 transaction set's records arrive together after its
// SE validated (an envelope error rejects the set atomically); CSV claims arrive as soon as
// their last row has been read.
class RecordSink {
 public:
  virtual ~RecordSink() = default;
  virtual void OnClaim(ParsedClaim claim) = 0;
  virtual void OnRemittance(ParsedRemittance remittance) = 0;
  virtual void OnProviderAdjustment(ProviderAdjustment adjustment) = 0;
  virtual void OnRejected(RejectedRecord rejected) = 0;
};

// Counts of what an importer produced; `*_rejected` records went to OnRejected.
struct RecordCounts {
  int64_t claims = 0;
  int64_t claims_rejected = 0;
  int64_t remittances = 0;
  int64_t remittances_rejected = 0;
  int64_t provider_adjustments = 0;
  int64_t provider_adjustments_rejected = 0;
};

}  // namespace denialscope

#endif  // DENIALSCOPE_INGEST_IMPORT_RECORDS_H_
