// Small behaviours of the domain records: the claim's date of service, the event's
// adjudication date, group-code names, and canonical content keys for duplicate detection.
#include "analytics/records.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace denialscope {
namespace {

// Writes fields with length prefixes and separators so that no two different records can
// produce the same bytes (e.g. {"ab","c"} vs {"a","bc"}).
class KeyWriter {
 public:
  void Str(std::string_view value) {
    absl::StrAppend(&out_, value.size(), ":");
    out_.append(value);
    out_.push_back(';');
  }
  void Int(int64_t value) { absl::StrAppend(&out_, value, ";"); }
  void Real(double value) {
    // Bit-exact: 0.1 + 0.2 and 0.3 are different content.
    uint64_t bits = 0;
    std::memcpy(&bits, &value, sizeof bits);
    absl::StrAppend(&out_, bits, ";");
  }
  void Date(const Day& day) { absl::StrAppend(&out_, absl::FormatCivilTime(day), ";"); }
  void Date(const std::optional<Day>& day) {
    if (day.has_value()) {
      Date(*day);
    } else {
      out_.append("-;");
    }
  }
  void Strs(const std::vector<std::string>& values) {
    Int(static_cast<int64_t>(values.size()));
    for (const std::string& value : values) Str(value);
  }
  void Adjustments(const std::vector<Adjustment>& adjustments) {
    Int(static_cast<int64_t>(adjustments.size()));
    for (const Adjustment& adjustment : adjustments) {
      Str(GroupCodeName(adjustment.group));
      Str(adjustment.carc);
      Int(adjustment.amount_cents);
      Real(adjustment.quantity);
    }
  }
  std::string Take() { return std::move(out_); }

 private:
  std::string out_;
};

}  // namespace

Day Claim::ServiceDate() const {
  if (lines.empty()) return Day();  // validation requires a line; never a real date
  Day earliest = lines.front().service_date;
  for (const ClaimLine& line : lines) earliest = std::min(earliest, line.service_date);
  return earliest;
}

std::optional<Day> RemittanceEvent::AdjudicationDate() const {
  if (production_date.has_value()) return production_date;
  return payment_date;
}

std::optional<GroupCode> ParseGroupCode(std::string_view text) {
  std::string upper(text);
  absl::StripAsciiWhitespace(&upper);
  absl::AsciiStrToUpper(&upper);
  if (upper == "CO") return GroupCode::kCO;
  if (upper == "PR") return GroupCode::kPR;
  if (upper == "OA") return GroupCode::kOA;
  if (upper == "PI") return GroupCode::kPI;
  if (upper == "CR") return GroupCode::kCR;
  return std::nullopt;
}

std::string_view GroupCodeName(GroupCode group) {
  switch (group) {
    case GroupCode::kCO:
      return "CO";
    case GroupCode::kPR:
      return "PR";
    case GroupCode::kOA:
      return "OA";
    case GroupCode::kPI:
      return "PI";
    case GroupCode::kCR:
      return "CR";
  }
  return "??";
}

std::string ClaimContentKey(const Claim& claim) {
  KeyWriter w;
  w.Str("claim.v1");
  w.Str(claim.claim_id);
  w.Str(claim.payer_id);
  w.Str(claim.payer_name);
  w.Str(claim.billing_npi);
  w.Str(claim.rendering_npi);
  w.Str(claim.patient_key);
  w.Str(claim.place_of_service);
  w.Date(claim.submission_date);
  w.Strs(claim.diagnoses);
  w.Int(claim.total_charge_cents);
  w.Int(static_cast<int64_t>(claim.lines.size()));
  for (const ClaimLine& line : claim.lines) {
    w.Int(line.line_number);
    w.Str(line.line_control_number);
    w.Str(line.procedure_code);
    w.Strs(line.modifiers);
    w.Int(line.charge_cents);
    w.Real(line.units);
    w.Int(static_cast<int64_t>(line.diagnosis_pointers.size()));
    for (int pointer : line.diagnosis_pointers) w.Int(pointer);
    w.Date(line.service_date);
    w.Str(line.rendering_npi);
  }
  return w.Take();
}

std::string RemittanceContentKey(const RemittanceEvent& event) {
  KeyWriter w;
  w.Str("remittance.v1");
  w.Str(event.claim_id);
  w.Str(event.payer_id);
  w.Str(event.payer_name);
  w.Int(event.status_code);
  w.Int(event.charge_cents);
  w.Int(event.paid_cents);
  w.Int(event.patient_responsibility_cents);
  w.Str(event.payer_claim_control_number);
  w.Date(event.received_date);
  w.Date(event.production_date);
  w.Date(event.payment_date);
  w.Str(event.trace_number);
  w.Adjustments(event.adjustments);
  w.Strs(event.remark_codes);
  w.Int(static_cast<int64_t>(event.lines.size()));
  for (const RemittanceLine& line : event.lines) {
    w.Str(line.line_control_number);
    w.Str(line.procedure_code);
    w.Strs(line.modifiers);
    w.Int(line.charge_cents);
    w.Int(line.paid_cents);
    w.Real(line.units);
    w.Date(line.service_date);
    w.Adjustments(line.adjustments);
    w.Strs(line.remark_codes);
  }
  return w.Take();
}

std::string ProviderAdjustmentContentKey(const ProviderLevelAdjustment& adjustment) {
  KeyWriter w;
  w.Str("provider_adjustment.v1");
  w.Str(adjustment.payer_id);
  w.Str(adjustment.payer_name);
  w.Str(adjustment.trace_number);
  w.Int(adjustment.sequence);
  w.Str(adjustment.provider_id);
  w.Date(adjustment.fiscal_period_date);
  w.Str(adjustment.reason_code);
  w.Str(adjustment.reference);
  w.Int(adjustment.amount_cents);
  w.Date(adjustment.payment_date);
  return w.Take();
}

}  // namespace denialscope
