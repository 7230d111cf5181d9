// Assembles the MonthlyReport of ReportService from the AnalyticsService answers
// (server/analytics_answers.h), so the report and the dashboard API never disagree.
#ifndef DENIALSCOPE_SERVER_MONTHLY_REPORT_H_
#define DENIALSCOPE_SERVER_MONTHLY_REPORT_H_

#include <string>

#include "absl/status/statusor.h"
#include "denialscope/v1/report_service.pb.h"
#include "server/service_context.h"

namespace denialscope {

// Most worklist rows the report carries.
inline constexpr int kReportWorklistSize = 100;
// Payers the payer table shows one by one (most claims first); the rest share one row.
inline constexpr int kReportPayers = 8;

// The report named `name` (`practices/{npi}/reports/{yyyy-mm}`) as of `as_of_date`
// (YYYY-MM-DD; empty = today by the context's clock). NOT_FOUND for an unknown practice;
// INVALID_ARGUMENT naming the field for a malformed name or date. `*rows` gets the rows read.
absl::StatusOr<denialscope::v1::MonthlyReport> BuildMonthlyReport(const ServiceContext& context,
                                                                  const std::string& name,
                                                                  const std::string& as_of_date,
                                                                  int64_t* rows);

}  // namespace denialscope

#endif  // DENIALSCOPE_SERVER_MONTHLY_REPORT_H_
