// Report-to-message conversion; see report_convert.h.
#include "server/report_convert.h"

#include "absl/strings/str_cat.h"
#include "analytics/taxonomy.h"
#include "server/api_convert.h"

namespace denialscope {
namespace {

namespace v1 = ::denialscope::v1;

struct MeasurePair {
  MeasureId id;
  v1::Measure proto;
};
constexpr MeasurePair kMeasures[] = {
    {MeasureId::kInitialDenialRate, v1::MEASURE_INITIAL_DENIAL_RATE},
    {MeasureId::kInitialDenialRateDollars, v1::MEASURE_INITIAL_DENIAL_RATE_DOLLARS},
    {MeasureId::kFinalDenialRate, v1::MEASURE_FINAL_DENIAL_RATE},
    {MeasureId::kFinalDenialRateDollars, v1::MEASURE_FINAL_DENIAL_RATE_DOLLARS},
    {MeasureId::kInitialLineDenialRate, v1::MEASURE_INITIAL_LINE_DENIAL_RATE},
    {MeasureId::kInitialLineDenialRateDollars, v1::MEASURE_INITIAL_LINE_DENIAL_RATE_DOLLARS},
    {MeasureId::kFinalLineDenialRate, v1::MEASURE_FINAL_LINE_DENIAL_RATE},
    {MeasureId::kFinalLineDenialRateDollars, v1::MEASURE_FINAL_LINE_DENIAL_RATE_DOLLARS},
    {MeasureId::kPartialDenialRate, v1::MEASURE_PARTIAL_DENIAL_RATE},
    {MeasureId::kPartialDenialRateDollars, v1::MEASURE_PARTIAL_DENIAL_RATE_DOLLARS},
    {MeasureId::kFinalPartialDenialRate, v1::MEASURE_FINAL_PARTIAL_DENIAL_RATE},
    {MeasureId::kOverturnRate, v1::MEASURE_OVERTURN_RATE},
    {MeasureId::kOverturnRateDollars, v1::MEASURE_OVERTURN_RATE_DOLLARS},
    {MeasureId::kCleanClaimRate, v1::MEASURE_CLEAN_CLAIM_RATE},
    {MeasureId::kCleanClaimRateDollars, v1::MEASURE_CLEAN_CLAIM_RATE_DOLLARS},
    {MeasureId::kDenialWriteOffCents, v1::MEASURE_DENIAL_WRITE_OFF},
    {MeasureId::kPaidToCharge, v1::MEASURE_PAID_TO_CHARGE},
    {MeasureId::kPaidPerEncounterCents, v1::MEASURE_PAID_PER_ENCOUNTER},
    {MeasureId::kMeanSubmissionLagDays, v1::MEASURE_SUBMISSION_LAG},
    {MeasureId::kMeanTurnaroundDays, v1::MEASURE_PAYER_TURNAROUND},
    {MeasureId::kMeanDaysToPaymentPaidOnly, v1::MEASURE_MEAN_DAYS_TO_PAYMENT_PAID_ONLY},
    {MeasureId::kClaims, v1::MEASURE_CLAIMS},
};

v1::StatMethod MethodToProto(StatMethod method) {
  switch (method) {
    case StatMethod::kNone:
      return v1::STAT_METHOD_NONE;
    case StatMethod::kWilsonScore:
      return v1::STAT_METHOD_WILSON_SCORE;
    case StatMethod::kNewcombeHybridScore:
      return v1::STAT_METHOD_NEWCOMBE_HYBRID_SCORE;
    case StatMethod::kKatzLog:
      return v1::STAT_METHOD_KATZ_LOG;
    case StatMethod::kKatzLogHalfCorrected:
      return v1::STAT_METHOD_KATZ_LOG_HALF_CORRECTED;
    case StatMethod::kPearsonChiSquare:
      return v1::STAT_METHOD_PEARSON_CHI_SQUARE;
    case StatMethod::kFisherExact:
      return v1::STAT_METHOD_FISHER_EXACT;
    case StatMethod::kMantelHaenszelGreenlandRobins:
      return v1::STAT_METHOD_MANTEL_HAENSZEL_GREENLAND_ROBINS;
    case StatMethod::kDeltaMethodRatio:
      return v1::STAT_METHOD_DELTA_METHOD_RATIO;
    case StatMethod::kLogLogGreenwood:
      return v1::STAT_METHOD_LOG_LOG_GREENWOOD;
    case StatMethod::kBrookmeyerCrowleyLogLog:
      return v1::STAT_METHOD_BROOKMEYER_CROWLEY_LOG_LOG;
    case StatMethod::kLogRank:
      return v1::STAT_METHOD_LOG_RANK;
  }
  return v1::STAT_METHOD_UNSPECIFIED;
}

template <typename T, typename Setter>
void SetIf(const std::optional<T>& value, Setter set) {
  if (value.has_value()) set(*value);
}

void IntervalToProto(const IntervalEstimate& in, v1::Interval* out) {
  SetIf(in.estimate, [&](double v) { out->set_estimate(v); });
  SetIf(in.lower, [&](double v) { out->set_lower(v); });
  SetIf(in.upper, [&](double v) { out->set_upper(v); });
  out->set_confidence(in.confidence);
  out->set_method(MethodToProto(in.method));
  out->set_insufficient_data(in.insufficient_data);
}

void RateToProto(int64_t numerator, int64_t denominator, const IntervalEstimate& interval,
                 v1::RateEstimate* out) {
  out->set_numerator(numerator);
  out->set_denominator(denominator);
  IntervalToProto(interval, out->mutable_interval());
}

void RiskRatioToProto(const RiskRatioEstimate& in, v1::RiskRatio* out) {
  SetIf(in.estimate, [&](double v) { out->set_estimate(v); });
  SetIf(in.lower, [&](double v) { out->set_lower(v); });
  SetIf(in.upper, [&](double v) { out->set_upper(v); });
  out->set_confidence(in.confidence);
  out->set_method(MethodToProto(in.method));
  out->set_continuity_corrected(in.continuity_corrected);
  out->set_strata_used(in.strata_used);
  out->set_insufficient_data(in.insufficient_data);
}

void TestToProto(const TestResult& in, v1::TestResult* out) {
  SetIf(in.statistic, [&](double v) { out->set_statistic(v); });
  SetIf(in.p_value, [&](double v) { out->set_p_value(v); });
  out->set_degrees_of_freedom(in.degrees_of_freedom);
  SetIf(in.min_expected, [&](double v) { out->set_min_expected(v); });
  out->set_method(MethodToProto(in.method));
  out->set_insufficient_data(in.insufficient_data);
}

void ExcessToProto(const ExcessDollarsEstimate& in, v1::ExcessDeniedDollars* out) {
  SetIf(in.estimate, [&](double v) { out->set_estimate_cents(v); });
  SetIf(in.lower, [&](double v) { out->set_lower_cents(v); });
  SetIf(in.upper, [&](double v) { out->set_upper_cents(v); });
  out->set_confidence(in.confidence);
  out->set_denied_charge_cents(in.denied_charges1);
  out->set_charge_cents(in.charges1);
  SetIf(in.rate1, [&](double v) { out->set_rate(v); });
  SetIf(in.rate2, [&](double v) { out->set_reference_rate(v); });
  out->set_method(MethodToProto(in.method));
  out->set_insufficient_data(in.insufficient_data);
}

void QuantileToProto(const QuantileEstimate& in, v1::QuantileEstimate* out) {
  out->set_p(in.p);
  SetIf(in.estimate, [&](int v) { out->set_day(v); });
  SetIf(in.lower, [&](int v) { out->set_lower(v); });
  SetIf(in.upper, [&](int v) { out->set_upper(v); });
  out->set_method(MethodToProto(in.method));
  out->set_insufficient_data(in.insufficient_data);
}

template <typename Row>
void GroupToRow(const ReportGroup& group, Row* row) {
  row->set_group(CohortGroupToProto(group.group));
  row->set_family(group.family);
  row->set_display_name(group.display_name);
}

void ReasonCountToProto(const ReasonCount& in, std::string description, v1::ReasonCount* out) {
  out->set_code(in.code);
  out->set_description(std::move(description));
  out->set_claims(in.claims);
  out->set_charge_cents(in.charge_cents);
}

}  // namespace

PeriodBasis PeriodBasisFromProto(v1::PeriodBasis basis) {
  return basis == v1::PERIOD_BASIS_ADJUDICATION_MONTH ? PeriodBasis::kAdjudicationMonth
                                                      : PeriodBasis::kServiceMonth;
}

v1::PeriodBasis PeriodBasisToProto(PeriodBasis basis) {
  return basis == PeriodBasis::kAdjudicationMonth ? v1::PERIOD_BASIS_ADJUDICATION_MONTH
                                                  : v1::PERIOD_BASIS_SERVICE_MONTH;
}

std::optional<MeasureId> MeasureFromProto(v1::Measure measure) {
  for (const MeasurePair& pair : kMeasures) {
    if (pair.proto == measure) return pair.id;
  }
  return std::nullopt;
}

v1::Measure MeasureToProto(MeasureId measure) {
  for (const MeasurePair& pair : kMeasures) {
    if (pair.id == measure) return pair.proto;
  }
  return v1::MEASURE_UNSPECIFIED;
}

void ComparisonToProto(const ComparisonReport& report, v1::CompareCohortsResponse* out) {
  out->set_nonspecific_display_name(report.nonspecific.display_name);
  out->set_nonspecific_claims(report.nonspecific_counts.claims);
  out->set_nonspecific_adjudicated(report.nonspecific_counts.adjudicated);
  out->set_strata(report.strata);
  for (const CohortComparison& c : report.comparisons) {
    v1::CohortComparison* row = out->add_comparisons();
    row->set_reference_group(CohortGroupToProto(c.reference.group));
    row->set_family(c.reference.family);
    row->set_display_name(c.reference.display_name);
    row->set_reference_claims(c.reference_counts.claims);
    row->set_reference_adjudicated(c.reference_counts.adjudicated);
    for (const MeasureComparison& m : c.measures) {
      v1::MeasureComparison* measure = row->add_measures();
      measure->set_measure(MeasureToProto(m.measure));
      RateToProto(m.x1, m.n1, m.raw.rate1, measure->mutable_nonspecific());
      RateToProto(m.x2, m.n2, m.raw.rate2, measure->mutable_reference());
      IntervalToProto(m.raw.difference, measure->mutable_difference());
      RiskRatioToProto(m.raw.risk_ratio, measure->mutable_risk_ratio());
      TestToProto(m.raw.test, measure->mutable_test());
      RiskRatioToProto(m.adjusted, measure->mutable_adjusted_risk_ratio());
      measure->set_insufficient_data(m.raw.insufficient_data);
    }
    ExcessToProto(c.excess_initial, row->mutable_excess_initially_denied());
    ExcessToProto(c.excess_final, row->mutable_excess_finally_denied());
  }
}

void TrendToProto(const std::vector<TrendSeries>& series, v1::GetTrendResponse* out) {
  for (const TrendSeries& s : series) {
    v1::TrendSeries* row = out->add_series();
    GroupToRow(s.group, row);
    for (const TrendPoint& p : s.points) {
      v1::TrendPoint* point = row->add_points();
      point->set_month(FormatIsoMonth(p.month));
      point->mutable_value()->set_numerator(p.value.numerator);
      point->mutable_value()->set_denominator(p.value.denominator);
      SetIf(p.value.Value(), [&](double v) { point->mutable_value()->set_value(v); });
      IntervalToProto(p.interval, point->mutable_interval());
    }
  }
}

void ReasonsToProto(const std::vector<ReasonBreakdown>& reasons, const CodeLists& code_lists,
                    v1::ListDenialReasonsResponse* out) {
  for (const ReasonBreakdown& b : reasons) {
    v1::CohortReasons* row = out->add_cohorts();
    GroupToRow(b.group, row);
    row->set_denied_claims(b.denied_claims);
    row->set_denied_charge_cents(b.denied_charge_cents);
    for (const CategoryCount& c : b.categories) {
      v1::CategoryReasons* category = row->add_categories();
      category->set_category(std::string(DenialCategoryId(c.category)));
      category->set_display_name(std::string(DenialCategoryDisplayName(c.category)));
      category->set_claims(c.claims);
      category->set_charge_cents(c.charge_cents);
      for (const ReasonCount& carc : c.carcs) {
        v1::ReasonCount* carc_row = category->add_carcs();
        ReasonCountToProto(carc, carc.code.empty() ? "" : code_lists.CarcDisplayName(carc.code),
                           carc_row);
        for (const ReasonCount& rarc : carc.children) {
          ReasonCountToProto(rarc,
                             rarc.code.empty() ? "" : code_lists.RarcDisplayName(rarc.code),
                             carc_row->add_remarks());
        }
      }
    }
  }
}

void TimelineToProto(const TimelineReport& report, bool every_day,
                     v1::GetPaymentTimelineResponse* out) {
  for (const CohortTimeline& t : report.cohorts) {
    v1::CohortTimeline* row = out->add_cohorts();
    GroupToRow(t.group, row);
    row->set_claims(t.curve.n);
    row->set_paid(t.curve.events);
    const size_t steps = t.curve.steps.size();
    v1::CurvePoint* point = nullptr;
    for (size_t i = 0; i < steps; ++i) {
      const SurvivalStep& step = t.curve.steps[i];
      if (!every_day && step.events == 0 && i != 0 && i + 1 != steps) {
        // Only censorings: S and its band stay those of the point before, which takes them.
        point->set_censored(point->censored() + step.censored);
        continue;
      }
      point = row->add_curve();
      point->set_day(step.day);
      point->set_at_risk(step.at_risk);
      point->set_events(step.events);
      point->set_censored(step.censored);
      point->set_survival(step.survival);
      if (i < t.bands.size()) {
        SetIf(t.bands[i].lower, [&](double v) { point->set_lower(v); });
        SetIf(t.bands[i].upper, [&](double v) { point->set_upper(v); });
      }
    }
    QuantileToProto(t.median, row->mutable_median());
    QuantileToProto(t.p90, row->mutable_p90());
    for (size_t k = 0; k < kPromptPayDays.size(); ++k) {
      const SurvivalInterval& s = t.unpaid_at[k];
      v1::SharePaid* share = row->add_share_paid();
      share->set_day(kPromptPayDays[k]);
      share->set_share(1.0 - s.survival);
      SetIf(s.upper, [&](double v) { share->set_lower(1.0 - v); });
      SetIf(s.lower, [&](double v) { share->set_upper(1.0 - v); });
    }
    row->set_open_claims(t.open);
    row->set_open_charge_cents(t.open_charge_cents);
    for (int b = 0; b < kAgingBucketCount; ++b) {
      v1::AgingBucket* bucket = row->add_aging();
      bucket->set_bucket(std::string(AgingBucketName(static_cast<AgingBucket>(b))));
      bucket->set_claims(t.open_by_bucket[b]);
      bucket->set_charge_cents(t.open_charge_by_bucket_cents[b]);
    }
    row->set_prompt_pay_received(t.prompt_pay_received);
    row->set_prompt_pay_owed(t.prompt_pay_owed);
    for (size_t k = 0; k < kPromptPayDays.size(); ++k) {
      v1::PromptPayWindow* window = row->add_prompt_pay();
      window->set_days(kPromptPayDays[k]);
      const IntervalEstimate& paid = t.paid_within[k];
      const IntervalEstimate& adjudicated = t.adjudicated_within[k];
      RateToProto(t.paid_within_claims[k], t.prompt_pay_owed, paid, window->mutable_paid());
      RateToProto(t.adjudicated_within_claims[k], t.prompt_pay_received, adjudicated,
                  window->mutable_adjudicated());
    }
  }
  const LogRankResult& lr = report.nonspecific_vs_specific;
  v1::LogRankTest* test = out->mutable_log_rank();
  SetIf(lr.chi_square, [&](double v) { test->set_chi_square(v); });
  SetIf(lr.p_value, [&](double v) { test->set_p_value(v); });
  test->set_degrees_of_freedom(lr.degrees_of_freedom);
  if (lr.groups.size() == 2) {
    test->set_nonspecific_observed(lr.groups[0].observed);
    test->set_nonspecific_expected(lr.groups[0].expected);
    test->set_specific_observed(lr.groups[1].observed);
    test->set_specific_expected(lr.groups[1].expected);
  }
  test->set_insufficient_data(lr.insufficient_data);
}

void DeniedClaimToProto(const ClaimFacts& f, const std::string& practice_npi,
                        v1::DeniedClaim* out) {
  out->set_name(absl::StrCat(PracticeName(practice_npi), "/claims/", f.claim_id));
  out->set_claim_id(f.claim_id);
  out->set_payer_id(f.payer_id);
  out->set_service_date(FormatIsoDate(f.service_date));
  for (const std::string& code : f.procedure_codes) out->add_procedure_codes(code);
  for (const std::string& code : f.diagnoses) out->add_diagnoses(DisplayIcd10(code));
  switch (f.cohort) {
    case Cohort::kNonspecific:
      out->set_cohort(v1::COHORT_GROUP_NONSPECIFIC);
      break;
    case Cohort::kSpecific:
      out->set_cohort(v1::COHORT_GROUP_SPECIFIC);
      break;
    case Cohort::kNonCervical:
      out->set_cohort(v1::COHORT_GROUP_NON_CERVICAL);
      break;
  }
  out->set_family(f.diagnosis_family);
  out->set_denial_category(std::string(DenialCategoryId(f.final_denial_category)));
  out->set_carc(f.final_denial_carc);
  out->set_rarc(f.final_denial_rarc);
  out->set_charge_cents(f.charge_cents);
  out->set_likely_fixable_by_recoding(LikelyFixableByRecoding(f));
}

}  // namespace denialscope
