// Renders a MonthlyReport as a PDF with cairo, so the server hands out a file that prints the
// same everywhere without a browser: selectable text, vector charts, tables split across pages
// with their header repeated, and the practice, month and "Page N of M" on every page.
#ifndef DENIALSCOPE_SERVER_REPORT_PDF_H_
#define DENIALSCOPE_SERVER_REPORT_PDF_H_

#include <string>

#include "absl/status/statusor.h"
#include "denialscope/v1/report_service.pb.h"

namespace denialscope {

// The PDF bytes, on US Letter pages (the practices are US practices and print on Letter).
// Draws the tables of ReportTables() and the charts of report_layout.h, in the HTML's order.
// INTERNAL when cairo fails (out of memory, no usable font).
absl::StatusOr<std::string> RenderReportPdf(const denialscope::v1::MonthlyReport& report);

}  // namespace denialscope

#endif  // DENIALSCOPE_SERVER_REPORT_PDF_H_
