// The denialscope command-line client's commands. Each takes parsed arguments and a channel
// and writes human output to `out` and problems to `err`; the return value is the process
// exit code (0 success, 1 failure or rejected records, 2 usage error).
#ifndef DENIALSCOPE_CLI_COMMANDS_H_
#define DENIALSCOPE_CLI_COMMANDS_H_

#include <memory>
#include <ostream>

#include "cli/args.h"
#include "grpcpp/channel.h"

namespace denialscope::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;

int RunPractices(const Args& args, const std::shared_ptr<grpc::Channel>& channel,
                 std::ostream& out, std::ostream& err);
int RunIngest(const Args& args, const std::shared_ptr<grpc::Channel>& channel,
              std::ostream& out, std::ostream& err);
// Streams files to IngestService.ImportFile (cli/import_command.cc).
int RunImport(const Args& args, const std::shared_ptr<grpc::Channel>& channel,
              std::ostream& out, std::ostream& err);
int RunSummary(const Args& args, const std::shared_ptr<grpc::Channel>& channel,
               std::ostream& out, std::ostream& err);

}  // namespace denialscope::cli

#endif  // DENIALSCOPE_CLI_COMMANDS_H_
