// A text file compiled into the binary (migrations, code lists), so a deployed server needs
// nothing beside its executable. Generated sources define the accessors declared elsewhere.
#ifndef DENIALSCOPE_ANALYTICS_EMBEDDED_FILE_H_
#define DENIALSCOPE_ANALYTICS_EMBEDDED_FILE_H_

#include <string>
#include <vector>

namespace denialscope {

struct EmbeddedFile {
  std::string name;  // base name, e.g. "0001_init.sql"
  std::string contents;
};

}  // namespace denialscope

#endif  // DENIALSCOPE_ANALYTICS_EMBEDDED_FILE_H_
