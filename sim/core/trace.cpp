// Trace records and their JSON Lines writer, which appends every value straight into one buffer.
#include "sim/core/trace.h"

#include <fmt/format.h>

#include <array>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <iterator>
#include <system_error>

#include "model/assert.h"
#include "sim/core/limits.h"
#include "sim/core/prng.h"

namespace distsim::sim {
namespace {

using std::string_view_literals::operator""sv;

// What one record takes in JSON Lines, about: reserving it up front saves the copies of a
// growing buffer (the records of the golden runs average 150-250 bytes).
constexpr size_t kJsonlBytesPerRecordGuess = 256;

// Writes the JSON escape of one character that cannot appear raw in a string (RFC 8259) at
// `write`; returns the end of what it wrote (2 or 6 characters).
char* write_escape(char* write, char c) {
  *write++ = '\\';
  switch (c) {
    case '"':
    case '\\':
      *write++ = c;
      return write;
    case '\n':
      *write++ = 'n';
      return write;
    case '\r':
      *write++ = 'r';
      return write;
    case '\t':
      *write++ = 't';
      return write;
    default: {
      constexpr char kHex[] = "0123456789abcdef";
      const auto code = static_cast<unsigned char>(c);
      const char escaped[] = {'u', '0', '0', kHex[code >> 4U], kHex[code & 0xFU]};
      std::memcpy(write, escaped, sizeof escaped);
      return write + sizeof escaped;
    }
  }
}

// The bytes a JSON string cannot hold raw: control characters, '"' and '\\'.
constexpr std::array<bool, 256> kNeedsEscape = [] {
  std::array<bool, 256> table{};
  for (size_t byte = 0; byte < 0x20; ++byte) table[byte] = true;
  table[static_cast<unsigned char>('"')] = true;
  table[static_cast<unsigned char>('\\')] = true;
  return table;
}();

[[nodiscard]] bool needs_escape(char c) { return kNeedsEscape[static_cast<unsigned char>(c)]; }

// True when one of the 8 bytes of `word` may need an escape: a byte below 0x20, '"' or '\\'
// (the classic "has a zero byte" and "has a byte less than n" word tricks; exact for whether
// any byte qualifies, which is all the caller asks).
[[nodiscard]] bool word_needs_escape(uint64_t word) {
  constexpr uint64_t kOnes = 0x0101010101010101ull;
  constexpr uint64_t kHighs = 0x8080808080808080ull;
  const uint64_t control = (word - kOnes * 0x20) & ~word;
  const uint64_t quote = word ^ (kOnes * '"');
  const uint64_t backslash = word ^ (kOnes * '\\');
  const uint64_t quote_zero = (quote - kOnes) & ~quote;
  const uint64_t backslash_zero = (backslash - kOnes) & ~backslash;
  return ((control | quote_zero | backslash_zero) & kHighs) != 0;
}

// The longest JSON string literal of `size` bytes: quotes, and every byte as \u00XX.
[[nodiscard]] constexpr size_t quoted_size_max(size_t size) { return 2 + 6 * size; }

// Writes `text` as a JSON string literal at `write` (room for quoted_size_max) and returns the
// end of what it wrote. Words of eight plain bytes are copied whole; Windows paths have an escape
// every few bytes, so the words that hold one are written byte by byte.
char* write_quoted(char* write, std::string_view text) {
  *write++ = '"';
  size_t index = 0;
  while (index + sizeof(uint64_t) <= text.size()) {
    uint64_t word = 0;
    std::memcpy(&word, text.data() + index, sizeof word);
    if (!word_needs_escape(word)) {
      std::memcpy(write, &word, sizeof word);
      write += sizeof word;
      index += sizeof word;
      continue;
    }
    for (const size_t word_end = index + sizeof word; index < word_end; ++index) {
      const char c = text[index];
      if (needs_escape(c)) {
        write = write_escape(write, c);
      } else {
        *write++ = c;
      }
    }
  }
  for (; index < text.size(); ++index) {
    const char c = text[index];
    if (needs_escape(c)) {
      write = write_escape(write, c);
    } else {
      *write++ = c;
    }
  }
  *write++ = '"';
  return write;
}

// `text` as a JSON string literal appended to `out`, with no temporary string: a short text is
// quoted on the stack and appended once; a long one is quoted in place in `out`, grown to the
// longest the literal can be and cut back to what was written.
void append_quoted(std::string& out, std::string_view text) {
  constexpr size_t kStackTextMax = 256;
  if (text.size() <= kStackTextMax) {
    char quoted[quoted_size_max(kStackTextMax)];
    const char* end = write_quoted(quoted, text);
    out.append(quoted, static_cast<size_t>(end - quoted));
    return;
  }
  const size_t start = out.size();
  out.resize(start + quoted_size_max(text.size()));
  const char* end = write_quoted(out.data() + start, text);
  out.resize(static_cast<size_t>(end - out.data()));
}

template <typename Integer>
void append_integer(std::string& out, Integer value) {
  char digits[24];
  const auto [end, error] = std::to_chars(std::begin(digits), std::end(digits), value);
  DISTSIM_ASSERT(error == std::errc{});
  out.append(digits, static_cast<size_t>(end - digits));
}

// `,"key":` for a key that is a plain identifier (every field key is a string literal of
// distsim's, never text from a scenario), so it is copied without looking for escapes.
void append_key(std::string& out, std::string_view key) {
  out += ",\""sv;
  out += key;
  out += "\":"sv;
}

void append_value(std::string& out, const TraceValue& value) {
  switch (value.index()) {
    case 0:
      append_integer(out, *std::get_if<int64_t>(&value));
      return;
    case 1:
      out += *std::get_if<bool>(&value) ? "true"sv : "false"sv;
      return;
    case 2:
      append_quoted(out, *std::get_if<std::string_view>(&value));
      return;
    default: {
      const TraceList& list = *std::get_if<TraceList>(&value);
      out += '[';
      for (size_t index = 0; index < list.size(); ++index) {
        if (index > 0) out += ',';
        append_quoted(out, list[index]);
      }
      out += ']';
    }
  }
}

void append_record_start(std::string& out, model::TimeUs t_us, uint64_t seq, std::string_view actor,
                         std::string_view event) {
  out += "{\"t_us\":"sv;
  append_integer(out, t_us);
  out += ",\"seq\":"sv;
  append_integer(out, seq);
  out += ",\"actor\":"sv;
  append_quoted(out, actor);
  out += ",\"event\":"sv;
  append_quoted(out, event);
}

}  // namespace

TraceArgs::TraceArgs(std::initializer_list<TraceArg> args) {
  for (const TraceArg& arg : args) push_back(arg);
}

void TraceArgs::push_back(TraceArg arg) {
  DISTSIM_ASSERT(size_ < kFieldsMax);
  args_[size_++] = std::move(arg);
}

template <typename T>
T* Trace::Chunks<T>::allocate(size_t count) {
  if (count == 0) return nullptr;
  if (capacity_ - used_ < count) {
    const size_t capacity = std::max(count, kChunkItems);
    chunks_.push_back(std::make_unique_for_overwrite<T[]>(capacity));
    used_ = 0;
    capacity_ = capacity;
  }
  T* items = chunks_.back().get() + used_;
  used_ += count;
  return items;
}

Trace::Trace(const Trace& other) : enabled_(other.enabled_), truncated_(other.truncated_) {
  records_.reserve(other.records_.size());
  for (const TraceRecord& record : other.records_) append(record);
}

Trace& Trace::operator=(const Trace& other) {
  if (this != &other) *this = Trace(other);
  return *this;
}

std::string_view Trace::store_text(std::string_view text) {
  if (text.empty()) return {};
  char* bytes = text_.allocate(text.size());
  std::memcpy(bytes, text.data(), text.size());
  return {bytes, text.size()};
}

template <typename Texts>
TraceList Trace::store_list(const Texts& items) {
  std::string_view* stored = list_items_.allocate(items.size());
  for (size_t index = 0; index < items.size(); ++index) stored[index] = store_text(items[index]);
  return TraceList({stored, items.size()});
}

TraceValue Trace::store_value(const TraceArgValue& value) {
  switch (value.index()) {
    case 0:
      return *std::get_if<int64_t>(&value);
    case 1:
      return *std::get_if<bool>(&value);
    case 2:
      return store_text(*std::get_if<std::string_view>(&value));
    case 3:
      return store_text(*std::get_if<std::string>(&value));
    case 4:
      return store_list(*std::get_if<std::vector<std::string>>(&value));
    case 5:
      return store_list(*std::get_if<std::span<const std::string>>(&value));
    default:
      return store_list(*std::get_if<std::span<const std::string_view>>(&value));
  }
}

void Trace::add(model::TimeUs t_us, std::string_view actor, std::string_view event,
                std::span<const TraceArg> fields) {
  if (!enabled_) return;
  if (records_.size() >= kTraceRecordsMax) {
    truncated_ = true;
    return;
  }
  DISTSIM_ASSERT(records_.empty() || records_.back().t_us <= t_us);
  TraceField* stored = fields_.allocate(fields.size());
  for (size_t index = 0; index < fields.size(); ++index) {
    stored[index] = TraceField{fields[index].key, store_value(fields[index].value)};
  }
  records_.push_back(TraceRecord{t_us, store_text(actor), event, {stored, fields.size()}});
}

void Trace::append(const TraceRecord& record) {
  TraceField* stored = fields_.allocate(record.fields.size());
  for (size_t index = 0; index < record.fields.size(); ++index) {
    const TraceValue& value = record.fields[index].value;
    TraceValue copy = value;
    if (const auto* text = std::get_if<std::string_view>(&value)) copy = store_text(*text);
    if (const auto* list = std::get_if<TraceList>(&value)) {
      copy = store_list(*list);
    }
    stored[index] = TraceField{record.fields[index].key, copy};
  }
  records_.push_back(TraceRecord{
      record.t_us, store_text(record.actor), record.event, {stored, record.fields.size()}});
}

std::string json_quote(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 2);
  append_quoted(out, text);
  return out;
}

std::string trace_to_jsonl(const Trace& trace, const TraceHeader& header) {
  std::string out;
  out.reserve(kJsonlBytesPerRecordGuess * (trace.records().size() + 2));
  append_record_start(out, 0, 0, "world", "header");
  out += ",\"scenario\":"sv;
  append_quoted(out, header.scenario);
  out += ",\"seed\":"sv;
  append_integer(out, header.seed);
  out += ",\"version\":"sv;
  append_quoted(out, header.version);
  out += "}\n"sv;
  uint64_t seq = 1;
  model::TimeUs last_us = 0;
  for (const TraceRecord& record : trace.records()) {
    append_record_start(out, record.t_us, seq++, record.actor, record.event);
    for (const TraceField& field : record.fields) {
      append_key(out, field.key);
      append_value(out, field.value);
    }
    out += "}\n"sv;
    last_us = record.t_us;
  }
  const uint64_t hash = fnv1a64(out);
  append_record_start(out, last_us, seq, "world", "end");
  out += ",\"events\":"sv;
  append_integer(out, trace.records().size());
  out += trace.truncated() ? ",\"truncated\":true"sv : ",\"truncated\":false"sv;
  fmt::format_to(std::back_inserter(out), ",\"trace_hash\":\"{:016x}\"}}\n", hash);
  return out;
}

}  // namespace distsim::sim
