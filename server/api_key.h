// API keys as callers hold them: `ds_<key_id>_<secret>`. The key id is public (it names the
// key in lists and audit rows); the secret is 256 random bits from OpenSSL, shown once at
// creation and kept only as its SHA-256. The secret is random, not a password, so one fast
// hash is enough: there is nothing to guess from the hash.
#ifndef DENIALSCOPE_SERVER_API_KEY_H_
#define DENIALSCOPE_SERVER_API_KEY_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "analytics/access_store.h"

namespace denialscope {

struct ParsedApiKey {
  std::string key_id;  // 16 lower-case hex digits
  std::string secret;  // 64 lower-case hex digits
};

struct NewApiKey {
  std::string key_id;
  std::string secret_hash;  // SHA-256 of the secret, 32 raw bytes
  std::string plaintext;    // `ds_<key_id>_<secret>`: give to the caller once, never store
};

// A fresh key from OpenSSL's CSPRNG. INTERNAL when the generator fails.
absl::StatusOr<NewApiKey> GenerateApiKey();

// Splits `ds_<key_id>_<secret>`. UNAUTHENTICATED (with a message that echoes nothing of the
// key) when it is not shaped like one.
absl::StatusOr<ParsedApiKey> ParseApiKey(absl::string_view key);

// SHA-256 of the secret, 32 raw bytes.
std::string HashApiKeySecret(absl::string_view secret);

// Compares two hashes in constant time (no early exit on the first differing byte).
bool SecretHashesEqual(absl::string_view a, absl::string_view b);

// The key from an `authorization` metadata value: "Bearer <key>" (scheme case-insensitive).
// UNAUTHENTICATED when missing or of another scheme.
absl::StatusOr<std::string> BearerToken(absl::string_view authorization);

struct IssuedApiKey {
  ApiKeyRecord record;    // as stored
  std::string plaintext;  // `ds_<key_id>_<secret>`: give to the caller once, never store
};

// Makes a key with the name, scopes, practices and expiry of `spec` (its id, hash and
// create_time are ignored), created at `now`, and stores it. Validating the spec is the
// caller's business. Errors of the store (a taken id is retried with a fresh one).
absl::StatusOr<IssuedApiKey> IssueApiKey(AccessStore& store, ApiKeyRecord spec, absl::Time now);

// 16 lower-case hex digits.
bool IsKeyId(absl::string_view text);

}  // namespace denialscope

#endif  // DENIALSCOPE_SERVER_API_KEY_H_
