// The AnalyticsService answers as plain functions, without the RPC guard. Why: the monthly
// report (ReportService) must show exactly the numbers the AnalyticsService gives for the same
// practice and month, so both call these; the handlers add only RpcCall around them.
#ifndef DENIALSCOPE_SERVER_ANALYTICS_ANSWERS_H_
#define DENIALSCOPE_SERVER_ANALYTICS_ANSWERS_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "denialscope/v1/analytics_service.pb.h"
#include "server/service_context.h"

namespace denialscope {

// Each fills `response` for `request` (the caller has authorized the practice) and sets
// `*rows` to what the audit row reports as read. Errors as documented on the RPCs.
absl::Status AnswerCompareCohorts(const ServiceContext& context,
                                  const denialscope::v1::CompareCohortsRequest& request,
                                  denialscope::v1::CompareCohortsResponse* response,
                                  int64_t* rows);
absl::Status AnswerGetTrend(const ServiceContext& context,
                            const denialscope::v1::GetTrendRequest& request,
                            denialscope::v1::GetTrendResponse* response, int64_t* rows);
absl::Status AnswerListDenialReasons(const ServiceContext& context,
                                     const denialscope::v1::ListDenialReasonsRequest& request,
                                     denialscope::v1::ListDenialReasonsResponse* response,
                                     int64_t* rows);
absl::Status AnswerGetPaymentTimeline(const ServiceContext& context,
                                      const denialscope::v1::GetPaymentTimelineRequest& request,
                                      denialscope::v1::GetPaymentTimelineResponse* response,
                                      int64_t* rows);
absl::Status AnswerListDeniedClaims(const ServiceContext& context,
                                    const denialscope::v1::ListDeniedClaimsRequest& request,
                                    denialscope::v1::ListDeniedClaimsResponse* response,
                                    int64_t* rows);

// Neck-pain claims (M54.2 and specific codes) per payer id in `request`'s scope, most first
// (ties by payer id), read from the cells CompareCohorts reads: the monthly report ranks its
// payer table with it. Errors as CompareCohorts.
absl::Status AnswerPayerClaims(const ServiceContext& context,
                               const denialscope::v1::CompareCohortsRequest& request,
                               std::vector<std::pair<std::string, int64_t>>* payers,
                               int64_t* rows);

}  // namespace denialscope

#endif  // DENIALSCOPE_SERVER_ANALYTICS_ANSWERS_H_
