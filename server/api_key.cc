// API key generation, parsing and hashing; see api_key.h.
#include "server/api_key.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace denialscope {
namespace {

constexpr absl::string_view kPrefix = "ds_";
constexpr size_t kKeyIdBytes = 8;
constexpr size_t kSecretBytes = 32;

bool IsLowerHex(absl::string_view text, size_t length) {
  return text.size() == length && std::all_of(text.begin(), text.end(), [](char c) {
           return absl::ascii_isdigit(c) || (c >= 'a' && c <= 'f');
         });
}

absl::StatusOr<std::string> RandomHex(size_t bytes) {
  std::string raw(bytes, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(raw.data()), static_cast<int>(bytes)) != 1) {
    return absl::InternalError("the random number generator failed; no key was made");
  }
  return absl::BytesToHexString(raw);
}

}  // namespace

absl::StatusOr<NewApiKey> GenerateApiKey() {
  absl::StatusOr<std::string> key_id = RandomHex(kKeyIdBytes);
  if (!key_id.ok()) return key_id.status();
  absl::StatusOr<std::string> secret = RandomHex(kSecretBytes);
  if (!secret.ok()) return secret.status();
  NewApiKey key;
  key.key_id = *key_id;
  key.secret_hash = HashApiKeySecret(*secret);
  key.plaintext = absl::StrCat(kPrefix, *key_id, "_", *secret);
  return key;
}

absl::StatusOr<ParsedApiKey> ParseApiKey(absl::string_view key) {
  const auto malformed = absl::UnauthenticatedError(
      "the API key is malformed: expected ds_<key id>_<secret> as printed when it was created");
  if (!absl::ConsumePrefix(&key, kPrefix)) return malformed;
  const size_t underscore = key.find('_');
  if (underscore == absl::string_view::npos) return malformed;
  ParsedApiKey parsed{std::string(key.substr(0, underscore)),
                      std::string(key.substr(underscore + 1))};
  if (!IsKeyId(parsed.key_id) || !IsLowerHex(parsed.secret, 2 * kSecretBytes)) return malformed;
  return parsed;
}

std::string HashApiKeySecret(absl::string_view secret) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(secret.data()), secret.size(), digest);
  return std::string(reinterpret_cast<const char*>(digest), sizeof(digest));
}

bool SecretHashesEqual(absl::string_view a, absl::string_view b) {
  // Hash lengths are public (always 32), so only the bytes need constant time.
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

absl::StatusOr<std::string> BearerToken(absl::string_view authorization) {
  authorization = absl::StripAsciiWhitespace(authorization);
  if (authorization.empty()) {
    return absl::UnauthenticatedError(
        "no API key: send metadata \"authorization: Bearer <key>\"");
  }
  constexpr absl::string_view kScheme = "bearer ";
  if (authorization.size() <= kScheme.size() ||
      !absl::EqualsIgnoreCase(authorization.substr(0, kScheme.size()), kScheme)) {
    return absl::UnauthenticatedError(
        "the authorization metadata must be \"Bearer <key>\"");
  }
  return std::string(absl::StripAsciiWhitespace(authorization.substr(kScheme.size())));
}

absl::StatusOr<IssuedApiKey> IssueApiKey(AccessStore& store, ApiKeyRecord spec,
                                         absl::Time now) {
  // 64 random bits rarely collide; a second try makes it vanishingly rare.
  for (int attempt = 0;; ++attempt) {
    absl::StatusOr<NewApiKey> key = GenerateApiKey();
    if (!key.ok()) return key.status();
    spec.key_id = key->key_id;
    spec.secret_hash = key->secret_hash;
    spec.create_time = now;
    spec.revoke_time.reset();
    absl::Status stored = store.CreateApiKey(spec);
    if (absl::IsAlreadyExists(stored) && attempt < 2) continue;
    if (!stored.ok()) return stored;
    return IssuedApiKey{std::move(spec), std::move(key->plaintext)};
  }
}

bool IsKeyId(absl::string_view text) { return IsLowerHex(text, 2 * kKeyIdBytes); }

}  // namespace denialscope
