// HMAC-SHA256 of patient identifiers with OpenSSL (already a dependency of gRPC).
#include "server/patient_key.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "absl/strings/escaping.h"

namespace denialscope {

inline constexpr size_t kMinSecretBytes = 16;

absl::StatusOr<PatientKeyHasher> PatientKeyHasher::Create(std::string secret) {
  if (secret.size() < kMinSecretBytes) {
    return absl::InvalidArgumentError(
        "patient key secret must be at least 16 bytes; set --patient_key_secret_file or "
        "DENIALSCOPE_PATIENT_KEY_SECRET");
  }
  return PatientKeyHasher(std::move(secret));
}

std::string PatientKeyHasher::Hash(absl::string_view patient_id) const {
  if (patient_id.empty()) return "";
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), secret_.data(), static_cast<int>(secret_.size()),
       reinterpret_cast<const unsigned char*>(patient_id.data()), patient_id.size(), digest,
       &length);
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(digest), length));
}

}  // namespace denialscope
