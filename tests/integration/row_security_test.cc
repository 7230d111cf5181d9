// Practice isolation inside PostgreSQL (migration 0003): every practice table has a
// row-level-security policy, the server's role is bound by it, and a deliberately unscoped
// query through that role sees only the practice its transaction set (none when unset).
// Also the API-key and audit tables of the PostgreSQL access store.
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sql/access_queries.h"
#include "sql/pg_access_store.h"
#include "sql/server_pool.h"
#include "tests/integration/test_database.h"

namespace denialscope::testing {
namespace {

using ::testing::Each;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr char kAppRole[] = "denialscope_app";

class RowSecurityTest : public StoreTest {
 protected:
  // A session of the server's role on the test database, as the store opens it.
  std::unique_ptr<pqxx::connection> AppSession() {
    auto connection = std::make_unique<pqxx::connection>(db().url());
    pqxx::nontransaction tx(*connection);
    tx.exec(std::string("SET ROLE ") + kAppRole);
    return connection;
  }

  // Tables of the public schema with a practice_id column: the practice tables, plus the
  // tenant directory `practices` itself.
  std::vector<std::string> PracticeTables() {
    std::vector<std::string> tables;
    for (const pqxx::row& row :
         db().Exec("SELECT table_name FROM information_schema.columns"
                   " WHERE table_schema = 'public' AND column_name = 'practice_id'"
                   " AND table_name <> 'practices' ORDER BY table_name")) {
      tables.push_back(row[0].c_str());
    }
    return tables;
  }

  // Claims and an event in `practice`.
  void Fill(const Practice& practice, const std::string& prefix) {
    ASSERT_TRUE(store()
                    .IngestClaims(practice, {MakeClaim(prefix + "-1", {"M542"}, Day(2026, 3, 2)),
                                             MakeClaim(prefix + "-2", {"M5012"}, Day(2026, 3, 3))})
                    .ok());
    ASSERT_TRUE(store()
                    .IngestRemittances(practice, {MakeDenial(prefix + "-1", 10000, Day(2026, 3, 20))})
                    .ok());
  }
};

TEST_F(RowSecurityTest, EveryPracticeTableHasAPolicy) {
  const std::vector<std::string> tables = PracticeTables();
  ASSERT_GE(tables.size(), 10u);  // the tables of 0001 at least
  for (const std::string& table : tables) {
    pqxx::result rows = db().Exec(
        "SELECT c.relrowsecurity, (SELECT count(*) FROM pg_policies p"
        "   WHERE p.schemaname = 'public' AND p.tablename = c.relname)"
        " FROM pg_class c WHERE c.oid = 'public." + table + "'::regclass");
    EXPECT_TRUE(rows[0][0].as<bool>()) << table << " has row-level security disabled";
    EXPECT_GE(rows[0][1].as<int>(), 1) << table << " has no row-level-security policy";
  }
}

TEST_F(RowSecurityTest, TheServerRoleOwnsNothingAndCannotBypassPolicies) {
  pqxx::result role = db().Exec(
      std::string("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = '") + kAppRole +
      "'");
  ASSERT_EQ(role.size(), 1u);
  EXPECT_FALSE(role[0][0].as<bool>());
  EXPECT_FALSE(role[0][1].as<bool>());
  EXPECT_EQ(db().Exec(std::string("SELECT count(*) FROM pg_class c JOIN pg_roles r ON"
                                  " r.oid = c.relowner WHERE r.rolname = '") +
                      kAppRole + "'")[0][0]
                .as<int>(),
            0);

  auto app = AppSession();
  EXPECT_TRUE(CheckServerRole(*app).ok()) << CheckServerRole(*app);
  // The owner (the migrating role) is refused as a server role.
  pqxx::connection owner(db().url());
  absl::Status refused = CheckServerRole(owner);
  EXPECT_EQ(refused.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(refused.message()), HasSubstr("owns tables"));
}

TEST_F(RowSecurityTest, AnUnscopedSelectSeesOnlyTheSetPractice) {
  const Practice a = NewPractice();
  const Practice b = NewPractice();
  Fill(a, "A");
  Fill(b, "B");
  auto app = AppSession();
  for (const std::string table : {"claims", "claim_lines", "claim_facts", "remittance_events",
                                   "adjustments", "payers"}) {
    SCOPED_TRACE(table);
    {
      pqxx::work tx(*app);
      tx.exec_params("SELECT set_config('app.practice_id', $1, true)",
                     std::to_string(a.practice_id));
      // Deliberately no WHERE clause: the policy is the only filter.
      std::vector<int64_t> seen;
      for (const pqxx::row& row : tx.exec("SELECT practice_id FROM " + table)) {
        seen.push_back(row[0].as<int64_t>());
      }
      EXPECT_FALSE(seen.empty());
      EXPECT_THAT(seen, Each(a.practice_id));
      tx.commit();
    }
    {
      // The setting ended with the transaction: nothing is visible now.
      pqxx::work tx(*app);
      EXPECT_THAT(tx.exec("SELECT practice_id FROM " + table), IsEmpty());
    }
  }
  // And on a fresh session, never set at all.
  auto fresh = AppSession();
  pqxx::work tx(*fresh);
  EXPECT_THAT(tx.exec("SELECT * FROM claims"), IsEmpty());
}

TEST_F(RowSecurityTest, WritesIntoAnotherPracticeAreRefused) {
  const Practice a = NewPractice();
  const Practice b = NewPractice();
  auto app = AppSession();
  pqxx::work tx(*app);
  tx.exec_params("SELECT set_config('app.practice_id', $1, true)", std::to_string(a.practice_id));
  try {
    tx.exec_params("INSERT INTO payers (practice_id, payer_id) VALUES ($1, 'X')", b.practice_id);
    ADD_FAILURE() << "an insert into another practice passed the policy";
  } catch (const pqxx::sql_error& e) {
    EXPECT_THAT(std::string(e.what()), HasSubstr("row-level security"));
  }
}

TEST_F(RowSecurityTest, TheAuditTrailIsAppendOnlyForTheServer) {
  auto app = AppSession();
  {
    pqxx::work tx(*app);
    tx.exec("INSERT INTO audit_log (event_time, key_id, method, status)"
            " VALUES (now(), '0123456789abcdef', 'M', 'OK')");
    tx.commit();
  }
  for (const std::string& statement :
       {std::string("UPDATE audit_log SET status = 'X'"), std::string("DELETE FROM audit_log"),
        std::string("TRUNCATE audit_log")}) {
    pqxx::work tx(*app);
    EXPECT_THROW(tx.exec(statement), pqxx::insufficient_privilege) << statement;
  }
}

class PgAccessStoreTest : public StoreTest {
 protected:
  static std::unique_ptr<AccessStore> Open() {
    PgOptions options;
    options.url = db().url();
    options.pool_size = 2;
    absl::StatusOr<std::unique_ptr<AccessStore>> store = OpenPgAccessStore(options);
    EXPECT_TRUE(store.ok()) << store.status();
    return store.ok() ? *std::move(store) : nullptr;
  }

  static ApiKeyRecord Key(const std::string& id) {
    ApiKeyRecord key;
    key.key_id = id;
    key.secret_hash = std::string(32, '\x7f');
    key.display_name = "dashboard " + id;
    key.scopes = {Scope::kRead, Scope::kReport};
    key.practice_npis = {"1234567893", "1245319599"};
    key.create_time = absl::FromUnixMicros(1780000000123456);
    return key;
  }
};

TEST_F(PgAccessStoreTest, KeysRoundTripPageAndRevokeOnce) {
  std::unique_ptr<AccessStore> access = Open();
  ASSERT_NE(access, nullptr);
  ApiKeyRecord first = Key("00000000000000a1");
  first.expire_time = absl::FromUnixSeconds(1790000000);
  ASSERT_TRUE(access->CreateApiKey(first).ok());
  ASSERT_TRUE(access->CreateApiKey(Key("00000000000000a2")).ok());
  ApiKeyRecord admin = Key("00000000000000a3");
  admin.scopes = {Scope::kAdmin};
  admin.practice_npis.clear();
  admin.all_practices = true;
  ASSERT_TRUE(access->CreateApiKey(admin).ok());
  EXPECT_EQ(access->CreateApiKey(first).code(), absl::StatusCode::kAlreadyExists);

  absl::StatusOr<ApiKeyRecord> read = access->GetApiKey(first.key_id);
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(read->secret_hash, first.secret_hash);
  EXPECT_EQ(read->display_name, first.display_name);
  EXPECT_EQ(read->scopes, first.scopes);
  EXPECT_EQ(read->practice_npis, first.practice_npis);
  EXPECT_EQ(read->create_time, first.create_time);
  EXPECT_EQ(read->expire_time, first.expire_time);
  EXPECT_FALSE(read->revoke_time.has_value());
  EXPECT_EQ(access->GetApiKey("00000000000000ff").status().code(), absl::StatusCode::kNotFound);

  absl::StatusOr<ApiKeyPage> page = access->ListApiKeys(2, "");
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->keys.size(), 2u);
  EXPECT_EQ(page->next_key_id, "00000000000000a2");
  page = access->ListApiKeys(2, page->next_key_id);
  ASSERT_EQ(page->keys.size(), 1u);
  EXPECT_TRUE(page->keys[0].all_practices);
  EXPECT_EQ(page->next_key_id, "");

  absl::StatusOr<ApiKeyRecord> revoked =
      access->RevokeApiKey(first.key_id, absl::FromUnixSeconds(1780000100));
  ASSERT_TRUE(revoked.ok());
  EXPECT_EQ(revoked->revoke_time, absl::FromUnixSeconds(1780000100));
  revoked = access->RevokeApiKey(first.key_id, absl::FromUnixSeconds(1780000200));
  EXPECT_EQ(revoked->revoke_time, absl::FromUnixSeconds(1780000100));  // the first one stays
  EXPECT_EQ(access->RevokeApiKey("00000000000000ff", absl::Now()).status().code(),
            absl::StatusCode::kNotFound);
  // Only the hash is stored.
  EXPECT_EQ(db().Exec("SELECT count(*) FROM information_schema.columns WHERE table_name ="
                      " 'api_keys' AND column_name LIKE '%secret%' AND column_name <> "
                      "'secret_hash'")[0][0]
                .as<int>(),
            0);
}

TEST_F(PgAccessStoreTest, AuditEventsAreListedNewestFirstWithFilters) {
  std::unique_ptr<AccessStore> access = Open();
  ASSERT_NE(access, nullptr);
  const std::string key = "00000000000000b1";
  for (int i = 0; i < 5; ++i) {
    AuditEvent event;
    event.time = absl::FromUnixSeconds(1780000000 + i);
    event.key_id = i < 3 ? key : "00000000000000b2";
    event.method = "AnalyticsService.GetDenialSummary";
    event.practice_npi = i % 2 == 0 ? "1234567893" : "";
    event.status = i == 4 ? "PERMISSION_DENIED" : "OK";
    event.rows = i;
    ASSERT_TRUE(access->AppendAuditEvent(event).ok());
  }
  AuditQuery query;
  query.page_size = 2;
  query.key_id = key;
  absl::StatusOr<AuditPage> page = access->ListAuditEvents(query);
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->events.size(), 2u);
  EXPECT_EQ(page->events[0].rows, 2);  // newest first
  EXPECT_EQ(page->events[0].time, absl::FromUnixSeconds(1780000002));
  query.before_audit_id = page->next_before_audit_id;
  page = access->ListAuditEvents(query);
  ASSERT_EQ(page->events.size(), 1u);
  EXPECT_EQ(page->events[0].rows, 0);
  EXPECT_EQ(page->next_before_audit_id, 0);

  AuditQuery by_practice;
  by_practice.practice_npi = "1234567893";
  page = access->ListAuditEvents(by_practice);
  ASSERT_EQ(page->events.size(), 3u);
  EXPECT_EQ(page->events[0].status, "PERMISSION_DENIED");
}

TEST_F(PgAccessStoreTest, AGroupOfAuditEventsIsStoredInItsOrderWithAnAsyncCommit) {
  std::unique_ptr<AccessStore> access = Open();
  ASSERT_NE(access, nullptr);
  std::vector<AuditEvent> events(3);
  for (int i = 0; i < 3; ++i) {
    events[i].time = absl::FromUnixMicros(1780000000000000 + i * 1500);
    events[i].key_id = "00000000000000c1";
    events[i].method = i == 1 ? "AnalyticsService.GetTrend" : "AnalyticsService.CompareCohorts";
    events[i].practice_npi = i == 2 ? "" : "1234567893";
    events[i].status = i == 2 ? "NOT_FOUND" : "OK";
    events[i].rows = 10 * i;
  }
  // A text value with array syntax in it must arrive verbatim.
  events[1].method = "A,\"b\"{c}";
  ASSERT_TRUE(access->AppendAuditEvents(events).ok());
  ASSERT_TRUE(access->AppendAuditEvents({}).ok());
  AuditQuery query;
  query.key_id = "00000000000000c1";
  absl::StatusOr<AuditPage> page = access->ListAuditEvents(query);
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->events.size(), 3u);
  for (int i = 0; i < 3; ++i) {
    const AuditEvent& stored = page->events[2 - i];  // newest first
    EXPECT_EQ(stored.time, events[i].time);
    EXPECT_EQ(stored.method, events[i].method);
    EXPECT_EQ(stored.practice_npi, events[i].practice_npi);
    EXPECT_EQ(stored.status, events[i].status);
    EXPECT_EQ(stored.rows, events[i].rows);
  }
  EXPECT_LT(page->events[2].audit_id, page->events[1].audit_id);
  EXPECT_LT(page->events[1].audit_id, page->events[0].audit_id);

  // The statement turns synchronous commit off for its own transaction only (what SET LOCAL
  // did in the four-statement form): inside an explicit transaction the setting is visible
  // after it, and gone after the transaction.
  pqxx::connection connection(db().url());
  std::string session_setting;
  {
    pqxx::nontransaction before(connection);
    session_setting = before.exec("SHOW synchronous_commit")[0][0].as<std::string>();
  }
  ASSERT_NE(session_setting, "off");
  {
    pqxx::work tx(connection);
    tx.exec_params(queries::kInsertAuditEvents, "{1780000000}", "{00000000000000c2}", "{M}",
                   "{\"\"}", "{OK}", "{0}");
    EXPECT_EQ(tx.exec("SHOW synchronous_commit")[0][0].as<std::string>(), "off");
    tx.commit();
  }
  pqxx::nontransaction after(connection);
  EXPECT_EQ(after.exec("SHOW synchronous_commit")[0][0].as<std::string>(), session_setting);
}

TEST_F(PgAccessStoreTest, ConcurrentCallsStoreEveryAuditRowOnce) {
  std::unique_ptr<AccessStore> access = Open();
  ASSERT_NE(access, nullptr);
  constexpr int kThreads = 8;
  constexpr int kPerThread = 25;
  std::vector<std::thread> threads;
  std::vector<int> failures(kThreads, 0);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        AuditEvent event;
        event.time = absl::FromUnixSeconds(1780000000);
        event.key_id = "00000000000000d1";
        event.method = "AnalyticsService.ListDeniedClaims";
        event.status = "OK";
        event.rows = t * 1000 + i;
        if (!access->AppendAuditEvent(event).ok()) ++failures[t];
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_THAT(failures, Each(0));
  // Each row exactly once, and each thread's rows in the order it appended them.
  pqxx::result rows = db().Exec(
      "SELECT row_count FROM audit_log WHERE key_id = '00000000000000d1' ORDER BY audit_id");
  ASSERT_EQ(rows.size(), static_cast<size_t>(kThreads * kPerThread));
  std::set<int64_t> seen;
  std::vector<int64_t> last(kThreads, -1);
  for (const pqxx::row& row : rows) {
    const int64_t value = row[0].as<int64_t>();
    EXPECT_TRUE(seen.insert(value).second) << value;
    const int thread = static_cast<int>(value / 1000);
    EXPECT_GT(value, last[thread]);
    last[thread] = value;
  }
}

}  // namespace
}  // namespace denialscope::testing
