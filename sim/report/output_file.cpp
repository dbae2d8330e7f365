// OutputSet: path checks by file identity, exclusive temporary files, backups by hard link, and
// renames that are undone together when one of them fails.
#include "sim/report/output_file.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <ostream>
#include <sstream>
#include <utility>

#include "model/assert.h"

namespace distsim::sim {
namespace {

// Tries per temporary or backup name before giving up: names are pid- and counter-based, so a
// clash means someone else planted files with our names.
constexpr int kExclusiveNameAttempts = 64;
// Characters of the target's name kept in a temporary name, so that the name stays under NAME_MAX.
constexpr size_t kNameStemMax = 160;

// Who a path is: the file it reaches (device and inode) when it exists, else the canonical
// directory and the name it would be created with.
struct PathIdentity {
  bool exists = false;
  dev_t device = 0;
  ino_t inode = 0;
  mode_t mode = 0;
  std::string normalized;  // only when !exists; empty when the directory cannot be resolved
};

std::string directory_of(const std::string& path) {
  const std::string parent = std::filesystem::path(path).parent_path().string();
  return parent.empty() ? "." : parent;
}

std::string name_of(const std::string& path) {
  return std::filesystem::path(path).filename().string();
}

PathIdentity identify(const std::string& path) {
  PathIdentity identity;
  struct stat info {};
  if (::stat(path.c_str(), &info) == 0) {
    identity.exists = true;
    identity.device = info.st_dev;
    identity.inode = info.st_ino;
    identity.mode = info.st_mode;
    return identity;
  }
  std::error_code error;
  const auto directory = std::filesystem::canonical(directory_of(path), error);
  if (!error) identity.normalized = (directory / name_of(path)).string();
  return identity;
}

bool same_file(const PathIdentity& left, const PathIdentity& right) {
  if (left.exists != right.exists) return false;
  if (left.exists) return left.device == right.device && left.inode == right.inode;
  return !left.normalized.empty() && left.normalized == right.normalized;
}

std::string describe(const std::string& option, const std::string& path) {
  return option.empty() ? fmt::format("'{}'", path) : fmt::format("{} '{}'", option, path);
}

// Whether `directory`, or its nearest existing ancestor when it does not exist yet, lies in /dev
// or /proc, where a name such as /dev/stdout is a link to whatever the process's output is:
// replacing that link (which an output does to a link) would break the system, and writing
// through it is what `-` is for; or in /sys, whose files are the kernel's settings (root can
// create nothing there, and should not try).
bool in_system_directory(std::filesystem::path directory) {
  std::error_code error;
  while (!directory.empty() && !std::filesystem::exists(directory, error)) {
    directory = directory.parent_path();
  }
  const std::string resolved =
      std::filesystem::canonical(directory.empty() ? "." : directory, error).string();
  if (error) return false;
  for (const std::string_view system : {"/dev", "/proc", "/sys"}) {
    if (resolved == system || resolved.rfind(std::string(system) + "/", 0) == 0) return true;
  }
  return false;
}

// Why a file cannot be created or replaced at `path`, leaving identity aside. `dash_allowed`:
// whether the refusal may point at "-" instead.
std::optional<std::string> placement_problem(const std::string& option, const std::string& path,
                                             const PathIdentity& identity, bool dash_allowed) {
  const std::string_view dash_hint = dash_allowed ? " (use - for standard output)" : "";
  if (identity.exists && S_ISDIR(identity.mode)) {
    return fmt::format("{} is a directory; give a file name", describe(option, path));
  }
  if (identity.exists && !S_ISREG(identity.mode)) {
    return fmt::format(
        "{} exists and is not a regular file (a device, FIFO or socket); distsim only replaces "
        "regular files{}",
        describe(option, path), dash_hint);
  }
  if (in_system_directory(directory_of(path))) {
    return fmt::format("{} is in /dev, /proc or /sys; distsim writes regular files only{}",
                       describe(option, path), dash_hint);
  }
  const std::string name = name_of(path);
  if (name.empty() || name == "." || name == "..") {
    return fmt::format("{} names a directory; give a file name", describe(option, path));
  }
  const std::string directory = directory_of(path);
  struct stat directory_status {};
  if (::stat(directory.c_str(), &directory_status) == 0 && !S_ISDIR(directory_status.st_mode)) {
    return fmt::format("cannot write {}: '{}' is not a directory", describe(option, path),
                       directory);
  }
  if (::access(directory.c_str(), W_OK | X_OK) != 0) {
    const int error = errno;
    return fmt::format("cannot write '{}'{}: directory '{}': {}", path,
                       option.empty() ? "" : fmt::format(" ({})", option), directory,
                       std::strerror(error));
  }
  return std::nullopt;
}

// A name beside `target` that this process has not used: "<target>.distsim-<kind>-<pid>-<n>".
std::string sibling_name(const std::string& target, const char* kind) {
  static std::atomic<uint64_t> counter{0};
  return fmt::format("{}/{}.distsim-{}-{}-{}", directory_of(target),
                     name_of(target).substr(0, kNameStemMax), kind, static_cast<long>(::getpid()),
                     counter.fetch_add(1));
}

// A sibling_name() file created exclusively (never following a link); returns the descriptor, or
// -1 with errno set.
int create_exclusive_sibling(const std::string& target, const char* kind, std::string& created) {
  for (int attempt = 0; attempt < kExclusiveNameAttempts; ++attempt) {
    const std::string name = sibling_name(target, kind);
    const int descriptor =
        ::open(name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
    if (descriptor >= 0) {
      created = name;
      return descriptor;
    }
    if (errno != EEXIST) return -1;
  }
  errno = EEXIST;
  return -1;
}

// Writes all of `text` to `descriptor`; the errno of a failure, or 0.
int write_all(int descriptor, std::string_view text) {
  size_t done = 0;
  while (done < text.size()) {
    const ssize_t written = ::write(descriptor, text.data() + done, text.size() - done);
    if (written < 0 && errno == EINTR) continue;
    if (written <= 0) return written < 0 ? errno : EIO;
    done += static_cast<size_t>(written);
  }
  return 0;
}

// Streams the output's content to `descriptor` and closes it; false with errno set on failure.
// After a failed write the rest of a streamed content is produced but not written. A writer that
// throws (out of memory while laying out a Chrome trace) closes the descriptor on its way out.
bool write_and_close(int descriptor, const OutputSet::Writer& produce) {
  int error = 0;
  try {
    produce([&](std::string_view piece) {
      if (error == 0) error = write_all(descriptor, piece);
    });
  } catch (...) {
    ::close(descriptor);
    throw;
  }
  if (error != 0) {
    ::close(descriptor);
    errno = error;
    return false;
  }
  return ::close(descriptor) == 0;
}

// One file output on its way into place.
struct Staged {
  std::string option;  // "--trace", for messages (empty: the path alone)
  std::string target;
  std::string temporary;     // complete content; empty once renamed or removed
  std::string backup;        // the old target's second name; empty when there was none
  bool moved_aside = false;  // the backup is the old target renamed away, not a hard link
  bool renamed = false;      // the temporary is now the target
};

std::string cannot_write(const Staged& staged, int error) {
  return fmt::format("cannot write {}: {}", describe(staged.option, staged.target),
                     std::strerror(error));
}

std::optional<std::string> write_temporary(Staged& staged, const OutputSet::Writer& produce) {
  std::string created;
  const int descriptor = create_exclusive_sibling(staged.target, "partial", created);
  if (descriptor < 0) return cannot_write(staged, errno);
  staged.temporary = created;
  if (!write_and_close(descriptor, produce)) return cannot_write(staged, errno);
  return std::nullopt;
}

// Gives an existing target a second name to restore it from: a hard link, or where the file
// system has none, the target itself renamed aside until its replacement arrives.
std::optional<std::string> keep_backup(Staged& staged) {
  struct stat info {};
  if (::lstat(staged.target.c_str(), &info) != 0) {
    if (errno == ENOENT) return std::nullopt;
    return cannot_write(staged, errno);
  }
  for (int attempt = 0; attempt < kExclusiveNameAttempts; ++attempt) {
    const std::string name = sibling_name(staged.target, "backup");
    if (::link(staged.target.c_str(), name.c_str()) == 0) {
      staged.backup = name;
      return std::nullopt;
    }
    if (errno == EEXIST) continue;
    // No hard links here: rename aside, but only to a name nothing holds (linkat never replaces).
    struct stat existing {};
    if (::lstat(name.c_str(), &existing) == 0) continue;
    if (::rename(staged.target.c_str(), name.c_str()) != 0) {
      return cannot_write(staged, errno);
    }
    staged.backup = name;
    staged.moved_aside = true;
    return std::nullopt;
  }
  return cannot_write(staged, EEXIST);
}

// Puts every target back as it was and removes every temporary and backup.
void undo(std::vector<Staged>& staged) {
  for (auto it = staged.rbegin(); it != staged.rend(); ++it) {
    if (!it->temporary.empty()) ::unlink(it->temporary.c_str());
    if (it->renamed || it->moved_aside) {
      if (!it->backup.empty()) {
        ::rename(it->backup.c_str(), it->target.c_str());
      } else {
        ::unlink(it->target.c_str());
      }
    } else if (!it->backup.empty()) {
      ::unlink(it->backup.c_str());
    }
  }
}

std::optional<std::string> place_all(std::vector<Staged>& staged) {
  for (Staged& each : staged) {
    if (auto problem = keep_backup(each)) return problem;
  }
  for (Staged& each : staged) {
    if (::rename(each.temporary.c_str(), each.target.c_str()) != 0) {
      return cannot_write(each, errno);
    }
    each.temporary.clear();
    each.renamed = true;
  }
  return std::nullopt;
}

}  // namespace

void OutputSet::add_input(std::string role, std::string path) {
  inputs_.push_back({std::move(role), std::move(path)});
}

size_t OutputSet::add_output(std::string option, std::string path, StandardOutput dash) {
  outputs_.push_back({std::move(option), std::move(path), {}, {}, dash});
  return outputs_.size() - 1;
}

bool OutputSet::writes_standard_output() const {
  for (const Output& output : outputs_) {
    if (output.path == kStandardOutputPath) return true;
  }
  return false;
}

void OutputSet::set_content(size_t output, std::string content) {
  DISTSIM_ASSERT(output < outputs_.size());
  outputs_[output].content = std::move(content);
}

void OutputSet::set_writer(size_t output, Writer writer) {
  DISTSIM_ASSERT(output < outputs_.size());
  outputs_[output].writer = std::move(writer);
}

std::vector<std::string> OutputSet::check() const {
  std::vector<std::string> problems;
  std::vector<PathIdentity> inputs;
  inputs.reserve(inputs_.size());
  for (const Input& input : inputs_) inputs.push_back(identify(input.path));
  std::vector<PathIdentity> outputs(outputs_.size());
  const Output* standard_output = nullptr;
  for (size_t index = 0; index < outputs_.size(); ++index) {
    const Output& output = outputs_[index];
    if (output.path == kStandardOutputPath) {
      if (standard_output != nullptr) {
        problems.push_back(
            fmt::format("{} and {} both write to standard output (-); at most one output may",
                        standard_output->option, output.option));
      }
      standard_output = &output;
      continue;
    }
    outputs[index] = identify(output.path);
    if (auto problem = placement_problem(output.option, output.path, outputs[index],
                                         output.dash == StandardOutput::allowed)) {
      problems.push_back(std::move(*problem));
      continue;
    }
    for (size_t input = 0; input < inputs_.size(); ++input) {
      if (!same_file(outputs[index], inputs[input])) continue;
      problems.push_back(fmt::format("{} is {} '{}'; distsim never writes over an input",
                                     describe(output.option, output.path), inputs_[input].role,
                                     inputs_[input].path));
    }
    for (size_t earlier = 0; earlier < index; ++earlier) {
      if (outputs_[earlier].path == kStandardOutputPath) continue;
      if (!same_file(outputs[index], outputs[earlier])) continue;
      problems.push_back(fmt::format("{} and {} name the same file; give each output its own",
                                     describe(outputs_[earlier].option, outputs_[earlier].path),
                                     describe(output.option, output.path)));
    }
  }
  return problems;
}

std::optional<std::string> OutputSet::commit(std::ostream& out) {
  if (const auto problems = check(); !problems.empty()) return problems.front();
  const auto producer_of = [](const Output& output) -> Writer {
    if (output.writer) return output.writer;
    return [&output](const TextSink& sink) { sink(output.content); };
  };
  std::vector<Staged> staged;
  const Output* standard_output = nullptr;
  for (Output& output : outputs_) {
    if (output.path == kStandardOutputPath) {
      standard_output = &output;
      continue;
    }
    staged.push_back({output.option, output.path, {}, {}, false, false});
    try {
      if (auto problem = write_temporary(staged.back(), producer_of(output))) {
        undo(staged);
        return problem;
      }
    } catch (...) {
      undo(staged);  // the temporaries, the one being written included, go
      throw;
    }
  }
  // Standard output is written before the files are placed: it cannot be taken back, and when it
  // fails the files are not placed either, so that they stay all or none.
  if (standard_output != nullptr) {
    try {
      const Writer write_standard_output = producer_of(*standard_output);
      write_standard_output([&out](std::string_view piece) { out << piece; });
      out << std::flush;
    } catch (...) {
      undo(staged);
      throw;
    }
    if (!out) {
      undo(staged);
      return std::string("cannot write to standard output");
    }
  }
  if (auto problem = place_all(staged)) {
    undo(staged);
    return problem;
  }
  for (const Staged& each : staged) {
    if (!each.backup.empty()) ::unlink(each.backup.c_str());
  }
  return std::nullopt;
}

std::optional<std::string> check_output_directory(const std::string& path) {
  std::filesystem::path candidate(path.empty() ? "." : path);
  while (true) {
    struct stat info {};
    const bool found = ::stat(candidate.c_str(), &info) == 0;
    if (!found && (errno != ENOENT || candidate == ".")) {
      return fmt::format("cannot use '{}': {}", path, std::strerror(errno));
    }
    if (found) {
      if (!S_ISDIR(info.st_mode)) {
        return fmt::format("'{}' is not a directory, so '{}' cannot be created", candidate.string(),
                           path);
      }
      if (in_system_directory(candidate)) {
        return fmt::format("'{}' is in /dev, /proc or /sys; distsim writes regular files only",
                           path);
      }
      if (::access(candidate.c_str(), W_OK | X_OK) != 0) {
        return fmt::format("cannot create files in '{}': {}", candidate.string(),
                           std::strerror(errno));
      }
      return std::nullopt;
    }
    const std::filesystem::path parent = candidate.parent_path();
    candidate = parent.empty() || parent == candidate ? std::filesystem::path(".") : parent;
  }
}

std::optional<std::string> write_file_atomically(const std::string& path,
                                                 std::string_view content) {
  if (path == kStandardOutputPath) return std::string("'-' is standard output, not a file");
  OutputSet outputs;
  const size_t output = outputs.add_output({}, path, OutputSet::StandardOutput::refused);
  outputs.set_content(output, std::string(content));
  std::ostringstream unused;
  return outputs.commit(unused);
}

}  // namespace distsim::sim
