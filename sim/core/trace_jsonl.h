// The JSON Lines form of a trace (tools/cli/README.md): one record per line between a header and
// an end record that carries the trace's hash, the run's determinism fingerprint.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "sim/core/text_sink.h"
#include "sim/core/trace.h"

namespace distsim::sim {

struct TraceHeader {
  // A policy name is given only by runs under a retry policy file; the others leave it out.
  TraceHeader(std::string scenario_name, uint64_t run_seed, std::string distsim_version,
              std::string policy_name = {})
      : scenario(std::move(scenario_name)),
        seed(run_seed),
        version(std::move(distsim_version)),
        policy(std::move(policy_name)) {}

  std::string scenario;
  uint64_t seed = 0;
  std::string version;
  // The name of the retry policy that replaced site.retry, written as `policy_name` when not
  // empty: its name, not its path, so that the run's fingerprint does not depend on how the path
  // was typed.
  std::string policy;
};

// The whole trace as JSON Lines: a header record (seq 0), the records (seq 1..N) and an end
// record {"event":"end", ..., "events": N, "trace_hash": "<16 hex digits>"}. The hash is XXH64
// (seed 0, sim/core/xxh64.h) of every byte before the end record. The text goes to `sink` in
// pieces of a few hundred kilobytes as it is written.
void write_trace_jsonl(const Trace& trace, const TraceHeader& header, const TextSink& sink);
// The same text in one string.
[[nodiscard]] std::string trace_to_jsonl(const Trace& trace, const TraceHeader& header);

// A JSON string literal with quotes, escaping as RFC 8259 requires; bytes that are not UTF-8
// (a file name may be any bytes) become U+FFFD.
[[nodiscard]] std::string json_quote(std::string_view text);

}  // namespace distsim::sim
