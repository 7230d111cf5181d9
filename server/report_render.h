// Renders a MonthlyReport as the files a practice manager opens: one self-contained HTML page
// with inline SVG charts, a CSV for Excel, and the protobuf JSON mapping. Pure functions of
// the message, so the renderers are tested without a server.
#ifndef DENIALSCOPE_SERVER_REPORT_RENDER_H_
#define DENIALSCOPE_SERVER_REPORT_RENDER_H_

#include <string>

#include "absl/status/statusor.h"
#include "denialscope/v1/report_service.pb.h"

namespace denialscope {

// HTML5, UTF-8; inline CSS (with a print stylesheet) and inline SVG; no script, no link to
// anything outside the file.
std::string RenderReportHtml(const denialscope::v1::MonthlyReport& report);

// UTF-8 with a byte-order mark, CRLF line ends, every field quoted; one titled table after
// another, separated by an empty line.
std::string RenderReportCsv(const denialscope::v1::MonthlyReport& report);

// The protobuf JSON mapping (field names in lowerCamelCase, enums by name).
absl::StatusOr<std::string> RenderReportJson(const denialscope::v1::MonthlyReport& report);

}  // namespace denialscope

#endif  // DENIALSCOPE_SERVER_REPORT_RENDER_H_
