// COPY-based ingest writes (see claim_writer.h).
#include "sql/claim_writer.h"

#include <optional>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "analytics/denial.h"
#include "sql/pg_values.h"
#include "sql/queries.h"
#include "sql/staged_copy.h"

namespace denialscope::pg {
namespace {

namespace q = queries;

// Facts are kept as of the end of time: every stored event counts. Measures with an earlier
// as-of date filter on the dates the facts keep.
constexpr Day kFactsAsOf(9999, 12, 31);

// Streams the rows `write` produces into `target` with COPY (staged: the target is under
// row-level security).
template <typename WriteRows>
void CopyInto(pqxx::work& tx, const q::CopyTarget& target, WriteRows&& write) {
  StagedCopy copy(tx, target);
  write(copy.stream());
  copy.Complete();
}

// COPY text of a bytea from hex.
std::string Bytea(const std::string& hex) { return "\\x" + hex; }

std::string Number(double value) { return absl::StrFormat("%.17g", value); }

// A nullable date as COPY expects it: the pointer is null for NULL. `storage` keeps the text.
const char* NullableDate(const std::optional<Day>& day, std::string& storage) {
  if (!day.has_value()) return nullptr;
  storage = FormatDate(*day);
  return storage.c_str();
}

const char* OutcomeName(Outcome outcome) {
  switch (outcome) {
    case Outcome::kNone:
      return "none";
    case Outcome::kPaid:
      return "paid";
    case Outcome::kDenied:
      return "denied";
    case Outcome::kZeroPayNotDenied:
      return "zero_pay_not_denied";
  }
  return "none";
}

const char* CohortName(Cohort cohort) {
  switch (cohort) {
    case Cohort::kNonCervical:
      return "non_cervical";
    case Cohort::kNonspecific:
      return "nonspecific";
    case Cohort::kSpecific:
      return "specific";
  }
  return "non_cervical";
}

void CopyLinesAndDiagnoses(pqxx::work& tx, int64_t practice_id,
                           const std::vector<ClaimContentWrite>& contents) {
  CopyInto(tx, q::kCopyClaimLines, [&](pqxx::stream_to& stream) {
    for (const ClaimContentWrite& write : contents) {
      const Claim& claim = *write.claim;
      for (const ClaimLine& line : claim.lines) {
        stream << std::make_tuple(practice_id, claim.payer_id, claim.claim_id, line.line_number,
                                  line.line_control_number, line.procedure_code,
                                  TextArrayLiteral(line.modifiers), line.charge_cents,
                                  Number(line.units), IntArrayLiteral(line.diagnosis_pointers),
                                  FormatDate(line.service_date), line.rendering_npi);
      }
    }
  });
  CopyInto(tx, q::kCopyClaimDiagnoses, [&](pqxx::stream_to& stream) {
    for (const ClaimContentWrite& write : contents) {
      const Claim& claim = *write.claim;
      for (size_t i = 0; i < claim.diagnoses.size(); ++i) {
        stream << std::make_tuple(practice_id, claim.payer_id, claim.claim_id,
                                  static_cast<int>(i + 1), claim.diagnoses[i]);
      }
    }
  });
}

// Rewrites stored claims in place (set-based) and drops their old lines and diagnoses.
void RewriteStoredClaims(pqxx::work& tx, int64_t practice_id,
                         const std::vector<const ClaimContentWrite*>& rewrites) {
  PgArray payer_ids, claim_ids, frequencies, voided, versions, payer_names, patient_keys,
      billing_npis, rendering_npis, places, submission_dates, service_dates, totals, hashes,
      first_diagnoses;
  for (const ClaimContentWrite* write : rewrites) {
    const Claim& claim = *write->claim;
    payer_ids.AddText(claim.payer_id);
    claim_ids.AddText(claim.claim_id);
    frequencies.AddInt(static_cast<int>(claim.frequency));
    voided.AddBool(write->voided);
    versions.AddInt(write->version);
    payer_names.AddText(claim.payer_name);
    patient_keys.AddText(claim.patient_key);
    billing_npis.AddText(claim.billing_npi);
    rendering_npis.AddText(claim.rendering_npi);
    places.AddText(claim.place_of_service);
    submission_dates.AddOptionalDate(claim.submission_date);
    service_dates.AddOptionalDate(EarliestServiceDate(claim));
    totals.AddInt(claim.total_charge_cents);
    hashes.AddText(write->content_hash);
    first_diagnoses.AddText(TextArrayLiteral(write->first_diagnoses));
  }
  tx.exec_params(q::kUpsertClaims, practice_id, payer_ids.Literal(), claim_ids.Literal(),
                   frequencies.Literal(), voided.Literal(), versions.Literal(),
                   payer_names.Literal(), patient_keys.Literal(), billing_npis.Literal(),
                   rendering_npis.Literal(), places.Literal(), submission_dates.Literal(),
                   service_dates.Literal(), totals.Literal(), hashes.Literal(),
                   first_diagnoses.Literal());
  tx.exec_params(q::kDeleteClaimLines, practice_id, payer_ids.Literal(),
                   claim_ids.Literal());
  tx.exec_params(q::kDeleteClaimDiagnoses, practice_id, payer_ids.Literal(),
                   claim_ids.Literal());
}

}  // namespace

void WriteClaims(pqxx::work& tx, int64_t practice_id,
                 const std::vector<ClaimContentWrite>& contents,
                 const std::vector<ClaimStatusWrite>& statuses) {
  if (!statuses.empty()) {
    KeyArrays keys;
    PgArray voided, versions;
    for (const ClaimStatusWrite& status : statuses) {
      keys.Add(status.key);
      voided.AddBool(status.voided);
      versions.AddInt(status.version);
    }
    tx.exec_params(q::kSetClaimStatus, practice_id, keys.payer_ids.Literal(),
                     keys.claim_ids.Literal(), voided.Literal(), versions.Literal());
  }
  if (contents.empty()) return;
  std::vector<const ClaimContentWrite*> rewrites;
  bool any_new = false;
  for (const ClaimContentWrite& write : contents) {
    if (write.stored_before) {
      rewrites.push_back(&write);
    } else {
      any_new = true;
    }
  }
  if (!rewrites.empty()) RewriteStoredClaims(tx, practice_id, rewrites);
  if (any_new) {
    CopyInto(tx, q::kCopyClaims, [&](pqxx::stream_to& stream) {
      std::string submission_date;
      for (const ClaimContentWrite& write : contents) {
        if (write.stored_before) continue;
        const Claim& claim = *write.claim;
        stream << std::make_tuple(
            practice_id, claim.payer_id, claim.claim_id, static_cast<int>(claim.frequency),
            write.voided, write.version, claim.payer_name, claim.patient_key, claim.billing_npi,
            claim.rendering_npi, claim.place_of_service,
            NullableDate(claim.submission_date, submission_date),
            FormatDate(*EarliestServiceDate(claim)), claim.total_charge_cents,
            Bytea(write.content_hash), TextArrayLiteral(write.first_diagnoses));
      }
    });
  }
  CopyLinesAndDiagnoses(tx, practice_id, contents);
}

void WriteSubmissions(pqxx::work& tx, int64_t practice_id,
                      const std::vector<SubmissionWrite>& submissions) {
  if (submissions.empty()) return;
  CopyInto(tx, q::kCopyClaimSubmissions, [&](pqxx::stream_to& stream) {
    for (const SubmissionWrite& submission : submissions) {
      stream << std::make_tuple(practice_id, submission.claim->payer_id,
                                submission.claim->claim_id, Bytea(submission.content_hash),
                                static_cast<int>(submission.claim->frequency),
                                submission.version);
    }
  });
}

void WriteEvents(pqxx::work& tx, int64_t practice_id,
                 const std::vector<std::pair<const RemittanceEvent*, std::string>>& events) {
  if (events.empty()) return;
  bool any_lines = false;
  bool any_adjustments = false;
  bool any_remarks = false;
  CopyInto(tx, q::kCopyRemittanceEvents, [&](pqxx::stream_to& stream) {
    std::string received, produced, paid;
    for (const auto& [event, event_id] : events) {
      stream << std::make_tuple(
          practice_id, Bytea(event_id), event->payer_id, event->payer_name, event->claim_id,
          event->status_code, event->charge_cents, event->paid_cents,
          event->patient_responsibility_cents, event->payer_claim_control_number,
          NullableDate(event->received_date, received),
          NullableDate(event->production_date, produced),
          NullableDate(event->payment_date, paid), event->trace_number);
      any_lines |= !event->lines.empty();
      any_adjustments |= !event->adjustments.empty();
      any_remarks |= !event->remark_codes.empty();
      for (const RemittanceLine& line : event->lines) {
        any_adjustments |= !line.adjustments.empty();
        any_remarks |= !line.remark_codes.empty();
      }
    }
  });
  if (any_lines) {
    CopyInto(tx, q::kCopyRemittanceLines, [&](pqxx::stream_to& stream) {
      std::string service_date;
      for (const auto& [event, event_id] : events) {
        const std::string id = Bytea(event_id);
        for (size_t i = 0; i < event->lines.size(); ++i) {
          const RemittanceLine& line = event->lines[i];
          stream << std::make_tuple(practice_id, id, static_cast<int>(i + 1),
                                    line.line_control_number, line.procedure_code,
                                    TextArrayLiteral(line.modifiers), line.charge_cents,
                                    line.paid_cents, Number(line.units),
                                    NullableDate(line.service_date, service_date));
        }
      }
    });
  }
  // Line index 0 holds the event's own adjustments and remarks; 1.. those of its lines.
  if (any_adjustments) {
    CopyInto(tx, q::kCopyAdjustments, [&](pqxx::stream_to& stream) {
      auto write = [&](const std::string& id, int line_index,
                       const std::vector<Adjustment>& adjustments) {
        for (size_t i = 0; i < adjustments.size(); ++i) {
          const Adjustment& adjustment = adjustments[i];
          stream << std::make_tuple(practice_id, id, line_index, static_cast<int>(i + 1),
                                    std::string(GroupCodeName(adjustment.group)), adjustment.carc,
                                    adjustment.amount_cents, Number(adjustment.quantity));
        }
      };
      for (const auto& [event, event_id] : events) {
        const std::string id = Bytea(event_id);
        write(id, 0, event->adjustments);
        for (size_t i = 0; i < event->lines.size(); ++i) {
          write(id, static_cast<int>(i + 1), event->lines[i].adjustments);
        }
      }
    });
  }
  if (any_remarks) {
    CopyInto(tx, q::kCopyRemarkCodes, [&](pqxx::stream_to& stream) {
      auto write = [&](const std::string& id, int line_index,
                       const std::vector<std::string>& codes) {
        for (size_t i = 0; i < codes.size(); ++i) {
          stream << std::make_tuple(practice_id, id, line_index, static_cast<int>(i + 1),
                                    codes[i]);
        }
      };
      for (const auto& [event, event_id] : events) {
        const std::string id = Bytea(event_id);
        write(id, 0, event->remark_codes);
        for (size_t i = 0; i < event->lines.size(); ++i) {
          write(id, static_cast<int>(i + 1), event->lines[i].remark_codes);
        }
      }
    });
  }
}

absl::Status WriteFacts(pqxx::work& tx, int64_t practice_id, const std::vector<ClaimKey>& stale,
                        const std::vector<ClaimHistory>& histories,
                        const CohortTaxonomy& taxonomy) {
  if (!stale.empty()) {
    KeyArrays keys = ToKeyArrays(stale);
    tx.exec_params(q::kDeleteClaimFacts, practice_id, keys.payer_ids.Literal(),
                     keys.claim_ids.Literal());
  }
  if (histories.empty()) return absl::OkStatus();
  for (const ClaimHistory& history : histories) {
    if (history.claim.lines.empty()) {
      return absl::InternalError(
          absl::StrCat("claim ", history.claim.claim_id, " has no service lines"));
    }
  }
  CopyInto(tx, q::kCopyClaimFacts, [&](pqxx::stream_to& stream) {
    std::string initial_date, first_payment_date;
    for (const ClaimHistory& history : histories) {
      const Claim& claim = history.claim;
      // The cohort of the coding the payer first adjudicated (ClaimHistory::first_diagnoses).
      Classification classification = taxonomy.ClassifyHistory(history, CohortRule::kPrincipal);
      ClaimOutcome outcome = DeriveOutcome(history.events, kFactsAsOf);
      Cents charge = claim.total_charge_cents;
      if (charge == 0) {
        for (const ClaimLine& line : claim.lines) charge += line.charge_cents;
      }
      stream << std::make_tuple(
          practice_id, claim.payer_id, claim.claim_id, CohortName(classification.cohort),
          classification.family, classification.code,
          claim.diagnoses.empty() ? std::string() : claim.diagnoses.front(),
          FormatDate(*EarliestServiceDate(claim)), charge,
          static_cast<int64_t>(history.events.size()), outcome.adjudicated,
          OutcomeName(outcome.initial), NullableDate(outcome.initial_date, initial_date),
          outcome.initial_partial_denial, OutcomeName(outcome.final), outcome.finally_denied,
          outcome.overturned, outcome.net_paid_cents,
          NullableDate(outcome.first_payment_date, first_payment_date));
    }
  });
  return absl::OkStatus();
}

void UpdateFactOutcomes(pqxx::work& tx, int64_t practice_id,
                        const std::vector<ClaimHistory>& histories) {
  if (histories.empty()) return;
  PgArray payer_ids, claim_ids, event_counts, adjudicated, initial_outcomes, initial_dates,
      partial_denials, final_outcomes, finally_denied, overturned, net_paid, first_payment_dates;
  for (const ClaimHistory& history : histories) {
    ClaimOutcome outcome = DeriveOutcome(history.events, kFactsAsOf);
    payer_ids.AddText(history.claim.payer_id);
    claim_ids.AddText(history.claim.claim_id);
    event_counts.AddInt(static_cast<int64_t>(history.events.size()));
    adjudicated.AddBool(outcome.adjudicated);
    initial_outcomes.AddText(OutcomeName(outcome.initial));
    initial_dates.AddOptionalDate(outcome.initial_date);
    partial_denials.AddBool(outcome.initial_partial_denial);
    final_outcomes.AddText(OutcomeName(outcome.final));
    finally_denied.AddBool(outcome.finally_denied);
    overturned.AddBool(outcome.overturned);
    net_paid.AddInt(outcome.net_paid_cents);
    first_payment_dates.AddOptionalDate(outcome.first_payment_date);
  }
  tx.exec_params(q::kUpdateClaimFactOutcomes, practice_id, payer_ids.Literal(),
                 claim_ids.Literal(), event_counts.Literal(), adjudicated.Literal(),
                 initial_outcomes.Literal(), initial_dates.Literal(), partial_denials.Literal(),
                 final_outcomes.Literal(), finally_denied.Literal(), overturned.Literal(),
                 net_paid.Literal(), first_payment_dates.Literal());
}

}  // namespace denialscope::pg
