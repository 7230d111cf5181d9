// Opaque page tokens; see page_token.h.
#include "server/page_token.h"

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace denialscope {
namespace {
constexpr absl::string_view kVersion = "v1";
constexpr char kSeparator = '\x1f';  // unit separator: never in a tag or an NPI
}  // namespace

std::string EncodePageToken(absl::string_view query_tag, absl::string_view position) {
  return absl::WebSafeBase64Escape(
      absl::StrCat(kVersion, std::string(1, kSeparator), query_tag, std::string(1, kSeparator),
                   position));
}

absl::StatusOr<std::string> DecodePageToken(absl::string_view token, absl::string_view query_tag) {
  std::string raw;
  if (!absl::WebSafeBase64Unescape(token, &raw)) {
    return absl::InvalidArgumentError("page_token: not a token issued by this API");
  }
  std::vector<std::string> parts = absl::StrSplit(raw, absl::MaxSplits(kSeparator, 2));
  if (parts.size() != 3 || parts[0] != kVersion) {
    return absl::InvalidArgumentError("page_token: not a token issued by this API");
  }
  if (parts[1] != query_tag) {
    return absl::InvalidArgumentError(
        "page_token: the token belongs to a different query; start again without a token");
  }
  return parts[2];
}

}  // namespace denialscope
