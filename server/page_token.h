// Opaque page tokens (AIP-158). A token carries the position to resume from and a tag of the
// query that issued it, base64url-encoded, so a client cannot hand-craft positions and a token
// from another query is refused instead of silently paging the wrong list.
#ifndef DENIALSCOPE_SERVER_PAGE_TOKEN_H_
#define DENIALSCOPE_SERVER_PAGE_TOKEN_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace denialscope {

// `query_tag` identifies the list and its filters; `position` is where the next page starts.
std::string EncodePageToken(absl::string_view query_tag, absl::string_view position);
// INVALID_ARGUMENT naming page_token when the token is malformed or from another query.
absl::StatusOr<std::string> DecodePageToken(absl::string_view token, absl::string_view query_tag);

}  // namespace denialscope

#endif  // DENIALSCOPE_SERVER_PAGE_TOKEN_H_
