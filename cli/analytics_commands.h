// The CLI's report commands over AnalyticsService: compare, trend, reasons, timeline and
// worklist. Each prints a readable table, or the response in the protobuf JSON mapping with
// --json, and takes the period and filter flags `summary` takes:
//   --practice NPI --from YYYY-MM --to YYYY-MM [--as-of YYYY-MM-DD] [--rule principal|any-pointed]
//   [--basis service|adjudication] [--payer ID,...] [--procedure-family ID,...]
//   [--rendering NPI,...] [--pos CODE,...]
#ifndef DENIALSCOPE_CLI_ANALYTICS_COMMANDS_H_
#define DENIALSCOPE_CLI_ANALYTICS_COMMANDS_H_

#include <memory>
#include <ostream>

#include "cli/args.h"
#include "grpcpp/channel.h"

namespace denialscope::cli {

// Usage lines for the top-level help.
extern const char kAnalyticsUsage[];

int RunCompare(const Args& args, const std::shared_ptr<grpc::Channel>& channel,
               std::ostream& out, std::ostream& err);
int RunTrend(const Args& args, const std::shared_ptr<grpc::Channel>& channel, std::ostream& out,
             std::ostream& err);
int RunReasons(const Args& args, const std::shared_ptr<grpc::Channel>& channel,
               std::ostream& out, std::ostream& err);
int RunTimeline(const Args& args, const std::shared_ptr<grpc::Channel>& channel,
                std::ostream& out, std::ostream& err);
int RunWorklist(const Args& args, const std::shared_ptr<grpc::Channel>& channel,
                std::ostream& out, std::ostream& err);

}  // namespace denialscope::cli

#endif  // DENIALSCOPE_CLI_ANALYTICS_COMMANDS_H_
