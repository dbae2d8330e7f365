// A test-only LD_PRELOAD library that makes rename() fail: when DISTSIM_FAIL_RENAME_TO is set, a
// rename whose destination ends with that text fails with EIO and leaves both names alone. It lets
// a test fail the rename phase of a real `distsim run` half-way, after earlier outputs were
// already renamed into place, which no file-system state can arrange reliably.
#include <dlfcn.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace {

using RenameFunction = int (*)(const char*, const char*);

bool ends_with(const char* text, const char* suffix) {
  const size_t text_length = std::strlen(text);
  const size_t suffix_length = std::strlen(suffix);
  return suffix_length <= text_length &&
         std::strcmp(text + text_length - suffix_length, suffix) == 0;
}

}  // namespace

extern "C" int rename(const char* from, const char* to) {
  static const auto real_rename = reinterpret_cast<RenameFunction>(dlsym(RTLD_NEXT, "rename"));
  const char* failing = std::getenv("DISTSIM_FAIL_RENAME_TO");
  if (failing != nullptr && *failing != '\0' && to != nullptr && ends_with(to, failing)) {
    errno = EIO;
    return -1;
  }
  if (real_rename == nullptr) {
    errno = ENOSYS;
    return -1;
  }
  return real_rename(from, to);
}
