// Per-suite databases, the store fixture and record builders for the integration tests.
#include "tests/integration/test_database.h"

#include <atomic>
#include <cstdlib>
#include <utility>

#include "absl/random/random.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "sql/pg_claim_store.h"

namespace denialscope::testing {

std::string WithDatabase(const std::string& url, const std::string& database) {
  size_t scheme = url.find("://");
  if (scheme == std::string::npos) {
    // key=value form: a later dbname wins.
    return absl::StrCat(url, " dbname=", database);
  }
  size_t path = url.find('/', scheme + 3);
  size_t query = url.find('?', scheme + 3);
  std::string suffix = query == std::string::npos ? "" : url.substr(query);
  size_t authority_end = std::min(path, query);
  std::string prefix = authority_end == std::string::npos ? url : url.substr(0, authority_end);
  return absl::StrCat(prefix, "/", database, suffix);
}

absl::StatusOr<std::unique_ptr<TestDatabase>> TestDatabase::Create() {
  const char* server_url = std::getenv(kDatabaseUrlVariable);
  if (server_url == nullptr || server_url[0] == '\0') {
    return absl::FailedPreconditionError(absl::StrCat(
        kDatabaseUrlVariable,
        " is not set: the integration tests need a PostgreSQL server. Run scripts/test.sh, "
        "or start one with scripts/pgctl.sh start DIR PORT and export ",
        kDatabaseUrlVariable, "=$(scripts/pgctl.sh url DIR PORT)"));
  }
  absl::BitGen bits;
  std::string name = absl::StrFormat("ds_it_%016x", absl::Uniform<uint64_t>(bits));
  try {
    pqxx::connection admin(server_url);
    pqxx::nontransaction tx(admin);
    tx.exec("CREATE DATABASE " + tx.quote_name(name));
  } catch (const std::exception& e) {
    return absl::UnavailableError(
        absl::StrCat("cannot create test database ", name, " on ", server_url, ": ", e.what()));
  }
  return std::unique_ptr<TestDatabase>(new TestDatabase(server_url, std::move(name)));
}

TestDatabase::TestDatabase(std::string server_url, std::string name)
    : server_url_(std::move(server_url)),
      name_(std::move(name)),
      url_(WithDatabase(server_url_, name_)) {}

TestDatabase::~TestDatabase() {
  // FORCE ends our own leftover sessions; an autovacuum worker still busy in the database
  // can make it fail for a role without pg_signal_backend, so try a few times.
  std::string error;
  for (int attempt = 0; attempt < 20; ++attempt) {
    try {
      pqxx::connection admin(server_url_);
      pqxx::nontransaction tx(admin);
      tx.exec("DROP DATABASE IF EXISTS " + tx.quote_name(name_) + " WITH (FORCE)");
      return;
    } catch (const std::exception& e) {
      error = e.what();
    }
    absl::SleepFor(absl::Milliseconds(250));
  }
  ADD_FAILURE() << "could not drop test database " << name_ << ": " << error;
}

pqxx::result TestDatabase::Exec(const std::string& sql) {
  pqxx::connection connection(url_);
  pqxx::work tx(connection);
  pqxx::result result = tx.exec(sql);
  tx.commit();
  return result;
}

const CohortTaxonomy& TestTaxonomy() {
  static const CohortTaxonomy* taxonomy = [] {
    absl::StatusOr<CohortTaxonomy> parsed = CohortTaxonomy::Parse(
        "fiscal_year,cohort,family,family_name,match,code,description\n"
        "2025,nonspecific,,M54.2 (cervicalgia),exact,M54.2,Cervicalgia\n"
        "2025,specific,disc,Disc disorders (M50.-),prefix,M50,Cervical disc disorders\n"
        "2025,specific,segmental,Segmental dysfunction (M99.01),exact,M99.01,"
        "Segmental dysfunction of cervical region\n",
        2025);
    if (!parsed.ok()) {
      ADD_FAILURE() << "test taxonomy: " << parsed.status();
      return new CohortTaxonomy();
    }
    return new CohortTaxonomy(std::move(parsed).value());
  }();
  return *taxonomy;
}

TestDatabase* StoreTest::db_ = nullptr;
ClaimStore* StoreTest::store_ = nullptr;
std::string* StoreTest::setup_error_ = nullptr;

void StoreTest::SetUpTestSuite() {
  auto fail = [](const absl::Status& status) {
    setup_error_ = new std::string(status.ToString());
  };
  absl::StatusOr<std::unique_ptr<TestDatabase>> db = TestDatabase::Create();
  if (!db.ok()) return fail(db.status());
  db_ = db->release();
  absl::StatusOr<std::vector<std::string>> applied = ApplyMigrations(db_->url());
  if (!applied.ok()) return fail(applied.status());
  PgOptions options;
  options.url = db_->url();
  options.pool_size = 2;
  absl::StatusOr<std::unique_ptr<ClaimStore>> store = OpenPgClaimStore(options, &TestTaxonomy());
  if (!store.ok()) return fail(store.status());
  store_ = store->release();
}

void StoreTest::TearDownTestSuite() {
  delete store_;  // closes the pool's connections before the database goes
  store_ = nullptr;
  delete db_;
  db_ = nullptr;
  delete setup_error_;
  setup_error_ = nullptr;
}

void StoreTest::SetUp() {
  if (setup_error_ != nullptr) FAIL() << *setup_error_;
  ASSERT_NE(store_, nullptr);
}

Practice StoreTest::NewPractice() {
  static std::atomic<int> next{0};
  // Distinct per process run, since a suite's database is fresh anyway.
  std::string npi = absl::StrFormat("1%09d", 100000 + next.fetch_add(1));
  absl::StatusOr<Practice> practice = store().CreatePractice(npi, "Practice " + npi);
  EXPECT_TRUE(practice.ok()) << practice.status();
  return practice.ok() ? *practice : Practice{};
}

Claim MakeClaim(const std::string& claim_id, const std::vector<std::string>& diagnoses,
                Day service_date, Cents charge_cents) {
  Claim claim;
  claim.claim_id = claim_id;
  claim.payer_id = kPayer;
  claim.payer_name = "Blue Shield";
  claim.rendering_npi = "1999999984";
  claim.patient_key = "patient-" + claim_id;
  claim.place_of_service = "11";
  claim.submission_date = service_date + 3;
  claim.diagnoses = diagnoses;
  ClaimLine line;
  line.line_number = 1;
  line.line_control_number = claim_id + "-1";
  line.procedure_code = "98941";
  line.modifiers = {"AT"};
  line.charge_cents = charge_cents;
  line.units = 1;
  line.diagnosis_pointers = {1};
  line.service_date = service_date;
  claim.lines.push_back(line);
  claim.total_charge_cents = charge_cents;
  return claim;
}

RemittanceEvent MakePayment(const std::string& claim_id, Cents charge_cents, Cents paid_cents,
                            Day production_date) {
  RemittanceEvent event;
  event.claim_id = claim_id;
  event.payer_id = kPayer;
  event.payer_name = "Blue Shield";
  event.status_code = kClaimStatusProcessedPrimary;
  event.charge_cents = charge_cents;
  event.paid_cents = paid_cents;
  event.payer_claim_control_number = "PCN-" + claim_id;
  event.production_date = production_date;
  event.payment_date = production_date + 1;
  event.trace_number = "TRN-" + claim_id;
  RemittanceLine line;
  line.line_control_number = claim_id + "-1";
  line.procedure_code = "98941";
  line.charge_cents = charge_cents;
  line.paid_cents = paid_cents;
  line.units = 1;
  if (charge_cents > paid_cents) {
    line.adjustments.push_back({GroupCode::kCO, "45", charge_cents - paid_cents, 0});
  }
  event.lines.push_back(line);
  return event;
}

RemittanceEvent MakeDenial(const std::string& claim_id, Cents charge_cents, Day production_date,
                           const std::string& carc) {
  RemittanceEvent event = MakePayment(claim_id, charge_cents, 0, production_date);
  event.lines[0].adjustments = {{GroupCode::kCO, carc, charge_cents, 0}};
  event.lines[0].remark_codes = {"N115"};
  event.remark_codes = {"MA130"};
  return event;
}

RemittanceEvent MakeReversal(const RemittanceEvent& paid, Day production_date) {
  RemittanceEvent event = paid;
  event.status_code = kClaimStatusReversal;
  event.charge_cents = -paid.charge_cents;
  event.paid_cents = -paid.paid_cents;
  event.patient_responsibility_cents = -paid.patient_responsibility_cents;
  event.production_date = production_date;
  event.payment_date = production_date;
  for (Adjustment& adjustment : event.adjustments) adjustment.amount_cents *= -1;
  for (RemittanceLine& line : event.lines) {
    line.charge_cents *= -1;
    line.paid_cents *= -1;
    for (Adjustment& adjustment : line.adjustments) adjustment.amount_cents *= -1;
  }
  return event;
}

std::vector<RecordOutcome> Outcomes(const std::vector<RecordResult>& results) {
  std::vector<RecordOutcome> outcomes;
  for (const RecordResult& result : results) outcomes.push_back(result.outcome);
  return outcomes;
}

}  // namespace denialscope::testing
