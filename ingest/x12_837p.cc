// 837P segment handling. Loops are tracked by what came last (HL level, CLM, LX) rather than
// by a full grammar: enough to place every segment the analytics need, tolerant of the
// segments they do not.
#include "ingest/x12_837p.h"

#include <string_view>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "analytics/taxonomy.h"
#include "ingest/values.h"
#include "ingest/x12_segment_util.h"

namespace denialscope {

using x12::Component;
using x12::Element;
using x12::ElementName;
using x12::Shorten;
using x12::Tag;

namespace {

constexpr int kMaxHiElements = 12;
constexpr size_t kMaxIcd10Text = 8;
constexpr int kMaxModifierComponents = 4;
constexpr int kMaxPointerComponents = 4;
constexpr int64_t kMaxPointer = 12;

// "20260301-20260305" -> the from date; INVALID_ARGUMENT names what is wrong.
absl::StatusOr<Day> ParseRangeFrom(absl::string_view text) {
  const size_t dash = text.find('-');
  if (dash == absl::string_view::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat("'", Shorten(text), "' is not a date range (CCYYMMDD-CCYYMMDD)"));
  }
  absl::StatusOr<Day> from = ParseDate8(text.substr(0, dash));
  if (!from.ok()) return from.status();
  absl::StatusOr<Day> to = ParseDate8(text.substr(dash + 1));
  if (!to.ok()) return to.status();
  if (*to < *from) {
    return absl::InvalidArgumentError(
        absl::StrCat("'", Shorten(text), "' ends before it starts"));
  }
  return from;
}

}  // namespace

X12ClaimParser::X12ClaimParser(RecordSink* sink, ProblemLog* problems, RecordCounts* counts,
                               size_t max_records_per_set)
    : problems_(problems), buffer_(sink, problems, counts, max_records_per_set) {}

void X12ClaimParser::BeginTransactionSet(const X12TransactionSet& set) {
  buffer_.Begin();
  submission_date_.reset();
  set_error_.reset();
  level_ = Level::kNone;
  hl_error_.reset();
  billing_hl_.clear();
  billing_npi_.clear();
  billing_error_.reset();
  subscriber_hl_.clear();
  subscriber_id_.clear();
  payer_id_.clear();
  payer_name_.clear();
  patient_id_.clear();
  in_claim_ = false;
  in_line_ = false;
  if (absl::StrContains(set.version, "X223") || absl::StrContains(set.version, "X224")) {
    Problem problem = x12::VersionProblem(
        set, Severity::kError, "ST03",
        absl::StrCat("837 version ", Shorten(set.version),
                     " is institutional or dental; only 837P (005010X222A1) is accepted"));
    problems_->Add(problem);
    set_error_ = std::move(problem);
  } else if (!absl::StrContains(set.version, "X222")) {
    problems_->Add(x12::VersionProblem(set, Severity::kWarning, "ST03",
                                       absl::StrCat("837 version '", Shorten(set.version),
                                                    "' is not 005010X222A1; it is read as 837P")));
  }
}

void X12ClaimParser::OnSegment(const X12Segment& segment) {
  switch (x12::TagOf(segment.id())) {
    case Tag("BHT"):
      return OnBht(segment);
    case Tag("HL"):
      return OnHl(segment);
    case Tag("NM1"):
      return OnNm1(segment);
    case Tag("CLM"):
      return OnClm(segment);
    case Tag("REF"):
      return OnRef(segment);
    case Tag("HI"):
      return OnHi(segment);
    case Tag("LX"):
      return OnLx(segment);
    case Tag("SV1"):
      return OnSv1(segment);
    case Tag("DTP"):
      return OnDtp(segment);
    default:
      return;  // N3, N4, DMG, PER, SBR, PAT, PRV, ... carry nothing the analytics use
  }
}

void X12ClaimParser::EndTransactionSet(const Problem* rejection) {
  FinishClaim();
  buffer_.Commit(rejection);
}

void X12ClaimParser::OnBht(const X12Segment& segment) {
  const absl::string_view text = Element(segment, 4);
  absl::StatusOr<Day> date = ParseDate8(text);
  if (date.ok()) {
    submission_date_ = *date;
    return;
  }
  set_error_ = Report(segment, Severity::kError, "BHT04",
                      absl::StrCat("creation date ", date.status().message(),
                                   "; every claim of the transaction set is rejected"));
}

void X12ClaimParser::OnHl(const X12Segment& segment) {
  FinishClaim();
  hl_error_.reset();
  const absl::string_view id = Element(segment, 1);
  const absl::string_view parent = Element(segment, 2);
  const absl::string_view level = Element(segment, 3);
  if (level == "20") {
    level_ = Level::kBillingProvider;
    billing_hl_ = std::string(id);
    billing_npi_.clear();
    billing_error_.reset();
    subscriber_hl_.clear();
    subscriber_id_.clear();
    payer_id_.clear();
    payer_name_.clear();
    patient_id_.clear();
  } else if (level == "22") {
    if (level_ == Level::kNone) {
      hl_error_ = Report(segment, Severity::kError, "HL02",
                         "subscriber HL (22) before any billing provider HL (20)");
    } else if (parent != billing_hl_) {
      Report(segment, Severity::kWarning, "HL02",
             absl::StrCat("parent '", Shorten(parent), "' is not the billing provider HL '",
                          Shorten(billing_hl_), "'; the segment order is used"));
    }
    level_ = Level::kSubscriber;
    subscriber_hl_ = std::string(id);
    subscriber_id_.clear();
    payer_id_.clear();
    payer_name_.clear();
    patient_id_.clear();
  } else if (level == "23") {
    if (level_ != Level::kSubscriber && level_ != Level::kPatient) {
      hl_error_ =
          Report(segment, Severity::kError, "HL02", "patient HL (23) without a subscriber HL (22)");
    } else if (parent != subscriber_hl_) {
      Report(segment, Severity::kWarning, "HL02",
             absl::StrCat("parent '", Shorten(parent), "' is not the subscriber HL '",
                          Shorten(subscriber_hl_), "'; the segment order is used"));
    }
    level_ = Level::kPatient;
    patient_id_.clear();
  } else {
    hl_error_ = Report(segment, Severity::kError, "HL03",
                       absl::StrCat("hierarchical level '", Shorten(level),
                                    "' is not 20 (billing provider), 22 (subscriber) or 23 "
                                    "(patient)"));
  }
}

void X12ClaimParser::OnNm1(const X12Segment& segment) {
  const absl::string_view entity = Element(segment, 1);
  const absl::string_view id_qualifier = Element(segment, 8);
  const absl::string_view id = Element(segment, 9);
  if (in_claim_) {
    // After CLM, NM1*IL/PR belong to other payers (loop 2330); only providers matter here.
    if (entity != "82") return;
    if (id_qualifier != "XX" || id.empty()) {
      Report(segment, Severity::kWarning, "NM108",
             absl::StrCat("rendering provider identified by '", Shorten(id_qualifier),
                          "', not by NPI (XX); its NPI is left empty"));
      return;
    }
    (in_line_ ? line_.rendering_npi : claim_.claim.rendering_npi) = std::string(id);
    return;
  }
  if (entity == "85") {
    if (id_qualifier != "XX" || id.empty()) {
      billing_error_ =
          Report(segment, Severity::kError, id_qualifier != "XX" ? "NM108" : "NM109",
                 absl::StrCat("the billing provider must be identified by its NPI (NM108 = XX, "
                              "NM109 = the NPI); found '",
                              Shorten(id_qualifier), "' '", Shorten(id),
                              "'; its claims are rejected"));
      return;
    }
    billing_npi_ = std::string(id);
  } else if (entity == "IL") {
    subscriber_id_ = std::string(id);
  } else if (entity == "PR") {
    payer_name_ = std::string(Element(segment, 3));
    payer_id_ = std::string(id);
  } else if (entity == "QC") {
    patient_id_ = std::string(id);
  }
}

void X12ClaimParser::OnClm(const X12Segment& segment) {
  FinishClaim();
  in_claim_ = true;
  claim_ = ParsedClaim();
  claim_error_.reset();
  has_principal_ = false;
  icd9_reported_ = false;
  claim_default_date_.reset();
  in_line_ = false;
  claim_.position = segment.position();
  Claim& claim = claim_.claim;
  claim.claim_id = std::string(Element(segment, 1));
  claim.billing_npi = billing_npi_;
  claim.payer_id = payer_id_;
  claim.payer_name = payer_name_;
  claim.submission_date = submission_date_;
  claim_.subscriber_id = subscriber_id_;
  // RAW identifier: the server replaces it with its HMAC before storing (import_records.h).
  claim.patient_key = patient_id_.empty() ? subscriber_id_ : patient_id_;
  if (level_ != Level::kSubscriber && level_ != Level::kPatient) {
    ClaimError(segment, "CLM", "CLM must follow a subscriber (22) or patient (23) HL");
  }
  if (claim.claim_id.empty()) ClaimError(segment, "CLM01", "patient control number is required");
  if (billing_npi_.empty() && !billing_error_.has_value()) {
    // The billing NPI names the practice (the tenant); a claim without it cannot be placed.
    ClaimError(segment, "NM109", "no billing provider NPI (NM1*85) before the claim");
  }
  const absl::string_view charge = Element(segment, 2);
  if (absl::StatusOr<Cents> cents = ParseCents(charge); cents.ok()) {
    claim.total_charge_cents = *cents;
  } else {
    ClaimError(segment, "CLM02", absl::StrCat("total charge ", cents.status().message()));
  }
  claim.place_of_service = std::string(Component(segment, 5, 1));
  const absl::string_view frequency = Component(segment, 5, 3);
  if (frequency == "1") {
    claim.frequency = FrequencyCode::kOriginal;
  } else if (frequency == "7") {
    claim.frequency = FrequencyCode::kReplacement;
  } else if (frequency == "8") {
    claim.frequency = FrequencyCode::kVoid;
  } else {
    ClaimError(segment, "CLM05-3",
               frequency.empty()
                   ? std::string("claim frequency code is required")
                   : absl::StrCat("claim frequency code '", Shorten(frequency),
                                  "' is not 1 (original), 7 (replacement) or 8 (void)"));
  }
}

void X12ClaimParser::OnRef(const X12Segment& segment) {
  const absl::string_view qualifier = Element(segment, 1);
  if (in_line_) {
    if (qualifier == "6R") line_.line_control_number = std::string(Element(segment, 2));
  } else if (in_claim_) {
    if (qualifier == "F8") claim_.original_reference = std::string(Element(segment, 2));
  }
}

void X12ClaimParser::OnHi(const X12Segment& segment) {
  if (!in_claim_) {
    Report(segment, Severity::kWarning, "HI", "HI outside a claim (no CLM before it); ignored");
    return;
  }
  std::vector<std::string>& diagnoses = claim_.claim.diagnoses;
  for (int i = 1; i <= kMaxHiElements && i <= segment.element_count(); ++i) {
    if (segment.element(i).empty()) continue;
    const absl::string_view qualifier = Component(segment, i, 1);
    const absl::string_view code = Component(segment, i, 2);
    if (qualifier == "ABK" || qualifier == "ABF") {
      const bool principal = qualifier == "ABK";
      if (principal && has_principal_) {
        ClaimError(segment, ElementName("HI", i, 1), "a second principal diagnosis (ABK)");
        continue;
      }
      if (!principal && !has_principal_) {
        ClaimError(segment, ElementName("HI", i, 1),
                   "ABF before ABK: the claim has no principal diagnosis");
        continue;
      }
      // A code is at most 8 bytes with its dot; longer text is refused without echoing it all.
      absl::StatusOr<std::string> normalized =
          code.size() > kMaxIcd10Text
              ? absl::InvalidArgumentError(absl::StrCat("'", Shorten(code),
                                                        "' is not an ICD-10-CM code: too long"))
              : NormalizeIcd10(std::string_view(code.data(), code.size()));
      if (!normalized.ok()) {
        ClaimError(segment, ElementName("HI", i, 2),
                   code.empty() ? std::string("diagnosis code is required")
                                : std::string(normalized.status().message()));
        continue;
      }
      if (principal) has_principal_ = true;
      diagnoses.push_back(*std::move(normalized));
    } else if (qualifier == "BK" || qualifier == "BF") {
      if (!icd9_reported_) {
        icd9_reported_ = true;
        ClaimError(segment, ElementName("HI", i, 1),
                   absl::StrCat("ICD-9 diagnosis qualifier ", qualifier,
                                "; only ICD-10-CM (ABK/ABF) is accepted"));
      }
      return;  // the rest of an ICD-9 HI is ICD-9 too: one clear problem is enough
    } else if (qualifier == "BG" || qualifier == "BP" || qualifier == "BO") {
      continue;  // condition codes and anesthesia procedures, not diagnoses
    } else {
      ClaimError(segment, ElementName("HI", i, 1),
                 absl::StrCat("qualifier '", Shorten(qualifier),
                              "' is unknown; diagnoses must be ABK (principal) or ABF"));
    }
  }
}

void X12ClaimParser::OnLx(const X12Segment& segment) {
  if (!in_claim_) {
    Report(segment, Severity::kWarning, "LX", "LX outside a claim (no CLM before it); ignored");
    return;
  }
  FinishLine();
  in_line_ = true;
  line_ = ClaimLine();
  line_has_sv1_ = false;
  line_date_.reset();
  line_position_ = segment.position();
  const absl::StatusOr<int64_t> number = ParseCount(Element(segment, 1));
  if (!number.ok() || *number < 1 || *number > 9999) {
    ClaimError(segment, "LX01",
               absl::StrCat("line number '", Shorten(Element(segment, 1)),
                            "' is not a number from 1 to 9999"));
    return;
  }
  line_.line_number = static_cast<int>(*number);
}

void X12ClaimParser::OnSv1(const X12Segment& segment) {
  if (!in_line_) {
    if (in_claim_) ClaimError(segment, "SV1", "SV1 without an LX before it");
    return;
  }
  if (line_has_sv1_) {
    ClaimError(segment, "SV1", "a second SV1 in one service line (LX)");
    return;
  }
  line_has_sv1_ = true;
  // SV101: qualifier, procedure code, up to four modifiers.
  absl::string_view procedure[2 + kMaxModifierComponents];
  const int parts = segment.Components(1, procedure, 2 + kMaxModifierComponents);
  const absl::string_view qualifier = parts >= 1 ? x12::Trim(procedure[0]) : absl::string_view();
  if (qualifier != "HC") {
    ClaimError(segment, "SV101-1",
               absl::StrCat("procedure code qualifier '", Shorten(qualifier),
                            "' is unknown; only HC (CPT/HCPCS) is accepted"));
  }
  if (parts >= 2) line_.procedure_code = std::string(x12::Trim(procedure[1]));
  if (line_.procedure_code.empty()) {
    ClaimError(segment, "SV101-2", x12::MissingComponentReason(segment, 1, "procedure code"));
  }
  for (int j = 2; j < parts; ++j) {
    const absl::string_view modifier = x12::Trim(procedure[j]);
    if (!modifier.empty()) line_.modifiers.push_back(std::string(modifier));
  }
  if (absl::StatusOr<Cents> charge = ParseCents(Element(segment, 2)); charge.ok()) {
    line_.charge_cents = *charge;
  } else {
    ClaimError(segment, "SV102", absl::StrCat("line charge ", charge.status().message()));
  }
  const absl::string_view basis = Element(segment, 3);
  if (basis != "UN" && basis != "MJ") {
    ClaimError(segment, "SV103",
               absl::StrCat("unit basis '", Shorten(basis),
                            "' is unknown; it must be UN (units) or MJ (minutes)"));
  }
  if (absl::StatusOr<double> units = ParseQuantity(Element(segment, 4)); units.ok()) {
    line_.units = *units;
  } else {
    ClaimError(segment, "SV104", absl::StrCat("service units ", units.status().message()));
  }
  for (int j = 1; j <= kMaxPointerComponents; ++j) {
    const absl::string_view pointer = Component(segment, 7, j);
    if (pointer.empty()) continue;
    const absl::StatusOr<int64_t> value = ParseCount(pointer);
    if (!value.ok() || *value < 1 || *value > kMaxPointer) {
      ClaimError(segment, ElementName("SV1", 7, j),
                 absl::StrCat("diagnosis pointer '", Shorten(pointer),
                              "' is not a number from 1 to 12"));
      continue;
    }
    line_.diagnosis_pointers.push_back(static_cast<int>(*value));
  }
}

void X12ClaimParser::OnDtp(const X12Segment& segment) {
  if (Element(segment, 1) != "472" || !in_claim_) return;
  const absl::string_view format = Element(segment, 2);
  const absl::string_view text = Element(segment, 3);
  absl::StatusOr<Day> from;
  if (format == "D8") {
    from = ParseDate8(text);
  } else if (format == "RD8") {
    from = ParseRangeFrom(text);
  } else {
    ClaimError(segment, "DTP02",
               absl::StrCat("date format qualifier '", Shorten(format),
                            "' is unknown; it must be D8 or RD8"));
    return;
  }
  if (!from.ok()) {
    ClaimError(segment, "DTP03", absl::StrCat("service date ", from.status().message()));
    return;
  }
  (in_line_ ? line_date_ : claim_default_date_) = *from;
}

void X12ClaimParser::FinishLine() {
  if (!in_line_) return;
  in_line_ = false;
  if (!line_has_sv1_) {
    ClaimError(line_position_, "LX", "SV1", "service line has no SV1");
  }
  if (line_date_.has_value()) {
    line_.service_date = *line_date_;
  } else if (claim_default_date_.has_value()) {
    line_.service_date = *claim_default_date_;
  } else {
    ClaimError(line_position_, "LX", "DTP03",
               absl::StrCat("service line ", line_.line_number,
                            " has no service date (DTP*472)"));
  }
  claim_.claim.lines.push_back(std::move(line_));
  line_ = ClaimLine();
}

void X12ClaimParser::FinishClaim() {
  if (!in_claim_) return;
  FinishLine();
  in_claim_ = false;
  // The claim's own problem first; else the first problem of what it sits under.
  const Problem* rejection = nullptr;
  for (const std::optional<Problem>* error :
       {&claim_error_, &set_error_, &billing_error_, &hl_error_}) {
    if (error->has_value()) {
      rejection = &**error;
      break;
    }
  }
  const Position position = claim_.position;
  if (rejection != nullptr) {
    RejectedRecord rejected;
    rejected.kind = RecordKind::kClaim;
    rejected.claim_id = claim_.claim.claim_id;
    rejected.problem = *rejection;
    rejected.problem.claim_id = claim_.claim.claim_id;
    buffer_.Add(std::move(rejected), position);
  } else {
    buffer_.Add(std::move(claim_), position);
  }
  claim_ = ParsedClaim();
}

Problem X12ClaimParser::Report(const X12Segment& segment, Severity severity, std::string element,
                               std::string reason) {
  Problem problem = x12::SegmentProblem(segment, severity, std::move(element), std::move(reason),
                                        in_claim_ ? claim_.claim.claim_id : std::string());
  problems_->Add(problem);
  return problem;
}

void X12ClaimParser::ClaimError(const Position& position, absl::string_view segment_id,
                                std::string element, std::string reason) {
  Problem problem;
  problem.position = position;
  problem.segment_id = std::string(segment_id);
  problem.element = std::move(element);
  problem.reason = std::move(reason);
  problem.claim_id = claim_.claim.claim_id;
  if (!claim_error_.has_value()) claim_error_ = problem;
  problems_->Add(std::move(problem));
}

void X12ClaimParser::ClaimError(const X12Segment& segment, std::string element,
                                std::string reason) {
  ClaimError(segment.position(), segment.id(), std::move(element), std::move(reason));
}

}  // namespace denialscope
