// Trace records and their JSON Lines writer, which appends every value straight into one buffer.
#include "sim/core/trace.h"

#include <array>
#include <bit>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <iterator>
#include <memory>
#include <system_error>

#include "model/assert.h"
#include "sim/core/limits.h"
#include "sim/core/xxh64.h"

namespace distsim::sim {
namespace {

using std::string_view_literals::operator""sv;

// How much JSON Lines text is gathered before it goes to the sink: large enough that the sink
// (a write(2) to a file) is called rarely, small enough to stay in the processor's cache.
constexpr size_t kJsonlFlushBytes = 256 * 1024;

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

// The bytes of `word` that may need an escape, as their high bits: a byte below 0x20, '"' or
// '\\' (the classic "has a zero byte" and "has a byte less than n" word tricks). A borrow can
// mark a byte above one that needs an escape, never one below, so the lowest mark is exact.
[[nodiscard]] uint64_t escape_marks(uint64_t word) {
  constexpr uint64_t kOnes = 0x0101010101010101ull;
  constexpr uint64_t kHighs = 0x8080808080808080ull;
  const uint64_t control = (word - kOnes * 0x20) & ~word;
  const uint64_t quote = word ^ (kOnes * '"');
  const uint64_t backslash = word ^ (kOnes * '\\');
  const uint64_t quote_zero = (quote - kOnes) & ~quote;
  const uint64_t backslash_zero = (backslash - kOnes) & ~backslash;
  return (control | quote_zero | backslash_zero) & kHighs;
}

// The longest JSON string literal of `size` bytes: quotes, and every byte as \u00XX.
[[nodiscard]] constexpr size_t quoted_size_max(size_t size) { return 2 + 6 * size; }

// Writes `text` as a JSON string literal at `write` (room for quoted_size_max) and returns the
// end of what it wrote. Eight bytes are read at once and stored whole; the write then moves on
// only past the bytes before the first one that needs an escape (Windows paths have a '\\'
// every few bytes), which is written escaped. A whole-word store never passes the room: eight
// or more bytes are left to read, and each may take six.
char* write_quoted(char* write, std::string_view text) {
  static_assert(std::endian::native == std::endian::little);  // the lowest byte comes first
  *write++ = '"';
  size_t index = 0;
  while (index + sizeof(uint64_t) <= text.size()) {
    uint64_t word = 0;
    std::memcpy(&word, text.data() + index, sizeof word);
    std::memcpy(write, &word, sizeof word);
    const uint64_t marks = escape_marks(word);
    if (marks == 0) {
      write += sizeof word;
      index += sizeof word;
      continue;
    }
    const auto plain = static_cast<size_t>(std::countr_zero(marks)) / 8;
    write += plain;
    index += plain;
    DISTSIM_ASSERT(needs_escape(text[index]));
    write = write_escape(write, text[index]);
    ++index;
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

// Copies `count` bytes; short copies, most of a trace's (keys, punctuation, the repeated time and
// actor), take two overlapping loads and stores instead of a call to memcpy.
void copy_bytes(char* to, const char* from, size_t count) {
  if (count >= 8 && count <= 16) {
    uint64_t head = 0;
    uint64_t tail = 0;
    std::memcpy(&head, from, 8);
    std::memcpy(&tail, from + count - 8, 8);
    std::memcpy(to, &head, 8);
    std::memcpy(to + count - 8, &tail, 8);
  } else if (count >= 4 && count < 8) {
    uint32_t head = 0;
    uint32_t tail = 0;
    std::memcpy(&head, from, 4);
    std::memcpy(&tail, from + count - 4, 4);
    std::memcpy(to, &head, 4);
    std::memcpy(to + count - 4, &tail, 4);
  } else if (count < 4) {
    for (size_t index = 0; index < count; ++index) to[index] = from[index];
  } else {
    std::memcpy(to, from, count);
  }
}

// The JSON Lines text on its way to a sink, in storage that is never initialised before it is
// written: each piece reserves room for its longest form, writes through a pointer and commits
// what it wrote, so that no piece pays a growing string's bookkeeping. When a reservation does
// not fit, the text so far is hashed and handed to the sink and the storage starts over, so that
// a trace of any length is written through the same few hundred kilobytes, which stay in cache.
class JsonlBuffer {
 public:
  explicit JsonlBuffer(const TextSink& sink)
      : sink_(sink),
        data_(std::make_unique_for_overwrite<char[]>(kJsonlFlushBytes)),
        capacity_(kJsonlFlushBytes) {}

  // Room for `count` more bytes at the end, valid until the next reserve.
  [[nodiscard]] char* reserve(size_t count) {
    if (capacity_ - used_ < count) make_room(count);
    return data_.get() + used_;
  }
  void commit(const char* end) {
    DISTSIM_ASSERT(end >= data_.get() + used_ && end <= data_.get() + capacity_);
    used_ = static_cast<size_t>(end - data_.get());
  }
  // Text that needs no escape (JSON punctuation and distsim's own keys).
  void raw(std::string_view text) {
    char* write = reserve(text.size());
    copy_bytes(write, text.data(), text.size());
    commit(write + text.size());
  }
  void quoted(std::string_view text) {
    commit(write_quoted(reserve(quoted_size_max(text.size())), text));
  }
  template <typename Integer>
  void integer(Integer value) {
    constexpr size_t kDigitsMax = 24;
    char* write = reserve(kDigitsMax);
    const auto [end, error] = std::to_chars(write, write + kDigitsMax, value);
    DISTSIM_ASSERT(error == std::errc{});
    commit(end);
  }
  // Hands everything written so far to the hash and the sink.
  void flush() {
    if (used_ == 0) return;
    const std::string_view text(data_.get(), used_);
    hash_.update(text);
    sink_(text);
    used_ = 0;
  }
  // The hash of every byte written before the last flush.
  [[nodiscard]] uint64_t hash() const { return hash_.digest(); }

 private:
  void make_room(size_t count) {
    flush();
    if (count <= capacity_) return;
    // One value longer than the storage (a long text field): room for it alone.
    data_ = std::make_unique_for_overwrite<char[]>(count);
    capacity_ = count;
  }

  const TextSink& sink_;
  std::unique_ptr<char[]> data_;
  size_t capacity_ = 0;
  size_t used_ = 0;
  Xxh64 hash_;
};

// `,"key":` for a key that is a plain identifier (every field key is a string literal of
// distsim's, never text from a scenario), so it is copied without looking for escapes.
void append_key(JsonlBuffer& out, std::string_view key) {
  char* write = out.reserve(key.size() + 4);
  *write++ = ',';
  *write++ = '"';
  copy_bytes(write, key.data(), key.size());
  write += key.size();
  *write++ = '"';
  *write++ = ':';
  out.commit(write);
}

void append_value(JsonlBuffer& out, const TraceValue& value) {
  switch (value.index()) {
    case 0:
      out.integer(*std::get_if<int64_t>(&value));
      return;
    case 1:
      out.raw(*std::get_if<bool>(&value) ? "true"sv : "false"sv);
      return;
    case 2:
      out.quoted(*std::get_if<std::string_view>(&value));
      return;
    default: {
      const TraceList& list = *std::get_if<TraceList>(&value);
      out.raw("["sv);
      for (size_t index = 0; index < list.size(); ++index) {
        if (index > 0) out.raw(","sv);
        out.quoted(list[index]);
      }
      out.raw("]"sv);
    }
  }
}

// The fields every record starts with. A world writes runs of records at one time (an open, its
// read, its close), so the text of the last time is kept and copied when it comes again, and
// the few actor and event names are quoted once each, instead of being formatted or escaped
// anew.
class RecordStart {
 public:
  void write(JsonlBuffer& out, model::TimeUs t_us, uint64_t seq, std::string_view actor,
             std::string_view event) {
    out.raw("{\"t_us\":"sv);
    if (!time_.empty() && t_us == time_us_) {
      out.raw(time_);
    } else {
      constexpr size_t kDigitsMax = 24;
      char* write = out.reserve(kDigitsMax);
      const auto [end, error] = std::to_chars(write, write + kDigitsMax, t_us);
      DISTSIM_ASSERT(error == std::errc{});
      time_.assign(write, end);
      time_us_ = t_us;
      out.commit(end);
    }
    out.raw(",\"seq\":"sv);
    write_seq(out, seq);
    out.raw(",\"actor\":"sv);
    actor_.write(out, actor);
    out.raw(",\"event\":"sv);
    event_.write(out, event);
  }

 private:
  // Sequence numbers count up by one: the last one's digits are incremented in place.
  void write_seq(JsonlBuffer& out, uint64_t seq) {
    if (seq_size_ > 0 && seq == seq_ + 1) {
      size_t at = seq_size_;
      while (at > 0 && seq_text_[at - 1] == '9') seq_text_[--at] = '0';
      if (at == 0) {
        std::memmove(seq_text_.data() + 1, seq_text_.data(), seq_size_);
        seq_text_[0] = '1';
        ++seq_size_;
      } else {
        ++seq_text_[at - 1];
      }
    } else {
      const auto [end, error] =
          std::to_chars(seq_text_.data(), seq_text_.data() + seq_text_.size(), seq);
      DISTSIM_ASSERT(error == std::errc{});
      seq_size_ = static_cast<size_t>(end - seq_text_.data());
    }
    seq_ = seq;
    out.raw({seq_text_.data(), seq_size_});
  }

  // The JSON string literals of actor and event names, by the address of the text. Both are
  // views of bytes that never change while the trace lives (the trace's one copy of each actor
  // name, a string literal for each event), so one address and length always hold one text;
  // the address only places the text in a slot, so it decides speed, never what is written.
  class LiteralCache {
   public:
    void write(JsonlBuffer& out, std::string_view text) {
      if (text.empty()) {
        out.raw("\"\""sv);
        return;
      }
      const auto address = reinterpret_cast<uintptr_t>(text.data());
      Slot& slot = slots_[((address >> 3U) ^ text.size()) % kSlots];
      if (slot.data == text.data() && slot.size == text.size()) {
        out.raw(slot.literal);
        return;
      }
      char* write = out.reserve(quoted_size_max(text.size()));
      const char* end = write_quoted(write, text);
      slot.data = text.data();
      slot.size = text.size();
      slot.literal.assign(write, static_cast<size_t>(end - write));
      out.commit(end);
    }

   private:
    static constexpr size_t kSlots = 64;
    struct Slot {
      const char* data = nullptr;
      size_t size = 0;
      std::string literal;
    };
    std::array<Slot, kSlots> slots_;
  };
  model::TimeUs time_us_ = 0;
  std::string time_;  // empty until the first record
  uint64_t seq_ = 0;
  std::array<char, 24> seq_text_{};  // more than the 20 digits of any uint64_t
  size_t seq_size_ = 0;              // 0 until the first record
  LiteralCache actor_;
  LiteralCache event_;
};

// The trace hash as the end record gives it: 16 lower-case hex digits.
void append_hex64(JsonlBuffer& out, uint64_t value) {
  constexpr char kHex[] = "0123456789abcdef";
  constexpr size_t kDigits = 16;
  char* write = out.reserve(kDigits);
  for (size_t digit = 0; digit < kDigits; ++digit) {
    write[kDigits - 1 - digit] = kHex[value & 0xFU];
    value >>= 4U;
  }
  out.commit(write + kDigits);
}

}  // namespace

TraceArgs::TraceArgs(std::initializer_list<TraceArg> args) {
  for (const TraceArg& arg : args) push_back(arg);
}

TraceArgs::~TraceArgs() {
  for (size_t index = 0; index < size_; ++index) std::destroy_at(data() + index);
}

void TraceArgs::push_back(TraceArg arg) {
  DISTSIM_ASSERT(size_ < kFieldsMax);
  std::construct_at(reinterpret_cast<TraceArg*>(storage_) + size_, std::move(arg));
  ++size_;
}

template <typename T>
T* Trace::Chunks<T>::allocate_in_new_chunk(size_t count) {
  const size_t next = capacity_ == 0 ? kFirstChunkItems : std::min(2 * capacity_, kChunkItems);
  const size_t capacity = std::max(count, next);
  chunks_.push_back(std::make_unique_for_overwrite<T[]>(capacity));
  used_ = count;
  capacity_ = capacity;
  return chunks_.back().get();
}

Trace::Trace(const Trace& other) : enabled_(other.enabled_), truncated_(other.truncated_) {
  records_.reserve(other.records_.size());
  for (const TraceRecord& record : other.records_) append(record);
}

Trace& Trace::operator=(const Trace& other) {
  if (this != &other) *this = Trace(other);
  return *this;
}

namespace {

// The bytes of text and the list items a value of a record takes in the trace's chunks.
template <typename Texts>
void count_list(const Texts& items, size_t& text_bytes, size_t& list_items) {
  list_items += items.size();
  for (const auto& item : items) text_bytes += item.size();
}

void count_value(const TraceArgValue& value, size_t& text_bytes, size_t& list_items) {
  switch (value.index()) {
    case 2:
      text_bytes += std::get_if<std::string_view>(&value)->size();
      return;
    case 3:
      text_bytes += std::get_if<std::string>(&value)->size();
      return;
    case 4:
      count_list(*std::get_if<std::vector<std::string>>(&value), text_bytes, list_items);
      return;
    case 5:
      count_list(*std::get_if<std::span<const std::string>>(&value), text_bytes, list_items);
      return;
    case 6:
      count_list(*std::get_if<std::span<const std::string_view>>(&value), text_bytes, list_items);
      return;
    default:
      return;
  }
}

// Copies a record's texts one after another into the span reserved for them.
class RecordTexts {
 public:
  RecordTexts(char* text, std::string_view* items) : text_(text), items_(items) {}

  std::string_view copy(std::string_view piece) {
    if (piece.empty()) return {};
    std::memcpy(text_, piece.data(), piece.size());
    const std::string_view stored(text_, piece.size());
    text_ += piece.size();
    return stored;
  }
  template <typename Texts>
  TraceList copy_list(const Texts& items) {
    std::string_view* stored = items_;
    for (const auto& item : items) *items_++ = copy(item);
    return TraceList({stored, items.size()});
  }
  TraceValue copy_value(const TraceArgValue& value) {
    switch (value.index()) {
      case 0:
        return *std::get_if<int64_t>(&value);
      case 1:
        return *std::get_if<bool>(&value);
      case 2:
        return copy(*std::get_if<std::string_view>(&value));
      case 3:
        return copy(*std::get_if<std::string>(&value));
      case 4:
        return copy_list(*std::get_if<std::vector<std::string>>(&value));
      case 5:
        return copy_list(*std::get_if<std::span<const std::string>>(&value));
      default:
        return copy_list(*std::get_if<std::span<const std::string_view>>(&value));
    }
  }

 private:
  char* text_;
  std::string_view* items_;
};

}  // namespace

// Its length and its first, middle and last bytes tell a run's few actor names apart.
size_t Trace::actor_slot_of(std::string_view actor) {
  if (actor.empty()) return 0;
  const auto first = static_cast<unsigned char>(actor.front());
  const auto middle = static_cast<unsigned char>(actor[actor.size() / 2]);
  const auto last = static_cast<unsigned char>(actor.back());
  return (actor.size() * 7 + first * 3 + middle * 5 + last) % kActorSlots;
}

void Trace::add(model::TimeUs t_us, std::string_view actor, std::string_view event,
                std::span<const TraceArg> fields) {
  if (!enabled_) return;
  if (records_.size() >= kTraceRecordsMax) {
    truncated_ = true;
    return;
  }
  DISTSIM_ASSERT(records_.empty() || records_.back().t_us <= t_us);
  // Every text of the record goes into one span of the text chunks, reserved at once; an actor
  // whose name the trace holds already shares that copy.
  std::string_view& actor_slot = actor_slots_[actor_slot_of(actor)];
  const bool known_actor = actor_slot == actor;
  size_t text_bytes = known_actor ? 0 : actor.size();
  size_t list_items = 0;
  for (const TraceArg& field : fields) count_value(field.value, text_bytes, list_items);
  RecordTexts texts(text_.allocate(text_bytes), list_items_.allocate(list_items));
  TraceField* stored = fields_.allocate(fields.size());
  for (size_t index = 0; index < fields.size(); ++index) {
    stored[index] = TraceField{fields[index].key, texts.copy_value(fields[index].value)};
  }
  if (!known_actor) actor_slot = texts.copy(actor);
  records_.push_back(TraceRecord{t_us, actor_slot, event, {stored, fields.size()}});
}

void Trace::append(const TraceRecord& record) {
  // The record's values as arguments of add(), which copies their texts into this trace.
  std::vector<TraceArg> fields;
  fields.reserve(record.fields.size());
  for (const TraceField& field : record.fields) {
    const TraceValue& value = field.value;
    if (const auto* list = std::get_if<TraceList>(&value)) {
      fields.push_back({field.key, std::span<const std::string_view>(list->begin(), list->end())});
    } else if (const auto* text = std::get_if<std::string_view>(&value)) {
      fields.push_back({field.key, *text});
    } else if (const auto* flag = std::get_if<bool>(&value)) {
      fields.push_back({field.key, *flag});
    } else {
      fields.push_back({field.key, *std::get_if<int64_t>(&value)});
    }
  }
  add(record.t_us, record.actor, record.event, std::span<const TraceArg>(fields));
}

std::string json_quote(std::string_view text) {
  std::string out(quoted_size_max(text.size()), '\0');
  const char* end = write_quoted(out.data(), text);
  out.resize(static_cast<size_t>(end - out.data()));
  return out;
}

void write_trace_jsonl(const Trace& trace, const TraceHeader& header, const TextSink& sink) {
  JsonlBuffer out(sink);
  RecordStart record_start;
  record_start.write(out, 0, 0, "world", "header");
  out.raw(",\"scenario\":"sv);
  out.quoted(header.scenario);
  out.raw(",\"seed\":"sv);
  out.integer(header.seed);
  out.raw(",\"version\":"sv);
  out.quoted(header.version);
  out.raw("}\n"sv);
  uint64_t seq = 1;
  model::TimeUs last_us = 0;
  for (const TraceRecord& record : trace.records()) {
    record_start.write(out, record.t_us, seq++, record.actor, record.event);
    for (const TraceField& field : record.fields) {
      append_key(out, field.key);
      append_value(out, field.value);
    }
    out.raw("}\n"sv);
    last_us = record.t_us;
  }
  out.flush();
  const uint64_t hash = out.hash();
  record_start.write(out, last_us, seq, "world", "end");
  out.raw(",\"events\":"sv);
  out.integer(trace.records().size());
  out.raw(trace.truncated() ? ",\"truncated\":true"sv : ",\"truncated\":false"sv);
  out.raw(",\"trace_hash\":\""sv);
  append_hex64(out, hash);
  out.raw("\"}\n"sv);
  out.flush();
}

std::string trace_to_jsonl(const Trace& trace, const TraceHeader& header) {
  std::string text;
  write_trace_jsonl(trace, header, [&text](std::string_view piece) { text.append(piece); });
  return text;
}

}  // namespace distsim::sim
