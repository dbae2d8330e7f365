// Trace records: their fields, texts and lists copied into chunks the trace owns.
#include "sim/core/trace.h"

#include <algorithm>
#include <bit>
#include <cstdint>
#include <memory>
#include <utility>

#include "model/assert.h"
#include "model/copy_bytes.h"
#include "sim/core/limits.h"

namespace distsim::sim {

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
  static_assert(alignof(T) <= __STDCPP_DEFAULT_NEW_ALIGNMENT__);
  std::unique_ptr<T, FreeChunk> chunk(static_cast<T*>(::operator new(capacity * sizeof(T))));
  chunks_.push_back(std::move(chunk));
  used_ = count;
  capacity_ = capacity;
  return chunks_.back().get();
}

void TraceRecords::add_chunk() {
  static_assert(std::is_trivially_destructible_v<TraceRecord>);
  static_assert(alignof(TraceRecord) <= __STDCPP_DEFAULT_NEW_ALIGNMENT__);
  DISTSIM_ASSERT(place_of(size_).offset == 0);
  DISTSIM_ASSERT(place_of(size_).chunk == chunks_.size());
  const size_t records = chunk_records(chunks_.size());
  std::unique_ptr<TraceRecord, FreeChunk> chunk(
      static_cast<TraceRecord*>(::operator new(records * sizeof(TraceRecord))));
  // Kept first, pointed at after: a push_back that throws frees the chunk and leaves next_.
  chunks_.push_back(std::move(chunk));
  next_ = chunks_.back().get();
  chunk_end_ = next_ + records;
}

Trace::Trace(const Trace& other)
    : enabled_(other.enabled_), records_max_(other.records_max_), truncated_(other.truncated_) {
  for (const TraceRecord& record : other.records_) append(record);
}

Trace::Trace(Trace&& other) noexcept
    : enabled_(other.enabled_),
      records_max_(other.records_max_),
      truncated_(std::exchange(other.truncated_, false)),
      records_(std::move(other.records_)),
      text_(std::move(other.text_)),
      list_items_(std::move(other.list_items_)),
      fields_(std::move(other.fields_)),
      actor_slots_(std::exchange(other.actor_slots_, {})) {
  DISTSIM_ASSERT(!other.writing_);
}

Trace& Trace::operator=(Trace&& other) noexcept {
  DISTSIM_ASSERT(!writing_ && !other.writing_);
  if (this == &other) return *this;
  enabled_ = other.enabled_;
  records_max_ = other.records_max_;
  truncated_ = std::exchange(other.truncated_, false);
  records_ = std::move(other.records_);
  text_ = std::move(other.text_);
  list_items_ = std::move(other.list_items_);
  fields_ = std::move(other.fields_);
  actor_slots_ = std::exchange(other.actor_slots_, {});
  return *this;
}

Trace& Trace::operator=(const Trace& other) {
  DISTSIM_ASSERT(!writing_ && !other.writing_);
  if (this != &other) *this = Trace(other);
  return *this;
}

std::string_view Trace::copy_text(std::string_view text) {
  if (text.empty()) return {};
  char* const stored = text_.allocate(text.size());
  model::copy_bytes(stored, text.data(), text.size());
  return {stored, text.size()};
}

template <typename Texts>
TraceList Trace::copy_list(const Texts& items) {
  std::string_view* const stored = list_items_.allocate(items.size());
  std::string_view* next = stored;
  for (const auto& item : items) std::construct_at(next++, copy_text(item));
  return TraceList({stored, items.size()});
}

TraceValue Trace::copy_value(const TraceArgValue& value) {
  switch (value.index()) {
    case 0:
      return *std::get_if<int64_t>(&value);
    case 1:
      return *std::get_if<bool>(&value);
    case 2:
      return copy_text(*std::get_if<std::string_view>(&value));
    case 3:
      return copy_text(*std::get_if<std::string>(&value));
    case 4:
      return copy_list(*std::get_if<std::vector<std::string>>(&value));
    case 5:
      return copy_list(*std::get_if<std::span<const std::string>>(&value));
    default:
      return copy_list(*std::get_if<std::span<const std::string_view>>(&value));
  }
}

bool Trace::admit(model::TimeUs t_us) {
  if (!enabled_) return false;
  DISTSIM_ASSERT(!writing_);
  if (records_.size() >= records_max_) {
    truncated_ = true;
    return false;
  }
  DISTSIM_ASSERT(records_.empty() || records_.last().t_us <= t_us);
  return true;
}

TraceRecord& Trace::append_record(model::TimeUs t_us, std::string_view actor,
                                  std::string_view event) {
  // Member by member into the record's own slot: a TraceRecord built on the stack and copied in
  // is read back in 16-byte halves just after being stored in 8-byte parts, which stalls.
  TraceRecord& record = records_.emplace_back();
  record.t_us = t_us;
  record.actor = actor;
  record.event = event;
  return record;
}

void Trace::add(model::TimeUs t_us, std::string_view actor, std::string_view event,
                std::span<const TraceArg> fields) {
  if (!admit(t_us)) return;
  const std::string_view stored_actor = actor_copy(actor);
  TraceField* stored = fields_.allocate(fields.size());
  for (size_t index = 0; index < fields.size(); ++index) {
    // In place, as RecordWriter::push does.
    ::new (static_cast<void*>(stored + index))
        TraceField{fields[index].key, copy_value(fields[index].value)};
  }
  TraceRecord& record = append_record(t_us, stored_actor, event);
  record.fields = {stored, fields.size()};
}

Trace::RecordWriter Trace::record(model::TimeUs t_us, std::string_view actor,
                                  std::string_view event) {
  if (!admit(t_us)) return RecordWriter(nullptr, nullptr);
  // Everything that may throw comes before the trace is marked as being written.
  TraceField* const fields = fields_.allocate(TraceArgs::kFieldsMax);
  append_record(t_us, actor_copy(actor), event);
  writing_ = true;
  return RecordWriter(this, fields);
}

Trace::RecordWriter::~RecordWriter() {
  if (trace_ == nullptr) return;
  trace_->records_.last().fields = {fields_, size_};
  trace_->fields_.give_back(TraceArgs::kFieldsMax - size_);
  trace_->writing_ = false;
}

Trace::RecordWriter& Trace::RecordWriter::number(std::string_view key, int64_t value) {
  if (trace_ != nullptr) push(key, value);
  return *this;
}

Trace::RecordWriter& Trace::RecordWriter::flag(std::string_view key, bool value) {
  if (trace_ != nullptr) push(key, value);
  return *this;
}

Trace::RecordWriter& Trace::RecordWriter::text(std::string_view key, std::string_view value) {
  if (trace_ != nullptr) push(key, trace_->copy_text(value));
  return *this;
}

Trace::RecordWriter& Trace::RecordWriter::text(std::string_view key, std::string_view value,
                                               TraceHeldText& held) {
  held = {};
  if (trace_ != nullptr) push_handed_out(key, trace_->copy_text(value), held);
  return *this;
}

Trace::RecordWriter& Trace::RecordWriter::held_text(std::string_view key,
                                                    const TraceHeldText& held) {
  if (trace_ != nullptr) push_held(key, held);
  return *this;
}

Trace::RecordWriter& Trace::RecordWriter::list(std::string_view key,
                                               std::span<const std::string_view> items) {
  if (trace_ != nullptr) push(key, trace_->copy_list(items));
  return *this;
}

Trace::RecordWriter& Trace::RecordWriter::list(std::string_view key,
                                               std::span<const std::string> items) {
  if (trace_ != nullptr) push(key, trace_->copy_list(items));
  return *this;
}

Trace::RecordWriter& Trace::RecordWriter::list(std::string_view key,
                                               std::span<const std::string_view> items,
                                               TraceHeldList& held) {
  held = {};
  if (trace_ != nullptr) push_handed_out(key, trace_->copy_list(items), held);
  return *this;
}

Trace::RecordWriter& Trace::RecordWriter::held_list(std::string_view key,
                                                    const TraceHeldList& held) {
  if (trace_ != nullptr) push_held(key, held);
  return *this;
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

}  // namespace distsim::sim
