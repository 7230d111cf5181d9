// 835 segment handling. Position in the set (header, payer, payee, claim, service line) is
// tracked by what came last, which is all the 835's flat loop structure needs.
#include "ingest/x12_835.h"

#include <string_view>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "ingest/values.h"
#include "ingest/x12_segment_util.h"

namespace denialscope {

using x12::Component;
using x12::Element;
using x12::ElementName;
using x12::Shorten;
using x12::Tag;

namespace {

constexpr int kMaxCasTriplets = 6;
constexpr int kMaxPlbPairs = 6;
constexpr int kMaxModifierComponents = 4;
constexpr size_t kExpectedLines = 4;

}  // namespace

X12RemittanceParser::X12RemittanceParser(RecordSink* sink, ProblemLog* problems,
                                         RecordCounts* counts, size_t max_records_per_set)
    : problems_(problems), buffer_(sink, problems, counts, max_records_per_set) {}

void X12RemittanceParser::BeginTransactionSet(const X12TransactionSet& set) {
  buffer_.Begin();
  area_ = Area::kHeader;
  header_error_.reset();
  payment_date_.reset();
  production_date_.reset();
  trace_number_.clear();
  trace_originator_.clear();
  plb_pairs_ = 0;
  payer_name_.clear();
  payer_n1_id_.clear();
  payer_ref_2u_.clear();
  payee_npi_.clear();
  in_event_ = false;
  in_line_ = false;
  if (!absl::StrContains(set.version, "X221")) {
    problems_->Add(x12::VersionProblem(set, Severity::kWarning, "GS08",
                                       absl::StrCat("835 version '", Shorten(set.version),
                                                    "' is not 005010X221A1; it is read as 835")));
  }
}

void X12RemittanceParser::OnSegment(const X12Segment& segment) {
  switch (x12::TagOf(segment.id())) {
    case Tag("BPR"):
      return OnBpr(segment);
    case Tag("TRN"):
      return OnTrn(segment);
    case Tag("DTM"):
      return OnDtm(segment);
    case Tag("N1"):
      return OnN1(segment);
    case Tag("REF"):
      return OnRef(segment);
    case Tag("LX"):
      FinishEvent();
      area_ = Area::kDetail;
      return;
    case Tag("CLP"):
      return OnClp(segment);
    case Tag("CAS"):
      return OnCas(segment);
    case Tag("NM1"):
      return OnNm1(segment);
    case Tag("MOA"):
      return OnRemarks(segment, {3, 4, 5, 6, 7});
    case Tag("MIA"):
      return OnRemarks(segment, {5, 20, 21, 22, 23});
    case Tag("SVC"):
      return OnSvc(segment);
    case Tag("AMT"):
      return OnAmt(segment);
    case Tag("LQ"):
      return OnLq(segment);
    case Tag("PLB"):
      return OnPlb(segment);
    default:
      return;  // N3, N4, PER, TS3, QTY, ... carry nothing the analytics use
  }
}

void X12RemittanceParser::EndTransactionSet(const Problem* rejection) {
  FinishEvent();
  buffer_.Commit(rejection);
}

void X12RemittanceParser::OnBpr(const X12Segment& segment) {
  if (absl::StatusOr<Cents> total = ParseCents(Element(segment, 2)); !total.ok()) {
    Error(segment, "BPR02", absl::StrCat("total payment ", total.status().message()));
  }
  const absl::string_view date = Element(segment, 16);
  if (date.empty()) return;
  if (absl::StatusOr<Day> day = ParseDate8(date); day.ok()) {
    payment_date_ = *day;
  } else {
    Error(segment, "BPR16", absl::StrCat("payment date ", day.status().message()));
  }
}

void X12RemittanceParser::OnTrn(const X12Segment& segment) {
  trace_number_ = std::string(Element(segment, 2));
  trace_originator_ = std::string(Element(segment, 3));
}

void X12RemittanceParser::OnDtm(const X12Segment& segment) {
  const absl::string_view qualifier = Element(segment, 1);
  std::optional<Day>* target = nullptr;
  bool from_472 = false;
  if (in_line_) {
    if (qualifier == "472") {
      target = &line_.service_date;
      from_472 = true;
    } else if (qualifier == "150" && !line_date_from_472_) {
      target = &line_.service_date;
    }
  } else if (in_event_) {
    if (qualifier == "050") target = &event_.event.received_date;
    if (qualifier == "232") target = &event_.statement_from;
    if (qualifier == "233") target = &event_.statement_to;
  } else if (qualifier == "405") {
    target = &production_date_;
  }
  if (target == nullptr) return;
  absl::StatusOr<Day> day = ParseDate8(Element(segment, 2));
  if (!day.ok()) {
    Error(segment, "DTM02", absl::StrCat("date ", day.status().message()));
    return;
  }
  *target = *day;
  if (from_472) line_date_from_472_ = true;
}

void X12RemittanceParser::OnN1(const X12Segment& segment) {
  const absl::string_view entity = Element(segment, 1);
  if (entity == "PR") {
    area_ = Area::kPayer;
    payer_name_ = std::string(Element(segment, 2));
    payer_n1_id_ = std::string(Element(segment, 4));
  } else if (entity == "PE") {
    area_ = Area::kPayee;
    const absl::string_view qualifier = Element(segment, 3);
    if (qualifier == "XX" && !Element(segment, 4).empty()) {
      payee_npi_ = std::string(Element(segment, 4));
    } else {
      Report(segment, Severity::kWarning, "N103",
             absl::StrCat("the payee is identified by '", Shorten(qualifier),
                          "', not by NPI (XX); the payee NPI is left empty"));
    }
  }
}

void X12RemittanceParser::OnRef(const X12Segment& segment) {
  const absl::string_view qualifier = Element(segment, 1);
  if (in_line_) {
    if (qualifier == "6R") line_.line_control_number = std::string(Element(segment, 2));
  } else if (area_ == Area::kPayer && qualifier == "2U") {
    payer_ref_2u_ = std::string(Element(segment, 2));
  }
}

std::string X12RemittanceParser::PayerId() const {
  if (!payer_n1_id_.empty()) return payer_n1_id_;
  if (!payer_ref_2u_.empty()) return payer_ref_2u_;
  return trace_originator_;
}

void X12RemittanceParser::OnClp(const X12Segment& segment) {
  FinishEvent();
  area_ = Area::kDetail;
  in_event_ = true;
  event_ = ParsedRemittance();
  event_error_.reset();
  event_.position = segment.position();
  event_.payee_npi = payee_npi_;
  // Most events have a handful of lines: one allocation instead of a growth sequence.
  event_.event.lines.reserve(kExpectedLines);
  event_.line_extras.reserve(kExpectedLines);
  RemittanceEvent& event = event_.event;
  event.claim_id = std::string(Element(segment, 1));
  event.payer_id = PayerId();
  event.payer_name = payer_name_;
  event.payment_date = payment_date_;
  event.production_date = production_date_;
  event.trace_number = trace_number_;
  if (event.claim_id.empty()) Error(segment, "CLP01", "patient control number is required");
  const absl::StatusOr<int64_t> status = ParseCount(Element(segment, 2));
  if (!status.ok() || *status > 99) {
    Error(segment, "CLP02",
          absl::StrCat("claim status '", Shorten(Element(segment, 2)),
                       "' is not a status code (1 to 99)"));
  } else {
    event.status_code = static_cast<int>(*status);
  }
  if (absl::StatusOr<Cents> charge = ParseCents(Element(segment, 3)); charge.ok()) {
    event.charge_cents = *charge;
  } else {
    Error(segment, "CLP03", absl::StrCat("claim charge ", charge.status().message()));
  }
  if (absl::StatusOr<Cents> paid = ParseCents(Element(segment, 4)); paid.ok()) {
    event.paid_cents = *paid;
  } else {
    Error(segment, "CLP04", absl::StrCat("claim payment ", paid.status().message()));
  }
  if (const absl::string_view text = Element(segment, 5); !text.empty()) {
    if (absl::StatusOr<Cents> patient = ParseCents(text); patient.ok()) {
      event.patient_responsibility_cents = *patient;
    } else {
      Error(segment, "CLP05",
            absl::StrCat("patient responsibility ", patient.status().message()));
    }
  }
  event.payer_claim_control_number = std::string(Element(segment, 7));
}

void X12RemittanceParser::OnCas(const X12Segment& segment) {
  std::vector<Adjustment>* target =
      in_line_ ? &line_.adjustments : in_event_ ? &event_.event.adjustments : nullptr;
  if (target == nullptr) {
    Report(segment, Severity::kWarning, "CAS", "CAS outside a claim (no CLP before it); ignored");
    return;
  }
  const absl::string_view group_text = Element(segment, 1);
  const std::optional<GroupCode> group =
      ParseGroupCode(std::string_view(group_text.data(), group_text.size()));
  if (!group.has_value()) {
    Error(segment, "CAS01",
          absl::StrCat("group code '", Shorten(group_text),
                       "' is unknown; it must be CO, PR, OA, PI or CR"));
    return;
  }
  int triplets = 0;
  for (int k = 0; k < kMaxCasTriplets; ++k) {
    const int reason_index = 2 + 3 * k;
    const absl::string_view reason = Element(segment, reason_index);
    const absl::string_view amount = Element(segment, reason_index + 1);
    const absl::string_view quantity = Element(segment, reason_index + 2);
    if (reason.empty() && amount.empty() && quantity.empty()) continue;
    ++triplets;
    Adjustment adjustment;
    adjustment.group = *group;
    adjustment.carc = std::string(reason);
    if (reason.empty()) {
      Error(segment, ElementName("CAS", reason_index), "adjustment reason code is required");
      continue;
    }
    if (absl::StatusOr<Cents> cents = ParseCents(amount); cents.ok()) {
      adjustment.amount_cents = *cents;
    } else {
      Error(segment, ElementName("CAS", reason_index + 1),
            absl::StrCat("adjustment amount ", cents.status().message()));
      continue;
    }
    if (!quantity.empty()) {
      if (absl::StatusOr<double> value = ParseQuantity(quantity); value.ok()) {
        adjustment.quantity = *value;
      } else {
        Error(segment, ElementName("CAS", reason_index + 2),
              absl::StrCat("adjustment quantity ", value.status().message()));
        continue;
      }
    }
    target->push_back(std::move(adjustment));
  }
  if (triplets == 0) Error(segment, "CAS02", "CAS has no reason code and amount");
}

void X12RemittanceParser::OnNm1(const X12Segment& segment) {
  if (!in_event_) return;
  const absl::string_view entity = Element(segment, 1);
  // RAW identifiers: the server hashes them (import_records.h). Names are not read.
  if (entity == "QC") {
    event_.patient_id = std::string(Element(segment, 9));
  } else if (entity == "IL") {
    event_.subscriber_id = std::string(Element(segment, 9));
  }
}

void X12RemittanceParser::OnRemarks(const X12Segment& segment,
                                    std::initializer_list<int> elements) {
  if (!in_event_ || in_line_) return;
  for (int index : elements) {
    const absl::string_view code = Element(segment, index);
    if (!code.empty()) event_.event.remark_codes.push_back(std::string(code));
  }
}

void X12RemittanceParser::OnSvc(const X12Segment& segment) {
  if (!in_event_) {
    Report(segment, Severity::kError, "SVC", "SVC outside a claim (no CLP before it); ignored");
    return;
  }
  FinishLine();
  in_line_ = true;
  line_ = RemittanceLine();
  extras_ = RemittanceLineExtras();
  line_date_from_472_ = false;
  line_.units = 1;  // SVC05 absent means one unit
  // SVC01: qualifier, procedure code, up to four modifiers.
  absl::string_view procedure[2 + kMaxModifierComponents];
  const int parts = segment.Components(1, procedure, 2 + kMaxModifierComponents);
  if (parts < 1 || x12::Trim(procedure[0]).empty()) {
    Error(segment, "SVC01-1", "procedure code qualifier is required");
  }
  if (parts >= 2) line_.procedure_code = std::string(x12::Trim(procedure[1]));
  if (line_.procedure_code.empty()) {
    Error(segment, "SVC01-2", x12::MissingComponentReason(segment, 1, "procedure code"));
  }
  for (int j = 2; j < parts; ++j) {
    const absl::string_view modifier = x12::Trim(procedure[j]);
    if (!modifier.empty()) line_.modifiers.push_back(std::string(modifier));
  }
  if (absl::StatusOr<Cents> charge = ParseCents(Element(segment, 2)); charge.ok()) {
    line_.charge_cents = *charge;
  } else {
    Error(segment, "SVC02", absl::StrCat("line charge ", charge.status().message()));
  }
  if (absl::StatusOr<Cents> paid = ParseCents(Element(segment, 3)); paid.ok()) {
    line_.paid_cents = *paid;
  } else {
    Error(segment, "SVC03", absl::StrCat("line payment ", paid.status().message()));
  }
  if (const absl::string_view units = Element(segment, 5); !units.empty()) {
    if (absl::StatusOr<double> value = ParseQuantity(units); value.ok()) {
      line_.units = *value;
    } else {
      Error(segment, "SVC05", absl::StrCat("units paid ", value.status().message()));
    }
  }
  extras_.original_procedure_code = std::string(Component(segment, 6, 2));
}

void X12RemittanceParser::OnAmt(const X12Segment& segment) {
  if (!in_line_ || Element(segment, 1) != "B6") return;
  if (absl::StatusOr<Cents> allowed = ParseCents(Element(segment, 2)); allowed.ok()) {
    extras_.allowed_cents = *allowed;
  } else {
    Error(segment, "AMT02", absl::StrCat("allowed amount ", allowed.status().message()));
  }
}

void X12RemittanceParser::OnLq(const X12Segment& segment) {
  if (!in_line_ || Element(segment, 1) != "HE") return;
  const absl::string_view code = Element(segment, 2);
  if (code.empty()) {
    Error(segment, "LQ02", "remark code is required");
    return;
  }
  line_.remark_codes.push_back(std::string(code));
}

void X12RemittanceParser::OnPlb(const X12Segment& segment) {
  FinishEvent();
  area_ = Area::kDetail;
  ProviderAdjustment base;
  ProviderLevelAdjustment& fields = base.adjustment;
  fields.provider_id = std::string(Element(segment, 1));
  fields.payer_id = PayerId();
  fields.payer_name = payer_name_;
  fields.trace_number = trace_number_;
  fields.payment_date = payment_date_;
  base.payee_npi = payee_npi_;
  base.position = segment.position();
  // A problem with PLB01/PLB02 rejects every pair of the segment.
  std::optional<Problem> segment_error = header_error_;
  if (fields.provider_id.empty()) {
    segment_error = Report(segment, Severity::kError, "PLB01", "provider identifier is required");
  }
  if (absl::StatusOr<Day> day = ParseDate8(Element(segment, 2)); day.ok()) {
    fields.fiscal_period_date = *day;
  } else {
    segment_error = Report(segment, Severity::kError, "PLB02",
                           absl::StrCat("fiscal period date ", day.status().message()));
  }
  for (int k = 0; k < kMaxPlbPairs; ++k) {
    const int id_index = 3 + 2 * k;
    if (Element(segment, id_index).empty() && Element(segment, id_index + 1).empty()) continue;
    ProviderAdjustment adjustment = base;
    // Numbered whether or not the pair is readable, so a pair keeps its number (its key in
    // storage) when another pair of the set is fixed and the file imported again.
    adjustment.adjustment.sequence = ++plb_pairs_;
    adjustment.adjustment.reason_code = std::string(Component(segment, id_index, 1));
    adjustment.adjustment.reference = std::string(Component(segment, id_index, 2));
    std::optional<Problem> error = segment_error;
    if (adjustment.adjustment.reason_code.empty()) {
      error = Report(segment, Severity::kError, ElementName("PLB", id_index, 1),
                     "adjustment reason code is required");
    }
    if (absl::StatusOr<Cents> cents = ParseCents(Element(segment, id_index + 1)); cents.ok()) {
      adjustment.adjustment.amount_cents = *cents;
    } else {
      error = Report(segment, Severity::kError, ElementName("PLB", id_index + 1),
                     absl::StrCat("adjustment amount ", cents.status().message()));
    }
    if (error.has_value()) {
      RejectedRecord rejected;
      rejected.kind = RecordKind::kProviderAdjustment;
      rejected.problem = *std::move(error);
      buffer_.Add(std::move(rejected), segment.position());
    } else {
      buffer_.Add(std::move(adjustment), segment.position());
    }
  }
}

void X12RemittanceParser::FinishLine() {
  if (!in_line_) return;
  in_line_ = false;
  event_.event.lines.push_back(std::move(line_));
  event_.line_extras.push_back(std::move(extras_));
  // line_ and extras_ are reset by the next SVC.
}

void X12RemittanceParser::FinishEvent() {
  if (!in_event_) return;
  FinishLine();
  in_event_ = false;
  const std::optional<Problem>& error = event_error_.has_value() ? event_error_ : header_error_;
  const Position position = event_.position;
  if (error.has_value()) {
    RejectedRecord rejected;
    rejected.kind = RecordKind::kRemittance;
    rejected.claim_id = event_.event.claim_id;
    rejected.problem = *error;
    rejected.problem.claim_id = event_.event.claim_id;
    buffer_.Add(std::move(rejected), position);
  } else {
    buffer_.Add(std::move(event_), position);
  }
  // event_ is reset by the next CLP.
}

Problem X12RemittanceParser::Report(const X12Segment& segment, Severity severity,
                                    std::string element, std::string reason) {
  Problem problem = x12::SegmentProblem(segment, severity, std::move(element), std::move(reason),
                                        in_event_ ? event_.event.claim_id : std::string());
  problems_->Add(problem);
  return problem;
}

void X12RemittanceParser::Error(const X12Segment& segment, std::string element,
                                std::string reason) {
  if (!in_event_) {
    absl::StrAppend(&reason, "; every claim of the transaction set is rejected");
  }
  Problem problem = Report(segment, Severity::kError, std::move(element), std::move(reason));
  std::optional<Problem>& slot = in_event_ ? event_error_ : header_error_;
  if (!slot.has_value()) slot = std::move(problem);
}

}  // namespace denialscope
