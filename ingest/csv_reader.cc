// RFC 4180 tokenizer (a byte-at-a-time state machine, so chunk boundaries can fall anywhere,
// even inside a quoted field or between CR and LF) feeding a row-to-claim grouper.
#include "ingest/csv_reader.h"

#include <string_view>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "analytics/taxonomy.h"
#include "ingest/values.h"

namespace denialscope {
namespace {

constexpr size_t kMaxFields = 256;
constexpr char kBom[] = "\xEF\xBB\xBF";
constexpr int64_t kMaxLineNumber = 9999;
constexpr int64_t kMaxPointer = 12;
constexpr size_t kMaxIcd10Text = 8;

constexpr std::array<absl::string_view, CsvClaimReader::kColumnCount> kColumnNames = {
    "claim_id",       "frequency_code",     "original_reference", "submission_date",
    "payer_id",       "payer_name",         "billing_npi",        "rendering_npi",
    "patient_id",     "place_of_service",   "total_charge",       "diagnoses",
    "line_number",    "line_control_number", "procedure_code",    "modifiers",
    "line_charge",    "units",              "diagnosis_pointers", "service_date",
    "line_rendering_npi",
};

constexpr std::array<CsvClaimReader::Column, 9> kRequiredColumns = {
    CsvClaimReader::kClaimId,       CsvClaimReader::kPayerId,     CsvClaimReader::kBillingNpi,
    CsvClaimReader::kPatientId,     CsvClaimReader::kDiagnoses,   CsvClaimReader::kProcedureCode,
    CsvClaimReader::kLineCharge,    CsvClaimReader::kUnits,       CsvClaimReader::kServiceDate,
};

std::string Shown(absl::string_view value) {
  constexpr size_t kMaxShown = 40;
  std::string shown = absl::CHexEscape(value.substr(0, kMaxShown));
  if (value.size() > kMaxShown) shown += "...";
  return shown;
}

// "a; b;;c" -> {"a", "b", "c"}.
std::vector<absl::string_view> SplitList(absl::string_view text) {
  std::vector<absl::string_view> items;
  for (absl::string_view item : absl::StrSplit(text, ';')) {
    item = absl::StripAsciiWhitespace(item);
    if (!item.empty()) items.push_back(item);
  }
  return items;
}

}  // namespace

absl::string_view CsvClaimReader::ColumnName(Column column) { return kColumnNames[column]; }

CsvClaimReader::CsvClaimReader(RecordSink* sink, CsvOptions options)
    : sink_(sink), options_(options), problems_(options.max_kept_problems) {
  column_index_.fill(-1);
}

void CsvClaimReader::Feed(absl::string_view chunk) {
  for (char c : chunk) {
    Consume(c);
    ++offset_;
  }
}

void CsvClaimReader::Consume(char c) {
  if (bom_matched_ < 3) {
    if (c == kBom[bom_matched_]) {
      ++bom_matched_;
      return;
    }
    bom_matched_ = 3;  // no BOM (a partial one is invalid UTF-8 and dropped)
  }
  if (state_ == State::kAfterCr) {
    state_ = State::kFieldStart;
    if (c == '\n') return;  // the LF of a CRLF
  }
  if (!row_started_) {
    row_started_ = true;
    row_line_ = line_;
    row_offset_ = offset_;
    row_bytes_ = 0;
  }
  if (++row_bytes_ > options_.max_row_bytes && !row_too_long_) {
    row_too_long_ = true;
    RowError("", absl::StrCat("the row is longer than ", options_.max_row_bytes,
                              " bytes; its content is skipped"));
    field_.clear();
  }
  const auto append = [&] {
    if (!row_too_long_) field_.push_back(c);
  };
  const auto end_row = [&](bool carriage_return) {
    EndRow();
    ++line_;
    state_ = carriage_return ? State::kAfterCr : State::kFieldStart;
  };
  switch (state_) {
    case State::kFieldStart:
      field_quoted_ = false;
      if (c == '"') {
        field_quoted_ = true;
        quote_line_ = line_;
        state_ = State::kQuoted;
      } else if (c == ',') {
        EndField();
      } else if (c == '\r' || c == '\n') {
        end_row(c == '\r');
      } else {
        append();
        state_ = State::kUnquoted;
      }
      return;
    case State::kUnquoted:
      if (c == ',') {
        EndField();
        state_ = State::kFieldStart;
      } else if (c == '\r' || c == '\n') {
        end_row(c == '\r');
      } else {
        if (c == '"' && !row_error_.has_value()) {
          RowError("", "a quote inside an unquoted field (quote the whole field and double "
                       "the quote)");
        }
        append();
      }
      return;
    case State::kQuoted:
      if (c == '"') {
        state_ = State::kQuoteInQuoted;
      } else {
        if (c == '\n') ++line_;
        append();
      }
      return;
    case State::kQuoteInQuoted:
      if (c == '"') {
        append();  // "" is one quote
        state_ = State::kQuoted;
      } else if (c == ',') {
        EndField();
        state_ = State::kFieldStart;
      } else if (c == '\r' || c == '\n') {
        end_row(c == '\r');
      } else {
        if (!row_error_.has_value()) RowError("", "text after the closing quote of a field");
        append();
        state_ = State::kUnquoted;
      }
      return;
    case State::kAfterCr:
      return;  // handled above
  }
}

void CsvClaimReader::EndField() {
  if (field_count_ >= kMaxFields) {
    if (field_count_ == kMaxFields && !row_error_.has_value()) {
      RowError("", absl::StrCat("the row has more than ", kMaxFields, " fields"));
    }
    field_count_ = kMaxFields + 1;
    field_.clear();
    return;
  }
  if (field_count_ == fields_.size()) fields_.emplace_back();
  fields_[field_count_].swap(field_);
  field_.clear();
  ++field_count_;
}

void CsvClaimReader::EndRow() {
  EndField();
  const bool blank = field_count_ == 1 && fields_[0].empty() && !field_quoted_;
  if (!blank) {
    handling_row_ = true;
    if (!have_header_) {
      HandleHeader();
    } else {
      HandleRow();
    }
    handling_row_ = false;
  }
  field_count_ = 0;
  field_quoted_ = false;
  row_started_ = false;
  row_too_long_ = false;
  row_error_.reset();
}

void CsvClaimReader::HandleHeader() {
  have_header_ = true;
  header_fields_ = std::min(field_count_, kMaxFields);
  if (row_error_.has_value()) fatal_ = true;
  for (size_t i = 0; i < header_fields_; ++i) {
    const std::string name = absl::AsciiStrToLower(absl::StripAsciiWhitespace(fields_[i]));
    int column = -1;
    for (int c = 0; c < kColumnCount; ++c) {
      if (kColumnNames[c] == name) column = c;
    }
    if (column < 0) {
      Warn(name, absl::StrCat("unknown column '", Shown(name), "' is ignored"));
      continue;
    }
    if (column_index_[column] >= 0) {
      RowError(name, "the column appears twice in the header; no row can be read");
      fatal_ = true;
      continue;
    }
    column_index_[column] = static_cast<int>(i);
  }
  for (Column column : kRequiredColumns) {
    if (column_index_[column] < 0) {
      RowError(ColumnName(column),
               "required column is missing from the header; no row can be read");
      fatal_ = true;
    }
  }
}

absl::string_view CsvClaimReader::Field(Column column) const {
  const int index = column_index_[column];
  if (index < 0 || static_cast<size_t>(index) >= field_count_ ||
      static_cast<size_t>(index) >= fields_.size()) {
    return {};
  }
  return absl::StripAsciiWhitespace(fields_[index]);
}

void CsvClaimReader::HandleRow() {
  ++data_rows_;
  if (fatal_) return;
  // Tokenizer problems were found before the row's claim was known.
  std::optional<Problem> tokenizer_error = std::move(row_error_);
  row_error_.reset();
  const std::string claim_id(Field(kClaimId));
  if (in_claim_ && claim_id != claim_.claim.claim_id) FinishClaim();
  if (claim_id.empty()) {
    RowError(ColumnName(kClaimId), "is required; the row is skipped");
    return;
  }
  if (!in_claim_) {
    StartClaim(claim_id);
  } else {
    for (int c = 0; c < kFirstLineColumn; ++c) {
      const Column column = static_cast<Column>(c);
      if (Field(column) != claim_values_[c]) {
        RowError(ColumnName(column),
                 absl::StrCat("'", Shown(Field(column)), "' differs from '",
                              Shown(claim_values_[c]), "' on the claim's first row (line ",
                              claim_first_line_, ")"));
      }
    }
  }
  if (tokenizer_error.has_value()) {
    tokenizer_error->claim_id = claim_id;
    if (!claim_error_.has_value()) claim_error_ = *tokenizer_error;
  }
  if (field_count_ != header_fields_) {
    RowError("", absl::StrCat("the row has ", field_count_, " fields; the header has ",
                              header_fields_));
  }
  ReadLine();
}

void CsvClaimReader::StartClaim(const std::string& claim_id) {
  in_claim_ = true;
  claim_ = ParsedClaim();
  claim_error_.reset();
  claim_first_line_ = row_line_;
  claim_has_total_ = false;
  claim_.position.line = row_line_;
  claim_.position.byte_offset = row_offset_;
  for (int c = 0; c < kFirstLineColumn; ++c) {
    claim_values_[c] = std::string(Field(static_cast<Column>(c)));
  }
  Claim& claim = claim_.claim;
  claim.claim_id = claim_id;
  if (seen_claim_ids_.contains(claim_id)) {
    RowError(ColumnName(kClaimId),
             "rows of this claim are not consecutive: the claim appeared earlier in the file");
  } else if (seen_claim_ids_.size() < options_.max_tracked_claim_ids) {
    seen_claim_ids_.insert(claim_id);
  }
  const absl::string_view frequency = Field(kFrequencyCode);
  if (frequency.empty() || frequency == "1") {
    claim.frequency = FrequencyCode::kOriginal;
  } else if (frequency == "7") {
    claim.frequency = FrequencyCode::kReplacement;
  } else if (frequency == "8") {
    claim.frequency = FrequencyCode::kVoid;
  } else {
    RowError(ColumnName(kFrequencyCode),
             absl::StrCat("'", Shown(frequency),
                          "' is not 1 (original), 7 (replacement) or 8 (void)"));
  }
  claim_.original_reference = std::string(Field(kOriginalReference));
  claim.payer_id = std::string(Field(kPayerId));
  claim.payer_name = std::string(Field(kPayerName));
  claim.billing_npi = std::string(Field(kBillingNpi));
  claim.rendering_npi = std::string(Field(kRenderingNpi));
  // RAW identifier: the server replaces it with its HMAC before storing (import_records.h).
  claim.patient_key = std::string(Field(kPatientId));
  claim.place_of_service = std::string(Field(kPlaceOfService));
  if (const absl::string_view text = Field(kSubmissionDate); !text.empty()) {
    if (absl::StatusOr<Day> day = ParseIsoDate(text); day.ok()) {
      claim.submission_date = *day;
    } else {
      RowError(ColumnName(kSubmissionDate), std::string(day.status().message()));
    }
  }
  if (const absl::string_view text = Field(kTotalCharge); !text.empty()) {
    if (absl::StatusOr<Cents> cents = ParseCents(text); cents.ok()) {
      claim.total_charge_cents = *cents;
      claim_has_total_ = true;
    } else {
      RowError(ColumnName(kTotalCharge), std::string(cents.status().message()));
    }
  }
  for (absl::string_view code : SplitList(Field(kDiagnoses))) {
    // A code is at most 8 bytes with its dot; longer text is refused without echoing it all.
    absl::StatusOr<std::string> normalized =
        code.size() > kMaxIcd10Text
            ? absl::InvalidArgumentError(
                  absl::StrCat("'", Shown(code), "' is not an ICD-10-CM code: too long"))
            : NormalizeIcd10(std::string_view(code.data(), code.size()));
    if (normalized.ok()) {
      claim.diagnoses.push_back(*std::move(normalized));
    } else {
      RowError(ColumnName(kDiagnoses), std::string(normalized.status().message()));
    }
  }
}

void CsvClaimReader::ReadLine() {
  ClaimLine line;
  if (const absl::string_view text = Field(kLineNumber); !text.empty()) {
    const absl::StatusOr<int64_t> number = ParseCount(text);
    if (!number.ok() || *number < 1 || *number > kMaxLineNumber) {
      RowError(ColumnName(kLineNumber),
               absl::StrCat("'", Shown(text), "' is not a number from 1 to 9999"));
    } else {
      line.line_number = static_cast<int>(*number);
    }
  } else {
    line.line_number = static_cast<int>(claim_.claim.lines.size()) + 1;
  }
  line.line_control_number = std::string(Field(kLineControlNumber));
  line.procedure_code = std::string(Field(kProcedureCode));
  if (line.procedure_code.empty()) RowError(ColumnName(kProcedureCode), "is required");
  for (absl::string_view modifier : SplitList(Field(kModifiers))) {
    line.modifiers.push_back(std::string(modifier));
  }
  if (absl::StatusOr<Cents> cents = ParseCents(Field(kLineCharge)); cents.ok()) {
    line.charge_cents = *cents;
  } else {
    RowError(ColumnName(kLineCharge), std::string(cents.status().message()));
  }
  if (absl::StatusOr<double> units = ParseQuantity(Field(kUnits)); units.ok()) {
    line.units = *units;
  } else {
    RowError(ColumnName(kUnits), std::string(units.status().message()));
  }
  for (absl::string_view pointer : SplitList(Field(kDiagnosisPointers))) {
    const absl::StatusOr<int64_t> value = ParseCount(pointer);
    if (!value.ok() || *value < 1 || *value > kMaxPointer) {
      RowError(ColumnName(kDiagnosisPointers),
               absl::StrCat("'", Shown(pointer), "' is not a number from 1 to 12"));
      continue;
    }
    line.diagnosis_pointers.push_back(static_cast<int>(*value));
  }
  if (absl::StatusOr<Day> day = ParseIsoDate(Field(kServiceDate)); day.ok()) {
    line.service_date = *day;
  } else {
    RowError(ColumnName(kServiceDate), std::string(day.status().message()));
  }
  line.rendering_npi = std::string(Field(kLineRenderingNpi));
  claim_.claim.lines.push_back(std::move(line));
}

void CsvClaimReader::FinishClaim() {
  if (!in_claim_) return;
  in_claim_ = false;
  Claim& claim = claim_.claim;
  if (!claim_has_total_) {
    for (const ClaimLine& line : claim.lines) claim.total_charge_cents += line.charge_cents;
  }
  if (claim_error_.has_value()) {
    RejectedRecord rejected;
    rejected.kind = RecordKind::kClaim;
    rejected.claim_id = claim.claim_id;
    rejected.problem = *std::move(claim_error_);
    ++counts_.claims_rejected;
    sink_->OnRejected(std::move(rejected));
  } else {
    ++counts_.claims;
    sink_->OnClaim(std::move(claim_));
  }
  claim_ = ParsedClaim();
  claim_error_.reset();
}

void CsvClaimReader::RowError(absl::string_view column, std::string reason) {
  Problem problem;
  problem.position.line = row_line_;
  problem.position.byte_offset = row_offset_;
  problem.element = std::string(column);
  problem.reason = std::move(reason);
  // While tokenizing, the row's claim is not known yet: HandleRow attaches the problem.
  const bool attach = handling_row_ && in_claim_;
  if (attach) problem.claim_id = claim_.claim.claim_id;
  if (attach && !claim_error_.has_value()) claim_error_ = problem;
  if (!row_error_.has_value()) row_error_ = problem;
  problems_.Add(std::move(problem));
}

void CsvClaimReader::Warn(absl::string_view column, std::string reason) {
  Problem problem;
  problem.severity = Severity::kWarning;
  problem.position.line = row_line_;
  problem.position.byte_offset = row_offset_;
  problem.element = std::string(column);
  problem.reason = std::move(reason);
  problems_.Add(std::move(problem));
}

void CsvClaimReader::Finish() {
  if (state_ == State::kQuoted) {
    RowError("", absl::StrCat("the quoted field opened on line ", quote_line_,
                              " is never closed (the file ends inside it)"));
  }
  if (row_started_) EndRow();
  state_ = State::kFieldStart;
  FinishClaim();
  if (!have_header_) {
    Problem problem;
    problem.position.line = 1;
    problem.position.byte_offset = 0;
    problem.reason = "the file has no header row";
    problems_.Add(std::move(problem));
    have_header_ = true;  // report once even if Finish is called again
  }
}

}  // namespace denialscope
