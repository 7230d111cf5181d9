// What every service handler shares: the store, the code lists, the patient-key hasher, the
// clock and the log. Owned by the server; handlers only borrow it.
#ifndef DENIALSCOPE_SERVER_SERVICE_CONTEXT_H_
#define DENIALSCOPE_SERVER_SERVICE_CONTEXT_H_

#include "analytics/claim_store.h"
#include "analytics/taxonomy.h"
#include "server/call_log.h"
#include "server/clock.h"
#include "server/patient_key.h"

namespace denialscope {

struct ServiceContext {
  ClaimStore* store = nullptr;
  const CohortTaxonomy* taxonomy = nullptr;
  const PatientKeyHasher* hasher = nullptr;
  const Clock* clock = nullptr;
  LogSink* log = nullptr;
};

}  // namespace denialscope

#endif  // DENIALSCOPE_SERVER_SERVICE_CONTEXT_H_
