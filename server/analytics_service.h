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

 private:
  ServiceContext context_;
};

}  // namespace denialscope

#endif  // DENIALSCOPE_SERVER_ANALYTICS_SERVICE_H_
