// Builds and runs one world. The World object implements the manager's scheduler and reporter
// ports over the kernel and the trace; the VFS observer turns file operations into trace records.
#include "sim/world/world.h"

#include <fmt/compile.h>
#include <fmt/format.h>

#include <map>
#include <memory>

#include "model/assert.h"
#include "model/distribution_manager.h"
#include "sim/fs/vfs.h"
#include "sim/holders/holder_factory.h"
#include "sim/world/memory_state_store.h"
#include "sim/world/pass_records.h"
#include "sim/world/vfs_trace.h"
#include "sim/world/world_setup.h"

namespace distsim::sim {
namespace {

// Building the world cannot fail for a scenario the loader accepted, so a refusal here is a bug.
// The call happens outside the assertion so that its side effect never hides inside a check.
void require_built(Win32Error error) { DISTSIM_ASSERT(error == Win32Error::ok); }

constexpr std::string_view kManagerActor = kManagerActorName;

// DP names compare case-insensitively, as the loader does; the manager knows the declared
// spelling only.
const DistributionPointSpec* find_dp(const Scenario& scenario, const std::string& name) {
  const std::string key = upper_ascii(name);
  for (const DistributionPointSpec& dp : scenario.distribution_points) {
    if (upper_ascii(dp.name) == key) return &dp;
  }
  return nullptr;
}

std::vector<std::string> declared_dp_names(const Scenario& scenario,
                                           const std::vector<std::string>& names) {
  std::vector<std::string> declared;
  for (const std::string& name : names) {
    const DistributionPointSpec* dp = find_dp(scenario, name);
    DISTSIM_ASSERT(dp != nullptr);  // the loader checks DP references
    declared.push_back(dp->name);
  }
  return declared;
}

class World final : public model::SchedulerPort, public model::ReporterPort, public VfsObserver {
 public:
  World(const Scenario& scenario, const RunOptions& options, RunResult& result);
  void run();
  // Ends the run after the event under way: it kept `kept` of `what`, as many as `limit` allows.
  void stop_at_limit(uint64_t kept, std::string_view what, std::string_view limit);

  // SchedulerPort
  [[nodiscard]] TimeUs now() const override { return kernel_.now(); }
  void wake_at(TimeUs at_us, model::WakeToken token) override {
    kernel_.schedule(at_us, *manager_wakes_.back(), token.value);
  }
  // ReporterPort
  void pass_started(const model::PassStartReport& report) override;
  void pass_ended(const model::PassEndReport& report) override;
  void dp_copy_started(const model::DpCopyStartReport& report) override;
  void dp_copy_ended(const model::DpCopyEndReport& report) override;
  void dp_copy_superseded(const model::DpCopySupersededReport& report) override;
  void retry_scheduled(const model::RetryScheduledReport& report) override;
  void dp_state_changed(const model::DpStateReport& report) override;
  void status_message(model::StatusMessage message) override;
  void log_line(model::LogLineReport line) override;
  // VfsObserver
  void on_vfs_event(const VfsEvent& event) override;
  void trace_vfs_event(const VfsEvent& event);
  void note_disconnect(const VfsEvent& event);

 private:
  class ManagerWakes final : public EventTarget {
   public:
    explicit ManagerWakes(World& world) : world_(world) {}
    void on_event(uint64_t payload) override {
      if (alive) world_.manager_->on_wake({payload});  // a dead process's timers never fire
    }
    bool alive = true;

   private:
    World& world_;
  };
  // Fault starts (even payloads) and ends (odd payloads), by index in scenario.faults.
  class FaultInjector final : public EventTarget {
   public:
    explicit FaultInjector(World& world) : world_(world) {}
    void on_event(uint64_t payload) override {
      world_.apply_fault(payload >> 1, (payload & 1) == 0);
    }

   private:
    World& world_;
  };
  class PackageArrivals final : public EventTarget {
   public:
    explicit PackageArrivals(World& world) : world_(world) {}
    void on_event(uint64_t payload) override { world_.package_arrives(payload); }

   private:
    World& world_;
  };

  void build_filesystem();
  void build_distribution_points();
  void build_holders();
  void package_arrives(uint64_t package_index);
  void schedule_faults();
  void start_manager(bool recovering);
  void crash_manager();
  void restart_manager();
  [[nodiscard]] std::optional<std::string> file_with_streams(const std::string& package_id) const;
  void apply_fault(uint64_t fault_index, bool starting);
  void capture_final_files();
  void trace_notification(const PackageEvent& event);
  void record(std::string_view event, const TraceArgs& fields) {
    result_.trace.add(kernel_.now(), kManagerActor, event, fields);
  }
  void record(std::string_view event, std::initializer_list<TraceArg> fields) {
    result_.trace.add(kernel_.now(), kManagerActor, event, fields);
  }

  const Scenario& scenario_;
  RunResult& result_;
  Kernel kernel_;
  VirtualFileSystem vfs_;
  ActorId manager_actor_;
  ActorFileSystem manager_files_;
  Prng manager_random_;
  MemoryStateStore state_store_;
  std::unique_ptr<model::DistributionManager> manager_;  // null while the process is down
  TimeUs stopped_us_ = 0;                                // when the process last died
  std::vector<model::DistributionPointDefinition> distribution_points_;
  std::vector<uint64_t> pending_notifications_;  // package events that arrived while down
  std::map<std::pair<std::string, bool>, int> active_faults_;  // (DP, unreachable?) -> count
  int manager_outages_ = 0;  // crashes whose outage lasts: the manager restarts when none does
  std::vector<std::unique_ptr<Holder>> holders_;
  // The holders that react to file operations, each with the events it asked for: a holder is
  // shown only those, whatever the others asked for, as in its own tests.
  struct VfsWatcher {
    Holder* holder = nullptr;
    VfsInterest interest;
  };
  std::vector<VfsWatcher> vfs_watchers_;
  ActorKinds actor_kinds_;  // who each VFS actor is, for blame
  VfsTraceRecorder vfs_trace_{result_.trace, vfs_, actor_kinds_};
  PassRecorder passes_{result_.passes};
  // One wake-up target per manager process; the kernel may still hold events for dead ones.
  std::vector<std::unique_ptr<ManagerWakes>> manager_wakes_;
  PackageArrivals package_arrivals_{*this};
  FaultInjector fault_injector_{*this};
  uint64_t event_budget_;
  KeptRecordLimits kept_;
  bool capture_files_;
  const std::function<bool()>& abandon_;
};

World::World(const Scenario& scenario, const RunOptions& options, RunResult& result)
    : scenario_(scenario),
      result_(result),
      vfs_(kernel_, VfsOptions{false, false}),  // no access log: the trace records operations
      manager_actor_(vfs_.register_actor(std::string(kManagerActor))),
      manager_files_(vfs_, manager_actor_),
      manager_random_(Prng::stream(
          result.seed ^ (options.planted_entropy ? options.planted_entropy() : 0), "distmgr")),
      event_budget_(options.event_budget),
      kept_(options.kept),
      capture_files_(options.capture_files.value_or(options.trace)),
      abandon_(options.abandon) {
  vfs_.set_observer(this);
  actor_kinds_.add(manager_actor_, std::string(kManagerHolderKind), RmAppType::service);
  build_distribution_points();  // first: filesystem entries may live on DP shares
  build_filesystem();
  start_manager(false);
  build_holders();
  schedule_faults();
  for (size_t index = 0; index < scenario_.packages.size(); ++index) {
    const PackageEvent& event = scenario_.packages[index];
    if (event.at_us <= result_.until_us) kernel_.schedule(event.at_us, package_arrivals_, index);
  }
}

void World::build_filesystem() {
  // A drive is as big as it must be to hold what the scenario puts on it, plus the default
  // capacity free (shares get their DP's `free`; unsupported_features() refuses overflows).
  for (const auto& [root, bytes] : bytes_per_root(scenario_)) {
    if (root.size() != 2 || root[1] != ':') continue;
    const uint64_t capacity_bytes = VolumeOptions{}.capacity_bytes + bytes;
    require_built(vfs_.add_volume({root, capacity_bytes}));
  }
  for (const FilesystemEntry& entry : scenario_.filesystem) {
    switch (entry.kind) {
      case FilesystemEntry::Kind::dir:
        require_built(vfs_.make_directories(entry.path));
        break;
      case FilesystemEntry::Kind::file:
        require_built(vfs_.make_file(
            entry.path, {entry.size_bytes, vfs_.new_content_version(), entry.alternate_streams},
            entry.read_only));
        break;
      case FilesystemEntry::Kind::tree: {
        DISTSIM_ASSERT(entry.file_count >= 1);
        require_built(vfs_.make_directories(entry.path));
        const model::FolderHint folder = vfs_.folder_hint(entry.path);
        const uint64_t each = entry.size_bytes / entry.file_count;
        const uint64_t extra = entry.size_bytes % entry.file_count;
        for (uint32_t index = 0; index < entry.file_count; ++index) {
          const uint64_t size_bytes = each + (index < extra ? 1 : 0);
          const std::string path =
              fmt::format(FMT_COMPILE("{}\\file{:05}.dat"), entry.path, index + 1);
          require_built(
              vfs_.make_file(path, {size_bytes, vfs_.new_content_version()}, false, folder));
        }
        break;
      }
    }
  }
}

void World::build_distribution_points() {
  for (const DistributionPointSpec& dp : scenario_.distribution_points) {
    const std::string share = dp_share_for(dp);
    require_built(vfs_.add_volume({share, dp.free_bytes}));
    distribution_points_.push_back(
        {dp.name, share, dp.bandwidth_bits_per_second / 8, /*forced_disconnect=*/!dp.netware});
  }
}

void World::build_holders() {
  const HolderContext context{kernel_,          vfs_,        result_.trace, result_.holder_findings,
                              result_.until_us, result_.seed};
  for (const HolderSpec& spec : scenario_.holders) {
    holders_.push_back(make_holder(context, spec));
    actor_kinds_.add(holders_.back()->actor(), std::string(enum_name(kHolderKindNames, spec.kind)),
                     rm_app_type_of(spec.kind));
    // Scanners, indexers and backup agents run on the machine whose files they watch: a forced
    // disconnect of a DP's users ends network sessions, not theirs (an assumption,
    // sim/fs/README.md).
    if (spec.kind == HolderKind::antivirus || spec.kind == HolderKind::indexer ||
        spec.kind == HolderKind::backup) {
      vfs_.mark_server_process(holders_.back()->actor());
      result_.server_processes.push_back(vfs_.actor_name(holders_.back()->actor()));
    }
  }
  // The world itself sees every event when it traces them, else only refusals (a manager's
  // refused operation is what a pass's failure names).
  VfsInterest interest{result_.trace.enabled() ? VfsInterest::kAllOperations : 0, true};
  for (auto& holder : holders_) {
    const VfsInterest wanted = holder->vfs_interest();
    if (wanted.none()) continue;
    vfs_watchers_.push_back({holder.get(), wanted});
    interest = interest.union_with(wanted);
  }
  vfs_.set_observer(this, interest);
  for (auto& holder : holders_) holder->start();
}

void World::start_manager(bool recovering) {
  DISTSIM_ASSERT(manager_ == nullptr);
  manager_wakes_.push_back(std::make_unique<ManagerWakes>(*this));
  manager_ = std::make_unique<model::DistributionManager>(
      result_.site,
      model::ManagerPorts{manager_files_, *this, *this, manager_random_, state_store_});
  for (const auto& dp : distribution_points_) manager_->add_distribution_point(dp);
  if (recovering) manager_->recover(stopped_us_);
}

// The process dies: its handles close (Windows closes a dead process's handles), its timers and
// in-memory work vanish, and only the state store remains.
void World::crash_manager() {
  if (manager_ == nullptr) return;
  result_.trace.add(kernel_.now(), kWorldActorName, "crash",
                    {{"process", std::string_view("distribution_manager")}});
  stopped_us_ = kernel_.now();
  for (const HandleId handle : vfs_.open_handles_of(manager_actor_))
    vfs_.close(manager_actor_, handle);
  passes_.interrupt_running(kernel_.now());
  result_.manager_downtimes.push_back({kernel_.now(), std::nullopt});
  manager_wakes_.back()->alive = false;
  manager_.reset();
}

void World::restart_manager() {
  if (manager_ != nullptr) return;
  result_.trace.add(kernel_.now(), kWorldActorName, "restart",
                    {{"process", std::string_view("distribution_manager")}});
  DISTSIM_ASSERT(!result_.manager_downtimes.empty());
  result_.manager_downtimes.back().restarted_us = kernel_.now();
  start_manager(true);
  const std::vector<uint64_t> pending = std::move(pending_notifications_);
  pending_notifications_.clear();
  for (const uint64_t package_index : pending) package_arrives(package_index);
}

void World::package_arrives(uint64_t package_index) {
  const PackageEvent& event = scenario_.packages.at(package_index);
  if (event.kind == PackageEvent::Kind::delete_retry_history) {
    // A registry edit, not a notification: it needs no manager process.
    RunResult::RetryHistoryDeletion deletion{event.id, kernel_.now(),
                                             state_store_.delete_retry_history(event.id)};
    for (const PassRecord& pass : result_.passes) {
      if (pass.package_id != event.id) continue;
      ++deletion.passes_before;
      deletion.last_pass_over = pass.end_us.has_value();
    }
    result_.retry_history_deletions.push_back(std::move(deletion));
    result_.trace.add(kernel_.now(), kWorldActorName, "retry_history_deleted",
                      {{"package", std::string_view(event.id)}});
    return;
  }
  if (manager_ == nullptr) {  // the inbox keeps the notification until the process is back
    pending_notifications_.push_back(package_index);
    return;
  }
  trace_notification(event);
  switch (event.kind) {
    case PackageEvent::Kind::create:
      manager_->package_created({event.id, event.name, event.source,
                                 declared_dp_names(scenario_, event.distribution_points),
                                 event.compressed, event.disconnect_users_after});
      return;
    case PackageEvent::Kind::update:
      manager_->package_updated(event.id);
      return;
    case PackageEvent::Kind::refresh:
      manager_->package_refreshed(event.id,
                                  declared_dp_names(scenario_, event.distribution_points));
      return;
    case PackageEvent::Kind::delete_retry_history:
      break;  // handled above: reaching here is a bug, which the assertion below reports
  }
  DISTSIM_ASSERT(false);
}

// The notification as the manager receives it, so checkers see where each retry cycle begins.
void World::trace_notification(const PackageEvent& event) {
  if (!result_.trace.enabled()) return;
  constexpr std::string_view kKindNames[] = {"create", "update", "refresh"};
  TraceArgs fields{{"kind", kKindNames[static_cast<size_t>(event.kind)]},
                   {"package", std::string_view(event.id)}};
  if (event.kind == PackageEvent::Kind::create) {
    fields.push_back({"source", std::string_view(event.source)});
    if (event.compressed) fields.push_back({"compressed", true});
  }
  fields.push_back({"dps", declared_dp_names(scenario_, event.distribution_points)});
  if (event.disconnect_users_after) {
    fields.push_back({"disconnect_users", static_cast<int64_t>(*event.disconnect_users_after)});
  }
  result_.trace.add(kernel_.now(), kWorldActorName, "notification", fields);
}

void World::schedule_faults() {
  // Every start before every end: events at one instant run in the order scheduled, so a fault
  // that starts as another of its kind ends joins it into one outage, whatever order the
  // scenario lists them in.
  for (size_t index = 0; index < scenario_.faults.size(); ++index) {
    const FaultSpec& fault = scenario_.faults[index];
    if (fault.at_us <= result_.until_us) kernel_.schedule(fault.at_us, fault_injector_, index << 1);
  }
  for (size_t index = 0; index < scenario_.faults.size(); ++index) {
    const FaultSpec& fault = scenario_.faults[index];
    const auto lasts_us =
        fault.kind == FaultSpec::Kind::crash ? fault.restart_after_us : fault.for_us;
    if (lasts_us && fault.at_us + *lasts_us <= result_.until_us) {
      kernel_.schedule(fault.at_us + *lasts_us, fault_injector_, (index << 1) | 1);
    }
  }
}

// DP faults act on the DP's share volume: the manager then meets them as Win32 errors
// (ERROR_BAD_NETPATH, ERROR_DISK_FULL) through the file system like any other refusal.
void World::apply_fault(uint64_t fault_index, bool starting) {
  const FaultSpec& fault = scenario_.faults.at(fault_index);
  if (fault.kind == FaultSpec::Kind::crash) {
    // Overlapping outages, as overlapping DP faults: a crash while the manager is down changes
    // nothing but when it comes back, as the last outage ends (never, after a crash without
    // `restart_after`, whose outage never ends).
    manager_outages_ += starting ? 1 : -1;
    DISTSIM_ASSERT(manager_outages_ >= 0);
    if (starting) {
      crash_manager();
    } else if (manager_outages_ == 0) {
      restart_manager();
    }
    return;
  }
  const DistributionPointSpec* dp = find_dp(scenario_, fault.target);
  DISTSIM_ASSERT(dp != nullptr);  // the loader checks DP names
  const std::string share = dp_share_for(*dp);
  const bool unreachable = fault.kind == FaultSpec::Kind::dp_unreachable;
  const std::string_view name = unreachable ? "dp_unreachable" : "dp_disk_full";
  // Overlapping faults of one kind on one DP: the DP recovers when the last of them ends.
  int& active = active_faults_[{upper_ascii(dp->name), unreachable}];
  active += starting ? 1 : -1;
  DISTSIM_ASSERT(active >= 0);
  if (unreachable) {
    require_built(vfs_.set_volume_reachable(share, active == 0));
  } else {
    DISTSIM_ASSERT(fault.kind == FaultSpec::Kind::dp_disk_full);
    require_built(vfs_.set_volume_capacity(share, active > 0 ? 0 : dp->free_bytes));
  }
  // The DP is the actor: its volume went away or filled up (the manager's crash, by contrast, is
  // recorded by the world, which stops the process).
  result_.trace.add(kernel_.now(), fmt::format("{}{}", kDistributionPointActorPrefix, dp->name),
                    starting ? "fault_start" : "fault_end",
                    {{"fault", name}, {"target", std::string_view(fault.target)}});
}

void World::stop_at_limit(uint64_t kept, std::string_view what, std::string_view limit) {
  if (result_.limit_reached.empty()) {
    result_.limit_reached = fmt::format("{} {} ({})", kept, what, limit);
  }
  kernel_.stop(RunOutcome::record_limit_hit);
}

void World::run() {
  result_.outcome = kernel_.run_until(result_.until_us, event_budget_, abandon_);
  result_.ended_us = kernel_.now();
  result_.events_executed = kernel_.events_executed();
  if (result_.outcome == RunOutcome::abandoned) return;  // nothing will judge it
  for (auto& holder : holders_) holder->finish();
  if (manager_ != nullptr) {
    result_.packages = manager_->package_statuses();
  } else {
    for (const auto& stored : state_store_.load_packages())
      result_.packages.push_back(stored.status);
  }
  // The handle table comes from the VFS: a dead process holds nothing because Windows closed its
  // handles, not because the world says so, and a live one cannot hide a handle it forgot.
  std::vector<ActorId> actors{manager_actor_};
  for (const auto& holder : holders_) actors.push_back(holder->actor());
  result_.open_handles = open_handle_table(vfs_, actors);
  result_.manager_open_handles_at_end =
      static_cast<uint32_t>(vfs_.open_handles_of(manager_actor_).size());
  result_.distribution_points = distribution_points_;
  result_.component_status = model::component_status(
      model::count_severities(result_.status_messages), result_.site.status_thresholds);
  for (size_t index = 0; index < result_.retry_history_deletions.size(); ++index) {
    result_.retry_history_deletions[index].found_by_manager = state_store_.deletion_found(index);
  }
  if (capture_files_) capture_final_files();
}

// KB Q316316: a site whose compression cannot write alternate data streams fails the pass with
// 998 and refuses no file operation; the file to blame is one of the source's with streams, as
// the file system holds it now.
std::optional<std::string> World::file_with_streams(const std::string& package_id) const {
  if (!result_.site.streams_fail_compression) return std::nullopt;
  for (const PackageEvent& event : scenario_.packages) {
    if (event.kind != PackageEvent::Kind::create || event.id != package_id) continue;
    for (const FinalFile& file : files_below(vfs_, {event.source})) {
      if (file.second.alternate_streams > 0) return file.first;
    }
  }
  return std::nullopt;
}

void World::capture_final_files() {
  result_.files_captured = true;
  std::vector<std::string> roots;
  for (const PackageEvent& event : scenario_.packages) {
    if (event.kind != PackageEvent::Kind::create) continue;
    roots.push_back(event.source);
    if (!vfs_.is_directory(event.source)) result_.missing_sources.push_back(event.source);
    const VirtualFileSystem::TreeShape shape = vfs_.tree_shape(event.source);
    if (shape.deepest_directory > model::kSourceDirectoryDepthMax ||
        shape.files > model::kSourceFilesPerPackageMax) {
      result_.oversized_sources.push_back(event.source);
    }
  }
  roots.push_back(result_.site.package_store);
  for (const DistributionPointSpec& dp : scenario_.distribution_points)
    roots.push_back(dp_share_for(dp));
  result_.final_files = files_below(vfs_, roots);
  for (const std::string& root : roots) {
    for (std::string& path : vfs_.read_only_files_under(root)) {
      result_.read_only_files.push_back(std::move(path));
    }
  }
  for (const model::DistributionPointDefinition& dp : distribution_points_) {
    // value() asserts: the world added every DP's share as a volume.
    result_.dp_free_bytes.push_back(vfs_.volume_free_bytes(dp.share).value());
  }
}

void World::pass_started(const model::PassStartReport& report) {
  passes_.started(report, kernel_.now());
  if (result_.passes.size() >= kept_.passes)
    stop_at_limit(kept_.passes, "passes", "kPassesKeptMax");
  TraceArgs fields{{"package", std::string_view(report.package_id)},
                   {"attempt", static_cast<int64_t>(report.attempt)}};
  // DP retries copying without a processing thread: a span of work with no 2300/2301/2302.
  if (report.dp_retries) fields.push_back({"dp_retries", true});
  if (report.thread_id != 0) fields.push_back({"thread", static_cast<int64_t>(report.thread_id)});
  record("pass_start", fields);
}

void World::dp_copy_started(const model::DpCopyStartReport& report) {
  passes_.copy_started(report, kernel_.now());
}

void World::dp_copy_ended(const model::DpCopyEndReport& report) {
  passes_.copy_ended(report, kernel_.now());
  if (!result_.trace.enabled()) return;  // fast runs build no trace fields at all
  TraceArgs fields{{"package", report.package_id},
                   {"dp", report.dp_name},
                   {"win32", static_cast<int64_t>(model::win32_code(report.error))}};
  if (report.superseded) fields.push_back({"superseded", true});
  record("dp_copy_end", fields);
}

void World::dp_copy_superseded(const model::DpCopySupersededReport& report) {
  passes_.copy_superseded(report);
  record("dp_copy_superseded", {{"package", report.package_id}, {"dp", report.dp_name}});
}

void World::pass_ended(const model::PassEndReport& report) {
  PassRecord& pass = passes_.ended(report, kernel_.now());
  if (report.error == Win32Error::noaccess && !pass.refusal) {
    pass.streams_file = file_with_streams(report.package_id);
  }
  record("pass_end", {{"package", std::string_view(report.package_id)},
                      {"attempt", static_cast<int64_t>(report.attempt)},
                      {"result", model::pass_result_name(report.result)},
                      {"win32", static_cast<int64_t>(model::win32_code(report.error))}});
}

void World::retry_scheduled(const model::RetryScheduledReport& report) {
  passes_.retry_scheduled(report);
  TraceArgs fields{{"package", std::string_view(report.package_id)}};
  if (!report.dp_name.empty()) fields.push_back({"dp", std::string_view(report.dp_name)});
  fields.push_back({"attempt", static_cast<int64_t>(report.attempt)});
  fields.push_back({"at_us", report.at_us});
  if (report.pulled_forward) fields.push_back({"pulled_forward", true});
  record("retry_scheduled", fields);
}

void World::dp_state_changed(const model::DpStateReport& report) {
  if (!result_.trace.enabled()) return;  // fast runs build no trace fields at all
  record("dp_state", {{"package", std::string_view(report.package_id)},
                      {"dp", std::string_view(report.dp_name)},
                      {"state", std::string_view(report.state)}});
}

void World::status_message(model::StatusMessage handed) {
  result_.status_messages.push_back(std::move(handed));
  if (result_.status_messages.size() >= kept_.status_messages) {
    stop_at_limit(kept_.status_messages, "status messages", "kStatusMessagesKeptMax");
  }
  if (!result_.trace.enabled()) return;
  const model::StatusMessage& message = result_.status_messages.back();
  const char severity = model::severity_letter(message.severity);
  Trace::RecordWriter record = result_.trace.record(kernel_.now(), kManagerActor, "status_message");
  record.number("id", static_cast<int64_t>(message.id))
      .text("severity", std::string_view(&severity, 1))
      .text("component", message.component);
  if (!message.package_id.empty()) record.text("package", message.package_id);
  if (!message.dp_name.empty()) record.text("dp", message.dp_name);
  record.text("text", message.text)
      .list("insertions", std::span<const std::string>(message.insertion_strings));
}

void World::log_line(model::LogLineReport line) {
  if (result_.log_lines.size() + 1 >= kept_.log_lines) {
    stop_at_limit(kept_.log_lines, "Distmgr.log lines", "kLogLinesKeptMax");
  }
  if (result_.trace.enabled()) {
    result_.trace.record(kernel_.now(), kManagerActor, "log_line")
        .text("text", line.text)
        .number("thread", static_cast<int64_t>(line.thread_id));
  }
  // Filled in its slot, as the trace's records are (Trace::append_record says why).
  LogLine& kept = result_.log_lines.emplace_back();
  kept.t_us = kernel_.now();
  kept.text = std::move(line.text);
  kept.thread_id = line.thread_id;
  kept.severity = line.severity;
}

void World::on_vfs_event(const VfsEvent& event) {
  if (event.actor == manager_actor_ && event.result != Win32Error::ok) {
    passes_.manager_refused(Refusal{event.t_us, std::string(vfs_operation_name(event.operation)),
                                    event.path(), event.result,
                                    actor_kinds_.culprits(vfs_, vfs_.last_blame())});
  }
  if (event.disconnected) note_disconnect(event);
  trace_vfs_event(event);  // before the holders react, so the trace shows cause before effect
  for (const VfsWatcher& watcher : vfs_watchers_) {
    if (watcher.interest.wants(event)) watcher.holder->on_vfs_event(event);
  }
}

// A forced disconnect ends handles only below a package's folder on a DP, during a copy of that
// package, so a pass (or span of DP retries) of it is running.
void World::note_disconnect(const VfsEvent& event) {
  const std::string& path = event.path();
  for (const model::DistributionPointDefinition& dp : distribution_points_) {
    const std::string prefix = dp.share + "\\";
    if (path.size() <= prefix.size() || !path_at_or_below(path, dp.share)) continue;
    const std::string package =
        path.substr(prefix.size(), path.find('\\', prefix.size()) - prefix.size());
    passes_.user_disconnected(
        package, {vfs_.actor_name(event.actor), std::string(actor_kinds_.holder_kind(event.actor)),
                  path, event.operation == VfsOperation::unmap_image,
                  event.operation == VfsOperation::unmap_data, event.t_us});
    return;
  }
  DISTSIM_ASSERT(false);  // a forced disconnect outside every DP share
}

void World::trace_vfs_event(const VfsEvent& event) {
  if (!result_.trace.enabled()) return;
  vfs_trace_.record(event);
}

}  // namespace

std::string formatted_log_line(const RunResult& run, const LogLine& line) {
  return model::format_log_line(run.site.log_format, run.site.clock,
                                {line.text, line.t_us, line.thread_id, line.severity});
}

RunResult run_world(const Scenario& scenario, const RunOptions& options) {
  DISTSIM_ASSERT(unsupported_features(scenario).empty());
  RunResult result;
  result.seed = options.seed.value_or(scenario.seed);
  result.until_us = options.until_us.value_or(scenario.until_us);
  result.site = site_config_for(scenario.site);
  result.trace = Trace(options.trace, options.kept.trace_records);
  World world(scenario, options, result);
  world.run();
  return result;
}

}  // namespace distsim::sim
