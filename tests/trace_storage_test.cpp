// The trace's storage (sim/core/trace.cpp): a record keeps every text its caller handed over only
// for the call, across chunk boundaries and for texts larger than a chunk, and a copied or moved
// trace keeps its records after the original is gone.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdint>
#include <iterator>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "model/assert.h"
#include "sim/core/trace.h"
#include "sim/core/trace_jsonl.h"

namespace distsim::sim {
namespace {

// A text that differs per index, so a record that points at another's bytes is caught.
std::string text_for(size_t index) { return "C:\\SOURCE\\file-" + std::to_string(index) + ".dat"; }

// Adds `count` records whose texts live only during each call.
void add_records(Trace& trace, size_t count) {
  for (size_t index = 0; index < count; ++index) {
    const std::vector<std::string> list{text_for(index), "second", std::string(index % 7, 'x')};
    trace.add(static_cast<model::TimeUs>(index), "holder-" + std::to_string(index % 5), "open",
              {{"path", text_for(index)},
               {"view", std::string_view("a view of a literal")},
               {"handle", static_cast<int64_t>(index)},
               {"ok", index % 2 == 0},
               {"list", list},
               {"span", std::span<const std::string>(list)}});
  }
}

void check_records(const Trace& trace, size_t count) {
  REQUIRE(trace.records().size() == count);
  for (size_t index = 0; index < count; ++index) {
    const TraceRecord& record = trace.records()[index];
    REQUIRE(record.actor == "holder-" + std::to_string(index % 5));
    REQUIRE(record.fields.size() == 6);
    REQUIRE(std::get<std::string_view>(record.fields[0].value) == text_for(index));
    REQUIRE(std::get<std::string_view>(record.fields[1].value) == "a view of a literal");
    REQUIRE(std::get<int64_t>(record.fields[2].value) == static_cast<int64_t>(index));
    REQUIRE(std::get<bool>(record.fields[3].value) == (index % 2 == 0));
    for (const size_t list_field : {size_t{4}, size_t{5}}) {
      const TraceList& list = std::get<TraceList>(record.fields[list_field].value);
      REQUIRE(list.size() == 3);
      REQUIRE(list[0] == text_for(index));
      REQUIRE(list[1] == "second");
      REQUIRE(list[2] == std::string(index % 7, 'x'));
    }
  }
}

TEST_CASE("records keep the texts their callers owned only for the call, across many chunks",
          "[trace]") {
  Trace trace(true);
  // 20,000 records of six fields: several chunks of fields, texts and list items each.
  add_records(trace, 20'000);
  check_records(trace, 20'000);
}

TEST_CASE("a text larger than a chunk is kept whole, and the records around it too", "[trace]") {
  Trace trace(true);
  add_records(trace, 10);
  const std::string large(300'000, 'L');
  trace.add(10, "world", "large", {{"text", large}});
  trace.add(11, "world", "after", {{"text", std::string("after the large text")}});
  REQUIRE(trace.records().size() == 12);
  for (size_t index = 0; index < 10; ++index) {
    REQUIRE(std::get<std::string_view>(trace.records()[index].fields[0].value) == text_for(index));
  }
  CHECK(std::get<std::string_view>(trace.records()[10].fields[0].value) == large);
  CHECK(std::get<std::string_view>(trace.records()[11].fields[0].value) == "after the large text");
}

TEST_CASE("a copied trace keeps its records and its JSON Lines after the original is gone",
          "[trace]") {
  auto original = std::make_unique<Trace>(true);
  add_records(*original, 5'000);
  const std::string jsonl = trace_to_jsonl(*original, {"copy", 1, "test"});
  const Trace copy(*original);
  Trace assigned(false);
  assigned = *original;
  Trace moved(std::move(*original));
  original.reset();
  check_records(copy, 5'000);
  check_records(assigned, 5'000);
  check_records(moved, 5'000);
  CHECK(trace_to_jsonl(copy, {"copy", 1, "test"}) == jsonl);
  CHECK(trace_to_jsonl(moved, {"copy", 1, "test"}) == jsonl);
  CHECK(assigned.enabled());
}

TEST_CASE("a moved-from trace is empty and records again without reaching the moved records",
          "[trace]") {
  // Goal: the chunks and the actor names go with a move, so that a trace moved from (a world's
  // trace handed to a checker) can record again on storage of its own.
  auto moved_to = std::make_unique<Trace>(true);
  Trace original(true);
  add_records(original, 3'000);
  *moved_to = std::move(original);
  CHECK(original.records().empty());  // NOLINT(bugprone-use-after-move): the state is specified
  add_records(original, 3'000);
  moved_to.reset();  // the moved records and their chunks are gone
  check_records(original, 3'000);
  Trace constructed(std::move(original));
  CHECK(original.records().empty());  // NOLINT(bugprone-use-after-move)
  add_records(original, 10);
  check_records(original, 10);
  check_records(constructed, 3'000);
}

TEST_CASE("records are reached alike by index and by iterator on both sides of every chunk edge",
          "[trace]") {
  // Goal: the record store's chunks double in size (64, 128, 256, ... records), so index and
  // iterator arithmetic must land on the same record at every edge, walking and jumping.
  Trace trace(true);
  constexpr size_t kCount = 64 + 128 + 256 + 512 + 1024 + 7;  // ends inside the sixth chunk
  for (size_t index = 0; index < kCount; ++index) {
    trace.record(static_cast<model::TimeUs>(index), "world", "tick")
        .number("index", static_cast<int64_t>(index));
  }
  const TraceRecords& records = trace.records();
  REQUIRE(records.size() == kCount);
  const auto index_of = [](const TraceRecord& record) {
    return static_cast<size_t>(std::get<int64_t>(record.fields[0].value));
  };
  size_t walked = 0;
  for (const TraceRecord& record : records) REQUIRE(index_of(record) == walked++);
  CHECK(walked == kCount);
  CHECK(std::distance(records.begin(), records.end()) == static_cast<std::ptrdiff_t>(kCount));
  CHECK(index_of(records.front()) == 0);
  CHECK(index_of(records.back()) == kCount - 1);
  for (const size_t edge : {size_t{64}, size_t{192}, size_t{448}, size_t{960}, size_t{1984}}) {
    for (const size_t index : {edge - 1, edge, edge + 1}) {
      const auto at = records.begin() + static_cast<std::ptrdiff_t>(index);
      CHECK(index_of(records[index]) == index);
      CHECK(index_of(*at) == index);
      CHECK(index_of(at[-1]) == index - 1);
      auto back_one = at;
      CHECK(index_of(*--back_one) == index - 1);
      CHECK(index_of(*(records.end() - static_cast<std::ptrdiff_t>(kCount - index))) == index);
    }
  }
  // Sorted by time, so a binary search over the store finds each record.
  const auto found = std::lower_bound(
      records.begin(), records.end(), model::TimeUs{1000},
      [](const TraceRecord& record, model::TimeUs t_us) { return record.t_us < t_us; });
  REQUIRE(found != records.end());
  CHECK(index_of(*found) == 1000);
}

TEST_CASE("a disabled trace keeps nothing", "[trace]") {
  Trace trace(false);
  add_records(trace, 100);
  trace.record(1, "distmgr", "log_line").text("text", "dropped").number("thread", 1);
  CHECK(trace.records().empty());
}

// The records of add_records, written field by field, with the texts gone after each record.
void write_records(Trace& trace, size_t count) {
  for (size_t index = 0; index < count; ++index) {
    const std::vector<std::string> list{text_for(index), "second", std::string(index % 7, 'x')};
    const std::vector<std::string_view> views(list.begin(), list.end());
    trace.record(static_cast<model::TimeUs>(index), "holder-" + std::to_string(index % 5), "open")
        .text("path", text_for(index))
        .text("view", "a view of a literal")
        .number("handle", static_cast<int64_t>(index))
        .flag("ok", index % 2 == 0)
        .list("list", std::span<const std::string_view>(views))
        .list("span", std::span<const std::string>(list));
  }
}

TEST_CASE("records written field by field keep their texts and equal records added whole",
          "[trace]") {
  // Goal: the record writer, which reserves room for the most fields and gives back what a
  // record did not use, leaves the same records as Trace::add, across many chunks.
  Trace written(true);
  write_records(written, 5000);
  check_records(written, 5000);
  Trace added(true);
  add_records(added, 5000);
  CHECK(trace_to_jsonl(written, {"same", 1, "test"}) == trace_to_jsonl(added, {"same", 1, "test"}));
}

TEST_CASE("records written one after another, with and without fields, stay apart", "[trace]") {
  // Goal: a writer gives back the field slots its record did not use, and the next record, written
  // or added whole, starts after the fields the last one kept.
  Trace trace(true);
  trace.record(1, "distmgr", "first");
  trace.record(2, "distmgr", "second").number("n", 2);
  trace.add(3, "distmgr", "third", {{"n", int64_t{3}}});
  trace.record(4, "world", "fourth").text("t", "four").number("n", 4);
  REQUIRE(trace.records().size() == 4);
  CHECK(trace.records()[0].fields.empty());
  REQUIRE(trace.records()[1].fields.size() == 1);
  CHECK(std::get<int64_t>(trace.records()[1].fields[0].value) == 2);
  CHECK(std::get<int64_t>(trace.records()[2].fields[0].value) == 3);
  REQUIRE(trace.records()[3].fields.size() == 2);
  CHECK(std::get<std::string_view>(trace.records()[3].fields[0].value) == "four");
  CHECK(std::get<int64_t>(trace.records()[3].fields[1].value) == 4);
}

TEST_CASE("a record cannot be added while another is being written", "[trace]") {
  // Goal: a second record while a writer is open would take the field slots the open one holds.
  Trace trace(true);
  Trace::RecordWriter open = trace.record(1, "distmgr", "open");
  CHECK_THROWS_AS(trace.add(2, "distmgr", "other", {}), AssertionFailure);
  CHECK_THROWS_AS((void)trace.record(2, "distmgr", "other"), AssertionFailure);
}

TEST_CASE("a held text is named again by later records of its trace, and only of its trace",
          "[trace]") {
  // Goal: RecordWriter::held_text shares the bytes an earlier text() copied, the JSON Lines read
  // as if each record had its own copy, and a text of another trace (which may be gone) is
  // refused.
  Trace shared(true);
  Trace copied(true);
  TraceHeldText held;
  {
    const std::string path = text_for(7);  // gone before the records are read
    shared.record(1, "distmgr", "open").text("path", path, held).number("handle", 1);
    copied.record(1, "distmgr", "open").text("path", path).number("handle", 1);
  }
  REQUIRE(held.owner == &shared);
  for (const model::TimeUs t_us : {2, 3}) {
    shared.record(t_us, "distmgr", "write").held_text("path", held).number("handle", 1);
    copied.record(t_us, "distmgr", "write").text("path", text_for(7)).number("handle", 1);
  }
  REQUIRE(shared.records().size() == 3);
  const auto path_of = [&](size_t index) {
    return std::get<std::string_view>(shared.records()[index].fields[0].value);
  };
  CHECK(path_of(0) == text_for(7));
  CHECK(path_of(2).data() == path_of(0).data());
  CHECK(trace_to_jsonl(shared, {"same", 1, "test"}) == trace_to_jsonl(copied, {"same", 1, "test"}));
  Trace other(true);
  CHECK_THROWS_AS(other.record(1, "distmgr", "write").held_text("path", held), AssertionFailure);
  Trace disabled(false);
  disabled.record(1, "distmgr", "open").text("path", "C:\\x", held);
  CHECK(held.owner == nullptr);
}

}  // namespace
}  // namespace distsim::sim
