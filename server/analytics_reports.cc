// The report handlers of AnalyticsService: CompareCohorts, GetTrend, ListDenialReasons,
// GetPaymentTimeline and ListDeniedClaims. Each parses the common scope (practice, period,
// as-of date, basis, filters, cohort rule), fetches fact cells along the fastest path that is
// correct for the request, and hands them to analytics/cohort_report.h:
//   1. stored monthly aggregates, when the store keeps the request's filters and the as-of
//      date is on or after the practice's horizon (the store says so by answering);
//   2. stored per-claim facts, when only the filters are beyond the aggregates;
//   3. the raw claims and events, derived now, otherwise (an earlier as-of date, or the
//      any-pointed cohort rule the stored facts do not use).
#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "analytics/cohort_report.h"
#include "analytics/fact_cells.h"
#include "analytics/measures.h"
#include "analytics/status_macros.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "server/analytics_answers.h"
#include "server/analytics_service.h"
#include "server/answer_cache.h"
#include "server/api_convert.h"
#include "server/grpc_status.h"
#include "server/page_token.h"
#include "server/report_convert.h"
#include "server/rpc_call.h"

namespace denialscope {
namespace {

namespace v1 = ::denialscope::v1;

constexpr int kDefaultPageSize = 50;
constexpr int kMaxPageSize = 1000;
constexpr absl::string_view kWorklistTag = "ListDeniedClaims";

// What every report request says about which claims it measures.
struct ReportScope {
  Practice practice;
  absl::CivilMonth from;
  absl::CivilMonth to;
  Day as_of;
  MeasureSelection selection;
  CohortRule rule = CohortRule::kPrincipal;
  double confidence = kDefaultConfidence;
};

std::vector<std::string> Trimmed(const google::protobuf::RepeatedPtrField<std::string>& in) {
  std::vector<std::string> out;
  for (const std::string& value : in) out.emplace_back(absl::StripAsciiWhitespace(value));
  return out;
}

absl::StatusOr<MeasureFilters> FiltersFromProto(const v1::ClaimFilter& filter,
                                                const ProcedureFamilies& families) {
  MeasureFilters out;
  out.payer_ids = Trimmed(filter.payer_ids());
  out.procedure_families = Trimmed(filter.procedure_families());
  out.rendering_npis = Trimmed(filter.rendering_npis());
  out.places_of_service = Trimmed(filter.places_of_service());
  for (size_t i = 0; i < out.procedure_families.size(); ++i) {
    const std::string& id = out.procedure_families[i];
    const bool known = std::any_of(families.families().begin(), families.families().end(),
                                   [&](const ProcedureFamily& f) { return f.id == id; });
    if (!known) {
      std::vector<std::string> ids;
      for (const ProcedureFamily& f : families.families()) ids.push_back(f.id);
      return absl::InvalidArgumentError(absl::StrCat("filter.procedure_families[", i, "]: \"",
                                                     id, "\" is not one of ",
                                                     absl::StrJoin(ids, ", ")));
    }
  }
  return out;
}

// The scope of a report request. `practice_field` names the request's practice field.
template <typename Request>
absl::StatusOr<ReportScope> ParseScope(const ServiceContext& context,
                                       const ProcedureFamilies& families,
                                       absl::string_view practice_field,
                                       const std::string& practice, const Request& request,
                                       double confidence_level) {
  DS_ASSIGN_OR_RETURN(std::string npi, ParsePracticeName(practice, practice_field));
  ReportScope scope;
  DS_ASSIGN_OR_RETURN(scope.from, ParseIsoMonth(request.from_month(), "from_month"));
  DS_ASSIGN_OR_RETURN(scope.to, ParseIsoMonth(request.to_month(), "to_month"));
  if (scope.from > scope.to) {
    return absl::InvalidArgumentError(absl::StrCat("from_month: ", request.from_month(),
                                                   " is after to_month ", request.to_month()));
  }
  if (scope.to - scope.from >= kMaxPeriodMonths) {
    return absl::InvalidArgumentError(
        absl::StrCat("to_month: the period covers more than ", kMaxPeriodMonths, " months"));
  }
  if (request.as_of_date().empty()) {
    scope.as_of = absl::ToCivilDay(context.clock->Now(), absl::UTCTimeZone());
  } else {
    DS_ASSIGN_OR_RETURN(scope.as_of, ParseIsoDate(request.as_of_date(), "as_of_date"));
  }
  if (confidence_level != 0) {
    if (!(confidence_level > 0 && confidence_level < 1)) {
      return absl::InvalidArgumentError(
          absl::StrCat("confidence_level: ", confidence_level, " is not in (0, 1)"));
    }
    scope.confidence = confidence_level;
  }
  scope.selection.basis = PeriodBasisFromProto(request.period_basis());
  scope.selection.months = MonthRange{scope.from, scope.to};
  DS_ASSIGN_OR_RETURN(scope.selection.filters, FiltersFromProto(request.filter(), families));
  scope.rule = CohortRuleFromProto(request.cohort_rule());
  DS_ASSIGN_OR_RETURN(scope.practice, context.store->GetPractice(npi));
  return scope;
}

// Every claim that can fall in the scope's months: by service month the months themselves;
// by adjudication month every claim served by the end of the last month.
ClaimQuery RawQuery(const ReportScope& scope) {
  const Day last = Day(scope.to + 1) - 1;
  if (scope.selection.basis == PeriodBasis::kServiceMonth) return {Day(scope.from), last};
  return {Day(1900, 1, 1), last};
}

// The measure context of the handlers: the server's lists, else the compiled-in ones.
class ReportData {
 public:
  explicit ReportData(const ServiceContext& context)
      : context_(context),
        code_lists_(context.code_lists != nullptr ? *context.code_lists
                                                  : BuiltinMeasureContext().code_lists),
        families_(context.procedure_families != nullptr
                      ? *context.procedure_families
                      : BuiltinMeasureContext().procedure_families) {}

  const CodeLists& code_lists() const { return code_lists_; }
  const ProcedureFamilies& families() const { return families_; }

  // The facts of the scope derived now from the raw claims and events.
  absl::StatusOr<std::vector<ClaimFacts>> RawFacts(const ReportScope& scope) const {
    DS_ASSIGN_OR_RETURN(std::vector<ClaimHistory> histories,
                        context_.store->LoadClaims(scope.practice, RawQuery(scope)));
    const MeasureContext measures{*context_.taxonomy, code_lists_, families_, scope.rule};
    return ComputeAllClaimFacts(histories, scope.as_of, measures);
  }

  // Parses the request's scope and fetches its cells of `kinds`.
  struct Fetched {
    ReportScope scope;
    FactCells cells;
    v1::DataSource source = v1::DATA_SOURCE_UNSPECIFIED;
  };
  template <typename Request>
  absl::StatusOr<Fetched> Fetch(const Request& request, const std::string& practice,
                                double confidence_level, int kinds) const {
    Fetched fetched;
    DS_ASSIGN_OR_RETURN(fetched.scope, ParseScope(context_, families_, "practice", practice,
                                                  request, confidence_level));
    DS_ASSIGN_OR_RETURN(std::tie(fetched.cells, fetched.source), Cells(fetched.scope, kinds));
    return fetched;
  }

  // The cells of `kinds` for the scope, along the fastest correct path.
  absl::StatusOr<std::pair<FactCells, v1::DataSource>> Cells(const ReportScope& scope,
                                                             int kinds) const {
    const FactsRequest request{scope.as_of, scope.selection};
    if (scope.rule == CohortRule::kPrincipal) {
      if (CellsCanServe(scope.selection.filters, kinds)) {
        DS_ASSIGN_OR_RETURN(std::optional<FactCells> cells,
                            context_.store->LoadFactCells(scope.practice, request, kinds));
        if (cells.has_value()) {
          return std::make_pair(*std::move(cells), v1::DATA_SOURCE_MONTHLY_AGGREGATES);
        }
      } else {
        DS_ASSIGN_OR_RETURN(std::optional<std::vector<ClaimFacts>> facts,
                            context_.store->LoadFacts(scope.practice, request));
        if (facts.has_value()) {
          return std::make_pair(
              KeepKinds(CellsOfFacts(*facts, scope.selection), kinds, scope.from, scope.as_of),
              v1::DATA_SOURCE_CLAIM_FACTS);
        }
      }
    }
    DS_ASSIGN_OR_RETURN(std::vector<ClaimFacts> facts, RawFacts(scope));
    return std::make_pair(
        KeepKinds(CellsOfFacts(facts, scope.selection), kinds, scope.from, scope.as_of),
        v1::DATA_SOURCE_RAW_EVENTS);
  }

 private:
  const ServiceContext& context_;
  const CodeLists& code_lists_;
  const ProcedureFamilies& families_;
};

int64_t CellRows(const FactCells& cells) {
  return static_cast<int64_t>(cells.counts.size() + cells.reasons.size() + cells.times.size() +
                              cells.receipts.size());
}

// The fields every report response echoes; the call's row count for the audit trail.
template <typename Response>
void SetCommonFields(const ReportData::Fetched& fetched, int64_t* rows, Response* response) {
  response->set_practice(PracticeName(fetched.scope.practice.npi));
  response->set_as_of_date(FormatIsoDate(fetched.scope.as_of));
  response->set_source(fetched.source);
  *rows = CellRows(fetched.cells);
}

// The worklist token's query tag: every request field but the page fields, with the as-of
// date resolved, so a token from another query (or another day's default as-of) is refused.
std::string WorklistTag(const v1::ListDeniedClaimsRequest& request, Day as_of) {
  v1::ListDeniedClaimsRequest query = request;
  query.clear_page_size();
  query.clear_page_token();
  query.set_as_of_date(FormatIsoDate(as_of));
  std::string bytes;
  google::protobuf::io::StringOutputStream stream(&bytes);
  {
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    query.SerializeToCodedStream(&coded);
  }
  uint64_t hash = 14695981039346656037ull;  // FNV-1a: stable across processes
  for (unsigned char c : bytes) {
    hash ^= c;
    hash *= 1099511628211ull;
  }
  return absl::StrCat(kWorklistTag, ".", hash);
}

std::string EncodePosition(const ClaimFacts& last) {
  return absl::StrCat(last.charge_cents, ":", last.payer_id.size(), ":", last.payer_id,
                      last.claim_id);
}

absl::StatusOr<WorklistPosition> DecodePosition(absl::string_view text) {
  const auto invalid = absl::InvalidArgumentError("page_token: not a token issued by this API");
  std::vector<absl::string_view> parts = absl::StrSplit(text, absl::MaxSplits(':', 2));
  WorklistPosition position;
  size_t payer_size = 0;
  if (parts.size() != 3 || !absl::SimpleAtoi(parts[0], &position.charge_cents) ||
      !absl::SimpleAtoi(parts[1], &payer_size) || payer_size > parts[2].size()) {
    return invalid;
  }
  position.payer_id = std::string(parts[2].substr(0, payer_size));
  position.claim_id = std::string(parts[2].substr(payer_size));
  return position;
}

absl::StatusOr<WorklistFilter> WorklistFilterFromProto(const v1::ListDeniedClaimsRequest& r) {
  WorklistFilter filter;
  for (int i = 0; i < r.cohorts_size(); ++i) {
    switch (r.cohorts(i)) {
      case v1::COHORT_GROUP_NONSPECIFIC:
        filter.cohorts.push_back(Cohort::kNonspecific);
        break;
      case v1::COHORT_GROUP_SPECIFIC:
        filter.cohorts.push_back(Cohort::kSpecific);
        break;
      case v1::COHORT_GROUP_NON_CERVICAL:
        filter.cohorts.push_back(Cohort::kNonCervical);
        break;
      default:
        return absl::InvalidArgumentError(absl::StrCat(
            "cohorts[", i, "]: must be COHORT_GROUP_NONSPECIFIC, COHORT_GROUP_SPECIFIC or "
            "COHORT_GROUP_NON_CERVICAL"));
    }
  }
  for (int i = 0; i < r.denial_categories_size(); ++i) {
    std::optional<DenialCategory> category = ParseDenialCategory(r.denial_categories(i));
    if (!category.has_value()) {
      return absl::InvalidArgumentError(absl::StrCat("denial_categories[", i, "]: \"",
                                                     r.denial_categories(i),
                                                     "\" is not a denial category id"));
    }
    filter.categories.push_back(*category);
  }
  for (const std::string& carc : Trimmed(r.carcs())) {
    filter.carcs.push_back(absl::AsciiStrToUpper(carc));
  }
  return filter;
}

}  // namespace

absl::Status AnswerCompareCohorts(const ServiceContext& context,
                                  const v1::CompareCohortsRequest& request,
                                  v1::CompareCohortsResponse* response, int64_t* rows) {
  DS_ASSIGN_OR_RETURN(ReportData::Fetched fetched,
                      ReportData(context).Fetch(request, request.practice(),
                                                request.confidence_level(),
                                                kCountCells | kMergeMonths));
  const ReportScope& scope = fetched.scope;
  SetCommonFields(fetched, rows, response);
  response->set_from_month(FormatIsoMonth(scope.from));
  response->set_to_month(FormatIsoMonth(scope.to));
  response->set_period_basis(PeriodBasisToProto(scope.selection.basis));
  ComparisonToProto(
      CompareCohortCells(fetched.cells.counts, *context.taxonomy, scope.confidence), response);
  return absl::OkStatus();
}

absl::Status AnswerPayerClaims(const ServiceContext& context,
                               const v1::CompareCohortsRequest& request,
                               std::vector<std::pair<std::string, int64_t>>* payers,
                               int64_t* rows) {
  DS_ASSIGN_OR_RETURN(ReportData::Fetched fetched,
                      ReportData(context).Fetch(request, request.practice(),
                                                request.confidence_level(),
                                                kCountCells | kMergeMonths));
  *rows = CellRows(fetched.cells);
  std::map<std::string, int64_t> claims;
  for (const CountCell& cell : fetched.cells.counts) {
    if (cell.leaf.cohort == Cohort::kNonCervical) continue;
    claims[cell.payer_id] += cell.counts.claims;
  }
  payers->clear();
  for (const auto& [payer, count] : claims) {
    if (count > 0) payers->emplace_back(payer, count);
  }
  std::stable_sort(payers->begin(), payers->end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  return absl::OkStatus();
}

absl::Status AnswerGetTrend(const ServiceContext& context, const v1::GetTrendRequest& request,
                            v1::GetTrendResponse* response, int64_t* rows) {
  const std::optional<MeasureId> measure = MeasureFromProto(request.measure());
  if (!measure.has_value()) {
    return absl::InvalidArgumentError("measure: required (one of the Measure values)");
  }
  DS_ASSIGN_OR_RETURN(ReportData::Fetched fetched,
                      ReportData(context).Fetch(request, request.practice(),
                                                request.confidence_level(),
                                                kCountCells | kMergeStrata));
  const ReportScope& scope = fetched.scope;
  SetCommonFields(fetched, rows, response);
  response->set_measure(request.measure());
  TrendToProto(ComputeTrend(fetched.cells.counts, *measure, scope.from, scope.to,
                            *context.taxonomy, scope.confidence),
               response);
  return absl::OkStatus();
}

absl::Status AnswerListDenialReasons(const ServiceContext& context,
                                     const v1::ListDenialReasonsRequest& request,
                                     v1::ListDenialReasonsResponse* response, int64_t* rows) {
  const ReportData data(context);
  DS_ASSIGN_OR_RETURN(ReportData::Fetched fetched,
                      data.Fetch(request, request.practice(), 0, kReasonCells));
  const DenialStage stage =
      request.stage() == v1::DENIAL_STAGE_FINAL ? DenialStage::kFinal : DenialStage::kInitial;
  SetCommonFields(fetched, rows, response);
  response->set_stage(stage == DenialStage::kFinal ? v1::DENIAL_STAGE_FINAL
                                                   : v1::DENIAL_STAGE_INITIAL);
  ReasonsToProto(DenialReasons(fetched.cells.reasons, stage, *context.taxonomy),
                 data.code_lists(), response);
  return absl::OkStatus();
}

absl::Status AnswerGetPaymentTimeline(const ServiceContext& context,
                                      const v1::GetPaymentTimelineRequest& request,
                                      v1::GetPaymentTimelineResponse* response, int64_t* rows) {
  const v1::CurveDetail detail = request.curve_detail();
  if (detail != v1::CURVE_DETAIL_UNSPECIFIED && detail != v1::CURVE_DETAIL_EVENT_DAYS &&
      detail != v1::CURVE_DETAIL_EVERY_DAY) {
    return absl::InvalidArgumentError(
        absl::StrCat("curve_detail: unknown value ", static_cast<int>(detail)));
  }
  DS_ASSIGN_OR_RETURN(ReportData::Fetched fetched,
                      ReportData(context).Fetch(request, request.practice(),
                                                request.confidence_level(),
                                                kTimeCells | kReceiptCells | kDueReceipts));
  SetCommonFields(fetched, rows, response);
  TimelineToProto(PaymentTimeline(fetched.cells.times, fetched.cells.receipts,
                                  fetched.scope.as_of, *context.taxonomy,
                                  fetched.scope.confidence),
                  detail == v1::CURVE_DETAIL_EVERY_DAY, response);
  return absl::OkStatus();
}

absl::Status AnswerListDeniedClaims(const ServiceContext& context,
                                    const v1::ListDeniedClaimsRequest& request,
                                    v1::ListDeniedClaimsResponse* response, int64_t* rows) {
  const ReportData data(context);
  if (request.page_size() < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("page_size: must not be negative, got ", request.page_size()));
  }
  DS_ASSIGN_OR_RETURN(ReportScope scope,
                      ParseScope(context, data.families(), "parent", request.parent(), request, 0));
  DS_ASSIGN_OR_RETURN(WorklistFilter filter, WorklistFilterFromProto(request));
  WorklistRequest worklist{{scope.as_of, scope.selection}, filter, std::nullopt, 0};
  worklist.limit = request.page_size() == 0 ? kDefaultPageSize
                                             : std::min(request.page_size(), kMaxPageSize);
  const std::string tag = WorklistTag(request, scope.as_of);
  if (!request.page_token().empty()) {
    DS_ASSIGN_OR_RETURN(std::string position, DecodePageToken(request.page_token(), tag));
    DS_ASSIGN_OR_RETURN(worklist.after, DecodePosition(position));
  }
  // One row more than asked tells whether another page follows.
  const int limit = worklist.limit;
  ++worklist.limit;
  std::optional<std::vector<ClaimFacts>> page;
  v1::DataSource source = v1::DATA_SOURCE_CLAIM_FACTS;
  if (scope.rule == CohortRule::kPrincipal) {
    DS_ASSIGN_OR_RETURN(page, context.store->ListDeniedFacts(scope.practice, worklist));
  }
  if (!page.has_value()) {
    DS_ASSIGN_OR_RETURN(std::vector<ClaimFacts> facts, data.RawFacts(scope));
    page = WorklistPage(std::move(facts), scope.selection, worklist.filter, worklist.after,
                        worklist.limit);
    source = v1::DATA_SOURCE_RAW_EVENTS;
  }
  const bool more = static_cast<int>(page->size()) > limit;
  if (more) page->resize(static_cast<size_t>(limit));
  for (const ClaimFacts& f : *page) {
    DeniedClaimToProto(f, scope.practice.npi, response->add_denied_claims());
  }
  if (more && !page->empty()) {
    response->set_next_page_token(EncodePageToken(tag, EncodePosition(page->back())));
  }
  response->set_source(source);
  *rows = static_cast<int64_t>(page->size());
  return absl::OkStatus();
}

// The handlers: the guard around the answers above, through the answer cache (the practice
// field's NPI picks the data version; a malformed name skips the cache and gets its error).
#define DS_ANALYTICS_HANDLER(Method, Request, Response, practice_field)                   \
  grpc::Status AnalyticsServiceImpl::Method(grpc::ServerContext* server_context,          \
                                            const v1::Request* request,                   \
                                            v1::Response* response) {                     \
    RpcCall call(context_, server_context, "AnalyticsService." #Method);                 \
    if (grpc::Status refused = call.Admit(*request); !refused.ok()) {                     \
      return call.Finish(refused);                                                        \
    }                                                                                     \
    int64_t rows = 0;                                                                     \
    bool cached = false;                                                                  \
    const absl::StatusOr<std::string> npi =                                               \
        ParsePracticeName(request->practice_field(), #practice_field);                    \
    const absl::Status answered = AnswerThroughCache(                                     \
        context_, #Method, npi.ok() ? *npi : std::string(), *request, response, &rows,    \
        &cached, Answer##Method);                                                         \
    call.SetRows(rows);                                                                   \
    call.Add("cached", cached ? 1 : 0);                                                   \
    return call.Finish(ToGrpcStatus(answered));                                           \
  }

DS_ANALYTICS_HANDLER(CompareCohorts, CompareCohortsRequest, CompareCohortsResponse, practice)
DS_ANALYTICS_HANDLER(GetTrend, GetTrendRequest, GetTrendResponse, practice)
DS_ANALYTICS_HANDLER(ListDenialReasons, ListDenialReasonsRequest, ListDenialReasonsResponse,
                     practice)
DS_ANALYTICS_HANDLER(GetPaymentTimeline, GetPaymentTimelineRequest, GetPaymentTimelineResponse,
                     practice)
DS_ANALYTICS_HANDLER(ListDeniedClaims, ListDeniedClaimsRequest, ListDeniedClaimsResponse,
                     parent)

#undef DS_ANALYTICS_HANDLER

}  // namespace denialscope
