// CLI argument parsing; see args.h.
#include "cli/args.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace denialscope::cli {

std::string Args::Get(const std::string& name, const std::string& fallback) const {
  auto it = options.find(name);
  return it == options.end() ? fallback : it->second;
}

absl::StatusOr<Args> ParseArgs(int argc, const char* const* argv,
                               const std::set<std::string>& boolean_names) {
  Args args;
  for (int i = 1; i < argc; ++i) {
    std::string word = argv[i];
    if (word == "--") {
      for (++i; i < argc; ++i) args.positional.push_back(argv[i]);
      break;
    }
    if (!absl::StartsWith(word, "--") || word.size() == 2) {
      args.positional.push_back(word);
      continue;
    }
    std::string name = word.substr(2);
    if (size_t eq = name.find('='); eq != std::string::npos) {
      args.options[name.substr(0, eq)] = name.substr(eq + 1);
      continue;
    }
    if (boolean_names.count(name) > 0) {
      args.switches.insert(name);
      continue;
    }
    if (i + 1 >= argc) {
      return absl::InvalidArgumentError(absl::StrCat("option --", name, " needs a value"));
    }
    args.options[name] = argv[++i];
  }
  return args;
}

}  // namespace denialscope::cli
