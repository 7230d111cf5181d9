// Translation between the public API messages (denialscope.v1) and the domain types. Parsing
// problems (a date that is not a date, a code that cannot be ICD-10-CM) are reported per field
// with the same paths the API documents, so a client can point at the offending value.
#ifndef DENIALSCOPE_SERVER_API_CONVERT_H_
#define DENIALSCOPE_SERVER_API_CONVERT_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "analytics/records.h"
#include "analytics/summary.h"
#include "denialscope/v1/admin_service.pb.h"
#include "google/protobuf/timestamp.pb.h"
#include "denialscope/v1/analytics_service.pb.h"
#include "denialscope/v1/records.pb.h"
#include "ingest/validate.h"
#include "server/patient_key.h"

namespace denialscope {

// "2026-03-10" -> the day. INVALID_ARGUMENT naming `field` for anything else, including
// impossible dates such as 2026-02-30.
absl::StatusOr<Day> ParseIsoDate(absl::string_view text, absl::string_view field);
// "2026-03" -> the month. INVALID_ARGUMENT naming `field` otherwise.
absl::StatusOr<absl::CivilMonth> ParseIsoMonth(absl::string_view text, absl::string_view field);
std::string FormatIsoDate(Day day);
// google.protobuf.Timestamp <-> absl::Time (nanosecond precision; nanos always in [0, 1e9)).
google::protobuf::Timestamp ToTimestamp(absl::Time time);
absl::Time FromTimestamp(const google::protobuf::Timestamp& time);
std::string FormatIsoMonth(absl::CivilMonth month);

// "practices/1234567893" -> "1234567893". INVALID_ARGUMENT naming `field` otherwise.
absl::StatusOr<std::string> ParsePracticeName(absl::string_view name, absl::string_view field);
std::string PracticeName(absl::string_view npi);
denialscope::v1::Practice PracticeToProto(const Practice& practice);

// Converts and validates one record. Returns nullopt and appends to `errors` when the record
// cannot be stored; the patient identifier is replaced by its keyed hash.
std::optional<Claim> ClaimFromProto(const denialscope::v1::ClaimRecord& record,
                                    const std::string& practice_npi,
                                    const PatientKeyHasher& hasher,
                                    std::vector<FieldError>* errors);
std::optional<RemittanceEvent> RemittanceFromProto(
    const denialscope::v1::RemittanceRecord& record, const std::string& practice_npi,
    std::vector<FieldError>* errors);

CohortRule CohortRuleFromProto(denialscope::v1::CohortRule rule);
denialscope::v1::CohortGroup CohortGroupToProto(SummaryGroup group);
void SummaryToProto(const DenialSummary& summary, denialscope::v1::DenialSummary* out);

}  // namespace denialscope

#endif  // DENIALSCOPE_SERVER_API_CONVERT_H_
