// The trace: every event of a run as a structured record (virtual time, actor, event name and
// its fields); sim/core/trace_jsonl.h writes it as JSON Lines. A trace owns the bytes of its
// records: texts, lists and field arrays are copied into chunks that never move, so recording an
// event costs a few copies and no allocation of its own, and a finished trace is freed a chunk at a
// time rather than a string at a time.
#pragma once

#include <algorithm>
#include <array>
#include <bit>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <iterator>
#include <memory>
#include <new>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "model/assert.h"
#include "model/time.h"
#include "sim/core/limits.h"

namespace distsim::sim {

// The actors a trace names besides the scenario's holders (a holder may not take these names):
// the Distribution Manager process, the world itself (notifications, crashes, expectations) and
// each distribution point ("dp:" and its declared name; the DP's faults).
inline constexpr std::string_view kManagerActorName = "distmgr";
inline constexpr std::string_view kWorldActorName = "world";
inline constexpr std::string_view kDistributionPointActorPrefix = "dp:";

// The texts of a list field, held by the trace.
class TraceList {
 public:
  TraceList() = default;
  explicit TraceList(std::span<const std::string_view> items) : items_(items) {}
  [[nodiscard]] size_t size() const { return items_.size(); }
  [[nodiscard]] bool empty() const { return items_.empty(); }
  [[nodiscard]] std::string_view operator[](size_t index) const { return items_[index]; }
  [[nodiscard]] auto begin() const { return items_.begin(); }
  [[nodiscard]] auto end() const { return items_.end(); }
  [[nodiscard]] std::vector<std::string> strings() const { return {begin(), end()}; }
  friend bool operator==(const TraceList& left, const TraceList& right) {
    return std::equal(left.begin(), left.end(), right.begin(), right.end());
  }

 private:
  std::span<const std::string_view> items_;
};

// A recorded value; texts and lists point into the trace that holds the record.
using TraceValue = std::variant<int64_t, bool, std::string_view, TraceList>;

struct TraceField {
  std::string_view key;  // always a string literal
  TraceValue value;
};

struct TraceRecord {
  model::TimeUs t_us = 0;
  std::string_view actor;  // held by the trace
  std::string_view event;  // always a string literal
  std::span<const TraceField> fields;
};

// The records of a trace, in chunks that never move: the first holds kFirstChunkRecords and each
// next one twice as many as the one before, so that record i is found with a few bit operations,
// a growing trace never copies a record (a vector's reallocations would copy each about once more
// and fault in twice the memory), and a small trace takes one small chunk.
class TraceRecords {
 public:
  // Walks the chunks in order; ++ moves within a chunk by pointer.
  class Iterator {
   public:
    using iterator_category = std::random_access_iterator_tag;
    using iterator_concept = std::random_access_iterator_tag;
    using value_type = TraceRecord;
    using difference_type = std::ptrdiff_t;
    using pointer = const TraceRecord*;
    using reference = const TraceRecord&;

    Iterator() = default;
    reference operator*() const { return *at_; }
    pointer operator->() const { return at_; }
    reference operator[](difference_type offset) const { return *(*this + offset); }
    Iterator& operator++() {
      ++index_;
      if (++at_ == chunk_end_) settle();
      return *this;
    }
    Iterator operator++(int) {
      Iterator before = *this;
      ++*this;
      return before;
    }
    Iterator& operator--() { return *this -= 1; }
    Iterator operator--(int) {
      Iterator before = *this;
      --*this;
      return before;
    }
    Iterator& operator+=(difference_type offset) {
      index_ = static_cast<size_t>(static_cast<difference_type>(index_) + offset);
      settle();
      return *this;
    }
    Iterator& operator-=(difference_type offset) { return *this += -offset; }
    friend Iterator operator+(Iterator it, difference_type offset) { return it += offset; }
    friend Iterator operator+(difference_type offset, Iterator it) { return it += offset; }
    friend Iterator operator-(Iterator it, difference_type offset) { return it -= offset; }
    friend difference_type operator-(const Iterator& left, const Iterator& right) {
      return static_cast<difference_type>(left.index_) - static_cast<difference_type>(right.index_);
    }
    friend bool operator==(const Iterator& left, const Iterator& right) {
      return left.index_ == right.index_;
    }
    friend auto operator<=>(const Iterator& left, const Iterator& right) {
      return left.index_ <=> right.index_;
    }

   private:
    friend class TraceRecords;
    Iterator(const TraceRecords* records, size_t index) : records_(records), index_(index) {
      settle();
    }
    // Points at record index_, or at nothing past the last.
    void settle() {
      if (index_ >= records_->size_) {
        at_ = chunk_end_ = nullptr;
        return;
      }
      const Place place = place_of(index_);
      const TraceRecord* const chunk = records_->chunks_[place.chunk].get();
      at_ = chunk + place.offset;
      chunk_end_ = chunk + chunk_records(place.chunk);
    }
    const TraceRecords* records_ = nullptr;
    size_t index_ = 0;
    const TraceRecord* at_ = nullptr;
    const TraceRecord* chunk_end_ = nullptr;
  };

  TraceRecords() = default;
  TraceRecords(TraceRecords&& other) noexcept
      : chunks_(std::move(other.chunks_)),
        size_(std::exchange(other.size_, 0)),
        next_(std::exchange(other.next_, nullptr)),
        chunk_end_(std::exchange(other.chunk_end_, nullptr)) {
    other.chunks_.clear();
  }
  TraceRecords& operator=(TraceRecords&& other) noexcept {
    chunks_ = std::move(other.chunks_);
    other.chunks_.clear();
    size_ = std::exchange(other.size_, 0);
    next_ = std::exchange(other.next_, nullptr);
    chunk_end_ = std::exchange(other.chunk_end_, nullptr);
    return *this;
  }
  TraceRecords(const TraceRecords&) = delete;
  TraceRecords& operator=(const TraceRecords&) = delete;
  ~TraceRecords() = default;

  [[nodiscard]] size_t size() const { return size_; }
  [[nodiscard]] bool empty() const { return size_ == 0; }
  [[nodiscard]] const TraceRecord& operator[](size_t index) const {
    DISTSIM_ASSERT(index < size_);
    const Place place = place_of(index);
    return chunks_[place.chunk].get()[place.offset];
  }
  [[nodiscard]] const TraceRecord& front() const { return (*this)[0]; }
  [[nodiscard]] const TraceRecord& back() const { return (*this)[size_ - 1]; }
  [[nodiscard]] Iterator begin() const { return {this, 0}; }
  [[nodiscard]] Iterator end() const { return {this, size_}; }

 private:
  friend class Trace;
  static constexpr unsigned kFirstChunkShift = 6;
  static constexpr size_t kFirstChunkRecords = size_t{1} << kFirstChunkShift;
  struct Place {
    size_t chunk = 0;
    size_t offset = 0;
  };
  // Chunk k holds kFirstChunkRecords << k records, from index kFirstChunkRecords * (2^k - 1).
  [[nodiscard]] static Place place_of(size_t index) {
    const size_t chunk = std::bit_width((index >> kFirstChunkShift) + 1) - 1;
    return {chunk, index + kFirstChunkRecords - (kFirstChunkRecords << chunk)};
  }
  [[nodiscard]] static size_t chunk_records(size_t chunk) { return kFirstChunkRecords << chunk; }
  // A new last record, default-constructed in place. Inline, and by pointer rather than by
  // index: every event of a traced run appends one.
  TraceRecord& emplace_back() {
    if (next_ == chunk_end_) add_chunk();
    ++size_;
    return *std::construct_at(next_++);
  }
  // The record emplace_back made last (there is one).
  TraceRecord& last() {
    DISTSIM_ASSERT(size_ > 0);
    return next_[-1];
  }
  void add_chunk();

  struct FreeChunk {
    void operator()(TraceRecord* records) const { ::operator delete(static_cast<void*>(records)); }
  };
  std::vector<std::unique_ptr<TraceRecord, FreeChunk>> chunks_;
  size_t size_ = 0;
  TraceRecord* next_ = nullptr;       // where the next record goes, in the newest chunk
  TraceRecord* chunk_end_ = nullptr;  // the newest chunk's end
};

static_assert(std::random_access_iterator<TraceRecords::Iterator>);

// A text or list one of a trace's records holds: RecordWriter::text or list hands it out, and a
// later record of the same trace names it again with held_text or held_list, sharing the bytes
// instead of copying them.
template <typename Value>
struct TraceHeld {
  const void* owner = nullptr;  // the trace that holds the bytes; null: none
  Value value;
};
using TraceHeldText = TraceHeld<std::string_view>;
using TraceHeldList = TraceHeld<TraceList>;

// A value as a caller hands it to Trace::add: views of text that outlives the call, or text the
// argument owns (a string computed for the record). Trace::add copies either kind.
using TraceArgValue =
    std::variant<int64_t, bool, std::string_view, std::string, std::vector<std::string>,
                 std::span<const std::string>, std::span<const std::string_view>>;

struct TraceArg {
  std::string_view key;  // always a string literal
  TraceArgValue value;
};

// The fields of one record being put together, on the stack: a record has at most
// kFieldsMax fields (the largest the world writes, a refused open, has eight).
// Only the fields pushed are ever constructed (a world writes hundreds of thousands of records,
// most with four or five fields).
class TraceArgs {
 public:
  static constexpr size_t kFieldsMax = 12;
  TraceArgs() = default;
  TraceArgs(std::initializer_list<TraceArg> args);
  TraceArgs(const TraceArgs&) = delete;
  TraceArgs& operator=(const TraceArgs&) = delete;
  ~TraceArgs();
  void push_back(TraceArg arg);
  // push_back({key, value}) without building the argument first.
  template <typename Value>
  void emplace_back(std::string_view key, Value&& value) {
    DISTSIM_ASSERT(size_ < kFieldsMax);
    ::new (static_cast<void*>(storage_ + size_ * sizeof(TraceArg)))
        TraceArg{key, TraceArgValue(std::forward<Value>(value))};
    ++size_;
  }
  [[nodiscard]] std::span<const TraceArg> span() const { return {data(), size_}; }

 private:
  [[nodiscard]] const TraceArg* data() const {
    return std::launder(reinterpret_cast<const TraceArg*>(storage_));
  }
  alignas(TraceArg) std::byte storage_[kFieldsMax * sizeof(TraceArg)];
  size_t size_ = 0;
};

class Trace {
 public:
  // A disabled trace drops every record (the fast mode for exploration).
  // At most `records_max` records are kept (kTraceRecordsMax unless a test asks for fewer).
  explicit Trace(bool enabled, uint64_t records_max = kTraceRecordsMax)
      : enabled_(enabled), records_max_(records_max) {}
  Trace(const Trace& other);
  Trace& operator=(const Trace& other);
  // A moved-from trace is empty and can record again; its old records went with the move.
  Trace(Trace&& other) noexcept;
  Trace& operator=(Trace&& other) noexcept;
  ~Trace() = default;

  [[nodiscard]] bool enabled() const { return enabled_; }
  void add(model::TimeUs t_us, std::string_view actor, std::string_view event,
           std::span<const TraceArg> fields);
  void add(model::TimeUs t_us, std::string_view actor, std::string_view event,
           std::initializer_list<TraceArg> fields) {
    add(t_us, actor, event, std::span<const TraceArg>(fields.begin(), fields.size()));
  }
  void add(model::TimeUs t_us, std::string_view actor, std::string_view event,
           const TraceArgs& fields) {
    add(t_us, actor, event, fields.span());
  }
  // One record written field by field straight into the trace's chunks, with no TraceArgs in
  // between: for the records a world writes most (file operations, log lines, status messages).
  // At most TraceArgs::kFieldsMax fields; the record is complete when the writer goes, and
  // nothing else may be added to the trace before that, nor the trace moved or assigned. If a
  // caller throws while the writer is open, the record keeps the fields written so far. A disabled
  // or full trace hands out a writer that drops what it is given.
  class RecordWriter {
   public:
    RecordWriter(const RecordWriter&) = delete;
    RecordWriter& operator=(const RecordWriter&) = delete;
    ~RecordWriter();
    RecordWriter& number(std::string_view key, int64_t value);
    RecordWriter& flag(std::string_view key, bool value);
    RecordWriter& text(std::string_view key, std::string_view value);
    // text(), handing out the trace's copy in `held` (none if the record is dropped).
    RecordWriter& text(std::string_view key, std::string_view value, TraceHeldText& held);
    // A text field whose bytes a record of this same trace already holds.
    RecordWriter& held_text(std::string_view key, const TraceHeldText& held);
    RecordWriter& list(std::string_view key, std::span<const std::string_view> items);
    RecordWriter& list(std::string_view key, std::span<const std::string> items);
    // list(), handing out the trace's copy in `held` (none if the record is dropped).
    RecordWriter& list(std::string_view key, std::span<const std::string_view> items,
                       TraceHeldList& held);
    // A list field whose items a record of this same trace already holds.
    RecordWriter& held_list(std::string_view key, const TraceHeldList& held);

   private:
    friend class Trace;
    RecordWriter(Trace* trace, TraceField* fields) : trace_(trace), fields_(fields) {}
    // Builds the field where it is stored. A TraceField built first and then copied there goes
    // through the stack, and reading back a variant just stored in parts stalls the store
    // buffer: such a copy costs most of a field's time.
    template <typename Value>
    void push(std::string_view key, Value value) {
      DISTSIM_ASSERT(size_ < TraceArgs::kFieldsMax);
      ::new (static_cast<void*>(fields_ + size_++))
          TraceField{key, TraceValue(std::in_place_type<Value>, value)};
    }
    // push(), handing the trace's copy out in `held`.
    template <typename Value>
    void push_handed_out(std::string_view key, Value copy, TraceHeld<Value>& held) {
      push(key, copy);
      held = {trace_, copy};
    }
    template <typename Value>
    void push_held(std::string_view key, const TraceHeld<Value>& held) {
      DISTSIM_ASSERT(held.owner == trace_);  // a value of another trace could be gone
      push(key, held.value);
    }
    Trace* trace_;  // null: the record is dropped
    TraceField* fields_;
    size_t size_ = 0;
  };
  // Discarding the writer at once leaves a record without fields.
  RecordWriter record(model::TimeUs t_us, std::string_view actor, std::string_view event);

  [[nodiscard]] const TraceRecords& records() const { return records_; }
  // True when the record limit was reached and later records were dropped.
  [[nodiscard]] bool truncated() const { return truncated_; }

 private:
  // Chunks of T that never move: a run's values are copied into the newest chunk, and a new
  // chunk is started when a span does not fit in what is left of it. Chunks start at 1 KB and
  // double up to 64 KB, so that the trace of a small world (an explored one: a few hundred
  // records) takes a few small allocations and a long run few large ones. A chunk is raw
  // storage: each item is constructed when it is written (std::construct_at), so that the
  // megabytes of a long trace are written once, not first with default values.
  template <typename T>
  class Chunks {
    static_assert(std::is_trivially_copyable_v<T> && std::is_trivially_destructible_v<T>);

   public:
    Chunks() = default;
    // The chunks go with the move, and the source starts over with none.
    Chunks(Chunks&& other) noexcept
        : chunks_(std::move(other.chunks_)),
          used_(std::exchange(other.used_, 0)),
          capacity_(std::exchange(other.capacity_, 0)) {
      other.chunks_.clear();
    }
    Chunks& operator=(Chunks&& other) noexcept {
      chunks_ = std::move(other.chunks_);
      other.chunks_.clear();
      used_ = std::exchange(other.used_, 0);
      capacity_ = std::exchange(other.capacity_, 0);
      return *this;
    }
    Chunks(const Chunks&) = delete;
    Chunks& operator=(const Chunks&) = delete;
    ~Chunks() = default;

    // Room for `count` items, not yet constructed (none: any pointer, possibly null). Inline: a
    // record asks three times, and the room is nearly always in the newest chunk.
    [[nodiscard]] T* allocate(size_t count) {
      if (count > capacity_ - used_) return allocate_in_new_chunk(count);
      T* items = capacity_ == 0 ? nullptr : chunks_.back().get() + used_;
      used_ += count;
      return items;
    }

    // Returns the last `count` items of the newest allocation, which nothing has followed.
    void give_back(size_t count) {
      DISTSIM_ASSERT(count <= used_);
      used_ -= count;
    }

   private:
    [[nodiscard]] T* allocate_in_new_chunk(size_t count);
    static constexpr size_t kFirstChunkItems = sizeof(T) < 1024 ? 1024 / sizeof(T) : 1;
    static constexpr size_t kChunkItems = sizeof(T) < 65536 ? 65536 / sizeof(T) : 1;
    struct FreeChunk {
      void operator()(T* items) const { ::operator delete(static_cast<void*>(items)); }
    };
    std::vector<std::unique_ptr<T, FreeChunk>> chunks_;
    size_t used_ = 0;
    size_t capacity_ = 0;
  };

  void append(const TraceRecord& record);  // a copy of another trace's record
  // Whether to keep a record at `t_us`: false when disabled, or full (then marked truncated).
  [[nodiscard]] bool admit(model::TimeUs t_us);
  // A new last record without fields; `actor` must already be the trace's own copy.
  TraceRecord& append_record(model::TimeUs t_us, std::string_view actor, std::string_view event);
  // Copies into the chunks, each text where the last one ended.
  [[nodiscard]] std::string_view copy_text(std::string_view text);
  template <typename Texts>
  [[nodiscard]] TraceList copy_list(const Texts& items);
  [[nodiscard]] TraceValue copy_value(const TraceArgValue& value);

  bool enabled_;
  uint64_t records_max_;
  bool truncated_ = false;
  bool writing_ = false;  // a RecordWriter is open
  TraceRecords records_;
  Chunks<char> text_;
  Chunks<std::string_view> list_items_;
  Chunks<TraceField> fields_;
  // The trace's copies of actor names, placed by a hash of the text: a run has a few actors that
  // act over and over, so each name is copied about once and records of one actor share one
  // view (which lets the JSON Lines writer quote each name once).
  static constexpr size_t kActorSlots = 32;
  // Its length and its first, middle and last bytes tell a run's few actor names apart.
  [[nodiscard]] static size_t actor_slot_of(std::string_view actor) {
    if (actor.empty()) return 0;
    const auto first = static_cast<unsigned char>(actor.front());
    const auto middle = static_cast<unsigned char>(actor[actor.size() / 2]);
    const auto last = static_cast<unsigned char>(actor.back());
    return (actor.size() * 7 + first * 3 + middle * 5 + last) % kActorSlots;
  }
  // The trace's copy of an actor name; inline, since every record asks.
  [[nodiscard]] std::string_view actor_copy(std::string_view actor) {
    std::string_view& slot = actor_slots_[actor_slot_of(actor)];
    if (slot != actor) slot = copy_text(actor);
    return slot;
  }
  std::array<std::string_view, kActorSlots> actor_slots_{};
};

}  // namespace distsim::sim
