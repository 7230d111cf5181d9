// Set-based loading of claim histories (see claim_loader.h).
#include "sql/claim_loader.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "analytics/status_macros.h"

namespace denialscope::pg {

KeyArrays ToKeyArrays(const std::vector<ClaimKey>& keys) {
  KeyArrays arrays;
  for (const ClaimKey& key : keys) arrays.Add(key);
  return arrays;
}

std::optional<Day> EarliestServiceDate(const Claim& claim) {
  std::optional<Day> earliest;
  for (const ClaimLine& line : claim.lines) {
    if (!earliest.has_value() || line.service_date < *earliest) earliest = line.service_date;
  }
  return earliest;
}

void Histories::Add(Claim claim, std::vector<std::string> first_diagnoses) {
  ClaimKey key(claim.payer_id, claim.claim_id);
  index[key] = claims.size();
  claims.push_back(ClaimHistory{std::move(claim), {}, std::move(first_diagnoses)});
}

ClaimHistory* Histories::Find(const ClaimKey& key) {
  auto it = index.find(key);
  return it == index.end() ? nullptr : &claims[it->second];
}

namespace {

absl::StatusOr<Adjustment> ParseAdjustment(const pqxx::row& row) {
  Adjustment adjustment;
  std::optional<GroupCode> group = ParseGroupCode(row[2].c_str());
  if (!group.has_value()) {
    return absl::InternalError(absl::StrCat("unexpected group code '", row[2].c_str(), "'"));
  }
  adjustment.group = *group;
  adjustment.carc = row[3].c_str();
  DS_ASSIGN_OR_RETURN(adjustment.amount_cents, ParseInt(row[4]));
  DS_ASSIGN_OR_RETURN(adjustment.quantity, ParseDouble(row[5]));
  return adjustment;
}

}  // namespace

absl::Status LoadClaimRows(pqxx::transaction_base& tx, const queries::LoadStatements& statements,
                           int64_t practice_id, const LoadFilter& filter, Histories& out) {
  pqxx::result claims =
      tx.exec_params(statements.claims, practice_id, filter.second, filter.third);
  for (const pqxx::row& row : claims) {
    Claim claim;
    claim.payer_id = row[0].c_str();
    claim.claim_id = row[1].c_str();
    DS_ASSIGN_OR_RETURN(int64_t frequency, ParseInt(row[2]));
    claim.frequency = static_cast<FrequencyCode>(frequency);
    claim.payer_name = row[3].c_str();
    claim.patient_key = row[4].c_str();
    claim.billing_npi = row[5].c_str();
    claim.rendering_npi = row[6].c_str();
    claim.place_of_service = row[7].c_str();
    DS_ASSIGN_OR_RETURN(claim.submission_date, ParseOptionalDate(row[8]));
    DS_ASSIGN_OR_RETURN(claim.total_charge_cents, ParseInt(row[9]));
    out.Add(std::move(claim), ParseTextArray(row[10]));
  }
  if (out.claims.empty()) return absl::OkStatus();

  pqxx::result diagnoses =
      tx.exec_params(statements.diagnoses, practice_id, filter.second, filter.third);
  for (const pqxx::row& row : diagnoses) {
    ClaimHistory* history = out.Find(ClaimKey(row[0].c_str(), row[1].c_str()));
    if (history != nullptr) history->claim.diagnoses.push_back(row[2].c_str());
  }

  pqxx::result lines =
      tx.exec_params(statements.lines, practice_id, filter.second, filter.third);
  for (const pqxx::row& row : lines) {
    ClaimHistory* history = out.Find(ClaimKey(row[0].c_str(), row[1].c_str()));
    if (history == nullptr) continue;
    ClaimLine line;
    DS_ASSIGN_OR_RETURN(int64_t line_number, ParseInt(row[2]));
    line.line_number = static_cast<int>(line_number);
    line.line_control_number = row[3].c_str();
    line.procedure_code = row[4].c_str();
    line.modifiers = ParseTextArray(row[5]);
    DS_ASSIGN_OR_RETURN(line.charge_cents, ParseInt(row[6]));
    DS_ASSIGN_OR_RETURN(line.units, ParseDouble(row[7]));
    DS_ASSIGN_OR_RETURN(line.diagnosis_pointers, ParseIntArray(row[8]));
    DS_ASSIGN_OR_RETURN(line.service_date, ParseDate(row[9].c_str()));
    line.rendering_npi = row[10].c_str();
    history->claim.lines.push_back(std::move(line));
  }
  return absl::OkStatus();
}

// Attaches every stored event that joins one of `out`'s claims, with its lines,
// adjustments and remarks.
absl::Status LoadEventRows(pqxx::transaction_base& tx, const queries::LoadStatements& statements,
                           int64_t practice_id, const LoadFilter& filter, Histories& out,
                           bool with_remarks) {
  if (out.claims.empty()) return absl::OkStatus();
  // event_id -> (claim index, event index)
  absl::flat_hash_map<std::string, std::pair<size_t, size_t>> events_by_id;
  pqxx::result events =
      tx.exec_params(statements.events, practice_id, filter.second, filter.third);
  if (events.empty()) return absl::OkStatus();
  for (const pqxx::row& row : events) {
    auto claim = out.index.find(ClaimKey(row[1].c_str(), row[2].c_str()));
    if (claim == out.index.end()) continue;
    RemittanceEvent event;
    event.payer_id = row[1].c_str();
    event.claim_id = row[2].c_str();
    event.payer_name = row[3].c_str();
    DS_ASSIGN_OR_RETURN(int64_t status_code, ParseInt(row[4]));
    event.status_code = static_cast<int>(status_code);
    DS_ASSIGN_OR_RETURN(event.charge_cents, ParseInt(row[5]));
    DS_ASSIGN_OR_RETURN(event.paid_cents, ParseInt(row[6]));
    DS_ASSIGN_OR_RETURN(event.patient_responsibility_cents, ParseInt(row[7]));
    event.payer_claim_control_number = row[8].c_str();
    DS_ASSIGN_OR_RETURN(event.received_date, ParseOptionalDate(row[9]));
    DS_ASSIGN_OR_RETURN(event.production_date, ParseOptionalDate(row[10]));
    DS_ASSIGN_OR_RETURN(event.payment_date, ParseOptionalDate(row[11]));
    event.trace_number = row[12].c_str();
    std::vector<RemittanceEvent>& claim_events = out.claims[claim->second].events;
    events_by_id[row[0].c_str()] = {claim->second, claim_events.size()};
    claim_events.push_back(std::move(event));
  }
  auto find_event = [&](const char* event_id) -> RemittanceEvent* {
    auto it = events_by_id.find(event_id);
    if (it == events_by_id.end()) return nullptr;
    return &out.claims[it->second.first].events[it->second.second];
  };
  // Line index 0 is the event itself; 1.. its lines in order.
  auto find_line = [](RemittanceEvent& event, int64_t line_index) -> RemittanceLine* {
    if (line_index < 1 || line_index > static_cast<int64_t>(event.lines.size())) return nullptr;
    return &event.lines[line_index - 1];
  };

  pqxx::result lines =
      tx.exec_params(statements.event_lines, practice_id, filter.second, filter.third);
  for (const pqxx::row& row : lines) {
    RemittanceEvent* event = find_event(row[0].c_str());
    if (event == nullptr) continue;
    RemittanceLine line;
    line.line_control_number = row[2].c_str();
    line.procedure_code = row[3].c_str();
    line.modifiers = ParseTextArray(row[4]);
    DS_ASSIGN_OR_RETURN(line.charge_cents, ParseInt(row[5]));
    DS_ASSIGN_OR_RETURN(line.paid_cents, ParseInt(row[6]));
    DS_ASSIGN_OR_RETURN(line.units, ParseDouble(row[7]));
    DS_ASSIGN_OR_RETURN(line.service_date, ParseOptionalDate(row[8]));
    event->lines.push_back(std::move(line));
  }

  pqxx::result adjustments =
      tx.exec_params(statements.adjustments, practice_id, filter.second, filter.third);
  for (const pqxx::row& row : adjustments) {
    RemittanceEvent* event = find_event(row[0].c_str());
    if (event == nullptr) continue;
    DS_ASSIGN_OR_RETURN(int64_t line_index, ParseInt(row[1]));
    DS_ASSIGN_OR_RETURN(Adjustment adjustment, ParseAdjustment(row));
    if (line_index == 0) {
      event->adjustments.push_back(std::move(adjustment));
    } else if (RemittanceLine* line = find_line(*event, line_index); line != nullptr) {
      line->adjustments.push_back(std::move(adjustment));
    } else {
      return absl::InternalError(absl::StrCat("adjustment of event ", row[0].c_str(),
                                              " points to missing line ", line_index));
    }
  }

  if (!with_remarks) return absl::OkStatus();
  pqxx::result remarks =
      tx.exec_params(statements.remarks, practice_id, filter.second, filter.third);
  for (const pqxx::row& row : remarks) {
    RemittanceEvent* event = find_event(row[0].c_str());
    if (event == nullptr) continue;
    DS_ASSIGN_OR_RETURN(int64_t line_index, ParseInt(row[1]));
    if (line_index == 0) {
      event->remark_codes.push_back(row[2].c_str());
    } else if (RemittanceLine* line = find_line(*event, line_index); line != nullptr) {
      line->remark_codes.push_back(row[2].c_str());
    } else {
      return absl::InternalError(absl::StrCat("remark of event ", row[0].c_str(),
                                              " points to missing line ", line_index));
    }
  }
  return absl::OkStatus();
}

}  // namespace denialscope::pg
