// Self-check of the demo data generator. The demo, the benchmarks and the end-to-end tests
// all trust this data, so it must be what it claims: deterministic, balanced like a real 835,
// never dated after as_of, with valid NPIs and in-range pointers, and with a truth that shows
// the effect the product is about (M54.2 denied more often than specific codes).
#include "bench/demo_gen.h"

#include <algorithm>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"

namespace denialscope {
namespace {

using v1::AdjustmentRecord;
using v1::ClaimRecord;
using v1::IngestRecord;
using v1::RemittanceRecord;

// Written from the NPI standard again, on purpose, rather than shared with the generator.
bool NpiValid(const std::string& npi) {
  if (npi.size() != 10 || npi[0] < '1' || npi[0] > '2') return false;
  const std::string digits = "80840" + npi;
  int sum = 0;
  for (size_t i = 0; i < digits.size(); ++i) {
    const char c = digits[digits.size() - 1 - i];
    if (c < '0' || c > '9') return false;
    int d = c - '0';
    if (i % 2 == 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return sum % 10 == 0;
}

absl::CivilDay Day(const std::string& text) {
  absl::CivilDay day;
  EXPECT_TRUE(absl::ParseCivilTime(text, &day)) << "bad date '" << text << "'";
  return day;
}

class DemoGenTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { data_ = new std::vector<DemoPractice>(GenerateDemoData({})); }
  static void TearDownTestSuite() {
    delete data_;
    data_ = nullptr;
  }
  static const std::vector<DemoPractice>& data() { return *data_; }

 private:
  static std::vector<DemoPractice>* data_;
};
std::vector<DemoPractice>* DemoGenTest::data_ = nullptr;

std::vector<std::string> Serialize(const std::vector<DemoPractice>& practices) {
  std::vector<std::string> out;
  for (const DemoPractice& p : practices) {
    out.push_back(p.npi + "|" + p.display_name);
    for (const IngestRecord& r : IngestOrder(p)) out.push_back(r.SerializeAsString());
    for (const ClaimTruth& t : p.truth) {
      out.push_back(t.claim_id + t.cohort + t.family + t.original_cohort +
                    absl::FormatCivilTime(t.service_date) +
                    std::to_string(t.charge_cents) + std::to_string(t.voided) +
                    std::to_string(t.adjudicated) + std::to_string(t.initially_denied) +
                    std::to_string(t.finally_denied) +
                    (t.first_payment_date ? absl::FormatCivilTime(*t.first_payment_date) : ""));
    }
  }
  return out;
}

TEST(DemoGen, SameSeedSameRecordsOtherSeedOtherRecords) {
  DemoOptions options;
  options.practices = 2;
  options.claims_per_practice = 400;
  const auto a = Serialize(GenerateDemoData(options));
  const auto b = Serialize(GenerateDemoData(options));
  EXPECT_EQ(a, b);
  options.seed += 1;
  EXPECT_NE(a, Serialize(GenerateDemoData(options)));
}

TEST(DemoGen, WindowsRunningPastAsOfStayBeforeIt) {
  DemoOptions options;
  options.practices = 1;
  options.claims_per_practice = 300;
  options.first_month = absl::CivilMonth(2026, 6);
  options.months = 3;
  options.as_of = absl::CivilDay(2026, 7, 10);
  const auto data = GenerateDemoData(options);
  ASSERT_EQ(data.size(), 1u);
  EXPECT_EQ(data[0].truth.size(), 300u);
  for (const ClaimRecord& c : data[0].claims) {
    EXPECT_LE(c.submission_date(), "2026-07-10");
    for (const auto& line : c.lines()) EXPECT_LT(line.service_date(), c.submission_date());
  }
  for (const RemittanceRecord& r : data[0].remittances) {
    EXPECT_LE(r.payment_date(), "2026-07-10");
  }
  // A window that starts after as_of has nothing to bill.
  options.first_month = absl::CivilMonth(2026, 8);
  EXPECT_TRUE(GenerateDemoData(options)[0].claims.empty());
}

TEST(DemoGen, ManyPracticesGetDistinctNamesAndNpis) {
  DemoOptions options;
  options.practices = 45;
  options.claims_per_practice = 5;
  std::set<std::string> names, npis;
  for (const DemoPractice& p : GenerateDemoData(options)) {
    EXPECT_TRUE(names.insert(p.display_name).second) << p.display_name;
    EXPECT_TRUE(npis.insert(p.npi).second);
    EXPECT_EQ(p.truth.size(), 5u);
  }
}

TEST(DemoGen, NpiHelperAgreesWithTheCmsExample) {
  EXPECT_TRUE(NpiValid("1234567893"));
  EXPECT_FALSE(NpiValid("1234567890"));
}

TEST_F(DemoGenTest, NpisAreValidAndPracticesNamed) {
  ASSERT_EQ(data().size(), 3u);
  std::set<std::string> practice_npis;
  for (const DemoPractice& p : data()) {
    EXPECT_TRUE(NpiValid(p.npi)) << p.npi;
    EXPECT_FALSE(p.display_name.empty());
    practice_npis.insert(p.npi);
    for (const ClaimRecord& c : p.claims) {
      EXPECT_EQ(c.billing_npi(), p.npi);
      if (!c.rendering_npi().empty()) {
        EXPECT_TRUE(NpiValid(c.rendering_npi()));
      }
    }
    for (const RemittanceRecord& r : p.remittances) EXPECT_EQ(r.payee_npi(), p.npi);
  }
  EXPECT_EQ(practice_npis.size(), 3u);
  EXPECT_EQ(data()[0].display_name, "Cascade Spine & Rehab");
}

TEST_F(DemoGenTest, EveryEventAndLineBalances) {
  for (const DemoPractice& p : data()) {
    for (const RemittanceRecord& r : p.remittances) {
      int64_t cas = 0;
      int64_t patient = 0;
      auto add = [&](const AdjustmentRecord& a) {
        EXPECT_NE(a.amount_cents(), 0) << r.claim_id();
        cas += a.amount_cents();
        if (a.group_code() == "PR") patient += a.amount_cents();
      };
      for (const AdjustmentRecord& a : r.adjustments()) add(a);
      int64_t line_charges = 0;
      int64_t line_paid = 0;
      for (const auto& line : r.lines()) {
        int64_t line_cas = 0;
        for (const AdjustmentRecord& a : line.adjustments()) {
          add(a);
          line_cas += a.amount_cents();
        }
        // SVC02 - line CAS = SVC03.
        EXPECT_EQ(line.charge_cents() - line_cas, line.paid_cents()) << r.claim_id();
        line_charges += line.charge_cents();
        line_paid += line.paid_cents();
      }
      // X12 claim balancing: CLP03 - (claim CAS + line CAS) = CLP04; nothing counted twice.
      EXPECT_EQ(r.charge_cents() - cas, r.paid_cents()) << r.claim_id();
      EXPECT_EQ(patient, r.patient_responsibility_cents()) << r.claim_id();
      if (r.lines_size() > 0) {
        EXPECT_EQ(line_charges, r.charge_cents()) << r.claim_id();
        EXPECT_EQ(line_paid, r.paid_cents()) << r.claim_id();
      } else {
        EXPECT_GT(r.adjustments_size(), 0) << r.claim_id();
      }
    }
  }
}

TEST_F(DemoGenTest, NothingIsDatedAfterAsOf) {
  const DemoOptions options;
  const absl::CivilDay first = absl::CivilDay(options.first_month);
  for (const DemoPractice& p : data()) {
    for (const ClaimRecord& c : p.claims) {
      const absl::CivilDay submitted = Day(c.submission_date());
      EXPECT_LE(submitted, options.as_of);
      absl::CivilDay last_service = first;
      for (const auto& line : c.lines()) {
        const absl::CivilDay service = Day(line.service_date());
        EXPECT_GE(service, first);
        EXPECT_LT(service, submitted) << c.claim_id();
        last_service = std::max(last_service, service);
      }
      // Submission lag of an original is 1-20 days after its last service line.
      if (c.frequency_code() == 1) {
        EXPECT_LE(submitted - last_service, 20) << c.claim_id();
      }
    }
    for (const RemittanceRecord& r : p.remittances) {
      const absl::CivilDay received = Day(r.received_date());
      const absl::CivilDay production = Day(r.production_date());
      const absl::CivilDay payment = Day(r.payment_date());
      EXPECT_LE(received, production);
      EXPECT_LE(production, payment);
      EXPECT_LE(payment - production, 3);
      EXPECT_LE(payment, options.as_of);
      EXPECT_FALSE(r.trace_number().empty());
      EXPECT_FALSE(r.payer_claim_control_number().empty());
    }
  }
}

TEST_F(DemoGenTest, ClaimsAreWellFormed) {
  for (const DemoPractice& p : data()) {
    for (const ClaimRecord& c : p.claims) {
      ASSERT_GE(c.diagnoses_size(), 1) << c.claim_id();
      EXPECT_LE(c.diagnoses_size(), 12);
      ASSERT_GE(c.lines_size(), 1);
      EXPECT_LE(c.lines_size(), 50);
      EXPECT_THAT(c.frequency_code(), ::testing::AnyOf(1, 7, 8));
      EXPECT_THAT(c.patient_id(), ::testing::StartsWith("MBR"));
      std::set<std::string> dx(c.diagnoses().begin(), c.diagnoses().end());
      EXPECT_EQ(dx.size(), static_cast<size_t>(c.diagnoses_size())) << c.claim_id();
      std::set<int> numbers;
      int64_t total = 0;
      for (const auto& line : c.lines()) {
        EXPECT_TRUE(numbers.insert(line.line_number()).second);
        EXPECT_GE(line.diagnosis_pointers_size(), 1);
        EXPECT_LE(line.diagnosis_pointers_size(), 4);
        for (int ptr : line.diagnosis_pointers()) {
          EXPECT_GE(ptr, 1) << c.claim_id();
          EXPECT_LE(ptr, c.diagnoses_size()) << c.claim_id();
        }
        EXPECT_GT(line.charge_cents(), 0);
        EXPECT_LE(line.modifiers_size(), 4);
        total += line.charge_cents();
      }
      EXPECT_EQ(total, c.total_charge_cents());
    }
  }
}

TEST_F(DemoGenTest, TruthMatchesTheRecordsItDescribes) {
  for (const DemoPractice& p : data()) {
    std::map<std::string, const ClaimRecord*> latest;  // final version of each claim id
    std::set<std::string> voided;
    for (const ClaimRecord& c : p.claims) {
      if (c.frequency_code() == 8) {
        voided.insert(c.claim_id());
      } else if (c.frequency_code() == 7 || latest.count(c.claim_id()) == 0) {
        latest[c.claim_id()] = &c;
      }
    }
    std::map<std::string, absl::CivilDay> first_paid;
    for (const RemittanceRecord& r : p.remittances) {
      ASSERT_TRUE(latest.count(r.claim_id())) << r.claim_id();
      EXPECT_EQ(latest[r.claim_id()]->payer_id(), r.payer_id());
      if (r.paid_cents() > 0) {
        const absl::CivilDay day = Day(r.payment_date());
        auto [it, inserted] = first_paid.emplace(r.claim_id(), day);
        if (!inserted) it->second = std::min(it->second, day);
      }
    }
    ASSERT_EQ(p.truth.size(), latest.size());
    EXPECT_TRUE(std::is_sorted(p.truth.begin(), p.truth.end(),
                               [](const ClaimTruth& a, const ClaimTruth& b) {
                                 return a.claim_id < b.claim_id;
                               }));
    for (const ClaimTruth& t : p.truth) {
      const ClaimRecord& c = *latest.at(t.claim_id);
      absl::CivilDay earliest = Day(c.lines(0).service_date());
      for (const auto& line : c.lines()) earliest = std::min(earliest, Day(line.service_date()));
      EXPECT_EQ(t.service_date, earliest);
      EXPECT_EQ(t.charge_cents, c.total_charge_cents());
      EXPECT_EQ(t.voided, voided.count(t.claim_id) > 0);
      EXPECT_EQ(t.cohort == "nonspecific", c.diagnoses(0) == "M54.2") << t.claim_id;
      EXPECT_EQ(t.cohort == "specific", !t.family.empty());
      auto paid = first_paid.find(t.claim_id);
      EXPECT_EQ(t.first_payment_date.has_value(), paid != first_paid.end());
      if (t.first_payment_date && paid != first_paid.end()) {
        EXPECT_EQ(*t.first_payment_date, paid->second);
      }
      if (t.finally_denied) {
        EXPECT_TRUE(t.adjudicated);
      }
    }
  }
}

TEST_F(DemoGenTest, TruthShowsTheEffectAtPlausibleRates) {
  // Initial denial counts by the final version's cohort (the principal rule) and by the
  // cohort the claim was first submitted with.
  std::map<std::string, int> cohort_claims, adjudicated, denied_final_cohort;
  std::map<std::string, int> adjudicated_original, denied_original_cohort;
  int denied = 0, overturned = 0, voided = 0, pending = 0, total = 0;
  std::set<std::string> families;
  for (const DemoPractice& p : data()) {
    for (const ClaimTruth& t : p.truth) {
      ++total;
      ++cohort_claims[t.cohort];
      if (!t.family.empty()) families.insert(t.family);
      if (t.voided) {
        ++voided;
        continue;
      }
      if (!t.adjudicated) {
        ++pending;
        continue;
      }
      ++adjudicated[t.cohort];
      ++adjudicated_original[t.original_cohort];
      if (t.initially_denied) {
        ++denied_final_cohort[t.cohort];
        ++denied_original_cohort[t.original_cohort];
        ++denied;
        if (!t.finally_denied && t.first_payment_date) ++overturned;
      }
    }
  }
  auto share = [&](const std::string& c) { return double(cohort_claims[c]) / total; };
  EXPECT_NEAR(share("nonspecific"), 0.33, 0.08);
  EXPECT_NEAR(share("specific"), 0.47, 0.08);
  EXPECT_NEAR(share("non_cervical"), 0.20, 0.06);
  EXPECT_EQ(families.size(), 9u);
  auto rate = [&](const std::string& c) {
    return double(denied_final_cohort[c]) / std::max(1, adjudicated[c]);
  };
  auto original_rate = [&](const std::string& c) {
    return double(denied_original_cohort[c]) / std::max(1, adjudicated_original[c]);
  };
  // Corrected claims move denied M54.2 claims into the specific cohort, which narrows the
  // gap under the principal rule (about 1.4-1.8x across seeds); as first submitted it is
  // about threefold.
  EXPECT_GT(rate("nonspecific"), 1.25 * rate("specific"));
  EXPECT_GT(original_rate("nonspecific"), 2.5 * original_rate("specific"));
  EXPECT_GT(rate("nonspecific"), 0.12);
  EXPECT_LT(rate("nonspecific"), 0.40);
  EXPECT_GT(original_rate("specific"), 0.03);
  EXPECT_LT(original_rate("specific"), 0.12);
  EXPECT_NEAR(double(overturned) / denied, 0.30, 0.08);
  EXPECT_GT(voided, 0);
  EXPECT_GT(pending, total / 50);  // recent claims still waiting at as_of
}

TEST_F(DemoGenTest, EveryAdjudicationPatternIsPresent) {
  int reversals = 0, duplicates = 0, replacements = 0, voids = 0, status4 = 0,
      claim_level_only = 0, partial = 0, pr_only_zero = 0, sequestration = 0;
  for (const DemoPractice& p : data()) {
    for (const ClaimRecord& c : p.claims) {
      replacements += c.frequency_code() == 7;
      voids += c.frequency_code() == 8;
    }
    for (const RemittanceRecord& r : p.remittances) {
      reversals += r.status_code() == 22;
      status4 += r.status_code() == 4;
      claim_level_only += r.lines_size() == 0;
      bool dup = false, denial_line = false, non_pr = false;
      for (const auto& line : r.lines()) {
        for (const AdjustmentRecord& a : line.adjustments()) {
          dup |= a.reason_code() == "18";
          sequestration += a.reason_code() == "253" && a.amount_cents() > 0;
          non_pr |= a.group_code() != "PR" && a.reason_code() != "45";
          denial_line |= line.paid_cents() == 0 && a.group_code() == "CO" &&
                         a.reason_code() != "45" && a.reason_code() != "18";
        }
      }
      duplicates += dup;
      partial += r.paid_cents() > 0 && denial_line;
      pr_only_zero += r.paid_cents() == 0 && r.lines_size() > 0 && !non_pr &&
                      r.patient_responsibility_cents() > 0;
    }
  }
  EXPECT_GT(reversals, 0);
  EXPECT_GT(duplicates, 0);
  EXPECT_GT(replacements, 0);
  EXPECT_GT(voids, 0);
  EXPECT_GT(status4, 0);
  EXPECT_GT(claim_level_only, 0);
  EXPECT_GT(partial, 0);
  EXPECT_GT(pr_only_zero, 0);
  EXPECT_GT(sequestration, 0);
}

TEST_F(DemoGenTest, AboutTwoPercentOfClaimsArriveAfterTheirRemittance) {
  for (const DemoPractice& p : data()) {
    std::set<std::string> seen_claim, late;
    std::set<std::string> claim_ids;
    for (const ClaimRecord& c : p.claims) claim_ids.insert(c.claim_id());
    for (const IngestRecord& r : IngestOrder(p)) {
      if (r.has_claim()) {
        seen_claim.insert(r.claim().claim_id());
      } else if (!seen_claim.count(r.remittance().claim_id())) {
        late.insert(r.remittance().claim_id());
      }
    }
    const double share = double(late.size()) / claim_ids.size();
    EXPECT_GE(share, 0.01) << p.npi;
    EXPECT_LE(share, 0.03) << p.npi;
    for (size_t i = p.first_late_claim; i < p.claims.size(); ++i) {
      EXPECT_TRUE(late.count(p.claims[i].claim_id())) << p.claims[i].claim_id();
    }
  }
}

TEST_F(DemoGenTest, RecordsPrintAsSingleLineJsonAndParseBack) {
  const auto records = IngestOrder(data()[0]);
  for (size_t i = 0; i < records.size(); i += 97) {
    std::string json;
    ASSERT_TRUE(google::protobuf::util::MessageToJsonString(records[i], &json).ok());
    EXPECT_EQ(json.find('\n'), std::string::npos);
    IngestRecord back;
    ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(json, &back).ok());
    EXPECT_EQ(back.SerializeAsString(), records[i].SerializeAsString());
  }
}

}  // namespace
}  // namespace denialscope
