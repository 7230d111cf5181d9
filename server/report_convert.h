// Translation of the analytics reports (analytics/cohort_report.h) into the API messages of
// CompareCohorts, GetTrend, ListDenialReasons, GetPaymentTimeline and ListDeniedClaims, and
// of the API's enums into the domain's. Kept apart from the handlers so the handlers read as
// "parse, fetch, compute, convert".
#ifndef DENIALSCOPE_SERVER_REPORT_CONVERT_H_
#define DENIALSCOPE_SERVER_REPORT_CONVERT_H_

#include <optional>
#include <string>

#include "analytics/code_lists.h"
#include "analytics/cohort_report.h"
#include "analytics/measures.h"
#include "denialscope/v1/analytics_service.pb.h"

namespace denialscope {

PeriodBasis PeriodBasisFromProto(denialscope::v1::PeriodBasis basis);
denialscope::v1::PeriodBasis PeriodBasisToProto(PeriodBasis basis);
std::optional<MeasureId> MeasureFromProto(denialscope::v1::Measure measure);
denialscope::v1::Measure MeasureToProto(MeasureId measure);

void ComparisonToProto(const ComparisonReport& report,
                       denialscope::v1::CompareCohortsResponse* out);
void TrendToProto(const std::vector<TrendSeries>& series,
                  denialscope::v1::GetTrendResponse* out);
void ReasonsToProto(const std::vector<ReasonBreakdown>& reasons, const CodeLists& code_lists,
                    denialscope::v1::ListDenialReasonsResponse* out);
// `every_day`: a curve point per step of each curve (CURVE_DETAIL_EVERY_DAY); otherwise only
// at the first step, the steps with payments and the last step (CURVE_DETAIL_EVENT_DAYS),
// each point's censored count covering the steps folded into it.
void TimelineToProto(const TimelineReport& report, bool every_day,
                     denialscope::v1::GetPaymentTimelineResponse* out);
void DeniedClaimToProto(const ClaimFacts& facts, const std::string& practice_npi,
                        denialscope::v1::DeniedClaim* out);

}  // namespace denialscope

#endif  // DENIALSCOPE_SERVER_REPORT_CONVERT_H_
