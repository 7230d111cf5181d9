// denialscope: the command-line client. Thin: parse the words, open a channel, run a command.
#include <cstdlib>
#include <iostream>

#include "cli/analytics_commands.h"
#include "cli/args.h"
#include "cli/commands.h"
#include "cli/report_command.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"

namespace {

constexpr char kUsageHead[] =
    R"(usage: denialscope [--server HOST:PORT] COMMAND ...

commands:
  practices create NPI NAME       onboard a practice (billing NPI and display name)
  practices list                  list onboarded practices
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
  const char* env_server = std::getenv("DENIALSCOPE_SERVER");
  const std::string server =
      args->Get("server", env_server != nullptr && *env_server ? env_server : "127.0.0.1:50051");
  auto channel = grpc::CreateChannel(server, grpc::InsecureChannelCredentials());
  const std::string& command = args->positional[0];
  if (command == "practices") return cli::RunPractices(*args, channel, std::cout, std::cerr);
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
