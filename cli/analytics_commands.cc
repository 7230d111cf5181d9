// The report commands; see analytics_commands.h. Tables favour what a billing manager reads
// first: M54.2 against the reference, the interval, whether the number can be trusted.
#include "cli/analytics_commands.h"

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "cli/commands.h"
#include "denialscope/v1/analytics_service.grpc.pb.h"
#include "google/protobuf/util/json_util.h"
#include "grpcpp/client_context.h"

namespace denialscope::cli {

const char kAnalyticsUsage[] =
    R"(  compare  SCOPE [--confidence 0.95]
                                  M54.2 vs specific codes and each family: rates with Wilson
                                  intervals, difference (Newcombe), risk ratio raw (Katz) and
                                  adjusted (Mantel-Haenszel over payer x procedure family),
                                  p-value, excess denied dollars
  trend    SCOPE --measure NAME   one measure by month per cohort (e.g. initial_denial_rate,
                                  final_denial_rate_dollars, clean_claim_rate, paid_to_charge)
  reasons  SCOPE [--stage initial|final]
                                  denials by category, CARC and RARC per cohort
  timeline SCOPE                  Kaplan-Meier days to payment (censored), median and p90 with
                                  intervals, share paid by day 30/45/60, log-rank, A/R aging,
                                  prompt pay
  worklist SCOPE [--cohort nonspecific|specific|non_cervical] [--category ID,...]
           [--carc CODE,...] [--page-size N] [--page-token T] [--all]
                                  finally denied claims by charge; '*' marks M54.2 claims a
                                  more specific code would likely have had paid
  SCOPE = --practice NPI --from YYYY-MM --to YYYY-MM [--as-of YYYY-MM-DD]
          [--rule principal|any-pointed] [--basis service|adjudication] [--payer ID,...]
          [--procedure-family ID,...] [--rendering NPI,...] [--pos CODE,...] [--json]
)";

namespace {

namespace v1 = ::denialscope::v1;

int Usage(std::ostream& err, absl::string_view command) {
  err << "usage: denialscope " << command << " SCOPE ...; see denialscope --help\n";
  return kExitUsage;
}

int RpcFailed(absl::string_view what, const grpc::Status& status, std::ostream& err) {
  err << "denialscope: " << what << " failed: " << status.error_message() << " (code "
      << status.error_code() << ")\n";
  return kExitFailure;
}

void PrintJson(const google::protobuf::Message& message, std::ostream& out) {
  std::string json;
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  options.preserve_proto_field_names = true;
  (void)google::protobuf::util::MessageToJsonString(message, &json, options);
  out << json << "\n";
}

std::vector<std::string> List(const Args& args, const std::string& name) {
  std::vector<std::string> out;
  for (absl::string_view part : absl::StrSplit(args.Get(name), ',', absl::SkipEmpty())) {
    out.emplace_back(absl::StripAsciiWhitespace(part));
  }
  return out;
}

// Fills the scope fields every report request shares. False (after a message) on bad flags.
template <typename Request>
bool FillScope(const Args& args, Request* request, std::ostream& err) {
  if (args.Get("practice").empty() || args.Get("from").empty() || args.Get("to").empty()) {
    err << "denialscope: --practice, --from and --to are required\n";
    return false;
  }
  request->set_from_month(args.Get("from"));
  request->set_to_month(args.Get("to"));
  request->set_as_of_date(args.Get("as-of"));
  const std::string rule = args.Get("rule", "principal");
  if (rule != "principal" && rule != "any-pointed") {
    err << "denialscope: --rule must be principal or any-pointed\n";
    return false;
  }
  request->set_cohort_rule(rule == "principal" ? v1::COHORT_RULE_PRINCIPAL
                                               : v1::COHORT_RULE_ANY_POINTED);
  const std::string basis = args.Get("basis", "service");
  if (basis != "service" && basis != "adjudication") {
    err << "denialscope: --basis must be service or adjudication\n";
    return false;
  }
  request->set_period_basis(basis == "service" ? v1::PERIOD_BASIS_SERVICE_MONTH
                                               : v1::PERIOD_BASIS_ADJUDICATION_MONTH);
  v1::ClaimFilter* filter = request->mutable_filter();
  for (const std::string& v : List(args, "payer")) filter->add_payer_ids(v);
  for (const std::string& v : List(args, "procedure-family")) filter->add_procedure_families(v);
  for (const std::string& v : List(args, "rendering")) filter->add_rendering_npis(v);
  for (const std::string& v : List(args, "pos")) filter->add_places_of_service(v);
  return true;
}

std::string Pct(std::optional<double> v) {
  return v.has_value() ? absl::StrFormat("%.1f%%", 100 * *v) : "-";
}
std::string Num(std::optional<double> v, const char* format = "%.2f") {
  return v.has_value() ? absl::StrFormat(format, *v) : "-";
}
// Below the smallest double the tail probability underflows to 0: say so rather than "0".
std::string PValue(std::optional<double> p) {
  if (p.has_value() && *p == 0) return "<1e-300";
  return Num(p, "%.3g");
}
std::string Money(double cents) { return absl::StrFormat("$%.0f", cents / 100); }
template <typename Message>
std::optional<double> Opt(const Message& m, bool has, double value) {
  (void)m;
  return has ? std::optional<double>(value) : std::nullopt;
}

std::string RateCell(const v1::RateEstimate& r) {
  const v1::Interval& i = r.interval();
  return absl::StrFormat("%s [%s-%s]", Pct(Opt(i, i.has_estimate(), i.estimate())),
                         Pct(Opt(i, i.has_lower(), i.lower())),
                         Pct(Opt(i, i.has_upper(), i.upper())));
}

std::string RatioCell(const v1::RiskRatio& r) {
  return absl::StrFormat("%s [%s-%s]", Num(Opt(r, r.has_estimate(), r.estimate())),
                         Num(Opt(r, r.has_lower(), r.lower())),
                         Num(Opt(r, r.has_upper(), r.upper())));
}

std::string MeasureName(v1::Measure measure) {
  std::string name = v1::Measure_Name(measure);
  if (absl::StartsWith(name, "MEASURE_")) name = name.substr(8);
  return absl::AsciiStrToLower(name);
}

std::string Label(const std::string& display_name, bool indent) {
  return (indent ? "  " : "") + display_name.substr(0, indent ? 38 : 40);
}

}  // namespace

int RunCompare(const Args& args, const std::shared_ptr<grpc::Channel>& channel,
               std::ostream& out, std::ostream& err) {
  v1::CompareCohortsRequest request;
  if (!FillScope(args, &request, err)) return Usage(err, "compare");
  request.set_practice(absl::StrCat("practices/", args.Get("practice")));
  if (const std::string c = args.Get("confidence"); !c.empty()) {
    double level = 0;
    if (!absl::SimpleAtod(c, &level)) return Usage(err, "compare");
    request.set_confidence_level(level);
  }
  v1::CompareCohortsResponse response;
  grpc::ClientContext context;
  grpc::Status status =
      v1::AnalyticsService::NewStub(channel)->CompareCohorts(&context, request, &response);
  if (!status.ok()) return RpcFailed("compare", status, err);
  if (args.Has("json")) {
    PrintJson(response, out);
    return kExitOk;
  }
  out << absl::StrFormat("%s vs specific cervical codes, %s to %s, as of %s (%d claims)\n",
                         response.nonspecific_display_name(), response.from_month(),
                         response.to_month(), response.as_of_date(),
                         response.nonspecific_claims());
  for (const v1::CohortComparison& c : response.comparisons()) {
    out << "\n== vs " << c.display_name() << " (" << c.reference_claims() << " claims)\n";
    out << absl::StrFormat("%-28s %-24s %-24s %-22s %-18s %-18s %-9s %s\n", "measure", "M54.2",
                           "reference", "difference", "RR raw", "RR adjusted", "p", "test");
    for (const v1::MeasureComparison& m : c.measures()) {
      const v1::Interval& d = m.difference();
      const v1::TestResult& t = m.test();
      out << absl::StrFormat(
          "%-28s %-24s %-24s %-22s %-18s %-18s %-9s %s%s\n", MeasureName(m.measure()),
          RateCell(m.nonspecific()), RateCell(m.reference()),
          absl::StrFormat("%s [%s..%s]", Pct(Opt(d, d.has_estimate(), d.estimate())),
                          Pct(Opt(d, d.has_lower(), d.lower())),
                          Pct(Opt(d, d.has_upper(), d.upper()))),
          RatioCell(m.risk_ratio()), RatioCell(m.adjusted_risk_ratio()),
          PValue(Opt(t, t.has_p_value(), t.p_value())),
          t.method() == v1::STAT_METHOD_FISHER_EXACT ? "Fisher" : "chi2",
          m.insufficient_data() ? "  (insufficient data)" : "");
    }
    for (const auto* e : {&c.excess_initially_denied(), &c.excess_finally_denied()}) {
      out << absl::StrFormat(
          "excess %s denied dollars: %s [%s to %s]%s\n",
          e == &c.excess_initially_denied() ? "initially" : "finally",
          e->has_estimate_cents() ? Money(e->estimate_cents()) : "-",
          e->has_lower_cents() ? Money(e->lower_cents()) : "-",
          e->has_upper_cents() ? Money(e->upper_cents()) : "-",
          e->insufficient_data() ? " (insufficient data)" : "");
    }
  }
  out << "\nRates with 95% intervals (Wilson); RR adjusted: Mantel-Haenszel over payer x "
         "procedure-family strata ("
      << response.strata() << " strata).\n";
  return kExitOk;
}

int RunTrend(const Args& args, const std::shared_ptr<grpc::Channel>& channel, std::ostream& out,
             std::ostream& err) {
  v1::GetTrendRequest request;
  if (!FillScope(args, &request, err)) return Usage(err, "trend");
  request.set_practice(absl::StrCat("practices/", args.Get("practice")));
  v1::Measure measure = v1::MEASURE_UNSPECIFIED;
  if (!v1::Measure_Parse(absl::StrCat("MEASURE_", absl::AsciiStrToUpper(args.Get("measure"))),
                         &measure) ||
      measure == v1::MEASURE_UNSPECIFIED) {
    err << "denialscope: --measure must name a measure, e.g. initial_denial_rate\n";
    return kExitUsage;
  }
  request.set_measure(measure);
  v1::GetTrendResponse response;
  grpc::ClientContext context;
  grpc::Status status =
      v1::AnalyticsService::NewStub(channel)->GetTrend(&context, request, &response);
  if (!status.ok()) return RpcFailed("trend", status, err);
  if (args.Has("json")) {
    PrintJson(response, out);
    return kExitOk;
  }
  out << MeasureName(response.measure()) << " by month, as of " << response.as_of_date()
      << "\n\n";
  if (response.series().empty()) return kExitOk;
  out << absl::StrFormat("%-40s", "cohort");
  for (const v1::TrendPoint& p : response.series(0).points()) {
    out << absl::StrFormat(" %9s", p.month());
  }
  out << "\n";
  const bool rate = absl::StrContains(MeasureName(response.measure()), "rate") ||
                    response.measure() == v1::MEASURE_PAID_TO_CHARGE;
  for (const v1::TrendSeries& s : response.series()) {
    out << absl::StrFormat("%-40s",
                           Label(s.display_name(), s.group() == v1::COHORT_GROUP_SPECIFIC_FAMILY));
    for (const v1::TrendPoint& p : s.points()) {
      const v1::Rate& v = p.value();
      const std::optional<double> value = Opt(v, v.has_value(), v.value());
      out << absl::StrFormat(" %9s", rate ? Pct(value) : Num(value, "%.1f"));
    }
    out << "\n";
  }
  return kExitOk;
}

int RunReasons(const Args& args, const std::shared_ptr<grpc::Channel>& channel,
               std::ostream& out, std::ostream& err) {
  v1::ListDenialReasonsRequest request;
  if (!FillScope(args, &request, err)) return Usage(err, "reasons");
  request.set_practice(absl::StrCat("practices/", args.Get("practice")));
  const std::string stage = args.Get("stage", "initial");
  if (stage != "initial" && stage != "final") return Usage(err, "reasons");
  request.set_stage(stage == "final" ? v1::DENIAL_STAGE_FINAL : v1::DENIAL_STAGE_INITIAL);
  v1::ListDenialReasonsResponse response;
  grpc::ClientContext context;
  grpc::Status status =
      v1::AnalyticsService::NewStub(channel)->ListDenialReasons(&context, request, &response);
  if (!status.ok()) return RpcFailed("reasons", status, err);
  if (args.Has("json")) {
    PrintJson(response, out);
    return kExitOk;
  }
  for (const v1::CohortReasons& c : response.cohorts()) {
    if (c.group() == v1::COHORT_GROUP_SPECIFIC_FAMILY || c.denied_claims() == 0) continue;
    out << absl::StrFormat("== %s: %d %s denials, %s\n", c.display_name(), c.denied_claims(),
                           stage, Money(static_cast<double>(c.denied_charge_cents())));
    for (const v1::CategoryReasons& category : c.categories()) {
      out << absl::StrFormat("  %-34s %7d %12s\n", category.display_name(), category.claims(),
                             Money(static_cast<double>(category.charge_cents())));
      for (const v1::ReasonCount& carc : category.carcs()) {
        out << absl::StrFormat("    %-32s %7d %12s\n",
                               carc.code().empty() ? "(no CARC)" : "CARC " + carc.code(),
                               carc.claims(), Money(static_cast<double>(carc.charge_cents())));
        for (const v1::ReasonCount& rarc : carc.remarks()) {
          if (rarc.code().empty()) continue;
          out << absl::StrFormat("      %-30s %7d %12s\n", "RARC " + rarc.code(), rarc.claims(),
                                 Money(static_cast<double>(rarc.charge_cents())));
        }
      }
    }
    out << "\n";
  }
  return kExitOk;
}

int RunTimeline(const Args& args, const std::shared_ptr<grpc::Channel>& channel,
                std::ostream& out, std::ostream& err) {
  v1::GetPaymentTimelineRequest request;
  if (!FillScope(args, &request, err)) return Usage(err, "timeline");
  request.set_practice(absl::StrCat("practices/", args.Get("practice")));
  v1::GetPaymentTimelineResponse response;
  grpc::ClientContext context;
  grpc::Status status =
      v1::AnalyticsService::NewStub(channel)->GetPaymentTimeline(&context, request, &response);
  if (!status.ok()) return RpcFailed("timeline", status, err);
  if (args.Has("json")) {
    PrintJson(response, out);
    return kExitOk;
  }
  auto quantile = [](const v1::QuantileEstimate& q) {
    return absl::StrFormat("%s [%s-%s]", q.has_day() ? absl::StrCat(q.day()) : "-",
                           q.has_lower() ? absl::StrCat(q.lower()) : "-",
                           q.has_upper() ? absl::StrCat(q.upper()) : "-");
  };
  out << "Days from service to first payment, Kaplan-Meier with unpaid claims censored at "
      << response.as_of_date() << "\n\n";
  out << absl::StrFormat("%-40s %7s %7s %-16s %-16s %7s %7s %7s %7s %10s\n", "cohort", "claims",
                         "paid", "median [95% CI]", "p90 [95% CI]", "by 30", "by 45", "by 60",
                         "open", ">120 days");
  for (const v1::CohortTimeline& t : response.cohorts()) {
    std::vector<std::string> shares;
    for (const v1::SharePaid& s : t.share_paid()) shares.push_back(Pct(s.share()));
    while (shares.size() < 3) shares.push_back("-");
    const int64_t oldest = t.aging_size() == 5 ? t.aging(4).claims() : 0;
    out << absl::StrFormat(
        "%-40s %7d %7d %-16s %-16s %7s %7s %7s %7d %10d\n",
        Label(t.display_name(), t.group() == v1::COHORT_GROUP_SPECIFIC_FAMILY), t.claims(),
        t.paid(), quantile(t.median()), quantile(t.p90()), shares[0], shares[1], shares[2],
        t.open_claims(), oldest);
  }
  const v1::LogRankTest& lr = response.log_rank();
  out << absl::StrFormat("\nLog-rank M54.2 vs specific: chi2 %s, p %s%s\n",
                         Num(Opt(lr, lr.has_chi_square(), lr.chi_square())),
                         PValue(Opt(lr, lr.has_p_value(), lr.p_value())),
                         lr.insufficient_data() ? " (insufficient data)" : "");
  out << "Median '-': fewer than half paid by the as-of date.\n";
  return kExitOk;
}

int RunWorklist(const Args& args, const std::shared_ptr<grpc::Channel>& channel,
                std::ostream& out, std::ostream& err) {
  v1::ListDeniedClaimsRequest request;
  if (!FillScope(args, &request, err)) return Usage(err, "worklist");
  request.set_parent(absl::StrCat("practices/", args.Get("practice")));
  for (const std::string& cohort : List(args, "cohort")) {
    v1::CohortGroup group = v1::COHORT_GROUP_UNSPECIFIED;
    if (!v1::CohortGroup_Parse(absl::StrCat("COHORT_GROUP_", absl::AsciiStrToUpper(cohort)),
                               &group)) {
      err << "denialscope: --cohort must be nonspecific, specific or non_cervical\n";
      return kExitUsage;
    }
    request.add_cohorts(group);
  }
  for (const std::string& category : List(args, "category")) request.add_denial_categories(category);
  for (const std::string& carc : List(args, "carc")) request.add_carcs(carc);
  if (const std::string size = args.Get("page-size"); !size.empty()) {
    int page_size = 0;
    if (!absl::SimpleAtoi(size, &page_size)) return Usage(err, "worklist");
    request.set_page_size(page_size);
  }
  request.set_page_token(args.Get("page-token"));
  auto stub = v1::AnalyticsService::NewStub(channel);
  v1::ListDeniedClaimsResponse all;
  bool header = false;
  do {
    v1::ListDeniedClaimsResponse response;
    grpc::ClientContext context;
    grpc::Status status = stub->ListDeniedClaims(&context, request, &response);
    if (!status.ok()) return RpcFailed("worklist", status, err);
    if (args.Has("json")) {
      if (!args.Has("all")) {
        PrintJson(response, out);
        return kExitOk;
      }
      for (const v1::DeniedClaim& c : response.denied_claims()) *all.add_denied_claims() = c;
    } else {
      if (!header) {
        out << absl::StrFormat("%-1s %-14s %-7s %-10s %10s %-20s %-6s %-6s %-22s %s\n", "",
                               "claim", "payer", "service", "charge", "category", "CARC",
                               "RARC", "procedures", "diagnoses");
        header = true;
      }
      for (const v1::DeniedClaim& c : response.denied_claims()) {
        out << absl::StrFormat(
            "%-1s %-14s %-7s %-10s %10s %-20s %-6s %-6s %-22s %s\n",
            c.likely_fixable_by_recoding() ? "*" : "", c.claim_id(), c.payer_id(),
            c.service_date(), Money(static_cast<double>(c.charge_cents())),
            c.denial_category().substr(0, 20), c.carc(), c.rarc(),
            absl::StrJoin(c.procedure_codes(), ",").substr(0, 22),
            absl::StrJoin(c.diagnoses(), ","));
      }
    }
    request.set_page_token(response.next_page_token());
    if (!args.Has("all") && !request.page_token().empty() && !args.Has("json")) {
      out << "next page: --page-token " << request.page_token() << "\n";
    }
  } while (args.Has("all") && !request.page_token().empty());
  if (args.Has("json")) PrintJson(all, out);
  if (!args.Has("json")) {
    out << "* M54.2 denied for diagnosis coding or medical necessity: a more specific code "
           "would likely have been paid.\n";
  }
  return kExitOk;
}

}  // namespace denialscope::cli
