// AnalyticsService: the measures. Handlers parse the period, load the practice's claims for
// it through the store, and hand them to the pure analytics code.
#ifndef DENIALSCOPE_SERVER_ANALYTICS_SERVICE_H_
#define DENIALSCOPE_SERVER_ANALYTICS_SERVICE_H_

#include "denialscope/v1/analytics_service.grpc.pb.h"
#include "server/service_context.h"

namespace denialscope {

// Longest period one call may cover: 36 service months.
inline constexpr int kMaxPeriodMonths = 36;

class AnalyticsServiceImpl final : public denialscope::v1::AnalyticsService::Service {
 public:
  explicit AnalyticsServiceImpl(ServiceContext context) : context_(context) {}

  grpc::Status GetDenialSummary(grpc::ServerContext* context,
                                const denialscope::v1::GetDenialSummaryRequest* request,
                                denialscope::v1::DenialSummary* response) override;

  // The reports of issue 4 (analytics_reports.cc). Each reads stored monthly aggregates when
  // they can answer, else stored per-claim facts, else the raw events (as_of before the
  // practice's latest stored date, or a cohort rule other than the principal one).
  grpc::Status CompareCohorts(grpc::ServerContext* context,
                              const denialscope::v1::CompareCohortsRequest* request,
                              denialscope::v1::CompareCohortsResponse* response) override;
  grpc::Status GetTrend(grpc::ServerContext* context,
                        const denialscope::v1::GetTrendRequest* request,
                        denialscope::v1::GetTrendResponse* response) override;
  grpc::Status ListDenialReasons(grpc::ServerContext* context,
                                 const denialscope::v1::ListDenialReasonsRequest* request,
                                 denialscope::v1::ListDenialReasonsResponse* response) override;
  grpc::Status GetPaymentTimeline(grpc::ServerContext* context,
                                  const denialscope::v1::GetPaymentTimelineRequest* request,
                                  denialscope::v1::GetPaymentTimelineResponse* response) override;
  grpc::Status ListDeniedClaims(grpc::ServerContext* context,
                                const denialscope::v1::ListDeniedClaimsRequest* request,
                                denialscope::v1::ListDeniedClaimsResponse* response) override;

 private:
  ServiceContext context_;
};

}  // namespace denialscope

#endif  // DENIALSCOPE_SERVER_ANALYTICS_SERVICE_H_
