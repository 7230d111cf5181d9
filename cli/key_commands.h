// The CLI's security commands: `keys create|list|revoke` and `audit`, over AdminService.
// Same contract as commands.h: human output to `out`, problems to `err`, exit code returned.
#ifndef DENIALSCOPE_CLI_KEY_COMMANDS_H_
#define DENIALSCOPE_CLI_KEY_COMMANDS_H_

#include <memory>
#include <ostream>

#include "cli/args.h"
#include "grpcpp/channel.h"

namespace denialscope::cli {

// keys create --practice NPI[,NPI...] --scopes SCOPE[,SCOPE...] [--expires YYYY-MM-DD]
//             [--name NAME]   (prints the key alone on `out`, details on `err`)
// keys list
// keys revoke KEY_ID
int RunKeys(const Args& args, const std::shared_ptr<grpc::Channel>& channel, std::ostream& out,
            std::ostream& err);

// audit [--practice NPI] [--key KEY_ID] [--limit N] [--json]
int RunAudit(const Args& args, const std::shared_ptr<grpc::Channel>& channel, std::ostream& out,
             std::ostream& err);

}  // namespace denialscope::cli

#endif  // DENIALSCOPE_CLI_KEY_COMMANDS_H_
