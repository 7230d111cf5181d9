// `denialscope import`: streams files to IngestService.ImportFile in chunks, with a progress
// bar on a terminal (plain progress lines otherwise), then prints what the server read,
// stored and could not read, with positions. Exits non-zero when anything was rejected.
// Each file's SHA-256 goes in the first message, so a file the practice imported before is
// answered at once from the server's file registry instead of being sent again.
#include <openssl/evp.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"
#include "cli/commands.h"
#include "denialscope/v1/ingest_service.grpc.pb.h"
#include "grpcpp/client_context.h"

namespace denialscope::cli {
namespace {

namespace v1 = ::denialscope::v1;

constexpr size_t kDefaultChunkBytes = size_t{1} << 20;
constexpr size_t kMaxChunkBytes = size_t{4} << 20;  // the server's limit
constexpr int kBarWidth = 30;

// Counts records as the bytes go by, for the progress line only (the server's counts are the
// truth): lines for JSONL and CSV, CLM/CLP segments for X12.
class RecordCounter {
 public:
  void Add(absl::string_view bytes) {
    for (char c : bytes) {
      if (c == '\n') ++lines_;
      window_ = (window_ << 8) | static_cast<unsigned char>(c);
      // "CLM" or "CLP" followed by the element separator, which X12 puts right after ISA.
      const uint32_t last4 = static_cast<uint32_t>(window_ & 0xFFFFFFFF);
      if (((last4 >> 8) == kClm || (last4 >> 8) == kClp) && IsSeparator(last4 & 0xFF)) ++x12_;
    }
  }
  int64_t Records() const { return x12_ > 0 ? x12_ : lines_; }

 private:
  static constexpr uint32_t kClm = ('C' << 16) | ('L' << 8) | 'M';
  static constexpr uint32_t kClp = ('C' << 16) | ('L' << 8) | 'P';
  static bool IsSeparator(uint32_t c) { return c == '*' || c == '|' || c == '^'; }
  uint64_t window_ = 0;
  int64_t lines_ = 0;
  int64_t x12_ = 0;
};

class Progress {
 public:
  Progress(std::string name, int64_t total, std::ostream& err)
      : name_(std::move(name)), total_(total), err_(err), tty_(isatty(STDERR_FILENO) == 1),
        start_(std::chrono::steady_clock::now()) {}

  void Update(int64_t sent, int64_t records, bool done) {
    const auto now = std::chrono::steady_clock::now();
    const double seconds = std::chrono::duration<double>(now - start_).count();
    const double fraction = total_ > 0 ? static_cast<double>(sent) / total_ : 1.0;
    if (tty_) {
      if (!done && now - last_ < std::chrono::milliseconds(100)) return;
      const int filled = static_cast<int>(fraction * kBarWidth);
      err_ << absl::StrFormat("\r%s [%s%s] %5.1f%%  %s / %s  %s/s  ~%d records", name_,
                              std::string(filled, '#'), std::string(kBarWidth - filled, '.'),
                              100 * fraction, Megabytes(sent), Megabytes(total_),
                              Megabytes(seconds > 0 ? static_cast<int64_t>(sent / seconds) : 0),
                              records);
      if (done) err_ << "\n";
      err_.flush();
    } else {
      // Plain lines, one per tenth of the file, for logs and pipes.
      const int tenth = static_cast<int>(fraction * 10);
      if (!done && tenth <= last_tenth_) return;
      last_tenth_ = tenth;
      err_ << absl::StrFormat("%s: %.0f%% (%s, ~%d records)\n", name_, 100 * fraction,
                              Megabytes(sent), records);
    }
    last_ = now;
  }

 private:
  static std::string Megabytes(int64_t bytes) {
    return absl::StrFormat("%.1f MB", static_cast<double>(bytes) / 1e6);
  }
  std::string name_;
  int64_t total_;
  std::ostream& err_;
  bool tty_;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_;
  int last_tenth_ = -1;
};

// Lower-case hex SHA-256 of the file's bytes, or empty when it cannot be read (the import
// then goes on without declaring a hash and reports the read error itself).
std::string FileSha256(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return "";
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context(EVP_MD_CTX_new(),
                                                                  &EVP_MD_CTX_free);
  EVP_DigestInit_ex(context.get(), EVP_sha256(), nullptr);
  std::vector<char> buffer(size_t{1} << 20);
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    EVP_DigestUpdate(context.get(), buffer.data(), static_cast<size_t>(in.gcount()));
  }
  if (in.bad()) return "";
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_DigestFinal_ex(context.get(), digest, &length);
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(digest), length));
}

std::string FormatName(v1::FileFormat format) {
  switch (format) {
    case v1::FILE_FORMAT_X12:
      return "X12";
    case v1::FILE_FORMAT_JSONL:
      return "JSONL";
    case v1::FILE_FORMAT_CSV:
      return "CSV";
    default:
      return "unknown";
  }
}

std::string Where(const v1::ImportProblem& p) {
  if (p.line() > 0) return absl::StrCat("line ", p.line());
  std::string where = absl::StrCat("interchange ", p.interchange());
  if (p.transaction_set() > 0) absl::StrAppend(&where, ", set ", p.transaction_set());
  if (p.segment_number() > 0) absl::StrAppend(&where, ", segment ", p.segment_number());
  if (p.byte_offset() >= 0) absl::StrAppend(&where, " (byte ", p.byte_offset(), ")");
  return where;
}

}  // namespace

int RunImport(const Args& args, const std::shared_ptr<grpc::Channel>& channel,
              std::ostream& out, std::ostream& err) {
  const std::string npi = args.Get("practice");
  if (args.positional.size() < 2 || npi.empty()) {
    err << "usage: denialscope import --practice NPI [--format x12|jsonl|csv] "
           "[--chunk-size BYTES] FILE...\n";
    return kExitUsage;
  }
  v1::FileFormat format = v1::FILE_FORMAT_UNSPECIFIED;
  const std::string format_name = absl::AsciiStrToLower(args.Get("format"));
  if (format_name == "x12") {
    format = v1::FILE_FORMAT_X12;
  } else if (format_name == "jsonl") {
    format = v1::FILE_FORMAT_JSONL;
  } else if (format_name == "csv") {
    format = v1::FILE_FORMAT_CSV;
  } else if (!format_name.empty()) {
    err << "denialscope: --format must be x12, jsonl or csv\n";
    return kExitUsage;
  }
  size_t chunk_bytes = kDefaultChunkBytes;
  if (const std::string c = args.Get("chunk-size"); !c.empty()) {
    if (!absl::SimpleAtoi(c, &chunk_bytes) || chunk_bytes < 1 || chunk_bytes > kMaxChunkBytes) {
      err << "denialscope: --chunk-size must be 1.." << kMaxChunkBytes << "\n";
      return kExitUsage;
    }
  }
  auto stub = v1::IngestService::NewStub(channel);
  bool failed = false;
  for (size_t f = 1; f < args.positional.size(); ++f) {
    const std::string& path = args.positional[f];
    std::ifstream in(path, std::ios::binary);
    std::error_code size_error;
    const auto size = std::filesystem::file_size(path, size_error);
    if (!in || size_error) {
      err << "denialscope: cannot open " << path << "\n";
      failed = true;
      continue;
    }
    grpc::ClientContext context;
    v1::ImportFileResponse response;
    auto writer = stub->ImportFile(&context, &response);
    v1::ImportFileRequest request;
    request.set_parent(absl::StrCat("practices/", npi));
    request.set_format(format);
    request.set_file_name(std::filesystem::path(path).filename().string());
    request.set_content_sha256(FileSha256(path));
    Progress progress(request.file_name(), static_cast<int64_t>(size), err);
    RecordCounter counter;
    std::vector<char> buffer(chunk_bytes);
    int64_t sent = 0;
    bool first = true;
    while (true) {
      in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
      const std::streamsize n = in.gcount();
      if (n <= 0 && !first) break;
      if (!first) request.Clear();
      request.set_chunk(buffer.data(), static_cast<size_t>(std::max<std::streamsize>(n, 0)));
      counter.Add(request.chunk());
      first = false;
      // A failed write means the server ended the call; Finish() says why.
      if (!writer->Write(request)) break;
      sent += n;
      progress.Update(sent, counter.Records(), false);
      if (n < static_cast<std::streamsize>(buffer.size())) break;
    }
    writer->WritesDone();
    grpc::Status status = writer->Finish();
    progress.Update(sent, counter.Records(), true);
    if (!status.ok()) {
      err << "denialscope: import of " << path << " failed: " << status.error_message()
          << " (code " << status.error_code() << ")\n";
      failed = true;
      continue;
    }
    if (response.already_imported()) {
      const absl::Time first_time = absl::FromUnixSeconds(response.first_import_time().seconds());
      out << absl::StrFormat(
          "%s: already imported on %s; nothing changed%s\n", path,
          absl::FormatTime("%Y-%m-%d %H:%M:%S UTC", first_time, absl::UTCTimeZone()),
          response.summary_from_registry() ? " (not sent again; the summary below is that first import's)"
                                           : " (read again: its records are duplicates)");
    }
    out << absl::StrFormat(
        "%s (%s, %d bytes, sha256 %s)\n  read: %d claims (%d lines), %d remittance events, "
        "%d provider adjustments\n  stored: accepted %d, duplicate %d, rejected %d, unmatched "
        "%d, %s\n",
        path, FormatName(response.format()), response.bytes(),
        response.content_sha256().substr(0, 16), response.claims(), response.claim_lines(),
        response.remittance_events(), response.provider_adjustments(), response.accepted(),
        response.duplicate(), response.rejected(), response.unmatched(),
        response.summary_from_registry()
            ? std::string("at the first import")
            : absl::StrCat("in ", response.batches(), " transactions"));
    if (response.provider_adjustments() > 0) {
      out << absl::StrFormat(
          "  provider adjustments (kept at provider level): stored %d, duplicate %d, "
          "rejected %d\n",
          response.provider_adjustments_stored(), response.provider_adjustments_duplicate(),
          response.provider_adjustments_rejected());
    }
    if (response.problem_count() > 0) {
      out << absl::StrFormat("  %d problems%s:\n", response.problem_count(),
                             response.problem_count() > response.problems_size()
                                 ? absl::StrCat(" (first ", response.problems_size(), " shown)")
                                 : "");
      for (const v1::ImportProblem& p : response.problems()) {
        out << absl::StrFormat("    %s at %s%s%s%s: %s\n", p.severity(), Where(p),
                               p.segment_id().empty() ? "" : absl::StrCat(" ", p.segment_id()),
                               p.element().empty() ? "" : absl::StrCat(" ", p.element()),
                               p.claim_id().empty() ? "" : absl::StrCat(" (claim ", p.claim_id(), ")"),
                               p.reason());
      }
    }
    failed |= response.rejected() > 0 || response.provider_adjustments_rejected() > 0;
  }
  return failed ? kExitFailure : kExitOk;
}

}  // namespace denialscope::cli
