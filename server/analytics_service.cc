// AnalyticsService handlers.
#include "server/analytics_service.h"

#include "absl/strings/str_cat.h"
#include "analytics/status_macros.h"
#include "analytics/summary.h"
#include "server/api_convert.h"
#include "server/grpc_status.h"
#include "server/rpc_call.h"

namespace denialscope {
namespace {

namespace v1 = ::denialscope::v1;

struct Period {
  Practice practice;
  absl::CivilMonth from;
  absl::CivilMonth to;
  Day as_of;
};

absl::StatusOr<Period> ParsePeriod(const ServiceContext& context, const std::string& practice,
                                   const std::string& from_month, const std::string& to_month,
                                   const std::string& as_of_date) {
  DS_ASSIGN_OR_RETURN(std::string npi, ParsePracticeName(practice, "practice"));
  Period period;
  DS_ASSIGN_OR_RETURN(period.from, ParseIsoMonth(from_month, "from_month"));
  DS_ASSIGN_OR_RETURN(period.to, ParseIsoMonth(to_month, "to_month"));
  if (period.from > period.to) {
    return absl::InvalidArgumentError(
        absl::StrCat("from_month: ", from_month, " is after to_month ", to_month));
  }
  if (period.to - period.from >= kMaxPeriodMonths) {
    return absl::InvalidArgumentError(absl::StrCat(
        "to_month: the period covers more than ", kMaxPeriodMonths, " months"));
  }
  if (as_of_date.empty()) {
    period.as_of = absl::ToCivilDay(context.clock->Now(), absl::UTCTimeZone());
  } else {
    DS_ASSIGN_OR_RETURN(period.as_of, ParseIsoDate(as_of_date, "as_of_date"));
  }
  DS_ASSIGN_OR_RETURN(period.practice, context.store->GetPractice(npi));
  return period;
}

}  // namespace

grpc::Status AnalyticsServiceImpl::GetDenialSummary(grpc::ServerContext* server_context,
                                                    const v1::GetDenialSummaryRequest* request,
                                                    v1::DenialSummary* response) {
  RpcCall call(context_, server_context, "AnalyticsService.GetDenialSummary");
  if (grpc::Status refused = call.Admit(*request); !refused.ok()) return call.Finish(refused);
  absl::StatusOr<Period> period =
      ParsePeriod(context_, request->practice(), request->from_month(), request->to_month(),
                  request->as_of_date());
  if (!period.ok()) return call.Finish(ToGrpcStatus(period.status()));
  const ClaimQuery query{Day(period->from), Day(period->to + 1) - 1};
  absl::StatusOr<std::vector<ClaimHistory>> claims =
      context_.store->LoadClaims(period->practice, query);
  if (!claims.ok()) return call.Finish(ToGrpcStatus(claims.status()));
  const DenialSummary summary = ComputeDenialSummary(
      *claims, period->as_of, *context_.taxonomy, CohortRuleFromProto(request->cohort_rule()));
  response->set_practice(PracticeName(period->practice.npi));
  response->set_from_month(FormatIsoMonth(period->from));
  response->set_to_month(FormatIsoMonth(period->to));
  response->set_taxonomy_fiscal_year(context_.taxonomy->fiscal_year());
  SummaryToProto(summary, response);
  call.SetRows(static_cast<int64_t>(claims->size()));
  call.Add("claims", static_cast<int64_t>(claims->size()));
  return call.Finish(grpc::Status::OK);
}

}  // namespace denialscope
