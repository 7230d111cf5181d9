// Patient identifiers are protected health information. The analytics need only a stable key
// per patient, so the server keeps an HMAC-SHA256 of the identifier under a server secret and
// drops the identifier itself before anything is stored or logged.
#ifndef DENIALSCOPE_SERVER_PATIENT_KEY_H_
#define DENIALSCOPE_SERVER_PATIENT_KEY_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace denialscope {

class PatientKeyHasher {
 public:
  // INVALID_ARGUMENT when the secret is shorter than 16 bytes: a short key is guessable.
  static absl::StatusOr<PatientKeyHasher> Create(std::string secret);

  // Lower-case hex HMAC-SHA256 of the identifier; empty for an empty identifier.
  std::string Hash(absl::string_view patient_id) const;

 private:
  explicit PatientKeyHasher(std::string secret) : secret_(std::move(secret)) {}
  std::string secret_;
};

}  // namespace denialscope

#endif  // DENIALSCOPE_SERVER_PATIENT_KEY_H_
