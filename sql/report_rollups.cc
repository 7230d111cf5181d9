// Rollup maintenance; see report_rollups.h.
#include "sql/report_rollups.h"

#include <array>
#include <map>
#include <string>
#include <tuple>
#include <type_traits>
#include <vector>

#include "sql/pg_values.h"
#include "sql/report_queries.h"

namespace denialscope::pg {
namespace {

namespace q = queries;

template <typename Values>
std::string NumbersLiteral(const Values& values) {
  PgArray array;
  for (const auto v : values) {
    if constexpr (std::is_floating_point_v<std::decay_t<decltype(v)>>) {
      array.AddDouble(v);
    } else {
      array.AddInt(v);
    }
  }
  return array.Literal();
}

// Count deltas summed per key (`Key` from a CountCell): counts and squares.
template <typename Key, typename KeyOf>
std::map<Key, std::pair<std::vector<int64_t>, std::array<double, kSquaresVectorSize>>>
SumCounts(const std::vector<std::pair<int, FactCells>>& deltas, KeyOf key_of) {
  std::map<Key, std::pair<std::vector<int64_t>, std::array<double, kSquaresVectorSize>>> sums;
  for (const auto& [basis, cells] : deltas) {
    for (const CountCell& c : cells.counts) {
      auto& [counts, squares] = sums[key_of(basis, c)];
      const std::vector<int64_t> values = CountsToVector(c.counts);
      if (counts.empty()) counts.assign(values.size(), 0);
      for (size_t i = 0; i < values.size(); ++i) counts[i] += values[i];
      const std::vector<double> squared = SquaresToVector(c.squares);
      for (size_t i = 0; i < squares.size(); ++i) squares[i] += squared[i];
    }
  }
  return sums;
}

void UpsertLeafCells(pqxx::work& tx, int64_t practice_id,
                     const std::vector<std::pair<int, FactCells>>& deltas) {
  using Key = std::tuple<int, absl::CivilMonth, CohortLeaf>;
  const auto sums = SumCounts<Key>(
      deltas, [](int basis, const CountCell& c) { return Key(basis, c.month, c.leaf); });
  if (sums.empty()) return;
  PgArray bases, months, cohorts, families, counts, squares;
  for (const auto& [key, values] : sums) {
    const auto& [basis, month, leaf] = key;
    bases.AddInt(basis);
    months.AddDate(Day(month));
    cohorts.AddText(std::string(CohortId(leaf.cohort)));
    families.AddText(leaf.family);
    counts.AddText(NumbersLiteral(values.first));
    squares.AddText(NumbersLiteral(values.second));
  }
  tx.exec_params(q::kUpsertCountLeafCells, practice_id, bases.Literal(), months.Literal(),
                 cohorts.Literal(), families.Literal(), counts.Literal(), squares.Literal());
}

void UpsertCountTotals(pqxx::work& tx, int64_t practice_id,
                       const std::vector<std::pair<int, FactCells>>& deltas) {
  using Key = std::tuple<int, CohortLeaf, std::string, std::string>;
  const auto sums = SumCounts<Key>(deltas, [](int basis, const CountCell& c) {
    return Key(basis, c.leaf, c.payer_id, c.procedure_family);
  });
  if (sums.empty()) return;
  PgArray bases, cohorts, families, payers, procedure_families, counts, squares;
  for (const auto& [key, values] : sums) {
    const auto& [basis, leaf, payer_id, procedure_family] = key;
    bases.AddInt(basis);
    cohorts.AddText(std::string(CohortId(leaf.cohort)));
    families.AddText(leaf.family);
    payers.AddText(payer_id);
    procedure_families.AddText(procedure_family);
    counts.AddText(NumbersLiteral(values.first));
    squares.AddText(NumbersLiteral(values.second));
  }
  tx.exec_params(q::kUpsertCountTotals, practice_id, bases.Literal(), cohorts.Literal(),
                 families.Literal(), payers.Literal(), procedure_families.Literal(),
                 counts.Literal(), squares.Literal());
}

void UpsertReasonTotals(pqxx::work& tx, int64_t practice_id,
                        const std::vector<std::pair<int, FactCells>>& deltas) {
  using Key = std::tuple<int, CohortLeaf, int, int, std::string, std::string>;
  std::map<Key, std::array<int64_t, 2>> sums;
  for (const auto& [basis, cells] : deltas) {
    for (const ReasonCell& c : cells.reasons) {
      std::array<int64_t, 2>& v = sums[Key(basis, c.leaf, static_cast<int>(c.stage),
                                           static_cast<int>(c.category), c.carc, c.rarc)];
      v[0] += c.claims;
      v[1] += c.charge_cents;
    }
  }
  if (sums.empty()) return;
  PgArray bases, cohorts, families, stages, categories, carcs, rarcs, claims, charges;
  for (const auto& [key, v] : sums) {
    const auto& [basis, leaf, stage, category, carc, rarc] = key;
    bases.AddInt(basis);
    cohorts.AddText(std::string(CohortId(leaf.cohort)));
    families.AddText(leaf.family);
    stages.AddInt(stage);
    categories.AddInt(category);
    carcs.AddText(carc);
    rarcs.AddText(rarc);
    claims.AddInt(v[0]);
    charges.AddInt(v[1]);
  }
  tx.exec_params(q::kUpsertReasonTotals, practice_id, bases.Literal(), cohorts.Literal(),
                 families.Literal(), stages.Literal(), categories.Literal(), carcs.Literal(),
                 rarcs.Literal(), claims.Literal(), charges.Literal());
}

// Receipt deltas summed by `key_of(basis, cell)`: received, owed, then paid and adjudicated
// within 30/45/60 days.
constexpr size_t kReceiptValues = 2 + 2 * kPromptPayDays.size();
template <typename Key, typename KeyOf>
std::map<Key, std::array<int64_t, kReceiptValues>> SumReceipts(
    const std::vector<std::pair<int, FactCells>>& deltas, KeyOf key_of) {
  std::map<Key, std::array<int64_t, kReceiptValues>> sums;
  for (const auto& [basis, cells] : deltas) {
    for (const ReceiptCell& c : cells.receipts) {
      std::array<int64_t, kReceiptValues>& v = sums[key_of(basis, c)];
      v[0] += c.received;
      v[1] += c.owed;
      for (size_t k = 0; k < kPromptPayDays.size(); ++k) {
        v[2 + k] += c.paid_within[k];
        v[2 + kPromptPayDays.size() + k] += c.adjudicated_within[k];
      }
    }
  }
  return sums;
}
static_assert(kReceiptValues == 8, "the receipt rollups take 30/45/60-day columns");

void UpsertReceiptMonths(pqxx::work& tx, int64_t practice_id,
                         const std::vector<std::pair<int, FactCells>>& deltas) {
  using Key = std::tuple<int, absl::CivilMonth, CohortLeaf, absl::CivilMonth>;
  const auto sums = SumReceipts<Key>(deltas, [](int basis, const ReceiptCell& c) {
    return Key(basis, c.month, c.leaf, absl::CivilMonth(c.received_date));
  });
  if (sums.empty()) return;
  PgArray bases, months, cohorts, families, received_months;
  std::array<PgArray, kReceiptValues> values;
  for (const auto& [key, v] : sums) {
    const auto& [basis, month, leaf, received_month] = key;
    bases.AddInt(basis);
    months.AddDate(Day(month));
    cohorts.AddText(std::string(CohortId(leaf.cohort)));
    families.AddText(leaf.family);
    received_months.AddDate(Day(received_month));
    for (size_t i = 0; i < kReceiptValues; ++i) values[i].AddInt(v[i]);
  }
  tx.exec_params(q::kUpsertReceiptMonthCells, practice_id, bases.Literal(), months.Literal(),
                 cohorts.Literal(), families.Literal(), received_months.Literal(),
                 values[0].Literal(), values[1].Literal(), values[2].Literal(),
                 values[3].Literal(), values[4].Literal(), values[5].Literal(),
                 values[6].Literal(), values[7].Literal());
}

// In key order (receipt date first), as the table's primary key, so concurrent batches
// lock rows in one order.
void UpsertReceiptDays(pqxx::work& tx, int64_t practice_id,
                       const std::vector<std::pair<int, FactCells>>& deltas) {
  using Key = std::tuple<int, Day, CohortLeaf>;
  const auto sums = SumReceipts<Key>(deltas, [](int basis, const ReceiptCell& c) {
    return Key(basis, c.received_date, c.leaf);
  });
  if (sums.empty()) return;
  PgArray bases, dates, cohorts, families;
  std::array<PgArray, kReceiptValues> values;
  for (const auto& [key, v] : sums) {
    const auto& [basis, received_date, leaf] = key;
    bases.AddInt(basis);
    dates.AddDate(received_date);
    cohorts.AddText(std::string(CohortId(leaf.cohort)));
    families.AddText(leaf.family);
    for (size_t i = 0; i < kReceiptValues; ++i) values[i].AddInt(v[i]);
  }
  tx.exec_params(q::kUpsertReceiptDayTotals, practice_id, bases.Literal(), dates.Literal(),
                 cohorts.Literal(), families.Literal(), values[0].Literal(),
                 values[1].Literal(), values[2].Literal(), values[3].Literal(),
                 values[4].Literal(), values[5].Literal(), values[6].Literal(),
                 values[7].Literal());
}

}  // namespace

void UpsertRollups(pqxx::work& tx, int64_t practice_id,
                   const std::vector<std::pair<int, FactCells>>& deltas_by_basis) {
  UpsertLeafCells(tx, practice_id, deltas_by_basis);
  UpsertCountTotals(tx, practice_id, deltas_by_basis);
  UpsertReasonTotals(tx, practice_id, deltas_by_basis);
  UpsertReceiptMonths(tx, practice_id, deltas_by_basis);
  UpsertReceiptDays(tx, practice_id, deltas_by_basis);
}

void DeleteRollups(pqxx::work& tx, int64_t practice_id) {
  for (const char* statement :
       {q::kDeleteCountLeafCells, q::kDeleteCountTotals, q::kDeleteReceiptMonthCells,
        q::kDeleteReceiptDayTotals, q::kDeleteReasonTotals}) {
    tx.exec_params(statement, practice_id);
  }
}

}  // namespace denialscope::pg
