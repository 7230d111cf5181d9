// The cohort taxonomy: which ICD-10-CM codes put a claim in the neck-pain cohort and whether
// the code is the nonspecific M54.2 or a specific cervical family. The rules are data
// (analytics/data/cohort_taxonomy.csv, versioned by ICD-10-CM fiscal year), not code, so a
// low-back-pain cohort is a new file, not a new `if`.
#ifndef DENIALSCOPE_ANALYTICS_TAXONOMY_H_
#define DENIALSCOPE_ANALYTICS_TAXONOMY_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "analytics/records.h"

namespace denialscope {

enum class Cohort {
  kNonCervical,  // outside the neck-pain cohort
  kNonspecific,  // M54.2 cervicalgia
  kSpecific,     // a specific cervical diagnosis; `family` says which
};

struct Classification {
  Cohort cohort = Cohort::kNonCervical;
  std::string family;  // specific family id, e.g. "disc"; empty otherwise
  std::string code;    // the diagnosis that decided, normalized (no dot)
};

// How a claim's diagnoses are read.
enum class CohortRule {
  kPrincipal,   // the principal diagnosis alone decides (default)
  kAnyPointed,  // any diagnosis a service line points to: specific wins over M54.2, the
                // earlier diagnosis among equals; the principal when no line points at all
};

struct TaxonomyFamily {
  std::string id;            // "disc"
  std::string display_name;  // "Disc disorders (M50.-)"
};

class CohortTaxonomy {
 public:
  // Parses the CSV form: fiscal_year,cohort,family,family_name,match,code,description
  // (match is "exact" or "prefix"; cohort is "nonspecific" or "specific"; a nonspecific row
  // has no family and its family_name names the nonspecific group). Blank lines and lines
  // starting with '#' are skipped. INVALID_ARGUMENT names the line and column of a malformed
  // row; NOT_FOUND when no row has `fiscal_year` (0 picks the latest year in the file).
  static absl::StatusOr<CohortTaxonomy> Parse(std::string_view csv, int fiscal_year);
  // The taxonomy compiled into the binary for `fiscal_year` (latest known year when 0).
  static absl::StatusOr<CohortTaxonomy> Builtin(int fiscal_year = 0);

  int fiscal_year() const { return fiscal_year_; }
  // Specific families in file order.
  const std::vector<TaxonomyFamily>& families() const { return families_; }
  // The nonspecific group's name from the file, e.g. "M54.2 (cervicalgia)".
  const std::string& nonspecific_display_name() const { return nonspecific_display_name_; }

  // Classifies one normalized code (no dot, upper case).
  Classification ClassifyCode(std::string_view code) const;
  Classification ClassifyClaim(const Claim& claim, CohortRule rule) const;
  // The cohort of a stored claim: its first-submitted diagnoses when a replacement changed
  // them (ClaimHistory::first_diagnoses), with the current lines' pointers.
  Classification ClassifyHistory(const ClaimHistory& history, CohortRule rule) const;

 private:
  struct Rule {
    Cohort cohort;
    std::string family;
    bool prefix;
    std::string code;
  };
  int fiscal_year_ = 0;
  std::string nonspecific_display_name_;
  std::vector<TaxonomyFamily> families_;
  std::vector<Rule> rules_;  // longest code first, so the most specific rule wins
};

// ICD-10-CM syntax: "M54.2" or "M542" -> "M542". INVALID_ARGUMENT when the text cannot be a
// code (wrong letters, length, dot position). Existence in the code table is checked apart.
absl::StatusOr<std::string> NormalizeIcd10(std::string_view text);
// "M542" -> "M54.2".
std::string DisplayIcd10(std::string_view normalized);

}  // namespace denialscope

#endif  // DENIALSCOPE_ANALYTICS_TAXONOMY_H_
