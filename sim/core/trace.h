// The trace: every event of a run as a structured record (virtual time, actor, event name and
// its fields), and its JSON Lines form (tools/cli/README.md) whose hash is the run's determinism fingerprint.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "model/time.h"

namespace distsim::sim {

using TraceValue = std::variant<int64_t, bool, std::string, std::vector<std::string>>;

struct TraceField {
  std::string_view key;  // always a string literal
  TraceValue value;
};

struct TraceRecord {
  model::TimeUs t_us = 0;
  std::string actor;
  std::string_view event;  // always a string literal
  std::vector<TraceField> fields;
};

class Trace {
 public:
  // A disabled trace drops every record (the fast mode for exploration).
  explicit Trace(bool enabled) : enabled_(enabled) {}

  [[nodiscard]] bool enabled() const { return enabled_; }
  void add(model::TimeUs t_us, std::string actor, std::string_view event,
           std::vector<TraceField> fields);
  [[nodiscard]] const std::vector<TraceRecord>& records() const { return records_; }
  // True when kTraceRecordsMax was reached and later records were dropped.
  [[nodiscard]] bool truncated() const { return truncated_; }

 private:
  bool enabled_;
  bool truncated_ = false;
  std::vector<TraceRecord> records_;
};

struct TraceHeader {
  std::string scenario;
  uint64_t seed = 0;
  std::string version;
};

// The whole trace as JSON Lines: a header record (seq 0), the records (seq 1..N) and an end
// record {"event":"end", ..., "events": N, "trace_hash": "<16 hex digits>"}. The hash is FNV-1a
// 64 over every byte before the end record.
[[nodiscard]] std::string trace_to_jsonl(const Trace& trace, const TraceHeader& header);

// A JSON string literal with quotes, escaping as RFC 8259 requires.
[[nodiscard]] std::string json_quote(std::string_view text);

}  // namespace distsim::sim
