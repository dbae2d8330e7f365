// The output files of one command, written all or nothing and never over something else: an
// OutputSet checks every path before the work starts, writes each output to a temporary file it
// creates exclusively beside the target, and renames them into place only once every one is
// complete, undoing the renames already done when one fails.
#pragma once

#include <cstddef>
#include <functional>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/core/text_sink.h"

namespace distsim::sim {

// The path that means standard output.
inline constexpr std::string_view kStandardOutputPath = "-";

// Usage: add every input and output, check() before any work (refuse to run on a problem), do the
// work, set_content() or set_writer() for each output, commit().
//
// An output may not name an input (the same file by device and inode when it exists, the same
// directory and name when it does not; a symbolic link counts as its target), another output of the
// set, a directory, or an existing file that is not a regular file (a device, FIFO or socket):
// distsim replaces regular files only, and never in /dev, /proc or /sys. A symbolic link at an
// output path is itself replaced, never written through. At most one output may be "-".
class OutputSet {
 public:
  // `role` says what the input is in messages, e.g. "the scenario".
  void add_input(std::string role, std::string path);

  // Whether an output may be "-": a refused one is never pointed at it in messages (explore's
  // --result and --junit, since standard output carries its summary).
  enum class StandardOutput { allowed, refused };
  // `option` names the output in messages, e.g. "--trace" (empty: the path alone). Returns the
  // number set_content() takes.
  size_t add_output(std::string option, std::string path,
                    StandardOutput dash = StandardOutput::allowed);

  // Every reason the outputs cannot be written, one message each ("--trace 's.yaml' is the
  // scenario; distsim never writes over an input"); empty when they can.
  [[nodiscard]] std::vector<std::string> check() const;

  // Whether an output is "-": the command's own text then belongs on stderr.
  [[nodiscard]] bool writes_standard_output() const;

  void set_content(size_t output, std::string content);
  // Content produced during commit() and streamed to the output as it is produced, for text too
  // long to hold (a trace): `writer` is called once with the sink to write to.
  using Writer = std::function<void(const TextSink&)>;
  void set_writer(size_t output, Writer writer);

  // Checks again (the file system may have changed during the work), writes every file output to
  // its temporary file, then the "-" output to `out`, then renames the files all into place.
  // Returns a message on failure; every file target is then as it was before (what reached `out`
  // cannot be taken back).
  [[nodiscard]] std::optional<std::string> commit(std::ostream& out);

 private:
  struct Input {
    std::string role;
    std::string path;
  };
  struct Output {
    std::string option;
    std::string path;
    std::string content;
    Writer writer;  // set: produces the content at commit
    StandardOutput dash = StandardOutput::allowed;
  };

  std::vector<Input> inputs_;
  std::vector<Output> outputs_;
};

// Why `path` cannot be a directory that outputs go to, or nullopt: it exists as a directory this
// process may create files in, or it does not exist and its nearest existing ancestor is such a
// directory (the caller creates it when it has something to write).
[[nodiscard]] std::optional<std::string> check_output_directory(const std::string& path);

// One output alone, with no inputs: an OutputSet of one file. Returns an error message or nullopt.
[[nodiscard]] std::optional<std::string> write_file_atomically(const std::string& path,
                                                               std::string_view content);

}  // namespace distsim::sim
