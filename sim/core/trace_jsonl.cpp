// The JSON Lines form of a trace, which appends every value straight into one buffer.
#include "sim/core/trace_jsonl.h"

#include <array>
#include <bit>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <memory>
#include <system_error>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "model/assert.h"
#include "model/copy_bytes.h"
#include "sim/core/limits.h"
#include "sim/core/utf8.h"
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

// Texts are scanned for escapes this many bytes at a time.
constexpr size_t kBlockBytes = 16;
static_assert(kBlockBytes <= model::kShortCopyMax);

// Whether a byte cannot appear raw in a JSON string: a control character, '"' or '\\'.
[[nodiscard]] constexpr bool needs_escape(char c) {
  return static_cast<unsigned char>(c) < 0x20 || c == '"' || c == '\\';
}

#if defined(__SSE2__)
// The bytes of `block` that a JSON string cannot hold raw, as bits: bit i for byte i.
[[nodiscard]] uint32_t escape_mask(__m128i block) {
  // Unsigned "at most 0x1f": the maximum with 0x1f is 0x1f exactly for the control bytes.
  const __m128i last_control = _mm_set1_epi8(0x1f);
  const __m128i control = _mm_cmpeq_epi8(_mm_max_epu8(block, last_control), last_control);
  const __m128i quote = _mm_cmpeq_epi8(block, _mm_set1_epi8('"'));
  const __m128i backslash = _mm_cmpeq_epi8(block, _mm_set1_epi8('\\'));
  return static_cast<uint32_t>(
      _mm_movemask_epi8(_mm_or_si128(control, _mm_or_si128(quote, backslash))));
}
#endif

// The bytes among the 16 at `bytes` that a JSON string cannot hold raw, as bits: bit i for byte i.
[[nodiscard]] uint32_t escape_mask(const char* bytes) {
#if defined(__SSE2__)
  return escape_mask(_mm_loadu_si128(reinterpret_cast<const __m128i*>(bytes)));
#else
  uint32_t mask = 0;
  for (size_t index = 0; index < kBlockBytes; ++index) {
    mask |= static_cast<uint32_t>(needs_escape(bytes[index])) << index;
  }
  return mask;
#endif
}

#if defined(__SSE2__)
// escape_mask() of a text of `count` bytes, from sizeof(Word) to twice that, read as its first and
// last words loaded straight into one vector (they overlap where the text is shorter than both).
template <typename Word>
[[nodiscard]] uint32_t first_and_last_word_mask(const char* from, size_t count) {
  constexpr size_t kWordBytes = sizeof(Word);
  static_assert(kWordBytes == 4 || kWordBytes == 8);
  DISTSIM_ASSERT(count >= kWordBytes && count <= 2 * kWordBytes);
  Word first = 0;
  Word last = 0;
  std::memcpy(&first, from, kWordBytes);
  std::memcpy(&last, from + count - kWordBytes, kWordBytes);
  __m128i block;
  if constexpr (kWordBytes == 8) {
    block = _mm_set_epi64x(static_cast<int64_t>(last), static_cast<int64_t>(first));
  } else {
    block = _mm_set_epi32(0, 0, static_cast<int32_t>(last), static_cast<int32_t>(first));
  }
  const uint32_t mask = escape_mask(block);
  constexpr uint32_t kWordBits = (uint32_t{1} << kWordBytes) - 1;
  return (mask & kWordBits) | (((mask >> kWordBytes) & kWordBits) << (count - kWordBytes));
}
#endif

// escape_mask() of a text shorter than a block, reading only its `count` bytes: from 4 bytes on,
// through its first and last words, so that no byte goes through a store and back (a short text
// copied into a padded block and loaded whole would wait for the copy's stores, which the
// processor cannot forward to a wider load).
[[nodiscard]] uint32_t short_escape_mask(const char* from, size_t count) {
  DISTSIM_ASSERT(count < kBlockBytes);
  const uint32_t in_text = (uint32_t{1} << count) - 1;
#if defined(__SSE2__)
  if (count >= sizeof(uint64_t)) return first_and_last_word_mask<uint64_t>(from, count) & in_text;
  if (count >= sizeof(uint32_t)) return first_and_last_word_mask<uint32_t>(from, count) & in_text;
#endif
  uint32_t mask = 0;
  for (size_t index = 0; index < count; ++index) {
    mask |= static_cast<uint32_t>(needs_escape(from[index])) << index;
  }
  return mask & in_text;
}

// The longest JSON string literal of `size` bytes: quotes, and every byte as \u00XX.
[[nodiscard]] constexpr size_t quoted_size_max(size_t size) { return 2 + 6 * size; }

// Copies `count` bytes, at most a block (model/copy_bytes.h): most copies of a trace are this
// short (keys, punctuation, the repeated time and actor, the pieces of a path between its
// backslashes).
void copy_short(char* to, const char* from, size_t count) {
  DISTSIM_ASSERT(count <= kBlockBytes);
  model::copy_short(to, from, count);
}

// Writes the `count` bytes at `from` at `write`, escaping those whose bits `mask` sets, and
// returns the end of what it wrote. `readable` bytes (at least `count`) may be read at `from`:
// where 16 of them are left, a plain run is copied as one 16-byte block and the write moves on
// by the run's length only (the room quoted_size_max gives holds the excess).
char* write_escaped(char* write, const char* from, size_t count, uint32_t mask, size_t readable) {
  size_t done = 0;
  while (mask != 0) {
    const auto at = static_cast<size_t>(std::countr_zero(mask));
    if (readable - done >= kBlockBytes) {
      std::memcpy(write, from + done, kBlockBytes);
    } else {
      copy_short(write, from + done, at - done);
    }
    write += at - done;
    const char c = from[at];
    if (c == '\\' || c == '"') {
      write[0] = '\\';
      write[1] = c;
      write += 2;
    } else {
      write = write_escape(write, c);
    }
    done = at + 1;
    mask &= mask - 1;
  }
  copy_short(write, from + done, count - done);
  return write + (count - done);
}

// Writes `text` as a JSON string literal at `write` (room for quoted_size_max) and returns the
// end of what it wrote. Whole blocks of 16 bytes are looked at once; the last bytes of a text of
// a block or more are looked at in the block that ends with the text, and a shorter text is
// looked at by short_escape_mask, so that nothing past the text is ever read.
char* write_quoted(char* write, std::string_view text) {
  *write++ = '"';
  const char* from = text.data();
  size_t left = text.size();
  for (; left >= kBlockBytes; left -= kBlockBytes, from += kBlockBytes) {
    const uint32_t mask = escape_mask(from);
    if (mask == 0) {
      std::memcpy(write, from, kBlockBytes);
      write += kBlockBytes;
    } else {
      write = write_escaped(write, from, kBlockBytes, mask, left);
    }
  }
  if (left > 0) {
    uint32_t mask = 0;
    if (text.size() >= kBlockBytes) {
      mask = escape_mask(from + left - kBlockBytes) >> (kBlockBytes - left);
    } else {
      mask = short_escape_mask(from, left);
    }
    if (mask == 0) {
      copy_short(write, from, left);
      write += left;
    } else {
      write = write_escaped(write, from, left, mask, left);
    }
  }
  *write++ = '"';
  return write;
}

// Writers of pieces at a position with room for them; each returns the end of what it wrote.
template <size_t Size>
char* put(char* write, const char (&literal)[Size]) {
  std::memcpy(write, literal, Size - 1);
  return write + Size - 1;
}

char* put(char* write, std::string_view text) {
  model::copy_bytes(write, text.data(), text.size());
  return write + text.size();
}

// The most characters an integer of the trace takes: 20 (INT64_MIN, UINT64_MAX).
constexpr size_t kIntegerSizeMax = 20;

template <typename Integer>
char* put_integer(char* write, Integer value) {
  const auto [end, error] = std::to_chars(write, write + kIntegerSizeMax, value);
  DISTSIM_ASSERT(error == std::errc{});
  return end;
}

// `,"key":` for a key that is a plain identifier (every field key is a string literal of
// distsim's, never text from a scenario), so it is copied without looking for escapes.
constexpr size_t kKeyPunctuation = 4;
char* put_key(char* write, std::string_view key) {
  *write++ = ',';
  *write++ = '"';
  write = put(write, key);
  *write++ = '"';
  *write++ = ':';
  return write;
}

// The JSON Lines text on its way to a sink, in storage that is never initialised before it is
// written: each piece reserves room for its longest form, writes through a pointer and commits
// what it wrote, so that no piece pays a growing string's bookkeeping. When a reservation does
// not fit, the text so far is hashed and handed to the sink and the storage starts over, so that
// a trace of any length is written through the same few hundred kilobytes, which stay in cache.
class JsonlBuffer {
 public:
  explicit JsonlBuffer(const TextSink& sink) : sink_(sink) { allocate(kJsonlFlushBytes); }

  // Room for `count` more bytes at the end, valid until the next reserve.
  [[nodiscard]] char* reserve(size_t count) {
    if (static_cast<size_t>(limit_ - end_) < count) make_room(count);
    return end_;
  }
  void commit(char* end) {
    DISTSIM_ASSERT(end >= end_);
    DISTSIM_ASSERT(end <= limit_);
    end_ = end;
  }
  // Text that needs no escape (JSON punctuation and distsim's own keys).
  void raw(std::string_view text) { commit(put(reserve(text.size()), text)); }
  void quoted(std::string_view text) {
    commit(write_quoted(reserve(quoted_size_max(text.size())), text));
  }
  template <typename Integer>
  void integer(Integer value) {
    commit(put_integer(reserve(kIntegerSizeMax), value));
  }
  // Hands everything written so far to the hash and the sink.
  void flush() {
    if (end_ == data_.get()) return;
    const std::string_view text(data_.get(), static_cast<size_t>(end_ - data_.get()));
    hash_.update(text);
    sink_(text);
    end_ = data_.get();
  }
  // The hash of every byte written before the last flush.
  [[nodiscard]] uint64_t hash() const { return hash_.digest(); }

 private:
  void allocate(size_t capacity) {
    data_ = std::make_unique_for_overwrite<char[]>(capacity);
    end_ = data_.get();
    limit_ = end_ + capacity;
  }
  void make_room(size_t count) {
    flush();
    // One value longer than the storage (a long text field): room for it alone.
    if (count > static_cast<size_t>(limit_ - end_)) allocate(count);
  }

  const TextSink& sink_;
  std::unique_ptr<char[]> data_;
  char* end_ = nullptr;    // where the next byte goes
  char* limit_ = nullptr;  // the end of the storage
  Xxh64 hash_;
};

// The JSON string literals of the texts quoted lately, by the address of the text: each is a view
// of bytes that never change while the trace lives (the trace's one copy of each actor name, a
// string literal for each event), so one address and length always hold one text; the address
// only places a text in a slot, so it decides speed, never what is written.
class QuotedTexts {
 public:
  // The literal stays valid until this cache quotes another text in its slot.
  std::string_view literal(std::string_view text) {
    const auto address = reinterpret_cast<uintptr_t>(text.data());
    Slot& slot = slots_[((address >> 3U) ^ text.size()) % kSlots];
    if (slot.quoted && slot.data == text.data() && slot.size == text.size()) return slot.literal;
    slot.literal.resize(quoted_size_max(text.size()));
    const char* end = write_quoted(slot.literal.data(), text);
    slot.literal.resize(static_cast<size_t>(end - slot.literal.data()));
    slot.data = text.data();
    slot.size = text.size();
    slot.quoted = true;
    return slot.literal;
  }

 private:
  static constexpr size_t kSlots = 64;
  struct Slot {
    const char* data = nullptr;
    size_t size = 0;
    bool quoted = false;
    std::string literal;
  };
  std::array<Slot, kSlots> slots_;
};

// One field, key and value, in one reservation.
void append_field(JsonlBuffer& out, const TraceField& field) {
  const std::string_view key = field.key;
  const TraceValue& value = field.value;
  const size_t key_size = key.size() + kKeyPunctuation;
  switch (value.index()) {
    case 0: {
      char* write = put_key(out.reserve(key_size + kIntegerSizeMax), key);
      out.commit(put_integer(write, *std::get_if<int64_t>(&value)));
      return;
    }
    case 1: {
      char* write = put_key(out.reserve(key_size + 5), key);
      out.commit(*std::get_if<bool>(&value) ? put(write, "true") : put(write, "false"));
      return;
    }
    case 2: {
      const std::string_view text = *std::get_if<std::string_view>(&value);
      char* write = put_key(out.reserve(key_size + quoted_size_max(text.size())), key);
      out.commit(write_quoted(write, text));
      return;
    }
    default: {
      const TraceList& list = *std::get_if<TraceList>(&value);
      size_t size_max = key_size + 2;
      for (const std::string_view item : list) size_max += 1 + quoted_size_max(item.size());
      char* write = put_key(out.reserve(size_max), key);
      *write++ = '[';
      for (size_t index = 0; index < list.size(); ++index) {
        if (index > 0) *write++ = ',';
        write = write_quoted(write, list[index]);
      }
      *write++ = ']';
      out.commit(write);
    }
  }
}

// The fields every record starts with, in one reservation. A world writes runs of records at one
// time (an open, its read, its close), so the text of the last time is kept and copied when it
// comes again, and the few actor and event names are quoted once each, instead of being
// formatted or escaped anew.
class RecordStart {
 public:
  void write(JsonlBuffer& out, model::TimeUs t_us, uint64_t seq, std::string_view actor,
             std::string_view event) {
    const std::string_view actor_literal = actor_.literal(actor);
    const std::string_view event_literal = event_.literal(event);
    char* write =
        out.reserve(sizeof "{\"t_us\":,\"seq\":,\"actor\":,\"event\":" + 2 * kIntegerSizeMax +
                    actor_literal.size() + event_literal.size());
    write = put(write, "{\"t_us\":");
    if (time_size_ > 0 && t_us == time_us_) {
      write = put(write, {time_text_.data(), time_size_});
    } else {
      char* const end = put_integer(write, t_us);
      time_size_ = static_cast<size_t>(end - write);
      std::memcpy(time_text_.data(), write, time_size_);
      time_us_ = t_us;
      write = end;
    }
    write = put(write, ",\"seq\":");
    write = put_seq(write, seq);
    write = put(write, ",\"actor\":");
    write = put(write, actor_literal);
    write = put(write, ",\"event\":");
    write = put(write, event_literal);
    out.commit(write);
  }

 private:
  // Sequence numbers count up by one. The last one's text is kept in a word, ASCII digits from
  // its lowest byte on, incremented as a number would be and stored whole: incrementing a digit
  // in memory and then copying the text would read a byte store back with a wider load, which the
  // processor cannot forward, a stall on every record. A trace's numbers fit the word.
  static constexpr size_t kSeqDigitsMax = sizeof(uint64_t);
  static_assert(kTraceRecordsMax + 1 <= 99'999'999, "the end record's number fits the word");
  char* put_seq(char* write, uint64_t seq) {
    static_assert(std::endian::native == std::endian::little, "the word's digits are its bytes");
    if (seq_size_ > 0 && seq == seq_ + 1) {
      seq_word_ = next_seq_word(seq_word_, seq_size_);
    } else {
      std::array<char, kIntegerSizeMax> text{};
      seq_size_ = static_cast<size_t>(put_integer(text.data(), seq) - text.data());
      DISTSIM_ASSERT(seq_size_ <= kSeqDigitsMax);
      seq_word_ = 0;
      std::memcpy(&seq_word_, text.data(), seq_size_);
    }
    seq_ = seq;
    std::memcpy(write, &seq_word_, sizeof seq_word_);  // the reservation has room for a word
    return write + seq_size_;
  }
  // The word of the number after the one `word` spells in `size` digits (one more after nines).
  static uint64_t next_seq_word(uint64_t word, size_t& size) {
    constexpr uint64_t kByte = 0xFF;
    size_t at = size;
    while (at > 0 && ((word >> (8 * (at - 1))) & kByte) == '9') {
      --at;
      word = (word & ~(kByte << (8 * at))) | (uint64_t{'0'} << (8 * at));
    }
    if (at > 0) return word + (uint64_t{1} << (8 * (at - 1)));
    DISTSIM_ASSERT(size < kSeqDigitsMax);
    ++size;
    return (word << 8U) | uint64_t{'1'};
  }

  model::TimeUs time_us_ = 0;
  std::array<char, kIntegerSizeMax> time_text_{};
  size_t time_size_ = 0;  // 0 until the first record
  uint64_t seq_ = 0;
  uint64_t seq_word_ = 0;
  size_t seq_size_ = 0;  // 0 until the first record
  QuotedTexts actor_;
  QuotedTexts event_;
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

std::string json_quote(std::string_view text) {
  // A file name from the command line or a directory may be any bytes; JSON holds UTF-8 only.
  if (!is_valid_utf8(text)) return json_quote(valid_utf8(text));
  std::string out(quoted_size_max(text.size()), '\0');
  const char* end = write_quoted(out.data(), text);
  out.resize(static_cast<size_t>(end - out.data()));
  return out;
}

void write_trace_jsonl(const Trace& trace, const TraceHeader& header, const TextSink& sink) {
  JsonlBuffer out(sink);
  RecordStart record_start;
  record_start.write(out, 0, 0, kWorldActorName, "header");
  out.raw(",\"scenario\":"sv);
  out.quoted(header.scenario);
  out.raw(",\"seed\":"sv);
  out.integer(header.seed);
  out.raw(",\"version\":"sv);
  out.quoted(header.version);
  if (!header.policy.empty()) {
    out.raw(",\"policy_name\":"sv);
    out.quoted(header.policy);
  }
  out.raw("}\n"sv);
  uint64_t seq = 1;
  model::TimeUs last_us = 0;
  for (const TraceRecord& record : trace.records()) {
    record_start.write(out, record.t_us, seq++, record.actor, record.event);
    for (const TraceField& field : record.fields) append_field(out, field);
    out.raw("}\n"sv);
    last_us = record.t_us;
  }
  out.flush();
  const uint64_t hash = out.hash();
  record_start.write(out, last_us, seq, kWorldActorName, "end");
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
