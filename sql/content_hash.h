// Content hashes that make re-sent records recognisable (DESIGN §3: re-sending a batch or a
// file changes nothing). They hash the canonical content keys of analytics/records.h, so the
// PostgreSQL store and the in-memory store agree on what "the same content" is.
#ifndef DENIALSCOPE_SQL_CONTENT_HASH_H_
#define DENIALSCOPE_SQL_CONTENT_HASH_H_

#include <string>

#include "analytics/records.h"

namespace denialscope {

// SHA-256 of ClaimContentKey (every field but the frequency code), 64 lower-case hex digits.
std::string ClaimContentHash(const Claim& claim);

// SHA-256 of RemittanceContentKey: the event's identity (event_id) in storage.
std::string RemittanceContentHash(const RemittanceEvent& event);

// SHA-256 of ProviderAdjustmentContentKey: tells a re-imported PLB pair from a different one
// stored under the same key.
std::string ProviderAdjustmentContentHash(const ProviderLevelAdjustment& adjustment);

}  // namespace denialscope

#endif  // DENIALSCOPE_SQL_CONTENT_HASH_H_
