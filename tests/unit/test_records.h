// Small builders for claims and adjudication events, so each test states only the fields
// its rule depends on and the hand computation next to it stays readable.
#ifndef DENIALSCOPE_TESTS_UNIT_TEST_RECORDS_H_
#define DENIALSCOPE_TESTS_UNIT_TEST_RECORDS_H_

#include <string>
#include <utility>
#include <vector>

#include "analytics/records.h"

namespace denialscope::testing {

inline constexpr char kTestNpi[] = "1234567893";  // a valid NPI (Luhn with 80840)

inline Cents Dollars(double dollars) { return static_cast<Cents>(dollars * 100 + 0.5); }

inline Adjustment Adj(GroupCode group, std::string carc, Cents amount) {
  Adjustment adjustment;
  adjustment.group = group;
  adjustment.carc = std::move(carc);
  adjustment.amount_cents = amount;
  return adjustment;
}

inline ClaimLine Line(int number, Cents charge, Day service_date,
                      std::vector<int> pointers = {1}) {
  ClaimLine line;
  line.line_number = number;
  line.line_control_number = "L" + std::to_string(number);
  line.procedure_code = "99213";
  line.charge_cents = charge;
  line.units = 1;
  line.diagnosis_pointers = std::move(pointers);
  line.service_date = service_date;
  return line;
}

// A claim with one line per charge, all on `service_date`, every line pointing at the
// principal diagnosis.
inline Claim MakeClaim(std::string claim_id, std::vector<std::string> diagnoses,
                       std::vector<Cents> line_charges, Day service_date,
                       std::string payer_id = "PAYER1") {
  Claim claim;
  claim.claim_id = std::move(claim_id);
  claim.payer_id = std::move(payer_id);
  claim.billing_npi = kTestNpi;
  claim.diagnoses = std::move(diagnoses);
  for (size_t i = 0; i < line_charges.size(); ++i) {
    claim.lines.push_back(Line(static_cast<int>(i) + 1, line_charges[i], service_date));
    claim.total_charge_cents += line_charges[i];
  }
  return claim;
}

inline RemittanceLine RemitLine(std::string control_number, Cents charge, Cents paid,
                                std::vector<Adjustment> adjustments = {}) {
  RemittanceLine line;
  line.line_control_number = std::move(control_number);
  line.procedure_code = "99213";
  line.charge_cents = charge;
  line.paid_cents = paid;
  line.units = 1;
  line.adjustments = std::move(adjustments);
  return line;
}

// An event produced and paid on `date`.
inline RemittanceEvent MakeEvent(std::string claim_id, int status, Cents charge, Cents paid,
                                 Day date, std::vector<Adjustment> adjustments = {},
                                 std::string payer_id = "PAYER1") {
  RemittanceEvent event;
  event.claim_id = std::move(claim_id);
  event.payer_id = std::move(payer_id);
  event.status_code = status;
  event.charge_cents = charge;
  event.paid_cents = paid;
  event.production_date = date;
  event.payment_date = date;
  event.adjustments = std::move(adjustments);
  return event;
}

}  // namespace denialscope::testing

#endif  // DENIALSCOPE_TESTS_UNIT_TEST_RECORDS_H_
