// SHA-256 (OpenSSL) over the records' canonical content keys.
#include "sql/content_hash.h"

#include <openssl/evp.h>

#include "absl/strings/string_view.h"

#include "sql/pg_values.h"

namespace denialscope {
namespace {

std::string Sha256Hex(absl::string_view bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest, &length, EVP_sha256(), nullptr);
  return HexEncode(absl::string_view(reinterpret_cast<const char*>(digest), length));
}

}  // namespace

std::string ClaimContentHash(const Claim& claim) { return Sha256Hex(ClaimContentKey(claim)); }

std::string RemittanceContentHash(const RemittanceEvent& event) {
  return Sha256Hex(RemittanceContentKey(event));
}

std::string ProviderAdjustmentContentHash(const ProviderLevelAdjustment& adjustment) {
  return Sha256Hex(ProviderAdjustmentContentKey(adjustment));
}

}  // namespace denialscope
