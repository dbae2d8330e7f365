// The record kinds the checkers skip records by (History::kinds): each actor and event name the
// trace writes is read as the kind its checkers expect, so no record hides from them.
#include <catch2/catch.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sim/check/invariants_internal.h"
#include "sim/fs/vfs.h"

namespace distsim::testing {
namespace {

TEST_CASE("each record is read as the actor and event the checkers tell apart", "[invariants]") {
  // Goal: the kinds the checkers skip records by name the events the trace writes; a kind read
  // wrongly would hide records from every checker at once. Method: the VFS operations through
  // the VFS's own names, every other name through its literal, an unknown event and the actors.
  using sim::VfsOperation;
  using sim::invariant_detail::kind_of;
  using sim::invariant_detail::RecordActor;
  using sim::invariant_detail::RecordEvent;
  const auto kind = [](std::string_view actor, std::string_view event) {
    sim::TraceRecord record;
    record.actor = actor;
    record.event = event;
    return kind_of(record);
  };
  const std::vector<std::pair<VfsOperation, RecordEvent>> vfs_events = {
      {VfsOperation::open, RecordEvent::open},
      {VfsOperation::close, RecordEvent::close},
      {VfsOperation::read, RecordEvent::read},
      {VfsOperation::write, RecordEvent::write},
      {VfsOperation::delete_file, RecordEvent::delete_file},
      {VfsOperation::rename, RecordEvent::rename},
      {VfsOperation::remove_directory, RecordEvent::remove_directory},
      {VfsOperation::list_directory, RecordEvent::list_directory},
  };
  for (const auto& [operation, event] : vfs_events) {
    // A copy of the name: the kind must not depend on the caller's literal being the trace's.
    const std::string name(sim::vfs_operation_name(operation));
    INFO(name);
    CHECK(kind("explorer", name).is(RecordActor::holder, event));
  }
  const std::vector<std::pair<std::string, RecordEvent>> named = {
      {"log_line", RecordEvent::log_line},
      {"status_message", RecordEvent::status_message},
      {"dp_state", RecordEvent::dp_state},
      {"retry_scheduled", RecordEvent::retry_scheduled},
      {"pass_start", RecordEvent::pass_start},
      {"pass_end", RecordEvent::pass_end},
      {"notification", RecordEvent::notification},
      {"crash", RecordEvent::crash},
      {"restart", RecordEvent::restart},
      {"fault_start", RecordEvent::fault_start},
      {"fault_end", RecordEvent::fault_end},
  };
  for (const auto& [name, event] : named) {
    INFO(name);
    CHECK(kind(std::string(sim::kManagerActorName), name).is(RecordActor::manager, event));
    CHECK(kind(std::string("world"), name).is(RecordActor::world, event));
    CHECK(kind(std::string("dp:DP01"), name).is(RecordActor::distribution_point, event));
  }
  CHECK(kind("distmgr", "get_attributes").event == RecordEvent::other);
  CHECK(kind("distmgr", "opened").event == RecordEvent::other);
  CHECK(kind("worlds", "crash").actor == RecordActor::holder);
}

}  // namespace
}  // namespace distsim::testing
