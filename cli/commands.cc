// The CLI commands; see commands.h.
#include "cli/commands.h"

#include <fstream>
#include <map>
#include <optional>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "denialscope/v1/admin_service.grpc.pb.h"
#include "denialscope/v1/analytics_service.grpc.pb.h"
#include "denialscope/v1/ingest_service.grpc.pb.h"
#include "google/protobuf/util/json_util.h"
#include "grpcpp/client_context.h"

namespace denialscope::cli {
namespace {

namespace v1 = ::denialscope::v1;

constexpr int kDefaultBatchSize = 1000;

int ReportRpcError(absl::string_view what, const grpc::Status& status, std::ostream& err) {
  err << "denialscope: " << what << " failed: " << status.error_message() << " (code "
      << status.error_code() << ")\n";
  return kExitFailure;
}

// One client stream of one record kind into one practice, sending fixed-size batches and
// remembering where each record came from so the server's record_index maps back to
// file:line.
template <typename Request, typename Record>
class BatchStream {
 public:
  BatchStream(std::string parent, int batch_size) : parent_(std::move(parent)), batch_size_(batch_size) {}

  template <typename Open>
  void Add(const Record& record, std::string origin, Open open) {
    if (writer_ == nullptr) writer_ = open(&context_, &response_);
    *Records(&pending_) = record;
    origins_.push_back(std::move(origin));
    if (RecordCount(pending_) >= batch_size_) Flush();
  }

  // Ends the stream and returns the server's answer.
  grpc::Status Finish() {
    if (writer_ == nullptr) return grpc::Status::OK;
    Flush();
    writer_->WritesDone();
    return writer_->Finish();
  }

  bool open() const { return writer_ != nullptr; }
  const v1::IngestResponse& response() const { return response_; }
  const std::string& Origin(int64_t index) const {
    static const std::string kUnknown = "?";
    return index >= 0 && index < static_cast<int64_t>(origins_.size()) ? origins_[index]
                                                                        : kUnknown;
  }

 private:
  static int RecordCount(const v1::IngestClaimsRequest& r) { return r.claims_size(); }
  static int RecordCount(const v1::IngestRemittancesRequest& r) { return r.remittances_size(); }
  static v1::ClaimRecord* Records(v1::IngestClaimsRequest* r) { return r->add_claims(); }
  static v1::RemittanceRecord* Records(v1::IngestRemittancesRequest* r) {
    return r->add_remittances();
  }

  void Flush() {
    if (RecordCount(pending_) == 0 || broken_) return;
    pending_.set_parent(parent_);
    // A failed write means the server ended the stream; Finish() reports why.
    if (!writer_->Write(pending_)) broken_ = true;
    pending_.Clear();
  }

  std::string parent_;
  int batch_size_;
  grpc::ClientContext context_;
  v1::IngestResponse response_;
  std::unique_ptr<grpc::ClientWriter<Request>> writer_;
  Request pending_;
  std::vector<std::string> origins_;
  bool broken_ = false;
};

using ClaimStream = BatchStream<v1::IngestClaimsRequest, v1::ClaimRecord>;
using RemittanceStream = BatchStream<v1::IngestRemittancesRequest, v1::RemittanceRecord>;

void PrintCounts(absl::string_view label, const v1::IngestResponse& r, std::ostream& out) {
  out << absl::StrFormat(
      "%s: received %d, accepted %d, duplicate %d, rejected %d, unmatched %d\n", label,
      r.received(), r.accepted(), r.duplicate(), r.rejected(), r.unmatched());
}

template <typename Stream>
void PrintErrors(const Stream& stream, std::ostream& out) {
  for (const v1::RecordError& e : stream.response().errors()) {
    out << absl::StrFormat("  %s claim %s: %s: %s\n", stream.Origin(e.record_index()),
                           e.claim_id(), e.field(), e.reason());
  }
}

std::string Percent(const v1::Rate& rate) {
  if (!rate.has_value()) return "-";
  return absl::StrFormat("%.1f%%", 100.0 * rate.value());
}

std::string Dollars(int64_t cents) {
  return absl::StrFormat("$%d.%02d", cents / 100, std::abs(cents % 100));
}

}  // namespace

int RunPractices(const Args& args, const std::shared_ptr<grpc::Channel>& channel,
                 std::ostream& out, std::ostream& err) {
  auto stub = v1::AdminService::NewStub(channel);
  const std::string sub = args.positional.size() > 1 ? args.positional[1] : "";
  if (sub == "create") {
    if (args.positional.size() != 4) {
      err << "usage: denialscope practices create NPI NAME\n";
      return kExitUsage;
    }
    v1::CreatePracticeRequest request;
    request.mutable_practice()->set_npi(args.positional[2]);
    request.mutable_practice()->set_display_name(args.positional[3]);
    v1::Practice practice;
    grpc::ClientContext context;
    grpc::Status status = stub->CreatePractice(&context, request, &practice);
    if (!status.ok()) return ReportRpcError("practices create", status, err);
    out << "created " << practice.name() << " \"" << practice.display_name() << "\"\n";
    return kExitOk;
  }
  if (sub == "list") {
    v1::ListPracticesRequest request;
    do {
      v1::ListPracticesResponse response;
      grpc::ClientContext context;
      grpc::Status status = stub->ListPractices(&context, request, &response);
      if (!status.ok()) return ReportRpcError("practices list", status, err);
      for (const v1::Practice& p : response.practices()) {
        out << p.name() << "\t" << p.display_name() << "\n";
      }
      request.set_page_token(response.next_page_token());
    } while (!request.page_token().empty());
    return kExitOk;
  }
  err << "usage: denialscope practices create NPI NAME | practices list\n";
  return kExitUsage;
}

int RunIngest(const Args& args, const std::shared_ptr<grpc::Channel>& channel,
              std::ostream& out, std::ostream& err) {
  if (args.positional.size() < 2) {
    err << "usage: denialscope ingest [--practice NPI] [--batch-size N] FILE...\n";
    return kExitUsage;
  }
  int batch_size = kDefaultBatchSize;
  if (const std::string b = args.Get("batch-size"); !b.empty()) {
    if (!absl::SimpleAtoi(b, &batch_size) || batch_size < 1 || batch_size > 10000) {
      err << "denialscope: --batch-size must be 1..10000\n";
      return kExitUsage;
    }
  }
  auto stub = v1::IngestService::NewStub(channel);
  const std::string forced_npi = args.Get("practice");
  // One claim stream and one remittance stream per practice, opened on first use.
  std::map<std::string, std::unique_ptr<ClaimStream>> claim_streams;
  std::map<std::string, std::unique_ptr<RemittanceStream>> remittance_streams;
  int64_t local_rejections = 0;
  google::protobuf::util::JsonParseOptions json_options;
  json_options.ignore_unknown_fields = false;

  for (size_t f = 1; f < args.positional.size(); ++f) {
    const std::string& path = args.positional[f];
    std::ifstream in(path);
    if (!in) {
      err << "denialscope: cannot open " << path << "\n";
      return kExitFailure;
    }
    std::string line;
    int64_t line_number = 0;
    while (std::getline(in, line)) {
      ++line_number;
      if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
      const std::string origin = absl::StrCat(path, ":", line_number);
      v1::IngestRecord record;
      auto parsed = google::protobuf::util::JsonStringToMessage(line, &record, json_options);
      if (!parsed.ok() || record.record_case() == v1::IngestRecord::RECORD_NOT_SET) {
        ++local_rejections;
        err << origin << ": not an ingest record ({\"claim\":...} or {\"remittance\":...}): "
            << (parsed.ok() ? "neither claim nor remittance" : std::string(parsed.message()))
            << "\n";
        continue;
      }
      const bool is_claim = record.has_claim();
      std::string npi = forced_npi;
      if (npi.empty()) npi = is_claim ? record.claim().billing_npi() : record.remittance().payee_npi();
      if (npi.empty()) {
        ++local_rejections;
        err << origin << ": no practice: pass --practice or set "
            << (is_claim ? "billing_npi" : "payee_npi") << "\n";
        continue;
      }
      const std::string parent = absl::StrCat("practices/", npi);
      if (is_claim) {
        auto& stream = claim_streams[npi];
        if (!stream) stream = std::make_unique<ClaimStream>(parent, batch_size);
        stream->Add(record.claim(), origin, [&](grpc::ClientContext* c, v1::IngestResponse* r) {
          return stub->IngestClaims(c, r);
        });
      } else {
        auto& stream = remittance_streams[npi];
        if (!stream) stream = std::make_unique<RemittanceStream>(parent, batch_size);
        stream->Add(record.remittance(), origin,
                    [&](grpc::ClientContext* c, v1::IngestResponse* r) {
                      return stub->IngestRemittances(c, r);
                    });
      }
    }
  }

  bool failed = local_rejections > 0;
  // Claims first: their remittances then join at once instead of waiting as unmatched.
  for (auto& [npi, stream] : claim_streams) {
    grpc::Status status = stream->Finish();
    if (!status.ok()) {
      failed = true;
      ReportRpcError(absl::StrCat("ingest of claims for practices/", npi), status, err);
      continue;
    }
    PrintCounts(absl::StrCat("practices/", npi, " claims"), stream->response(), out);
    PrintErrors(*stream, out);
    failed |= stream->response().rejected() > 0;
  }
  for (auto& [npi, stream] : remittance_streams) {
    grpc::Status status = stream->Finish();
    if (!status.ok()) {
      failed = true;
      ReportRpcError(absl::StrCat("ingest of remittances for practices/", npi), status, err);
      continue;
    }
    PrintCounts(absl::StrCat("practices/", npi, " remittances"), stream->response(), out);
    PrintErrors(*stream, out);
    failed |= stream->response().rejected() > 0;
  }
  if (local_rejections > 0) out << local_rejections << " lines could not be read (see above)\n";
  return failed ? kExitFailure : kExitOk;
}

int RunSummary(const Args& args, const std::shared_ptr<grpc::Channel>& channel,
               std::ostream& out, std::ostream& err) {
  const std::string npi = args.Get("practice");
  if (npi.empty() || args.Get("from").empty() || args.Get("to").empty()) {
    err << "usage: denialscope summary --practice NPI --from YYYY-MM --to YYYY-MM "
           "[--as-of YYYY-MM-DD] [--rule principal|any-pointed] [--json]\n";
    return kExitUsage;
  }
  v1::GetDenialSummaryRequest request;
  request.set_practice(absl::StrCat("practices/", npi));
  request.set_from_month(args.Get("from"));
  request.set_to_month(args.Get("to"));
  request.set_as_of_date(args.Get("as-of"));
  const std::string rule = args.Get("rule", "principal");
  if (rule == "principal") {
    request.set_cohort_rule(v1::COHORT_RULE_PRINCIPAL);
  } else if (rule == "any-pointed") {
    request.set_cohort_rule(v1::COHORT_RULE_ANY_POINTED);
  } else {
    err << "denialscope: --rule must be principal or any-pointed\n";
    return kExitUsage;
  }
  auto stub = v1::AnalyticsService::NewStub(channel);
  v1::DenialSummary summary;
  grpc::ClientContext context;
  grpc::Status status = stub->GetDenialSummary(&context, request, &summary);
  if (!status.ok()) return ReportRpcError("summary", status, err);

  if (args.Has("json")) {
    std::string json;
    google::protobuf::util::JsonPrintOptions options;
    options.add_whitespace = true;
    options.preserve_proto_field_names = true;
    (void)google::protobuf::util::MessageToJsonString(summary, &json, options);
    out << json << "\n";
    return kExitOk;
  }
  out << absl::StrFormat(
      "Denial summary for %s, service months %s to %s, as of %s (ICD-10-CM FY%d taxonomy)\n\n",
      summary.practice(), summary.from_month(), summary.to_month(), summary.as_of_date(),
      summary.taxonomy_fiscal_year());
  out << absl::StrFormat("%-44s %7s %7s %9s %9s %9s %9s %13s %9s\n", "cohort", "claims",
                         "adjud.", "init.den", "init.den$", "final.den", "final.den$",
                         "charges", "median.d");
  for (const v1::CohortSummary& c : summary.cohorts()) {
    const std::string label = c.group() == v1::COHORT_GROUP_SPECIFIC_FAMILY
                                  ? absl::StrCat("  ", c.display_name())
                                  : c.display_name();
    out << absl::StrFormat(
        "%-44s %7d %7d %9s %9s %9s %9s %13s %9s\n", label.substr(0, 44), c.claim_count(),
        c.adjudicated_count(), Percent(c.initial_denial_rate()),
        Percent(c.initial_denial_rate_dollars()), Percent(c.final_denial_rate()),
        Percent(c.final_denial_rate_dollars()), Dollars(c.charge_cents()),
        c.has_median_days_to_payment() ? absl::StrCat(c.median_days_to_payment()) : "-");
  }
  out << "\ninit.den / final.den: initial and final denial rate of adjudicated claims, by count "
         "and by charge dollars ($).\nmedian.d: Kaplan-Meier median days from service to first "
         "payment, unpaid claims censored at the as-of date; '-' when fewer than half are paid.\n";
  return kExitOk;
}

}  // namespace denialscope::cli
