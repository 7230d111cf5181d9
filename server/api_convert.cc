// Conversion between denialscope.v1 messages and domain records; see api_convert.h.
#include "server/api_convert.h"


#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "analytics/taxonomy.h"

namespace denialscope {
namespace {

namespace v1 = ::denialscope::v1;

constexpr absl::string_view kPracticePrefix = "practices/";
// Dates outside this window are typos (a two-digit year, a swapped field), not claims.
constexpr int kMinYear = 1990;
constexpr int kMaxYear = 2099;

bool AllDigits(absl::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

// Parses an optional date field: empty stays nullopt, anything else must be a date.
std::optional<Day> OptionalDate(absl::string_view text, const std::string& field,
                                std::vector<FieldError>* errors) {
  if (text.empty()) return std::nullopt;
  absl::StatusOr<Day> day = ParseIsoDate(text, field);
  if (!day.ok()) {
    errors->push_back({field, std::string(day.status().message())});
    return std::nullopt;
  }
  return *day;
}

void AdjustmentsFromProto(const google::protobuf::RepeatedPtrField<v1::AdjustmentRecord>& in,
                          const std::string& prefix, std::vector<Adjustment>* out,
                          std::vector<FieldError>* errors) {
  for (int i = 0; i < in.size(); ++i) {
    const v1::AdjustmentRecord& a = in[i];
    const std::string path = absl::StrCat(prefix, "adjustments[", i, "]");
    std::optional<GroupCode> group = ParseGroupCode(absl::AsciiStrToUpper(a.group_code()));
    if (!group.has_value()) {
      errors->push_back({path + ".group_code",
                         absl::StrCat("group code \"", a.group_code(),
                                      "\" is not one of CO, PR, OA, PI, CR")});
      continue;
    }
    out->push_back(Adjustment{*group, absl::AsciiStrToUpper(a.reason_code()), a.amount_cents(),
                              a.quantity()});
  }
}

std::vector<std::string> Strings(const google::protobuf::RepeatedPtrField<std::string>& in) {
  std::vector<std::string> out;
  out.reserve(in.size());
  for (const std::string& s : in) out.push_back(absl::AsciiStrToUpper(s));
  return out;
}

void SetRate(const Ratio& ratio, v1::Rate* out) {
  out->set_numerator(ratio.numerator);
  out->set_denominator(ratio.denominator);
  if (std::optional<double> value = ratio.Value(); value.has_value()) out->set_value(*value);
}


}  // namespace

absl::StatusOr<Day> ParseIsoDate(absl::string_view text, absl::string_view field) {
  auto invalid = [&](absl::string_view why) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": \"", text, "\" ", why));
  };
  if (text.size() != 10 || text[4] != '-' || text[7] != '-' ||
      !AllDigits(text.substr(0, 4)) || !AllDigits(text.substr(5, 2)) ||
      !AllDigits(text.substr(8, 2))) {
    return invalid("is not a date in the form YYYY-MM-DD");
  }
  int year = 0, month = 0, day = 0;
  (void)absl::SimpleAtoi(text.substr(0, 4), &year);
  (void)absl::SimpleAtoi(text.substr(5, 2), &month);
  (void)absl::SimpleAtoi(text.substr(8, 2), &day);
  if (year < kMinYear || year > kMaxYear) {
    return invalid(absl::StrFormat("has a year outside %d-%d", kMinYear, kMaxYear));
  }
  const Day parsed(year, month, day);
  // CivilDay normalizes 2026-02-30 to 2026-03-02; a changed field means no such day.
  if (parsed.year() != year || parsed.month() != month || parsed.day() != day) {
    return invalid("is not a calendar date");
  }
  return parsed;
}

absl::StatusOr<absl::CivilMonth> ParseIsoMonth(absl::string_view text, absl::string_view field) {
  if (text.size() != 7 || text[4] != '-' || !AllDigits(text.substr(0, 4)) ||
      !AllDigits(text.substr(5, 2))) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": \"", text, "\" is not a month in the form YYYY-MM"));
  }
  int year = 0, month = 0;
  (void)absl::SimpleAtoi(text.substr(0, 4), &year);
  (void)absl::SimpleAtoi(text.substr(5, 2), &month);
  if (month < 1 || month > 12 || year < kMinYear || year > kMaxYear) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": \"", text, "\" is not a valid month"));
  }
  return absl::CivilMonth(year, month);
}

google::protobuf::Timestamp ToTimestamp(absl::Time time) {
  google::protobuf::Timestamp out;
  const int64_t nanos = absl::ToUnixNanos(time);
  out.set_seconds(nanos / 1000000000);
  out.set_nanos(static_cast<int32_t>(nanos % 1000000000));
  if (out.nanos() < 0) {
    out.set_seconds(out.seconds() - 1);
    out.set_nanos(out.nanos() + 1000000000);
  }
  return out;
}

absl::Time FromTimestamp(const google::protobuf::Timestamp& time) {
  return absl::FromUnixSeconds(time.seconds()) + absl::Nanoseconds(time.nanos());
}

std::string FormatIsoDate(Day day) {
  return absl::StrFormat("%04d-%02d-%02d", day.year(), day.month(), day.day());
}

std::string FormatIsoMonth(absl::CivilMonth month) {
  return absl::StrFormat("%04d-%02d", month.year(), month.month());
}

absl::StatusOr<std::string> ParsePracticeName(absl::string_view name, absl::string_view field) {
  if (!absl::StartsWith(name, kPracticePrefix)) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": \"", name, "\" is not a practice name of the form practices/{npi}"));
  }
  absl::string_view npi = name.substr(kPracticePrefix.size());
  if (npi.size() != 10 || !AllDigits(npi)) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": \"", name, "\" does not end in a 10-digit NPI"));
  }
  return std::string(npi);
}

std::string PracticeName(absl::string_view npi) { return absl::StrCat(kPracticePrefix, npi); }

v1::Practice PracticeToProto(const Practice& practice) {
  v1::Practice out;
  out.set_name(PracticeName(practice.npi));
  out.set_npi(practice.npi);
  out.set_display_name(practice.display_name);
  return out;
}

std::optional<Claim> ClaimFromProto(const v1::ClaimRecord& record,
                                    const std::string& practice_npi,
                                    const PatientKeyHasher& hasher,
                                    std::vector<FieldError>* errors) {
  const size_t errors_before = errors->size();
  Claim claim;
  claim.claim_id = std::string(absl::StripAsciiWhitespace(record.claim_id()));
  switch (record.frequency_code()) {
    case 0:
    case 1:
      claim.frequency = FrequencyCode::kOriginal;
      break;
    case 7:
      claim.frequency = FrequencyCode::kReplacement;
      break;
    case 8:
      claim.frequency = FrequencyCode::kVoid;
      break;
    default:
      errors->push_back({"frequency_code",
                         absl::StrCat("frequency code ", record.frequency_code(),
                                      " is not 1 (original), 7 (replacement) or 8 (void)")});
  }
  claim.payer_id = std::string(absl::StripAsciiWhitespace(record.payer_id()));
  claim.payer_name = record.payer_name();
  claim.billing_npi = record.billing_npi();
  claim.rendering_npi = record.rendering_npi();
  // The identifier itself goes no further than this line.
  claim.patient_key = hasher.Hash(record.patient_id());
  claim.place_of_service = record.place_of_service();
  claim.submission_date = OptionalDate(record.submission_date(), "submission_date", errors);
  for (int i = 0; i < record.diagnoses_size(); ++i) {
    absl::StatusOr<std::string> code = NormalizeIcd10(record.diagnoses(i));
    if (!code.ok()) {
      errors->push_back({absl::StrCat("diagnoses[", i, "]"), std::string(code.status().message())});
      continue;
    }
    claim.diagnoses.push_back(*std::move(code));
  }
  for (int i = 0; i < record.lines_size(); ++i) {
    const v1::ClaimLineRecord& in = record.lines(i);
    const std::string prefix = absl::StrCat("lines[", i, "].");
    ClaimLine line;
    line.line_number = in.line_number();
    line.line_control_number = in.line_control_number();
    line.procedure_code = absl::AsciiStrToUpper(absl::StripAsciiWhitespace(in.procedure_code()));
    line.modifiers = Strings(in.modifiers());
    line.charge_cents = in.charge_cents();
    line.units = in.units();
    line.diagnosis_pointers.assign(in.diagnosis_pointers().begin(),
                                   in.diagnosis_pointers().end());
    if (in.service_date().empty()) {
      errors->push_back({prefix + "service_date", "service date is required"});
    } else if (std::optional<Day> day =
                   OptionalDate(in.service_date(), prefix + "service_date", errors)) {
      line.service_date = *day;
    }
    line.rendering_npi = in.rendering_npi();
    claim.lines.push_back(std::move(line));
  }
  claim.total_charge_cents = record.total_charge_cents();
  if (claim.total_charge_cents == 0) {
    for (const ClaimLine& line : claim.lines) claim.total_charge_cents += line.charge_cents;
  }
  if (errors->size() != errors_before) return std::nullopt;
  std::vector<FieldError> semantic = ValidateClaim(claim, practice_npi);
  if (!semantic.empty()) {
    errors->insert(errors->end(), semantic.begin(), semantic.end());
    return std::nullopt;
  }
  return claim;
}

std::optional<RemittanceEvent> RemittanceFromProto(const v1::RemittanceRecord& record,
                                                   const std::string& practice_npi,
                                                   std::vector<FieldError>* errors) {
  const size_t errors_before = errors->size();
  if (!record.payee_npi().empty() && record.payee_npi() != practice_npi) {
    errors->push_back({"payee_npi", absl::StrCat("payee NPI ", record.payee_npi(),
                                                 " is not this practice's NPI ", practice_npi)});
  }
  RemittanceEvent event;
  event.claim_id = std::string(absl::StripAsciiWhitespace(record.claim_id()));
  event.payer_id = std::string(absl::StripAsciiWhitespace(record.payer_id()));
  event.payer_name = record.payer_name();
  event.status_code = record.status_code();
  event.charge_cents = record.charge_cents();
  event.paid_cents = record.paid_cents();
  event.patient_responsibility_cents = record.patient_responsibility_cents();
  event.payer_claim_control_number = record.payer_claim_control_number();
  event.received_date = OptionalDate(record.received_date(), "received_date", errors);
  event.production_date = OptionalDate(record.production_date(), "production_date", errors);
  event.payment_date = OptionalDate(record.payment_date(), "payment_date", errors);
  event.trace_number = record.trace_number();
  AdjustmentsFromProto(record.adjustments(), "", &event.adjustments, errors);
  event.remark_codes = Strings(record.remark_codes());
  for (int i = 0; i < record.lines_size(); ++i) {
    const v1::RemittanceLineRecord& in = record.lines(i);
    const std::string prefix = absl::StrCat("lines[", i, "].");
    RemittanceLine line;
    line.line_control_number = in.line_control_number();
    line.procedure_code = absl::AsciiStrToUpper(absl::StripAsciiWhitespace(in.procedure_code()));
    line.modifiers = Strings(in.modifiers());
    line.charge_cents = in.charge_cents();
    line.paid_cents = in.paid_cents();
    line.units = in.units();
    line.service_date = OptionalDate(in.service_date(), prefix + "service_date", errors);
    AdjustmentsFromProto(in.adjustments(), prefix, &line.adjustments, errors);
    line.remark_codes = Strings(in.remark_codes());
    event.lines.push_back(std::move(line));
  }
  if (errors->size() != errors_before) return std::nullopt;
  std::vector<FieldError> semantic = ValidateRemittance(event);
  if (!semantic.empty()) {
    errors->insert(errors->end(), semantic.begin(), semantic.end());
    return std::nullopt;
  }
  return event;
}

v1::CohortGroup CohortGroupToProto(SummaryGroup group) {
  switch (group) {
    case SummaryGroup::kNonspecific:
      return v1::COHORT_GROUP_NONSPECIFIC;
    case SummaryGroup::kSpecific:
      return v1::COHORT_GROUP_SPECIFIC;
    case SummaryGroup::kFamily:
      return v1::COHORT_GROUP_SPECIFIC_FAMILY;
    case SummaryGroup::kNonCervical:
      return v1::COHORT_GROUP_NON_CERVICAL;
  }
  return v1::COHORT_GROUP_UNSPECIFIED;
}

CohortRule CohortRuleFromProto(v1::CohortRule rule) {
  return rule == v1::COHORT_RULE_ANY_POINTED ? CohortRule::kAnyPointed : CohortRule::kPrincipal;
}

void SummaryToProto(const DenialSummary& summary, v1::DenialSummary* out) {
  out->set_as_of_date(FormatIsoDate(summary.as_of));
  for (const CohortSummary& c : summary.cohorts) {
    v1::CohortSummary* row = out->add_cohorts();
    row->set_group(CohortGroupToProto(c.group));
    row->set_family(c.family);
    row->set_display_name(c.display_name);
    row->set_claim_count(c.claim_count);
    row->set_adjudicated_count(c.adjudicated_count);
    row->set_charge_cents(c.charge_cents);
    row->set_adjudicated_charge_cents(c.adjudicated_charge_cents);
    SetRate(c.initial_denial_by_count, row->mutable_initial_denial_rate());
    SetRate(c.initial_denial_by_dollars, row->mutable_initial_denial_rate_dollars());
    SetRate(c.final_denial_by_count, row->mutable_final_denial_rate());
    SetRate(c.final_denial_by_dollars, row->mutable_final_denial_rate_dollars());
    row->set_paid_count(c.paid_count);
    row->set_censored_count(c.censored_count);
    if (c.median_days_to_payment.has_value()) {
      row->set_median_days_to_payment(*c.median_days_to_payment);
    }
  }
}

}  // namespace denialscope
