// Draws swarm-configured random worlds. Holds and faults all end within about the first half of
// the horizon (repeats add at most a sixteenth); retries are at most hourly when the world must
// install everything.
#include "sim/check/world_generator.h"

#include <fmt/format.h>

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "model/assert.h"
#include "sim/check/world_drawer.h"
#include "sim/core/prng.h"

namespace distsim::sim {
namespace {

using namespace generator_internal;

SwarmFeatures draw_features(Drawer& draw) {
  SwarmFeatures features;
  features.temp_user = draw.coin();
  features.explorer_window = draw.coin();
  features.antivirus = draw.coin();
  features.indexer = draw.coin();
  features.backup = draw.coin();
  features.dp_client = draw.coin();
  features.dp_faults = draw.coin();
  features.crash = draw.coin();
  features.exponential = draw.coin();
  features.jitter = draw.coin();
  features.updates = draw.coin();
  features.compressed = draw.coin();
  features.deadline = draw.coin();
  features.retry_on = draw.coin();
  features.scripts = draw.coin();
  features.repeats = draw.coin();
  features.random_durations = draw.coin();
  features.source_open = draw.coin();
  features.dp_update = draw.coin();
  features.nested = draw.coin();
  return features;
}

// A non-empty subset of the errors a generated world can meet.
std::vector<model::Win32Error> draw_retry_on(Drawer& draw) {
  constexpr model::Win32Error kErrors[] = {
      model::Win32Error::sharing_violation, model::Win32Error::lock_violation,
      model::Win32Error::access_denied,     model::Win32Error::bad_netpath,
      model::Win32Error::disk_full,         model::Win32Error::path_not_found};
  std::vector<model::Win32Error> chosen;
  for (const model::Win32Error error : kErrors) {
    if (draw.coin()) chosen.push_back(error);
  }
  if (chosen.empty()) chosen.push_back(model::Win32Error::sharing_violation);
  return chosen;
}

void draw_site_access(Drawer& draw, const SwarmFeatures& features, SiteSpec& site) {
  if (features.source_open) {
    constexpr uint32_t kShares[] = {model::share_bits::kRead,
                                    model::share_bits::kRead | model::share_bits::kWrite,
                                    model::share_bits::kAll, 0};
    site.source_open_share = model::ShareMode{kShares[draw.between(0, 3)]};
    if (draw.coin()) {
      site.source_open_access =
          model::AccessMask{model::access_bits::kGenericRead | model::access_bits::kGenericWrite};
    }
  }
  if (features.dp_update) site.update_deletes_dp_folder = draw.coin();
}

// Share modes no source rules out for the manager's opens of DP files and the .PCK (the defaults
// are assumptions): sharing more lets a reader on the DP keep its file through an update, and a
// .PCK read sharing nothing makes one package's copies to several DPs refuse one another.
void draw_manager_open_flags(Drawer& draw, SiteSpec& site) {
  using model::share_bits::kDelete;
  using model::share_bits::kRead;
  using model::share_bits::kWrite;
  constexpr uint32_t kDpCopyShares[] = {0, kRead, kRead | kWrite, kRead | kDelete};
  constexpr uint32_t kPckReadShares[] = {kRead, 0, kRead | kWrite};
  site.dp_copy_open_share = model::ShareMode{kDpCopyShares[draw.between(0, 3)]};
  site.pck_read_open_share = model::ShareMode{kPckReadShares[draw.between(0, 2)]};
  if (draw.coin()) site.pck_create_open_share = model::ShareMode{kRead};
}

void draw_site(Drawer& draw, const SwarmFeatures& features, GeneratedWorld& world) {
  SiteSpec& site = world.scenario.site;
  const uint32_t profile = draw.between(0, 2);
  site.profile = profile == 0   ? model::Profile::sms2
                 : profile == 1 ? model::Profile::configmgr2007
                                : model::Profile::configmgr2012;
  RetrySpec& retry = site.retry;
  // Delays, caps and restarts stay below a sixteenth of the run, so that after the last hold
  // (at most half-way) a retrying package has many chances left.
  const TimeUs longest_wait_us = std::min<TimeUs>(kHour, draw.horizon_us / 16);
  const auto longest_minutes =
      static_cast<uint32_t>(std::max<TimeUs>(longest_wait_us / kMinute, 1));
  retry.delay_us = draw.between(1, longest_minutes) * kMinute;
  const bool unlimited = draw.coin();
  retry.count_given = true;
  retry.count = unlimited ? std::nullopt : std::optional<uint32_t>(draw.between(0, 20));
  if (features.exponential) {
    retry.backoff = model::Backoff::exponential;
    retry.multiplier_milli = draw.between(1000, 3000);
    retry.max_delay_us = longest_wait_us;
  }
  if (features.jitter) {
    retry.jitter = static_cast<model::Jitter>(draw.between(1, 3));
    retry.max_delay_us = longest_wait_us;
  }
  if (features.deadline) {
    retry.deadline_us = draw.between(1, static_cast<uint32_t>(draw.horizon_us / kHour)) * kHour;
  }
  if (features.retry_on) retry.retry_on = draw_retry_on(draw);
  world.must_install_all = unlimited && !retry.deadline_us && !retry.retry_on;
  site.max_packages = draw.between(1, 3);
  site.threads_per_package = draw.between(1, 5);
  draw_site_access(draw, features, site);
}

// A package's source: files at the top, and with nested sources also in subfolders (depth up to
// three) and as `tree` entries.
void draw_source(Drawer& draw, const SwarmFeatures& features, const std::string& folder,
                 Scenario& scenario) {
  const uint32_t file_count = draw.between(1, 4);
  for (uint32_t file = 0; file < file_count; ++file) {
    std::string directory = folder;
    if (features.nested && draw.coin()) {
      const uint32_t depth = draw.between(1, 3);
      for (uint32_t level = 0; level < depth; ++level)
        directory += fmt::format("\\sub{}", draw.between(1, 2));
    }
    scenario.filesystem.push_back({FilesystemEntry::Kind::file,
                                   fmt::format("{}\\file{}.cab", directory, file + 1),
                                   uint64_t{draw.between(1, 64 * 1024)} * 1024,
                                   0,
                                   {}});
  }
  if (features.nested && draw.coin()) {
    scenario.filesystem.push_back({FilesystemEntry::Kind::tree,
                                   folder + "\\tree",
                                   uint64_t{draw.between(1, 4 * 1024)} * 1024,
                                   draw.between(1, 5),
                                   {}});
  }
}

// Updates and refreshes (of all DPs or a chosen few) of the created packages.
void draw_changes(Drawer& draw, Scenario& scenario, uint32_t package_count) {
  const uint32_t change_count = draw.between(1, 3);
  for (uint32_t change = 0; change < change_count; ++change) {
    const PackageEvent target = scenario.packages[draw.between(0, package_count - 1)];
    PackageEvent event;
    event.kind = draw.coin() ? PackageEvent::Kind::update : PackageEvent::Kind::refresh;
    event.id = target.id;
    // Half of them land within a second of the package's arrival, while its source is read.
    event.at_us =
        target.at_us + (draw.coin() ? draw.between(0, 1000) * model::kMicrosecondsPerMillisecond
                                    : draw.time_in_first_half() / 2);
    if (event.kind == PackageEvent::Kind::refresh && draw.coin()) {
      for (const DistributionPointSpec& dp : scenario.distribution_points) {
        if (draw.coin()) event.distribution_points.push_back(dp.name);
      }
    }
    scenario.packages.push_back(event);
  }
}

// An administrator deletes a created package's Retry History key: half the time in the hour after
// the package arrives, when its first retry is likely to wait, else up to a quarter of the
// horizon later. Half the time an update of the package follows, whose new cycle must install it
// again.
void draw_retry_history_deletion(Drawer& draw, Scenario& scenario) {
  std::vector<const PackageEvent*> created;
  for (const PackageEvent& event : scenario.packages) {
    if (event.kind == PackageEvent::Kind::create) created.push_back(&event);
  }
  if (created.empty()) return;
  const PackageEvent& target = *created[draw.between(0, static_cast<uint32_t>(created.size()) - 1)];
  PackageEvent deletion;
  deletion.kind = PackageEvent::Kind::delete_retry_history;
  deletion.id = target.id;
  // Within a quarter of the horizon after the package (which arrives in the first quarter), so
  // that the deletion, and the update after it, come well before the horizon.
  deletion.at_us = target.at_us + (draw.coin() ? std::min<TimeUs>(draw.between(1, 3600) * kSecond,
                                                                  draw.horizon_us / 4)
                                               : draw.time_in_first_half());
  const TimeUs deleted_us = deletion.at_us;
  const std::string id = target.id;  // `target` points into the list that grows below
  scenario.packages.push_back(std::move(deletion));
  if (!draw.coin()) return;
  PackageEvent update;
  update.kind = PackageEvent::Kind::update;
  update.id = id;
  update.at_us =
      deleted_us + std::min<TimeUs>(draw.between(1, 6 * 3600) * kSecond, draw.horizon_us / 4);
  scenario.packages.push_back(std::move(update));
}

void draw_packages(Drawer& draw, const SwarmFeatures& features, Scenario& scenario) {
  const uint32_t dp_count = draw.between(1, 3);
  for (uint32_t index = 0; index < dp_count; ++index) {
    DistributionPointSpec dp;
    dp.name = fmt::format("DP{:02}", index + 1);
    dp.bandwidth_bits_per_second = uint64_t{draw.between(10, 1000)} * 1'000'000;
    scenario.distribution_points.push_back(dp);
  }
  const uint32_t package_count = draw.between(1, 3);
  for (uint32_t index = 0; index < package_count; ++index) {
    const std::string folder = fmt::format("D:\\Src\\Pkg{}", index + 1);
    draw_source(draw, features, folder, scenario);
    PackageEvent package;
    package.id = fmt::format("S01{:05X}", index + 1);
    package.name = fmt::format("Package {}", index + 1);
    package.source = folder;
    package.at_us = draw.time_in_first_half();
    package.compressed = features.compressed && draw.coin();
    scenario.packages.push_back(package);
  }
  if (features.updates) draw_changes(draw, scenario, package_count);
}

// With repeats, a holder holds two or three times, at most a thirty-second of the run apart.
void maybe_repeat(Drawer& draw, const SwarmFeatures& features, HolderSpec& holder) {
  if (!features.repeats || !draw.coin()) return;
  holder.count = draw.between(2, 3);
  const auto longest_minutes = static_cast<uint32_t>(draw.horizon_us / 32 / kMinute);
  holder.every = draw.around(draw.between(1, std::max<uint32_t>(longest_minutes, 1)) * kMinute);
}

// A script that opens a source file (exclusively or sharing reads), may lock a range of it or
// write a new version, and closes it again.
HolderSpec script_holder(Drawer& draw, const std::string& file, uint32_t index) {
  HolderSpec holder;
  holder.kind = HolderKind::script;
  holder.name = fmt::format("script-{}", index + 1);
  const TimeUs open_us = draw.time_in_first_half();
  const bool writes = draw.coin();
  ScriptStep open;
  open.action = ScriptStep::Action::open;
  open.at_us = open_us;
  open.path = file;
  open.handle_name = "h";
  open.access =
      writes
          ? model::AccessMask{model::access_bits::kGenericRead | model::access_bits::kGenericWrite}
          : model::AccessMask{model::access_bits::kGenericRead};
  open.share = model::ShareMode{draw.coin() ? model::share_bits::kRead : 0u};
  holder.steps.push_back(open);
  TimeUs at_us = open_us;
  if (draw.coin()) {
    ScriptStep lock;
    lock.action = ScriptStep::Action::lock;
    lock.at_us = at_us += draw.between(0, 60) * kSecond;
    lock.handle_name = "h";
    lock.offset = 0;
    lock.length = uint64_t{draw.between(1, 1024)} * 1024;
    lock.exclusive = draw.coin();
    holder.steps.push_back(lock);
  }
  if (writes) {
    ScriptStep write;
    write.action = ScriptStep::Action::write;
    write.at_us = at_us += draw.between(0, 60) * kSecond;
    write.handle_name = "h";
    holder.steps.push_back(write);
  }
  ScriptStep close;
  close.action = ScriptStep::Action::close;
  close.at_us = at_us + draw.hold_length();
  close.handle_name = "h";
  holder.steps.push_back(close);
  return holder;
}

void draw_scripts(Drawer& draw, Scenario& scenario) {
  std::vector<std::string> files;
  for (const FilesystemEntry& entry : scenario.filesystem) {
    if (entry.kind == FilesystemEntry::Kind::file) files.push_back(entry.path);
  }
  const uint32_t count = draw.between(1, 2);
  for (uint32_t index = 0; index < count; ++index) {
    const std::string& file = files[draw.between(0, static_cast<uint32_t>(files.size() - 1))];
    scenario.holders.push_back(script_holder(draw, file, index));
  }
}

void draw_holders(Drawer& draw, const SwarmFeatures& features, Scenario& scenario) {
  const auto& packages = scenario.packages;
  uint32_t creates = 0;
  for (const PackageEvent& event : packages)
    creates += event.kind == PackageEvent::Kind::create ? 1u : 0u;
  const auto source = [&] { return packages[draw.between(0, creates - 1)].source; };
  if (features.temp_user) {
    HolderSpec holder =
        holder_of(draw, HolderKind::temp_user, "temp-user", source() + "\\~busy.tmp");
    holder.size_bytes = 1024;
    maybe_repeat(draw, features, holder);
    scenario.holders.push_back(holder);
  }
  if (features.explorer_window) {
    HolderSpec holder = holder_of(draw, HolderKind::explorer_window, "explorer", source());
    holder.thumbnails = draw.coin();
    maybe_repeat(draw, features, holder);
    scenario.holders.push_back(holder);
  }
  if (features.antivirus) {
    HolderSpec holder = holder_of(draw, HolderKind::antivirus, "antivirus", "D:\\Src");
    holder.hold_for.reset();
    holder.until = DurationSpec{DurationSpec::Kind::constant, scenario.until_us / 2, 0};
    if (draw.coin()) holder.share = model::ShareMode{0};
    scenario.holders.push_back(holder);
  }
  if (features.indexer) {
    HolderSpec holder = holder_of(draw, HolderKind::indexer, "indexer", "D:\\Src");
    holder.hold_for.reset();
    holder.until = DurationSpec{DurationSpec::Kind::constant, scenario.until_us / 2, 0};
    scenario.holders.push_back(holder);
  }
  if (features.backup) {
    HolderSpec holder = holder_of(draw, HolderKind::backup, "backup", "D:\\Src");
    holder.backup_mode = draw.coin() ? BackupMode::plain : BackupMode::vss;
    maybe_repeat(draw, features, holder);
    scenario.holders.push_back(holder);
  }
  if (features.dp_client) {
    const std::string dp = scenario.distribution_points.front().name;
    const PackageEvent& package = packages.front();
    HolderSpec holder = holder_of(draw, HolderKind::dp_client, "dp-client",
                                  fmt::format("\\\\{}\\SMSPKGC$\\{}\\file1.cab", dp, package.id));
    maybe_repeat(draw, features, holder);
    scenario.holders.push_back(holder);
  }
  if (features.scripts) draw_scripts(draw, scenario);
}

void draw_faults(Drawer& draw, const SwarmFeatures& features, Scenario& scenario) {
  if (features.dp_faults) {
    FaultSpec fault;
    fault.kind = draw.coin() ? FaultSpec::Kind::dp_unreachable : FaultSpec::Kind::dp_disk_full;
    fault.target = scenario.distribution_points.back().name;
    fault.at_us = draw.time_in_first_half();
    fault.for_us = draw.hold_length();
    scenario.faults.push_back(fault);
  }
  if (features.crash) {
    FaultSpec fault;
    fault.kind = FaultSpec::Kind::crash;
    fault.target = "distribution_manager";
    // Half of the crashes come within two minutes of a package's arrival, during its copies.
    const PackageEvent& package =
        scenario.packages[draw.between(0, static_cast<uint32_t>(scenario.packages.size() - 1))];
    fault.at_us =
        draw.coin() ? package.at_us + draw.between(0, 120'000) * model::kMicrosecondsPerMillisecond
                    : draw.time_in_first_half();
    const auto restart_minutes = static_cast<uint32_t>(
        std::max<TimeUs>(std::min<TimeUs>(2 * kHour, draw.horizon_us / 16) / kMinute, 1));
    fault.restart_after_us = draw.between(1, restart_minutes) * kMinute;
    scenario.faults.push_back(fault);
  }
}

// The crash comes up to two seconds after one of the updates or refreshes: the change has marked
// the package for saving while its read, compression or DP retry work runs, and what the restart
// finds of that work is what the store kept.
void move_crash_after_a_change(Drawer& draw, Scenario& scenario) {
  std::vector<TimeUs> changes;
  for (const PackageEvent& event : scenario.packages) {
    if (event.kind == PackageEvent::Kind::update || event.kind == PackageEvent::Kind::refresh) {
      changes.push_back(event.at_us);
    }
  }
  const auto crash =
      std::find_if(scenario.faults.begin(), scenario.faults.end(),
                   [](const FaultSpec& f) { return f.kind == FaultSpec::Kind::crash; });
  DISTSIM_ASSERT(!changes.empty() && crash != scenario.faults.end());
  crash->at_us = changes[draw.between(0, static_cast<uint32_t>(changes.size()) - 1)] +
                 draw.between(0, 2000) * model::kMicrosecondsPerMillisecond;
}

// Half the time, an update of the first package early in the first DP client's hold (when that
// hold starts at a fixed time): the copy to the DP then meets the client's open file, which is
// what forcing users off is for. Without it few worlds copy to a DP while a client holds a file.
void draw_update_during_client_hold(Drawer& draw, Scenario& scenario) {
  const auto client =
      std::find_if(scenario.holders.begin(), scenario.holders.end(),
                   [](const HolderSpec& holder) { return holder.kind == HolderKind::dp_client; });
  if (client == scenario.holders.end() || client->at.kind != DurationSpec::Kind::constant ||
      !draw.coin()) {
    return;
  }
  PackageEvent update;
  update.kind = PackageEvent::Kind::update;
  update.id = scenario.packages.front().id;
  update.at_us = std::max(client->at.value_us, scenario.packages.front().at_us) +
                 draw.between(1, 600) * kSecond;
  scenario.packages.push_back(std::move(update));
}

}  // namespace

std::string SwarmFeatures::text() const {
  std::string text;
  const auto add = [&text](bool on, std::string_view name) {
    if (on) text += fmt::format("{}{}", text.empty() ? "" : ", ", name);
  };
  add(temp_user, "temp_user");
  add(explorer_window, "explorer_window");
  add(antivirus, "antivirus");
  add(indexer, "indexer");
  add(backup, "backup");
  add(dp_client, "dp_client");
  add(dp_faults, "DP faults");
  add(crash, "crash");
  add(exponential, "exponential backoff");
  add(jitter, "jitter");
  add(updates, "update/refresh");
  add(compressed, "compressed");
  add(deadline, "deadline");
  add(retry_on, "retry_on");
  add(scripts, "scripts");
  add(repeats, "every/count");
  add(random_durations, "drawn durations");
  add(source_open, "source_open");
  add(dp_update, "dp_update");
  add(nested, "nested sources");
  add(delete_on_close, "delete_on_close");
  add(images, "image sections");
  add(read_only, "read-only files");
  add(delay_from_start, "delay_from attempt_start");
  add(source_open_retries, "source_open retries");
  add(crash_uses_no_retry, "crash_uses_retry false");
  add(crash_after_change, "crash after an update/refresh");
  add(updates_keep_retry_counts, "update_resets_retries false");
  add(overdue_retries_wait_again, "due_while_down wait_again");
  add(retry_history_deleted, "retry history deleted");
  add(disconnect_users, "disconnect users");
  add(netware_dp, "NetWare DP");
  add(mapped_views, "mapped views");
  add(alternate_streams, "alternate streams");
  add(manager_open_flags, "manager open flags");
  add(retry_copies_installed, "retry_copies_installed");
  add(retry_message, "retry_count_shown_in retry_message");
  add(antivirus_keeps_section, "antivirus keeps_section");
  add(shared_source, "shared source folder");
  add(dp_retry_decided_at_copy_end, "dp_retry_decided copy_end");
  add(long_holds, "long holds");
  return text.empty() ? "no features" : text;
}

GeneratedWorld generate_world(uint64_t seed, const GeneratorOptions& options) {
  DISTSIM_ASSERT(options.horizon_us >= kHour);
  Drawer draw{Prng::stream(seed, "explore:world"), options.horizon_us};
  GeneratedWorld world;
  world.features = draw_features(draw);
  draw.random_durations = world.features.random_durations;
  Scenario& scenario = world.scenario;
  scenario.name = fmt::format("explore seed {}", seed);
  scenario.seed = seed;
  scenario.until_us = options.horizon_us;
  draw_site(draw, world.features, world);
  // Where no retry count ends the attempts, whether holds may outlast many retries, from a
  // stream of its own; every later draw of a hold's length keeps to the world's bound.
  if (!scenario.site.retry.count) {
    Drawer long_holds{Prng::stream(seed, "explore:long_holds"), options.horizon_us};
    world.features.long_holds = long_holds.between(1, kLongHoldsOneIn) == 1;
    if (!world.features.long_holds) {
      draw.longest_hold_us = *scenario.site.retry.delay_us * kHoldRetryDelaysMax;
    }
  }
  const auto drawer = [&](std::string_view stream) {
    Drawer stream_drawer{Prng::stream(seed, stream), options.horizon_us};
    stream_drawer.longest_hold_us = draw.longest_hold_us;
    return stream_drawer;
  };
  draw_packages(draw, world.features, scenario);
  draw_holders(draw, world.features, scenario);
  draw_faults(draw, world.features, scenario);
  Drawer windows = drawer("explore:windows");
  draw_windows_features(windows, world.features);
  draw_windows_semantics(windows, world.features, scenario);
  // The retry anchor, from a stream of its own for the same reason.
  Drawer anchor = drawer("explore:delay_from");
  world.features.delay_from_start = anchor.coin();
  if (world.features.delay_from_start) {
    scenario.site.retry.delay_from = model::DelayFrom::attempt_start;
  }
  Drawer open_retries = drawer("explore:open_retries");
  world.features.source_open_retries = open_retries.coin();
  if (world.features.source_open_retries) {
    scenario.site.source_open_retries = open_retries.between(1, 5);
    scenario.site.source_open_retry_interval_us = open_retries.between(1, 60) * kSecond;
  }
  if (world.features.crash) {
    Drawer crash_retry = drawer("explore:crash_retry");
    world.features.crash_uses_no_retry = crash_retry.coin();
    if (world.features.crash_uses_no_retry) scenario.site.retry.crash_uses_retry = false;
  }
  if (world.features.crash && world.features.updates) {
    Drawer crash_after = drawer("explore:crash_after_change");
    world.features.crash_after_change = crash_after.coin();
    if (world.features.crash_after_change) move_crash_after_a_change(crash_after, scenario);
  }
  if (scenario.site.profile == model::Profile::sms2) {
    Drawer history = drawer("explore:retry_history");
    world.features.retry_history_deleted = history.coin();
    if (world.features.retry_history_deleted) draw_retry_history_deletion(history, scenario);
  }
  Drawer disconnect = drawer("explore:disconnect");
  world.features.disconnect_users = disconnect.coin();
  if (world.features.disconnect_users) {
    for (PackageEvent& package : scenario.packages) {
      if (package.kind == PackageEvent::Kind::create) {
        package.disconnect_users_after = disconnect.between(0, 3);
      }
    }
    world.features.netware_dp = disconnect.coin();
    scenario.distribution_points.front().netware = world.features.netware_dp;
    draw_update_during_client_hold(disconnect, scenario);
  }
  Drawer mapping = drawer("explore:mapping");
  world.features.mapped_views = mapping.coin();
  if (world.features.mapped_views) scenario.holders.push_back(mapping_holder(mapping, scenario));
  // One world in eight has a file with a stream: under sms2 a compressed package holding it never
  // installs (KB Q316316); otherwise the stream rides along with the copies.
  Drawer streams = drawer("explore:streams");
  world.features.alternate_streams = streams.between(0, 7) == 0;
  if (world.features.alternate_streams) {
    std::vector<FilesystemEntry*> files;
    for (FilesystemEntry& entry : scenario.filesystem) {
      if (entry.kind == FilesystemEntry::Kind::file) files.push_back(&entry);
    }
    if (!files.empty()) {
      files[streams.between(0, static_cast<uint32_t>(files.size() - 1))]->alternate_streams = 1;
    }
  }
  Drawer open_flags = drawer("explore:open_flags");
  world.features.manager_open_flags = open_flags.between(0, 3) == 0;
  if (world.features.manager_open_flags) draw_manager_open_flags(open_flags, scenario.site);
  // Not with a .PCK read that shares nothing: every retry would then copy all DPs at once and
  // the manager's own handles would refuse one another every time, a livelock of the flags that
  // the liveness oracle cannot tell from a leaked handle (which it must keep reporting).
  const bool pck_reads_shared =
      !scenario.site.pck_read_open_share ||
      (scenario.site.pck_read_open_share->bits & model::share_bits::kRead) != 0;
  if (scenario.site.profile == model::Profile::sms2 && pck_reads_shared) {
    Drawer retry_copies = drawer("explore:retry_copies");
    world.features.retry_copies_installed = retry_copies.coin();
    if (world.features.retry_copies_installed) scenario.site.retry_copies_installed = true;
  }
  const bool changes =
      std::any_of(scenario.packages.begin(), scenario.packages.end(), [](const PackageEvent& each) {
        return each.kind == PackageEvent::Kind::update || each.kind == PackageEvent::Kind::refresh;
      });
  if (world.features.crash) {
    Drawer due = drawer("explore:due_while_down");
    world.features.overdue_retries_wait_again = due.coin();
    if (world.features.overdue_retries_wait_again) {
      scenario.site.retry.due_while_down = model::DueWhileDown::wait_again;
    }
  }
  if (changes) {
    Drawer update_counts = drawer("explore:update_counts");
    world.features.updates_keep_retry_counts = update_counts.coin();
    if (world.features.updates_keep_retry_counts) {
      scenario.site.retry.update_resets_retries = false;
    }
  }
  Drawer retry_message = drawer("explore:retry_message");
  world.features.retry_message = retry_message.coin();
  if (world.features.retry_message) {
    scenario.site.retry_count_shown_in = model::RetryCountShownIn::retry_message;
  }
  if (world.features.antivirus) {
    Drawer sections = drawer("explore:keeps_section");
    world.features.antivirus_keeps_section = sections.coin();
    for (HolderSpec& holder : scenario.holders) {
      if (holder.kind != HolderKind::antivirus || !world.features.antivirus_keeps_section) continue;
      holder.keeps_section = sections.constant(sections.between(1, 600) * kSecond);
    }
  }
  std::vector<PackageEvent*> creates;
  for (PackageEvent& package : scenario.packages) {
    if (package.kind == PackageEvent::Kind::create) creates.push_back(&package);
  }
  if (creates.size() >= 2) {
    Drawer shared = drawer("explore:shared_source");
    world.features.shared_source = shared.between(0, 3) == 0;
    if (world.features.shared_source) {
      // The first package's folder itself, or with nested sources sometimes a subfolder it
      // holds; the later package's own files stay, read by nobody.
      PackageEvent& later = *creates[shared.between(1, static_cast<uint32_t>(creates.size() - 1))];
      later.source = creates.front()->source;
      if (world.features.nested && shared.coin()) {
        // The generator writes its paths in one case, so a prefix finds what lies below.
        const std::string prefix = later.source + "\\";
        for (const FilesystemEntry& entry : scenario.filesystem) {
          if (!std::string_view(entry.path).starts_with(prefix)) continue;
          const std::string_view relative = std::string_view(entry.path).substr(prefix.size());
          if (const size_t slash = relative.find('\\'); slash != std::string_view::npos) {
            later.source = prefix + std::string(relative.substr(0, slash));
            break;
          }
        }
      }
    }
  }
  if (scenario.site.profile != model::Profile::sms2) {
    Drawer decided = drawer("explore:dp_retry_decided");
    world.features.dp_retry_decided_at_copy_end = decided.coin();
    if (world.features.dp_retry_decided_at_copy_end) {
      scenario.site.retry.dp_retry_decided = model::DpRetryDecided::copy_end;
    }
  }
  return world;
}

}  // namespace distsim::sim
