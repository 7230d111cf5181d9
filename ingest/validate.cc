// Semantic validation shared by every importer. Errors are collected, not stopped at, so a
// practice fixes every problem of a record in one round trip.
#include "ingest/validate.h"

#include <cmath>
#include <cstddef>
#include <set>
#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "analytics/npi.h"
#include "analytics/taxonomy.h"

namespace denialscope {
namespace {

// X12 5010 element lengths: CLM01 is AN 1..38, NM109 (payer id) AN 2..80.
constexpr size_t kMaxClaimIdLength = 38;
constexpr size_t kMaxPayerIdLength = 80;
constexpr size_t kModifierLength = 2;

class Errors {
 public:
  void Add(std::string field, std::string reason) {
    errors_.push_back({std::move(field), std::move(reason)});
  }
  std::vector<FieldError> Take() { return std::move(errors_); }

 private:
  std::vector<FieldError> errors_;
};

std::string Indexed(absl::string_view prefix, size_t index, absl::string_view field = "") {
  return field.empty() ? absl::StrCat(prefix, "[", index, "]")
                       : absl::StrCat(prefix, "[", index, "].", field);
}

void CheckRequiredId(std::string_view field, const std::string& value, size_t max_length,
                     Errors& errors) {
  if (value.empty()) {
    errors.Add(std::string(field), "is required");
  } else if (value.size() > max_length) {
    errors.Add(std::string(field),
               absl::StrCat("has ", value.size(), " characters; at most ", max_length,
                            " are allowed"));
  }
}

void CheckOptionalNpi(const std::string& field, const std::string& npi, Errors& errors) {
  if (npi.empty()) return;
  if (absl::Status status = ValidateNpi(npi); !status.ok()) {
    errors.Add(field, std::string(status.message()));
  }
}

void CheckAdjustments(const std::string& prefix, const std::vector<Adjustment>& adjustments,
                      Errors& errors) {
  for (size_t i = 0; i < adjustments.size(); ++i) {
    if (adjustments[i].carc.empty()) {
      errors.Add(Indexed(prefix, i, "reason_code"), "is required");
    }
  }
}

}  // namespace

std::vector<FieldError> ValidateClaim(const Claim& claim, const std::string& practice_npi) {
  Errors errors;
  CheckRequiredId("claim_id", claim.claim_id, kMaxClaimIdLength, errors);
  CheckRequiredId("payer_id", claim.payer_id, kMaxPayerIdLength, errors);
  const int frequency = static_cast<int>(claim.frequency);
  if (frequency != 1 && frequency != 7 && frequency != 8) {
    errors.Add("frequency_code",
               absl::StrCat("is ", frequency, "; it must be 1 (original), 7 (replacement) or "
                            "8 (void)"));
  }
  if (!claim.billing_npi.empty() && claim.billing_npi != practice_npi) {
    errors.Add("billing_npi", absl::StrCat("is ", claim.billing_npi, " but the claim is sent "
                                           "to practice ", practice_npi));
  }
  CheckOptionalNpi("rendering_npi", claim.rendering_npi, errors);

  if (claim.diagnoses.empty()) {
    errors.Add("diagnoses", "at least one diagnosis (the principal) is required");
  } else if (claim.diagnoses.size() > static_cast<size_t>(kMaxDiagnoses)) {
    errors.Add("diagnoses", absl::StrCat("has ", claim.diagnoses.size(), " codes; at most ",
                                         kMaxDiagnoses, " are allowed"));
  }
  for (size_t i = 0; i < claim.diagnoses.size(); ++i) {
    absl::StatusOr<std::string> code = NormalizeIcd10(claim.diagnoses[i]);
    if (!code.ok()) {
      errors.Add(Indexed("diagnoses", i), std::string(code.status().message()));
    } else if (*code != claim.diagnoses[i]) {
      // Importers normalize; a record that is not normalized means an importer bug.
      errors.Add(Indexed("diagnoses", i),
                 absl::StrCat("\"", claim.diagnoses[i], "\" is not normalized (expected \"",
                              *code, "\")"));
    }
  }

  if (claim.lines.empty()) {
    errors.Add("lines", "at least one service line is required");
  } else if (claim.lines.size() > static_cast<size_t>(kMaxLines)) {
    errors.Add("lines", absl::StrCat("has ", claim.lines.size(), " lines; at most ", kMaxLines,
                                     " are allowed"));
  }
  std::set<int> line_numbers;
  Cents line_total = 0;
  for (size_t i = 0; i < claim.lines.size(); ++i) {
    const ClaimLine& line = claim.lines[i];
    if (line.line_number <= 0) {
      errors.Add(Indexed("lines", i, "line_number"),
                 absl::StrCat("is ", line.line_number, "; it must be positive"));
    } else if (!line_numbers.insert(line.line_number).second) {
      errors.Add(Indexed("lines", i, "line_number"),
                 absl::StrCat("line number ", line.line_number, " is used twice"));
    }
    if (line.procedure_code.empty()) {
      errors.Add(Indexed("lines", i, "procedure_code"), "is required");
    }
    if (line.modifiers.size() > static_cast<size_t>(kMaxModifiers)) {
      errors.Add(Indexed("lines", i, "modifiers"),
                 absl::StrCat("has ", line.modifiers.size(), " modifiers; at most ",
                              kMaxModifiers, " are allowed"));
    }
    for (size_t j = 0; j < line.modifiers.size(); ++j) {
      if (line.modifiers[j].size() != kModifierLength) {
        errors.Add(absl::StrCat(Indexed("lines", i), ".", Indexed("modifiers", j)),
                   absl::StrCat("\"", line.modifiers[j], "\" is not a two-character modifier"));
      }
    }
    if (line.charge_cents < 0) {
      errors.Add(Indexed("lines", i, "charge_cents"),
                 absl::StrCat("is ", line.charge_cents, "; a charge cannot be negative"));
    } else {
      line_total += line.charge_cents;
    }
    if (!std::isfinite(line.units) || line.units < 0) {
      errors.Add(Indexed("lines", i, "units"),
                 absl::StrCat("is ", line.units, "; units must be a number >= 0"));
    }
    if (line.diagnosis_pointers.size() > static_cast<size_t>(kMaxDiagnosisPointers)) {
      errors.Add(Indexed("lines", i, "diagnosis_pointers"),
                 absl::StrCat("has ", line.diagnosis_pointers.size(), " pointers; at most ",
                              kMaxDiagnosisPointers, " are allowed"));
    }
    for (size_t j = 0; j < line.diagnosis_pointers.size(); ++j) {
      const int pointer = line.diagnosis_pointers[j];
      if (pointer < 1 || static_cast<size_t>(pointer) > claim.diagnoses.size()) {
        errors.Add(absl::StrCat(Indexed("lines", i), ".", Indexed("diagnosis_pointers", j)),
                   absl::StrCat("is ", pointer, " but the claim has ", claim.diagnoses.size(),
                                " diagnoses"));
      }
    }
    if (claim.submission_date.has_value() && line.service_date > *claim.submission_date) {
      errors.Add(Indexed("lines", i, "service_date"),
                 absl::StrCat("is ", absl::FormatCivilTime(line.service_date),
                              ", after the submission date ",
                              absl::FormatCivilTime(*claim.submission_date)));
    }
    CheckOptionalNpi(Indexed("lines", i, "rendering_npi"), line.rendering_npi, errors);
  }
  // 0 means "the sum of the lines" (records.proto); anything else must add up.
  if (claim.total_charge_cents != 0 && claim.total_charge_cents != line_total) {
    errors.Add("total_charge_cents",
               absl::StrCat("is ", claim.total_charge_cents, " but the lines add up to ",
                            line_total));
  }
  return errors.Take();
}

std::vector<FieldError> ValidateRemittance(const RemittanceEvent& event) {
  Errors errors;
  CheckRequiredId("claim_id", event.claim_id, kMaxClaimIdLength, errors);
  CheckRequiredId("payer_id", event.payer_id, kMaxPayerIdLength, errors);
  if (event.status_code <= 0) {
    errors.Add("status_code", "is required (CLP02, e.g. 1 processed, 4 denied, 22 reversal)");
  }
  if (!event.production_date.has_value() && !event.payment_date.has_value()) {
    errors.Add("production_date", "at least one of production_date and payment_date is "
                                  "required");
  }
  // Reversals negate every amount, charges included.
  const bool reversal = event.status_code == kClaimStatusReversal;
  if (!reversal && event.charge_cents < 0) {
    errors.Add("charge_cents", absl::StrCat("is ", event.charge_cents,
                                            "; only a reversal (status 22) may be negative"));
  }
  CheckAdjustments("adjustments", event.adjustments, errors);
  for (size_t i = 0; i < event.lines.size(); ++i) {
    const RemittanceLine& line = event.lines[i];
    if (line.procedure_code.empty()) {
      errors.Add(Indexed("lines", i, "procedure_code"), "is required");
    }
    if (!reversal && line.charge_cents < 0) {
      errors.Add(Indexed("lines", i, "charge_cents"),
                 absl::StrCat("is ", line.charge_cents,
                              "; only a reversal (status 22) may be negative"));
    }
    CheckAdjustments(Indexed("lines", i, "adjustments"), line.adjustments, errors);
  }
  return errors.Take();
}

std::vector<FieldError> ValidateProviderAdjustment(const ProviderLevelAdjustment& adjustment) {
  Errors errors;
  CheckRequiredId("payer_id", adjustment.payer_id, kMaxPayerIdLength, errors);
  if (adjustment.trace_number.empty()) {
    errors.Add("trace_number", "is required (TRN02): it keys a PLB adjustment in storage");
  }
  if (adjustment.provider_id.empty()) errors.Add("provider_id", "is required (PLB01)");
  if (adjustment.reason_code.empty()) errors.Add("reason_code", "is required (PLB03-1)");
  if (adjustment.sequence <= 0) {
    errors.Add("sequence", absl::StrCat("is ", adjustment.sequence, "; must be at least 1"));
  }
  return errors.Take();
}

}  // namespace denialscope
