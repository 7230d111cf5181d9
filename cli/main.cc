// denialscope: the command-line client. Thin: parse the words, open a channel, run a command.
#include <cstdlib>
#include <iostream>

#include "cli/analytics_commands.h"
#include "cli/args.h"
#include "cli/channel.h"
#include "cli/commands.h"
#include "cli/key_commands.h"
#include "cli/report_command.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"

namespace {

constexpr char kUsageHead[] =
    R"(usage: denialscope [--server HOST:PORT] COMMAND ...

commands:
  practices create NPI NAME       onboard a practice (billing NPI and display name)
  practices list                  list onboarded practices
  keys create --practice NPI[,NPI...] --scopes read,report[,ingest] [--expires YYYY-MM-DD]
              [--name NAME]       make an API key for those practices (it stops working at
                                  00:00 UTC on the expiry date); prints the key, shown once
  keys create --scopes admin [--name NAME]
                                  make an admin key (every practice, every scope)
  keys list                       list API keys (never their secrets)
  keys revoke KEY_ID              revoke a key at once
  audit [--practice NPI] [--key KEY_ID] [--limit N] [--json]
                                  the audit trail, newest first (admin keys only)

  Every call needs an API key: --api-key KEY, else DENIALSCOPE_API_KEY. TLS: --tls-ca FILE
  trusts the server certificate that CA signed; --tls-cert FILE --tls-key FILE add a client
  certificate (mutual TLS); --tls-server-name NAME verifies the certificate for NAME.

  ingest [--practice NPI] [--batch-size N] FILE...
                                  send JSONL records ({"claim":{...}} or {"remittance":{...}}
                                  per line); without --practice each record goes to the
                                  practice named by its billing_npi / payee_npi
  import --practice NPI [--format x12|jsonl|csv] FILE...
                                  import files as the practice has them: X12 837P/835,
                                  JSONL or CSV (format detected unless given); shows progress,
                                  then what was stored and every problem with its position
  summary --practice NPI --from YYYY-MM --to YYYY-MM [--as-of YYYY-MM-DD]
          [--rule principal|any-pointed] [--json]
                                  per-cohort denial summary (M54.2 vs specific cervical)
)";

constexpr char kUsageTail[] = R"(
The server address comes from --server, else DENIALSCOPE_SERVER, else 127.0.0.1:50051.
)";

// The whole help text: the commands above, the report commands, the tail.
struct Usage {};
std::ostream& operator<<(std::ostream& out, Usage) {
  return out << kUsageHead << denialscope::cli::kAnalyticsUsage << denialscope::cli::kReportUsage
             << kUsageTail;
}
constexpr Usage kUsage;

}  // namespace

int main(int argc, char** argv) {
  namespace cli = denialscope::cli;
  absl::StatusOr<cli::Args> args = cli::ParseArgs(argc, argv, {"json", "help", "all"});
  if (!args.ok()) {
    std::cerr << "denialscope: " << args.status().message() << "\n" << kUsage;
    return cli::kExitUsage;
  }
  if (args->Has("help") || args->positional.empty()) {
    std::cout << kUsage;
    return args->Has("help") ? cli::kExitOk : cli::kExitUsage;
  }
  // TLS and the API key (sent on every call) come from the connection options.
  absl::StatusOr<std::shared_ptr<grpc::Channel>> connection = cli::ChannelFromArgs(*args);
  if (!connection.ok()) {
    std::cerr << "denialscope: " << connection.status().message() << "\n";
    return cli::kExitUsage;
  }
  const std::shared_ptr<grpc::Channel>& channel = *connection;
  const std::string& command = args->positional[0];
  if (command == "practices") return cli::RunPractices(*args, channel, std::cout, std::cerr);
  if (command == "keys") return cli::RunKeys(*args, channel, std::cout, std::cerr);
  if (command == "audit") return cli::RunAudit(*args, channel, std::cout, std::cerr);
  if (command == "ingest") return cli::RunIngest(*args, channel, std::cout, std::cerr);
  if (command == "import") return cli::RunImport(*args, channel, std::cout, std::cerr);
  if (command == "summary") return cli::RunSummary(*args, channel, std::cout, std::cerr);
  if (command == "compare") return cli::RunCompare(*args, channel, std::cout, std::cerr);
  if (command == "trend") return cli::RunTrend(*args, channel, std::cout, std::cerr);
  if (command == "reasons") return cli::RunReasons(*args, channel, std::cout, std::cerr);
  if (command == "timeline") return cli::RunTimeline(*args, channel, std::cout, std::cerr);
  if (command == "worklist") return cli::RunWorklist(*args, channel, std::cout, std::cerr);
  if (command == "report") return cli::RunReport(*args, channel, std::cout, std::cerr);
  std::cerr << "denialscope: unknown command \"" << command << "\"\n" << kUsage;
  return cli::kExitUsage;
}
