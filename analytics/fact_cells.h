// Fact cells: the additive pieces that stored monthly aggregates are made of, and the rule
// that says when stored facts may answer a request with an as-of date.
//
// Storage keeps one ClaimFacts row per claim computed with every stored event known (as of
// kAllEventsAsOf), and sums them into cells per month and cohort leaf. Those facts equal the
// facts as of any date on or after the claim's latest date (its service, submission and
// event dates) once the few as-of-dependent fields are re-derived (RebaseFacts). So a request
// whose as-of date is on or after the practice's horizon (the latest date of anything stored
// for it) is answered from stored facts and cells; an earlier as-of date is answered from the
// raw events. Every cell kind below keeps what depends on the as-of date as a date (service
// date, receipt date) so the answer can apply the as-of date when it reads them.
#ifndef DENIALSCOPE_ANALYTICS_FACT_CELLS_H_
#define DENIALSCOPE_ANALYTICS_FACT_CELLS_H_

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/types/span.h"
#include "analytics/code_lists.h"
#include "analytics/measures.h"
#include "analytics/records.h"
#include "analytics/taxonomy.h"

namespace denialscope {

// The as-of date of stored facts: every event counts.
inline constexpr Day kAllEventsAsOf = Day(9999, 12, 31);

// The latest date a record brings into a claim's facts: a claim's service and submission
// dates, an event's receipt, production and payment dates.
Day LatestDate(const Claim& claim);
Day LatestDate(const RemittanceEvent& event);

// Facts computed as of kAllEventsAsOf re-expressed as of `as_of`. Exact when `as_of` is on or
// after LatestDate of the claim and of each of its events.
ClaimFacts RebaseFacts(ClaimFacts facts, Day as_of);

// Additive counts with a stable serialized form (storage keeps them as an array). Only the
// fields of MeasureCounts that do not depend on the as-of date for settled facts: prompt pay
// and aging buckets live in ReceiptCell and TimeCell instead, and are zero here.
std::vector<int64_t> CountsToVector(const MeasureCounts& counts);
absl::StatusOr<MeasureCounts> CountsFromVector(absl::Span<const int64_t> values);
inline constexpr size_t kCountsVectorSize = 38;

// Sums of squared claim charges (cents²) of adjudicated claims, for the variance of the
// excess denied dollars (stats.h DollarSums).
struct ChargeSquares {
  double adjudicated = 0;
  double initially_denied = 0;
  double finally_denied = 0;
};
inline constexpr size_t kSquaresVectorSize = 3;
std::vector<double> SquaresToVector(const ChargeSquares& squares);
absl::StatusOr<ChargeSquares> SquaresFromVector(absl::Span<const double> values);

// The leaf a claim is stored under: nonspecific, specific with its family (possibly empty),
// or non-cervical. The specific total is the sum of its leaves.
struct CohortLeaf {
  Cohort cohort = Cohort::kNonCervical;
  std::string family;
  friend auto operator<=>(const CohortLeaf&, const CohortLeaf&) = default;
};
CohortLeaf LeafOf(const ClaimFacts& facts);
std::string_view CohortId(Cohort cohort);  // "nonspecific", "specific", "non_cervical"
std::optional<Cohort> ParseCohortId(std::string_view id);

// Counts of one month, leaf, payer and procedure family: the strata of the adjusted
// comparison and the rows of the trend.
struct CountCell {
  absl::CivilMonth month;
  CohortLeaf leaf;
  std::string payer_id;
  std::string procedure_family;
  MeasureCounts counts;
  ChargeSquares squares;
};

enum class DenialStage { kInitial = 1, kFinal = 2 };

// Denied claims of one month and leaf by reason: initially denied claims by their initial
// reason, finally denied claims by their final one.
struct ReasonCell {
  absl::CivilMonth month;
  CohortLeaf leaf;
  DenialStage stage = DenialStage::kInitial;
  DenialCategory category = DenialCategory::kOther;
  std::string carc;
  std::string rarc;
  int64_t claims = 0;
  Cents charge_cents = 0;
};

// Claims of one month and leaf by time to payment: paid claims by their days to payment
// (`day`), unpaid ones by their date of service (`day` = days since 1970-01-01), since their
// censoring time is as-of - service date. Open claims are unpaid; their count and charge give
// the A/R aging once the as-of date is known.
struct TimeCell {
  absl::CivilMonth month;
  CohortLeaf leaf;
  bool paid = false;
  int day = 0;
  int64_t claims = 0;
  int64_t open = 0;
  Cents open_charge_cents = 0;
};

// Claims of one month and leaf by the payer's receipt date, for prompt pay: a claim counts
// once it was received kPromptPayMinimumAge days before the as-of date.
struct ReceiptCell {
  absl::CivilMonth month;
  CohortLeaf leaf;
  Day received_date;
  int64_t received = 0;
  int64_t owed = 0;
  std::array<int64_t, kPromptPayDays.size()> paid_within{};
  std::array<int64_t, kPromptPayDays.size()> adjudicated_within{};
};

struct FactCells {
  std::vector<CountCell> counts;
  std::vector<ReasonCell> reasons;
  std::vector<TimeCell> times;
  std::vector<ReceiptCell> receipts;
};

// Sums facts into cells of one basis, merging equal keys; `sign` -1 subtracts (storage keeps
// cells current on ingest by subtracting a claim's old facts and adding its new ones). Cells
// come out sorted by key; cells whose values all cancel to zero are dropped.
class CellBuilder {
 public:
  explicit CellBuilder(PeriodBasis basis) : basis_(basis) {}
  // Facts without a month under the basis (unadjudicated, by adjudication month) add nothing.
  void Add(const ClaimFacts& facts, int sign = 1);
  FactCells Finish() &&;

 private:
  using CountKey = std::tuple<absl::CivilMonth, CohortLeaf, std::string, std::string>;
  using ReasonKey =
      std::tuple<absl::CivilMonth, CohortLeaf, int, int, std::string, std::string>;
  using TimeKey = std::tuple<absl::CivilMonth, CohortLeaf, bool, int>;
  using ReceiptKey = std::tuple<absl::CivilMonth, CohortLeaf, Day>;
  static constexpr size_t kReceiptValues = 2 + 2 * kPromptPayDays.size();

  PeriodBasis basis_;
  std::map<CountKey, std::pair<std::vector<int64_t>, std::vector<double>>> counts_;
  std::map<ReasonKey, std::array<int64_t, 2>> reasons_;
  std::map<TimeKey, std::array<int64_t, 3>> times_;
  std::map<ReceiptKey, std::array<int64_t, kReceiptValues>> receipts_;
};

// Which cells a read returns (a mask).
enum CellKind : int {
  kCountCells = 1,
  kReasonCells = 2,
  kTimeCells = 4,
  kReceiptCells = 8,
  // Grain of the count cells (reason, time and receipt cells always come summed over the
  // period's months): summed over the months (the comparison), or over payers and procedure
  // families (the trend). A merged key reads as the period's first month, or empty ids.
  kMergeMonths = 16,
  kMergeStrata = 32,
  // Receipt cells as prompt pay reads them (PaymentTimeline counts a cell only once it was
  // received kPromptPayMinimumAge days before the as-of date): those cells summed into one
  // per leaf dated as-of minus that age, the later ones left out. A year of receipts comes
  // back as a few rows instead of one per leaf and receipt day.
  kDueReceipts = 64,
};
// Stored cells can serve `kinds` under these filters: count cells are kept per payer and
// procedure family, every other kind only per month and cohort leaf, and nothing per
// rendering provider or place of service (those requests read per-claim facts).
bool CellsCanServe(const MeasureFilters& filters, int kinds);
absl::Status CheckCellsCanServe(const MeasureFilters& filters, int kinds);

// The code lists compiled into the binary, for stores and tools that are given none.
const MeasureContext& BuiltinMeasureContext();

// The cells of the facts a selection picks (months and filters), as storage would return
// them: the raw path and the per-claim path of a request use this.
FactCells CellsOfFacts(const std::vector<ClaimFacts>& facts, const MeasureSelection& selection);
// The cells of `kinds` only, at the grain `kinds` asks for (see CellKind); `first` is the
// period's first month, the month merged cells carry; `as_of` dates kDueReceipts.
FactCells KeepKinds(FactCells cells, int kinds, absl::CivilMonth first,
                    Day as_of = kAllEventsAsOf);

}  // namespace denialscope

#endif  // DENIALSCOPE_ANALYTICS_FACT_CELLS_H_
