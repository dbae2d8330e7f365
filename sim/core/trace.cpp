// Trace records and their JSON Lines writer.
#include "sim/core/trace.h"

#include <fmt/format.h>

#include "model/assert.h"
#include "sim/core/limits.h"
#include "sim/core/prng.h"

namespace distsim::sim {
namespace {

void append_value(std::string& out, const TraceValue& value) {
  if (const auto* number = std::get_if<int64_t>(&value)) {
    fmt::format_to(std::back_inserter(out), "{}", *number);
  } else if (const auto* flag = std::get_if<bool>(&value)) {
    out += *flag ? "true" : "false";
  } else if (const auto* text = std::get_if<std::string>(&value)) {
    out += json_quote(*text);
  } else {
    const auto& list = std::get<std::vector<std::string>>(value);
    out += '[';
    for (size_t index = 0; index < list.size(); ++index) {
      if (index > 0) out += ',';
      out += json_quote(list[index]);
    }
    out += ']';
  }
}

void append_record_start(std::string& out, model::TimeUs t_us, uint64_t seq, std::string_view actor,
                         std::string_view event) {
  fmt::format_to(std::back_inserter(out), "{{\"t_us\":{},\"seq\":{},\"actor\":{},\"event\":{}",
                 t_us, seq, json_quote(actor), json_quote(event));
}

}  // namespace

void Trace::add(model::TimeUs t_us, std::string actor, std::string_view event,
                std::vector<TraceField> fields) {
  if (!enabled_) return;
  if (records_.size() >= kTraceRecordsMax) {
    truncated_ = true;
    return;
  }
  DISTSIM_ASSERT(records_.empty() || records_.back().t_us <= t_us);
  records_.push_back(TraceRecord{t_us, std::move(actor), event, std::move(fields)});
}

std::string json_quote(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 2);
  out += '"';
  for (const char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          fmt::format_to(std::back_inserter(out), "\\u{:04x}", static_cast<unsigned>(c));
        } else {
          out += c;
        }
    }
  }
  out += '"';
  return out;
}

std::string trace_to_jsonl(const Trace& trace, const TraceHeader& header) {
  std::string out;
  out.reserve(256 * (trace.records().size() + 2));
  append_record_start(out, 0, 0, "world", "header");
  fmt::format_to(std::back_inserter(out), ",\"scenario\":{},\"seed\":{},\"version\":{}}}\n",
                 json_quote(header.scenario), header.seed, json_quote(header.version));
  uint64_t seq = 1;
  model::TimeUs last_us = 0;
  for (const TraceRecord& record : trace.records()) {
    append_record_start(out, record.t_us, seq++, record.actor, record.event);
    for (const TraceField& field : record.fields) {
      out += ',';
      out += json_quote(field.key);
      out += ':';
      append_value(out, field.value);
    }
    out += "}\n";
    last_us = record.t_us;
  }
  const uint64_t hash = fnv1a64(out);
  append_record_start(out, last_us, seq, "world", "end");
  fmt::format_to(std::back_inserter(out),
                 ",\"events\":{},\"truncated\":{},\"trace_hash\":\"{:016x}\"}}\n",
                 trace.records().size(), trace.truncated() ? "true" : "false", hash);
  return out;
}

}  // namespace distsim::sim
