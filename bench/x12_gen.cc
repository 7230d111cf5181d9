// The synthetic X12 writer. Segment counts for SE, GE and IEA are tracked as segments are
// written, so every generated envelope validates.
#include "bench/x12_gen.h"

#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace denialscope::bench {
namespace {

constexpr int kSetsPerInterchange = 20;
constexpr int kClaimsPerSet = 40;
constexpr const char* kProcedures[] = {"98941", "98940", "97140", "97110", "99213",
                                       "99214", "64490", "20553", "72040", "97012"};
constexpr const char* kIcd10[] = {"M542", "M50121", "M47812", "M5412", "M4802", "S134XXA",
                                  "M9901", "M436", "M531"};

// xorshift64*: small, fast and the same everywhere.
class Random {
 public:
  explicit Random(uint64_t seed) : state_(seed == 0 ? 0x9E3779B97F4A7C15ULL : seed) {}
  uint64_t Next() {
    state_ ^= state_ >> 12;
    state_ ^= state_ << 25;
    state_ ^= state_ >> 27;
    return state_ * 0x2545F4914F6CDD1DULL;
  }
  int Below(int n) { return static_cast<int>(Next() % static_cast<uint64_t>(n)); }

 private:
  uint64_t state_;
};

std::string Money(int64_t cents) {
  const char* sign = cents < 0 ? "-" : "";
  const int64_t magnitude = cents < 0 ? -cents : cents;
  return absl::StrFormat("%s%d.%02d", sign, magnitude / 100, magnitude % 100);
}

std::string Date(int year, int month, int day) {
  return absl::StrFormat("%04d%02d%02d", year, month, day);
}

// Appends segments, counting them for SE/GE/IEA.
class Writer {
 public:
  explicit Writer(std::string* out) : out_(out) {}
  template <typename... Parts>
  void Segment(const Parts&... parts) {
    absl::StrAppend(out_, parts..., "~\n");
    ++in_set_;
    ++total_;
  }
  void BeginSet() { in_set_ = 0; }
  int in_set() const { return in_set_; }
  int64_t total() const { return total_; }

 private:
  std::string* out_;
  int in_set_ = 0;
  int64_t total_ = 0;
};

template <typename Body>
void Interchange(Writer& w, int64_t number, const char* functional_id, const char* version,
                 const char* st_version, X12GenStats& stats, Body body) {
  const std::string control = absl::StrFormat("%09d", number % 1000000000);
  w.Segment("ISA*00*          *00*          *ZZ*SUBMITTER      *ZZ*RECEIVER       *260310*1200*^*00501*",
            control, "*0*P*:");
  w.Segment("GS*", functional_id, "*SENDER*RECEIVER*20260310*1200*", number, "*X*", version);
  for (int set = 1; set <= kSetsPerInterchange; ++set) {
    const std::string set_control = absl::StrFormat("%04d", set);
    w.BeginSet();
    if (st_version[0] != '\0') {
      w.Segment("ST*", functional_id[1] == 'P' ? "835" : "837", "*", set_control, "*", st_version);
    } else {
      w.Segment("ST*", functional_id[1] == 'P' ? "835" : "837", "*", set_control);
    }
    body(set);
    w.Segment("SE*", w.in_set() + 1, "*", set_control);
    ++stats.transaction_sets;
  }
  w.Segment("GE*", kSetsPerInterchange, "*", number);
  w.Segment("IEA*1*", control);
  ++stats.interchanges;
}

// Writes 835 interchanges into `out` while `more()` says so, calling `flush()` after each.
template <typename More, typename Flush>
void Build835(std::string& out, uint64_t seed, X12GenStats& stats, More more, Flush flush) {
  Writer w(&out);
  Random random(seed);
  int64_t claim_number = 0;
  for (int64_t number = 1; more(); ++number) {
    Interchange(w, number, "HP", "005010X221A1", "", stats, [&](int set) {
      const int month = 1 + (set % 12);
      w.Segment("BPR*I*0*C*ACH*CCP*01*999999999*DA*123456*1512345678**01*999988880*DA*98765*",
                Date(2026, month, 20));
      w.Segment("TRN*1*", number, "-", set, "*1512345678");
      w.Segment("DTM*405*", Date(2026, month, 18));
      w.Segment("N1*PR*ACME HEALTH PLAN*XV*PAYER", set % 7);
      w.Segment("N3*1 PAYER WAY");
      w.Segment("N4*TOWN*ST*12345");
      w.Segment("PER*BL*CLAIMS*TE*8005551212");
      w.Segment("N1*PE*NECK CLINIC*XX*1234567893");
      w.Segment("REF*TJ*123456789");
      w.Segment("LX*1");
      for (int c = 0; c < kClaimsPerSet; ++c) {
        ++claim_number;
        const int lines = 1 + random.Below(4);
        const bool reversal = random.Below(40) == 0;
        const bool denied = !reversal && random.Below(6) == 0;
        const int sign = reversal ? -1 : 1;
        int64_t charge = 0;
        int64_t paid = 0;
        std::vector<std::pair<int64_t, int64_t>> line_money;
        for (int l = 0; l < lines; ++l) {
          const int64_t line_charge = 5000 + random.Below(20000);
          const int64_t line_paid = denied ? 0 : line_charge * (50 + random.Below(40)) / 100;
          line_money.emplace_back(line_charge, line_paid);
          charge += line_charge;
          paid += line_paid;
        }
        w.Segment("CLP*PCN", claim_number, "*", reversal ? "22" : denied ? "1" : "1", "*",
                  Money(sign * charge), "*", Money(sign * paid), "*0*12*", 9000000000 + claim_number,
                  "*11*1");
        w.Segment("NM1*QC*1*PATIENT*NAME****MI*MBR", claim_number % 50000);
        w.Segment("NM1*82*1*RENDERING*DOC****XX*1245319599");
        w.Segment("DTM*050*", Date(2026, month, 9 + random.Below(3)));
        if (random.Below(3) == 0) w.Segment("MOA***MA01");
        for (int l = 0; l < lines; ++l) {
          const auto [line_charge, line_paid] = line_money[l];
          w.Segment("SVC*HC:", kProcedures[random.Below(10)], random.Below(2) ? ":GP" : "", "*",
                    Money(sign * line_charge), "*", Money(sign * line_paid), "**1");
          w.Segment("DTM*472*", Date(2026, month, 1 + random.Below(5)));
          if (denied) {
            w.Segment("CAS*CO*50*", Money(sign * line_charge));
          } else {
            w.Segment("CAS*CO*45*", Money(sign * (line_charge - line_paid)));
          }
          w.Segment("REF*6R*L", claim_number, "-", l + 1);
          if (!denied) w.Segment("AMT*B6*", Money(line_paid));
          if (denied) w.Segment("LQ*HE*N115");
        }
      }
      if (set % 5 == 0) {
        w.Segment("PLB*1234567893*20261231*L6:INT", set, "*-1.27*WO:RECOUP", set, "*12.00");
        stats.plb_pairs += 2;
      }
      stats.claims += kClaimsPerSet;
    });
    flush();
  }
  stats.segments = w.total();
}

// The 837P counterpart of Build835.
template <typename More, typename Flush>
void Build837P(std::string& out, uint64_t seed, X12GenStats& stats, More more, Flush flush) {
  Writer w(&out);
  Random random(seed);
  int64_t claim_number = 0;
  for (int64_t number = 1; more(); ++number) {
    Interchange(w, number, "HC", "005010X222A1", "005010X222A1", stats, [&](int set) {
      const int month = 1 + (set % 12);
      w.Segment("BHT*0019*00*B", number, "-", set, "*", Date(2026, month, 8), "*1200*CH");
      w.Segment("NM1*41*2*BILLING SERVICE*****46*SUBMITTER1");
      w.Segment("PER*IC*CONTACT*TE*5555555555");
      w.Segment("NM1*40*2*ACME HEALTH PLAN*****46*RECEIVER1");
      w.Segment("HL*1**20*1");
      w.Segment("NM1*85*2*NECK CLINIC*****XX*1234567893");
      w.Segment("N3*1 MAIN ST");
      w.Segment("N4*TOWN*ST*12345");
      w.Segment("REF*EI*123456789");
      for (int c = 0; c < kClaimsPerSet; ++c) {
        ++claim_number;
        const int lines = 1 + random.Below(4);
        w.Segment("HL*", c + 2, "*1*22*0");
        w.Segment("SBR*P*18*******CI");
        w.Segment("NM1*IL*1*PATIENT*NAME****MI*MBR", claim_number % 50000);
        w.Segment("NM1*PR*2*ACME HEALTH PLAN*****PI*PAYER", set % 7);
        int64_t total = 0;
        std::vector<int64_t> charges;
        for (int l = 0; l < lines; ++l) {
          charges.push_back(5000 + random.Below(20000));
          total += charges.back();
        }
        w.Segment("CLM*PCN", claim_number, "*", Money(total), "***11:B:1*Y*A*Y*Y");
        w.Segment("HI*ABK:", kIcd10[random.Below(9)], random.Below(2) ? "*ABF:M542" : "");
        w.Segment("NM1*82*1*RENDERING*DOC****XX*1245319599");
        for (int l = 0; l < lines; ++l) {
          w.Segment("LX*", l + 1);
          w.Segment("SV1*HC:", kProcedures[random.Below(10)], "*", Money(charges[l]), "*UN*1***1");
          w.Segment("DTP*472*D8*", Date(2026, month, 1 + random.Below(5)));
          w.Segment("REF*6R*L", claim_number, "-", l + 1);
        }
      }
      stats.claims += kClaimsPerSet;
    });
    flush();
  }
  stats.segments = w.total();
}

}  // namespace

std::string Generate835(size_t min_bytes, uint64_t seed, X12GenStats* stats_out) {
  X12GenStats stats;
  std::string out;
  out.reserve(min_bytes + (1 << 20));
  Build835(out, seed, stats, [&] { return out.size() < min_bytes; }, [] {});
  if (stats_out != nullptr) *stats_out = stats;
  return out;
}

std::string Generate837P(size_t min_bytes, uint64_t seed, X12GenStats* stats_out) {
  X12GenStats stats;
  std::string out;
  out.reserve(min_bytes + (1 << 20));
  Build837P(out, seed, stats, [&] { return out.size() < min_bytes; }, [] {});
  if (stats_out != nullptr) *stats_out = stats;
  return out;
}

void Write835(int64_t min_claims, uint64_t seed, const ChunkSink& sink, X12GenStats* stats_out) {
  X12GenStats stats;
  std::string out;
  Build835(out, seed, stats, [&] { return stats.claims < min_claims; }, [&] {
    sink(out);
    out.clear();
  });
  if (stats_out != nullptr) *stats_out = stats;
}

void Write837P(int64_t min_claims, uint64_t seed, const ChunkSink& sink,
               X12GenStats* stats_out) {
  X12GenStats stats;
  std::string out;
  Build837P(out, seed, stats, [&] { return stats.claims < min_claims; }, [&] {
    sink(out);
    out.clear();
  });
  if (stats_out != nullptr) *stats_out = stats;
}

}  // namespace denialscope::bench
