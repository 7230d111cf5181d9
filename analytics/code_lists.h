// The code lists behind "why was it denied" and "what was billed": CARC and RARC root-cause
// categories, procedure families, and the ICD-10-CM code table. They are data shipped in
// analytics/data/ (compiled into the binary) or loaded from files, never `if` statements, so
// a payer's new code or a new fiscal year's ICD-10-CM release is a data change.
#ifndef DENIALSCOPE_ANALYTICS_CODE_LISTS_H_
#define DENIALSCOPE_ANALYTICS_CODE_LISTS_H_

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "analytics/records.h"

namespace denialscope {

// DESIGN §1 "Why it was denied": the root cause a CARC stands for. The numeric values are
// stable (storage may persist them); the ids below are what the CSVs and the API spell.
enum class DenialCategory : int {
  kEligibilityCoverage = 0,
  kAuthorization = 1,
  kMedicalNecessity = 2,
  kDiagnosisCoding = 3,
  kBundling = 4,
  kMissingInformation = 5,
  kTimelyFiling = 6,
  kDuplicate = 7,
  kNonCovered = 8,
  kCoordinationOfBenefits = 9,
  kContractual = 10,            // an adjustment, not a denial (CO-45, CO-253, ...)
  kPatientResponsibility = 11,  // an adjustment, not a denial (PR-1/2/3)
  kOther = 12,
};
inline constexpr int kDenialCategoryCount = 13;

// "eligibility_coverage", "authorization", ... as in carc_categories.csv.
std::string_view DenialCategoryId(DenialCategory category);
// "Eligibility / coverage", "Authorization", ... for reports.
std::string_view DenialCategoryDisplayName(DenialCategory category);
std::optional<DenialCategory> ParseDenialCategory(std::string_view id);
// False for contractual and patient responsibility: those adjust a payment, they deny nothing.
bool IsDenialCategory(DenialCategory category);

struct CarcEntry {
  std::string code;  // "50", "A1"
  DenialCategory category = DenialCategory::kOther;
  // A generic code whose remark codes say more (50, 11, 16, 167, A1, ...): a remark's category
  // hint overrides `category` (see CodeLists::ClassifyDenialReason).
  bool refined_by_remarks = false;
  std::string description;
};

struct RarcEntry {
  std::string code;  // "N115"
  DenialCategory category_hint = DenialCategory::kOther;
  std::string description;
};

// The root cause of one denied claim or line.
struct DenialReason {
  DenialCategory category = DenialCategory::kOther;
  std::string carc;  // the deciding CARC; empty when no CO/OA/PI adjustment was found
  GroupCode group = GroupCode::kCO;
  Cents amount_cents = 0;  // the deciding CARC's total amount over the adjustments given
  std::string rarc;        // the remark whose hint decided the category, when one did
};

// CARC and RARC categories. Codes are compared after trimming and upper-casing.
class CodeLists {
 public:
  // Empty lists: every CARC is unknown (category other).
  CodeLists() = default;
  // The lists compiled from analytics/data/carc_categories.csv and rarc_categories.csv.
  static absl::StatusOr<CodeLists> Builtin();

  // Replace the CARC (RARC) list with a CSV of the shipped layout:
  //   code,category,refined_by_remarks,description      (CARC)
  //   code,category_hint,description                    (RARC)
  // Lines starting with '#' are comments; "# version: X" names the list's version. On error
  // the current list is kept and INVALID_ARGUMENT names the line (and column) at fault.
  absl::Status LoadCarcCsv(std::string_view text);
  absl::Status LoadRarcCsv(std::string_view text);

  const std::string& carc_version() const { return carc_version_; }
  const std::string& rarc_version() const { return rarc_version_; }
  const std::vector<CarcEntry>& carcs() const { return carcs_; }  // sorted by code
  const std::vector<RarcEntry>& rarcs() const { return rarcs_; }  // sorted by code

  // nullptr when the code is not in the list.
  const CarcEntry* FindCarc(std::string_view code) const;
  const RarcEntry* FindRarc(std::string_view code) const;
  // Unknown CARCs are kOther: a payer may use a code newer than the list.
  DenialCategory CategoryOfCarc(std::string_view code) const;
  std::optional<DenialCategory> CategoryOfRarc(std::string_view code) const;
  // "CARC 50: Payer does not find ...", or "CARC 999 (not in the code list)".
  std::string CarcDisplayName(std::string_view code) const;
  std::string RarcDisplayName(std::string_view code) const;

  // The root cause of a denial. The rule:
  //  1. Candidates are the CO, OA and PI adjustments with a non-zero amount whose CARC is not
  //     45 (CR and PR never deny). Amounts of the same CARC are summed.
  //  2. Candidates whose category is a denial category (not contractual, not patient
  //     responsibility) are preferred; among those the largest total amount wins, the
  //     earliest listed on a tie. Only when none is left does a contractual one (e.g. CO-253
  //     alone) decide.
  //  3. When the winning CARC is marked refined_by_remarks, the first remark (in `remarks`
  //     order) with a category hint decides the category: CO-11 with N115 is medical
  //     necessity (the LCD's covered-diagnosis list), CO-16 with M76 is diagnosis coding.
  //  4. No candidate at all: category other with an empty CARC.
  DenialReason ClassifyDenialReason(const std::vector<Adjustment>& adjustments,
                                    const std::vector<std::string>& remarks) const;
  // The whole event: its claim-level and every line's adjustments. Remarks of the lines that
  // carry the winning CARC are read first, then the claim-level remarks, then the rest.
  DenialReason ClassifyDenialReason(const RemittanceEvent& event) const;

 private:
  std::string carc_version_;
  std::string rarc_version_;
  std::vector<CarcEntry> carcs_;
  std::vector<RarcEntry> rarcs_;
};

// Procedure families (DESIGN §1) as CPT ranges, from analytics/data/procedure_families.csv.
struct ProcedureFamily {
  std::string id;  // "em", "pt_rehab", ..., "other"
  std::string display_name;
};

class ProcedureFamilies {
 public:
  static absl::StatusOr<ProcedureFamilies> Builtin();
  // CSV `family,display_name,low,high` (inclusive ranges; one row with empty low and high
  // names the fallback family). INVALID_ARGUMENT names the line at fault.
  static absl::StatusOr<ProcedureFamilies> Parse(std::string_view text);

  const std::string& version() const { return version_; }
  // Distinct families in file order, the fallback last.
  const std::vector<ProcedureFamily>& families() const { return families_; }
  const std::string& fallback_id() const { return fallback_id_; }
  // The family of one CPT/HCPCS code: the first range holding it (same length, compared
  // character by character, so 97110 is in 97000-97999 and G0283 is in none), else fallback.
  const std::string& FamilyOf(std::string_view procedure_code) const;
  // The family of a claim: the family of its highest-charge line (the first such line on a
  // tie), since that line is what the encounter was mostly billed for. Fallback without lines.
  const std::string& FamilyOfClaim(const Claim& claim) const;
  std::string DisplayName(std::string_view family_id) const;

 private:
  struct Range {
    std::string low;
    std::string high;
    std::string family;  // id
  };
  std::string version_;
  std::vector<ProcedureFamily> families_;
  std::vector<Range> ranges_;
  std::string fallback_id_;
};

// What the ICD-10-CM table says about one code.
enum class Icd10LookupStatus {
  kFound,      // the table knows the code (listed, or a category implied by listed codes)
  kUnknown,    // a table is loaded and does not know the code: report it, do not guess
  kNotLoaded,  // no table is loaded and the code is not one of the taxonomy's codes
  kInvalid,    // not ICD-10-CM syntax at all
};

struct Icd10Lookup {
  Icd10LookupStatus status = Icd10LookupStatus::kNotLoaded;
  std::string code;  // normalized (no dot), when the syntax was valid
  bool exists = false;
  bool billable = false;
  bool listed = false;  // a row of the table (a category like M54 may only be implied)
  std::string description;
};

// The ICD-10-CM code table of one fiscal year.
//
// Billability: a code is billable when it is a leaf, i.e. no longer code of the table starts
// with it (M54 and M50.1 have children, so they are headers; M54.2 and M50.121 have none).
// An explicit flag (the CMS order file's 0/1, a CSV `billable` column) wins over the leaf
// rule. A code the table does not list but that starts longer listed codes (M54 when only
// the billable codes are listed, as in the CMS code file) exists as a non-billable category.
// Tables without 7th-character extensions (S13.4XXA) make their 6-character stems look like
// leaves: load the CMS file for 7th-character accuracy.
class Icd10Table {
 public:
  // Nothing loaded: every lookup is kNotLoaded.
  Icd10Table() = default;
  // Only the exact codes of the compiled cohort taxonomy (all billable by construction; the
  // taxonomy test checks them against the full table). Anything else is kNotLoaded.
  static absl::StatusOr<Icd10Table> BuiltinTaxonomyCodes();
  // The CMS annual code file (icd10cm_codes_YYYY.txt: code without dot, blanks, description)
  // or order file (icd10cm_order_YYYY.txt: order number, code, 0/1 billable flag, short and
  // long description). The layout is detected per line; blank lines are skipped.
  static absl::StatusOr<Icd10Table> ParseCmsCodeFile(std::string_view text);
  // A CSV with a header naming a `code` and a `description` column (any case, any order,
  // extra columns ignored) and optionally a `billable` column (1/0, true/false, Y/N, yes/no).
  // Codes may carry the dot.
  static absl::StatusOr<Icd10Table> ParseCsv(std::string_view text);

  // True when a full table was loaded (ParseCmsCodeFile, ParseCsv).
  bool loaded() const { return loaded_; }
  size_t size() const { return entries_.size(); }
  // Accepts "M54.2" or "M542".
  Icd10Lookup Lookup(std::string_view code) const;

 private:
  struct Entry {
    std::string code;
    std::string description;
    std::optional<bool> billable_flag;
    int line = 0;
    bool leaf = false;
  };
  static absl::StatusOr<Icd10Table> Build(std::vector<Entry> entries, bool loaded,
                                          std::string_view what);
  bool loaded_ = false;
  std::vector<Entry> entries_;  // sorted by code
};

}  // namespace denialscope

#endif  // DENIALSCOPE_ANALYTICS_CODE_LISTS_H_
