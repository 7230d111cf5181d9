// The CLI's `report` command: pulls the monthly report (ReportService.GetMonthlyReport) and
// writes the rendered file.
#ifndef DENIALSCOPE_CLI_REPORT_COMMAND_H_
#define DENIALSCOPE_CLI_REPORT_COMMAND_H_

#include <memory>
#include <ostream>

#include "cli/args.h"
#include "grpcpp/channel.h"

namespace denialscope::cli {

// Usage lines for the top-level help.
extern const char kReportUsage[];

// denialscope report --practice NPI --month YYYY-MM --format html|csv|json|pdf [-o FILE]
//                    [--as-of YYYY-MM-DD]
// Writes to FILE (replaced only once the whole report arrived), else to `out`.
int RunReport(const Args& args, const std::shared_ptr<grpc::Channel>& channel,
              std::ostream& out, std::ostream& err);

}  // namespace denialscope::cli

#endif  // DENIALSCOPE_CLI_REPORT_COMMAND_H_
