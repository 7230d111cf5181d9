// A small argument parser for the denialscope CLI: positional words plus `--name value`,
// `--name=value` and boolean `--name` options, with dashes in names (`--as-of`), which
// absl flags do not allow.
#ifndef DENIALSCOPE_CLI_ARGS_H_
#define DENIALSCOPE_CLI_ARGS_H_

#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace denialscope::cli {

struct Args {
  std::vector<std::string> positional;
  std::map<std::string, std::string> options;  // name without dashes -> value
  std::set<std::string> switches;              // boolean options given

  std::string Get(const std::string& name, const std::string& fallback = "") const;
  bool Has(const std::string& name) const { return switches.count(name) > 0; }
};

// `boolean_names` take no value. INVALID_ARGUMENT for an option missing its value.
absl::StatusOr<Args> ParseArgs(int argc, const char* const* argv,
                               const std::set<std::string>& boolean_names);

}  // namespace denialscope::cli

#endif  // DENIALSCOPE_CLI_ARGS_H_
