// What every service handler shares: the stores, the code lists, the patient-key hasher, the
// clock, the log and the per-key call caps. Owned by the server; handlers only borrow it.
#ifndef DENIALSCOPE_SERVER_SERVICE_CONTEXT_H_
#define DENIALSCOPE_SERVER_SERVICE_CONTEXT_H_

#include "analytics/access_store.h"
#include "analytics/claim_store.h"
#include "analytics/code_lists.h"
#include "analytics/taxonomy.h"
#include "server/call_limiter.h"
#include "server/call_log.h"
#include "server/clock.h"
#include "server/patient_key.h"

namespace denialscope {

class AnswerCache;  // answer_cache.h

struct ServiceContext {
  ClaimStore* store = nullptr;
  const CohortTaxonomy* taxonomy = nullptr;
  const PatientKeyHasher* hasher = nullptr;
  const Clock* clock = nullptr;
  LogSink* log = nullptr;
  // API keys and the audit trail (rpc_call.h).
  AccessStore* access = nullptr;
  // Calls in flight per key; DenialscopeServer::Start provides one when this is null.
  CallLimiter* limiter = nullptr;
  // Code lists and procedure families the measures use (with `taxonomy`); the compiled-in
  // ones when null. Must be the lists the store derives its stored facts with.
  const CodeLists* code_lists = nullptr;
  const ProcedureFamilies* procedure_families = nullptr;
  // Recent AnalyticsService answers (answer_cache.h); DenialscopeServer::Start provides one
  // of ServerOptions::answer_cache_bytes when this is null. Null: every call is answered.
  AnswerCache* answer_cache = nullptr;
};

}  // namespace denialscope

#endif  // DENIALSCOPE_SERVER_SERVICE_CONTEXT_H_
