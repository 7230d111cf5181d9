// `denialscope report`: streams ReportService.GetMonthlyReport and writes the rendered bytes.
// A file given with -o is written beside its final name and renamed at the end, so a failed
// pull never leaves half a report where the last good one was.
#include "cli/report_command.h"

#include <cstdio>
#include <fstream>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "cli/commands.h"
#include "denialscope/v1/report_service.grpc.pb.h"
#include "grpcpp/client_context.h"

namespace denialscope::cli {

const char kReportUsage[] =
    R"(  report --practice NPI --month YYYY-MM [--format html|csv|json|pdf] [-o FILE]
         [--as-of YYYY-MM-DD]
                                  the monthly report: HTML (default; charts, printable),
                                  CSV for Excel, JSON, or PDF (US Letter); to FILE, else
                                  standard output
)";

namespace {

namespace v1 = ::denialscope::v1;

// The value after -o (or --output); empty when not given.
std::string OutputPath(const Args& args) {
  for (size_t i = 1; i + 1 < args.positional.size(); ++i) {
    if (args.positional[i] == "-o") return args.positional[i + 1];
  }
  return args.Get("output");
}

}  // namespace

int RunReport(const Args& args, const std::shared_ptr<grpc::Channel>& channel,
              std::ostream& out, std::ostream& err) {
  std::string practice = args.Get("practice");
  const std::string month = args.Get("month");
  if (practice.empty() || month.empty()) {
    err << "denialscope: report needs --practice NPI and --month YYYY-MM\n";
    return kExitUsage;
  }
  if (!absl::StartsWith(practice, "practices/")) practice = absl::StrCat("practices/", practice);
  const std::string format = absl::AsciiStrToLower(args.Get("format", "html"));
  v1::GetMonthlyReportRequest request;
  request.set_name(absl::StrCat(practice, "/reports/", month));
  request.set_as_of_date(args.Get("as-of"));
  if (format == "html") {
    request.set_format(v1::REPORT_FORMAT_HTML);
  } else if (format == "csv") {
    request.set_format(v1::REPORT_FORMAT_CSV);
  } else if (format == "json") {
    request.set_format(v1::REPORT_FORMAT_JSON);
  } else if (format == "pdf") {
    request.set_format(v1::REPORT_FORMAT_PDF);
  } else {
    err << "denialscope: --format must be html, csv, json or pdf\n";
    return kExitUsage;
  }
  const std::string path = OutputPath(args);
  const std::string partial = absl::StrCat(path, ".partial");
  std::ofstream file;
  if (!path.empty()) {
    file.open(partial, std::ios::binary | std::ios::trunc);
    if (!file) {
      err << "denialscope: cannot write " << partial << "\n";
      return kExitFailure;
    }
  }
  std::ostream& sink = path.empty() ? out : file;

  auto stub = v1::ReportService::NewStub(channel);
  grpc::ClientContext context;
  std::unique_ptr<grpc::ClientReader<v1::GetMonthlyReportResponse>> reader =
      stub->GetMonthlyReport(&context, request);
  v1::GetMonthlyReportResponse message;
  int64_t bytes = 0;
  std::string note;
  while (reader->Read(&message)) {
    if (message.has_report()) note = message.report().data_note();
    if (message.has_chunk()) {
      sink << message.chunk();
      bytes += static_cast<int64_t>(message.chunk().size());
    }
  }
  const grpc::Status status = reader->Finish();
  if (!status.ok()) {
    if (!path.empty()) {
      file.close();
      std::remove(partial.c_str());
    }
    err << "denialscope: report failed: " << status.error_message() << " (code "
        << status.error_code() << ")\n";
    return kExitFailure;
  }
  if (!path.empty()) {
    file.close();
    if (!file || std::rename(partial.c_str(), path.c_str()) != 0) {
      err << "denialscope: cannot write " << path << "\n";
      return kExitFailure;
    }
    err << "wrote " << path << " (" << bytes << " bytes). " << note << "\n";
  }
  return kExitOk;
}

}  // namespace denialscope::cli
