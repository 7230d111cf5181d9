// The benchmark's bulk path; see bulk_load.h.
#include "sql/bulk_load.h"

#include <map>
#include <utility>

#include "analytics/status_macros.h"
#include "pqxx/pqxx"
#include "sql/claim_writer.h"
#include "sql/content_hash.h"
#include "sql/pg_errors.h"
#include "sql/pg_values.h"
#include "sql/queries.h"
#include "sql/report_facts.h"

namespace denialscope {

absl::Status BulkLoadHistories(const std::string& url, const Practice& practice,
                               const std::vector<ClaimHistory>& histories,
                               const MeasureContext& context) {
  try {
    pqxx::connection connection(url);
    pqxx::work tx(connection);
    const int64_t id = practice.practice_id;
    std::map<std::string, std::string> payers;
    for (const ClaimHistory& h : histories) payers.emplace(h.claim.payer_id, h.claim.payer_name);
    PgArray payer_ids, payer_names;
    for (const auto& [payer_id, name] : payers) {
      payer_ids.AddText(payer_id);
      payer_names.AddText(name);
    }
    tx.exec_params(queries::kUpsertPayers, id, payer_ids.Literal(), payer_names.Literal());

    std::vector<pg::ClaimContentWrite> contents;
    std::vector<pg::SubmissionWrite> submissions;
    std::vector<std::pair<const RemittanceEvent*, std::string>> events;
    contents.reserve(histories.size());
    for (const ClaimHistory& h : histories) {
      const std::string hash = ClaimContentHash(h.claim);
      contents.push_back({&h.claim, false, false, 1, hash, h.first_diagnoses});
      submissions.push_back({&h.claim, hash, 1});
      for (const RemittanceEvent& e : h.events) events.emplace_back(&e, RemittanceContentHash(e));
    }
    pg::WriteClaims(tx, id, contents, {});
    pg::WriteSubmissions(tx, id, submissions);
    pg::WriteEvents(tx, id, events);
    DS_RETURN_IF_ERROR(pg::WriteFacts(tx, id, {}, histories, context.taxonomy));
    DS_RETURN_IF_ERROR(pg::UpdateReportFacts(tx, id, {}, histories, context));
    pg::BumpDataVersion(tx, id);
    tx.commit();
    return absl::OkStatus();
  } catch (...) {
    return StatusFromCurrentException("bulk loading claims");
  }
}

}  // namespace denialscope
