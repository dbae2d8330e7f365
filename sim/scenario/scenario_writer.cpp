// Writes a Scenario as YAML, section by section, and decides which keys a scenario needs written.
// Strings go through yaml_text's quoting, so YAML never reads them as something else (a DP named
// `null`, a name with `: ` in it); values use value_parse's format_* spellings and the enum name
// tables of scenario.h, the same ones the loader reads.
#include "sim/scenario/scenario_writer.h"

#include <fmt/format.h>

#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "model/assert.h"
#include "sim/scenario/value_parse.h"
#include "sim/scenario/yaml_text.h"

namespace distsim::sim {
namespace {

// ---------------------------------------------------------------------------------------------
// Values of the format.

std::string duration_spec_text(const DurationSpec& spec) {
  switch (spec.kind) {
    case DurationSpec::Kind::constant:
      return format_duration(spec.value_us);
    case DurationSpec::Kind::uniform:
      DISTSIM_ASSERT(spec.value_us <= spec.high_us);
      return fmt::format("{{uniform: [{}, {}]}}", format_duration(spec.value_us),
                         format_duration(spec.high_us));
    case DurationSpec::Kind::exponential:
      return fmt::format("{{exponential: {}}}", format_duration(spec.value_us));
  }
  DISTSIM_ASSERT(false);
}

std::string count_range_yaml(const CountRange& range) {
  DISTSIM_ASSERT(range.min <= range.max);
  if (range.min == range.max) return fmt::format("{}", range.min);
  constexpr uint64_t kUnbounded = std::numeric_limits<uint64_t>::max();
  if (range.max == kUnbounded) return fmt::format("{{min: {}}}", range.min);
  if (range.min == 0) return fmt::format("{{max: {}}}", range.max);
  return fmt::format("{{min: {}, max: {}}}", range.min, range.max);
}

// One directory as a path, several as a flow list of paths (how the loader reads `scope`).
std::string scope_text(const std::vector<std::string>& scope) {
  if (scope.size() == 1) return quoted(scope.front());
  std::vector<std::string> items;
  for (const std::string& path : scope) items.push_back(quoted(path));
  return flow_list(items);
}

std::string access_list(model::AccessMask access,
                        model::AccessTarget target = model::AccessTarget::file) {
  const std::vector<std::string> names = model::access_names(access, target);
  uint32_t bits = 0;
  for (const std::string& name : names) bits |= model::access_right_from_name(name).value_or(0);
  DISTSIM_ASSERT(bits == access.bits);  // every bit has a name
  return flow_list(names);
}

std::string share_list(model::ShareMode share) {
  const std::vector<std::string> names = model::share_names(share);
  uint32_t bits = 0;
  for (const std::string& name : names) bits |= model::share_flag_from_name(name).value_or(0);
  DISTSIM_ASSERT(bits == share.bits);
  return flow_list(names);
}

std::string identifier_list(const std::vector<std::string>& names) {
  std::vector<std::string> items;
  for (const std::string& name : names) items.push_back(identifier(name));
  return flow_list(items);
}

// ---------------------------------------------------------------------------------------------
// Sections.

void write_header(YamlOut& out, const Scenario& scenario) {
  DISTSIM_ASSERT(scenario.version == 1);
  DISTSIM_ASSERT(!scenario.name.empty());
  out.field(0, "version", "1");
  out.field(0, "name", quoted(scenario.name));
  if (!scenario.description.empty()) {
    if (const auto block = literal_block(scenario.description, 2)) {
      out.block(0, "description", *block);
    } else {
      out.field(0, "description", quoted(scenario.description));
    }
  }
  out.field(0, "seed", fmt::format("{}", scenario.seed));
  out.field(0, "until", format_duration(scenario.until_us));
}

bool retry_written(const RetrySpec& retry) {
  return retry.count_given || retry.delay_us || retry.backoff || retry.multiplier_milli ||
         retry.max_delay_us || retry.jitter || retry.deadline_us || retry.retry_on ||
         retry.delay_from || retry.crash_uses_retry || retry.update_resets_retries ||
         retry.due_while_down || retry.dp_retry_decided;
}

void write_retry(YamlOut& out, const RetrySpec& retry) {
  DISTSIM_ASSERT(retry.count_given || !retry.count);
  out.open(2, "retry");
  if (retry.count_given) {
    out.field(4, "count", retry.count ? fmt::format("{}", *retry.count) : "unlimited");
  }
  if (retry.delay_us) out.field(4, "delay", format_duration(*retry.delay_us));
  if (retry.backoff) out.field(4, "backoff", model::backoff_name(*retry.backoff));
  if (retry.multiplier_milli) {
    out.field(4, "multiplier", format_multiplier_milli(*retry.multiplier_milli));
  }
  if (retry.max_delay_us) out.field(4, "max_delay", format_duration(*retry.max_delay_us));
  if (retry.jitter) out.field(4, "jitter", model::jitter_name(*retry.jitter));
  if (retry.deadline_us) out.field(4, "deadline", format_duration(*retry.deadline_us));
  if (retry.retry_on) {
    std::vector<std::string> names;
    for (const model::Win32Error error : *retry.retry_on) {
      DISTSIM_ASSERT(error != model::Win32Error::ok);
      names.emplace_back(model::win32_error_name(error));
    }
    out.field(4, "retry_on", flow_list(names));
  }
  if (retry.delay_from) out.field(4, "delay_from", model::delay_from_name(*retry.delay_from));
  if (retry.crash_uses_retry) {
    out.field(4, "crash_uses_retry", *retry.crash_uses_retry ? "true" : "false");
  }
  if (retry.update_resets_retries) {
    out.field(4, "update_resets_retries", *retry.update_resets_retries ? "true" : "false");
  }
  if (retry.due_while_down) {
    out.field(4, "due_while_down", model::due_while_down_name(*retry.due_while_down));
  }
  if (retry.dp_retry_decided) {
    out.field(4, "dp_retry_decided", model::dp_retry_decided_name(*retry.dp_retry_decided));
  }
}

std::string threshold_pair(const model::SeverityThresholds& pair) {
  return fmt::format("[{}, {}]", pair.warning_at, pair.critical_at);
}

// A site key saying how the manager opens one kind of file, when either flag is set.
void write_open_flags(YamlOut& out, std::string_view key,
                      const std::optional<model::AccessMask>& access,
                      const std::optional<model::ShareMode>& share) {
  if (!access && !share) return;
  out.open(2, key);
  if (access) out.field(4, "access", access_list(*access));
  if (share) out.field(4, "share", share_list(*share));
}

// The site keys distsim adds to the format.
void write_site_additions(YamlOut& out, const SiteSpec& site) {
  if (site.log_format) out.field(2, "log_format", enum_name(kLogFormatNames, *site.log_format));
  if (site.retry_on_wake) out.field(2, "retry_on_wake", *site.retry_on_wake ? "true" : "false");
  if (site.streams_fail_compression) {
    out.field(2, "streams_fail_compression", *site.streams_fail_compression ? "true" : "false");
  }
  if (site.retry_on_wake_after_us) {
    out.field(2, "retry_on_wake_after", format_duration(*site.retry_on_wake_after_us));
  }
  if (site.update_deletes_dp_folder) {
    out.field(2, "dp_update", enum_name(kDpUpdateNames, *site.update_deletes_dp_folder));
  }
  if (site.retry_copies_installed) {
    out.field(2, "retry_copies_installed", *site.retry_copies_installed ? "true" : "false");
  }
  if (site.retry_count_shown_in) {
    out.field(2, "retry_count_shown_in",
              model::retry_count_shown_in_name(*site.retry_count_shown_in));
  }
  if (site.compression_per_mille) {
    DISTSIM_ASSERT(*site.compression_per_mille > 0 && *site.compression_per_mille <= 1000);
    out.field(2, "compression", format_multiplier_milli(*site.compression_per_mille));
  }
  if (site.status_thresholds) {
    out.open(2, "status_thresholds");
    out.field(4, "errors", threshold_pair(site.status_thresholds->errors));
    out.field(4, "warnings", threshold_pair(site.status_thresholds->warnings));
    out.field(4, "informational", threshold_pair(site.status_thresholds->informational));
  }
  if (site.outgoing_bandwidth_bytes_per_second) {
    DISTSIM_ASSERT(*site.outgoing_bandwidth_bytes_per_second <=
                   std::numeric_limits<uint64_t>::max() / 8);
    out.field(2, "outgoing_bandwidth",
              format_bandwidth(*site.outgoing_bandwidth_bytes_per_second * 8));
  }
}

void write_site(YamlOut& out, const SiteSpec& site) {
  out.open(0, "site");
  if (site.code) out.field(2, "code", identifier(*site.code));
  if (site.server) out.field(2, "server", quoted(*site.server));
  out.field(2, "profile", model::profile_name(site.profile));
  if (retry_written(site.retry)) write_retry(out, site.retry);
  if (site.max_packages) out.field(2, "max_packages", fmt::format("{}", *site.max_packages));
  if (site.threads_per_package) {
    out.field(2, "threads_per_package", fmt::format("{}", *site.threads_per_package));
  }
  if (site.source_open_access || site.source_open_share || site.source_open_retries ||
      site.source_open_retry_interval_us) {
    out.open(2, "source_open");
    if (site.source_open_access) out.field(4, "access", access_list(*site.source_open_access));
    if (site.source_open_share) out.field(4, "share", share_list(*site.source_open_share));
    if (site.source_open_retries) {
      out.field(4, "retries", fmt::format("{}", *site.source_open_retries));
    }
    if (site.source_open_retry_interval_us) {
      out.field(4, "retry_interval", format_duration(*site.source_open_retry_interval_us));
    }
  }
  write_open_flags(out, "dp_copy_open", site.dp_copy_open_access, site.dp_copy_open_share);
  write_open_flags(out, "pck_create_open", site.pck_create_open_access, site.pck_create_open_share);
  write_open_flags(out, "pck_read_open", site.pck_read_open_access, site.pck_read_open_share);
  if (site.read_bandwidth_bytes_per_second) {
    DISTSIM_ASSERT(*site.read_bandwidth_bytes_per_second <=
                   std::numeric_limits<uint64_t>::max() / 8);
    out.field(2, "read_bandwidth", format_bandwidth(*site.read_bandwidth_bytes_per_second * 8));
  }
  write_site_additions(out, site);
}

void write_filesystem(YamlOut& out, const std::vector<FilesystemEntry>& entries) {
  out.open(0, "filesystem");
  for (const FilesystemEntry& entry : entries) {
    out.item(2, enum_name(kFilesystemKindKeys, entry.kind), quoted(entry.path));
    if (entry.kind == FilesystemEntry::Kind::tree) {
      out.field(4, "files", fmt::format("{}", entry.file_count));
    }
    if (entry.kind != FilesystemEntry::Kind::dir) {
      out.field(4, "size", format_size(entry.size_bytes));
    }
    if (entry.read_only) {
      DISTSIM_ASSERT(entry.kind == FilesystemEntry::Kind::file);
      out.field(4, "read_only", "true");
    }
    if (entry.alternate_streams > 0) {
      DISTSIM_ASSERT(entry.kind == FilesystemEntry::Kind::file);
      out.field(4, "streams", fmt::format("{}", entry.alternate_streams));
    }
  }
}

void write_distribution_points(YamlOut& out, const std::vector<DistributionPointSpec>& dps) {
  out.open(0, "distribution_points");
  for (const DistributionPointSpec& dp : dps) {
    out.item(2, "name", identifier(dp.name));
    if (dp.share) out.field(4, "share", quoted(*dp.share));
    out.field(4, "bandwidth", format_bandwidth(dp.bandwidth_bits_per_second));
    out.field(4, "free", format_size(dp.free_bytes));
    if (dp.netware) out.field(4, "server", enum_name(kDpServerNames, true));
  }
}

void write_package_event(YamlOut& out, const PackageEvent& event) {
  switch (event.kind) {
    case PackageEvent::Kind::create:
      out.item(2, "id", identifier(event.id));
      out.field(4, "name", quoted(event.name));
      out.field(4, "source", quoted(event.source));
      break;
    case PackageEvent::Kind::update:
      out.item(2, "update", identifier(event.id));
      break;
    case PackageEvent::Kind::refresh:
      out.item(2, "refresh", identifier(event.id));
      break;
    case PackageEvent::Kind::delete_retry_history:
      out.item(2, "delete_retry_history", identifier(event.id));
      break;
  }
  out.field(4, "at", format_duration(event.at_us));
  if (!event.distribution_points.empty()) {
    DISTSIM_ASSERT(event.kind == PackageEvent::Kind::create ||
                   event.kind == PackageEvent::Kind::refresh);
    out.field(4, "distribution_points", identifier_list(event.distribution_points));
  }
  if (event.compressed) out.field(4, "compressed", "true");
  if (event.disconnect_users_after) {
    DISTSIM_ASSERT(event.kind == PackageEvent::Kind::create);
    out.field(4, "disconnect_users", std::to_string(*event.disconnect_users_after));
  }
}

void write_step(YamlOut& out, const ScriptStep& step) {
  constexpr size_t kIndent = 8;
  out.item(kIndent - 2, "at",
           step.drawn_at ? duration_spec_text(*step.drawn_at) : format_duration(step.at_us));
  const std::string_view action = enum_name(kScriptActionKeys, step.action);
  switch (step.action) {
    case ScriptStep::Action::open:
    case ScriptStep::Action::run:
      out.field(kIndent, action, quoted(step.path));
      out.field(kIndent, "access", access_list(step.access));
      out.field(kIndent, "share", share_list(step.share));
      if (!step.handle_name.empty()) out.field(kIndent, "as", identifier(step.handle_name));
      if (step.delete_on_close) {
        DISTSIM_ASSERT(step.action == ScriptStep::Action::open);
        out.field(kIndent, "delete_on_close", "true");
      }
      break;
    case ScriptStep::Action::close:
    case ScriptStep::Action::write:
    case ScriptStep::Action::exit:
    case ScriptStep::Action::unmap:
      out.field(kIndent, action, identifier(step.handle_name));
      break;
    case ScriptStep::Action::get_attributes:
      out.field(kIndent, action, quoted(step.path));
      break;
    case ScriptStep::Action::set_attributes:
      out.field(kIndent, action, quoted(step.path));
      out.field(kIndent, "read_only", step.read_only ? "true" : "false");
      break;
    case ScriptStep::Action::lock:
    case ScriptStep::Action::unlock:
      out.field(kIndent, action, identifier(step.handle_name));
      out.field(kIndent, "offset", fmt::format("{}", step.offset));
      out.field(kIndent, "length", format_size(step.length));
      if (step.action == ScriptStep::Action::lock && !step.exclusive) {
        out.field(kIndent, "exclusive", "false");
      }
      break;
    case ScriptStep::Action::delete_file:
      out.field(kIndent, action, quoted(step.path));
      break;
    case ScriptStep::Action::rename:
      out.field(kIndent, action, quoted(step.path));
      out.field(kIndent, "to", quoted(step.to));
      break;
    case ScriptStep::Action::map:
      out.field(kIndent, action, identifier(step.handle_name));
      out.field(kIndent, "protection", page_protection_name(step.protection));
      if (!step.section_name.empty()) out.field(kIndent, "as", identifier(step.section_name));
      break;
  }
  if (step.expect) out.field(kIndent, "expect", model::win32_error_name(*step.expect));
}

// The keys of a holder that depend on its kind.
void write_holder_target(YamlOut& out, const HolderSpec& holder) {
  switch (holder.kind) {
    case HolderKind::explorer_window:
      out.field(4, "path", quoted(holder.path));
      out.field(4, "thumbnails", holder.thumbnails ? "true" : "false");
      if (holder.thumbnails_access) {
        out.field(4, "thumbnails_access", access_list(*holder.thumbnails_access));
      }
      if (holder.thumbnails_share) {
        out.field(4, "thumbnails_share", share_list(*holder.thumbnails_share));
      }
      break;
    case HolderKind::temp_user:
      out.field(4, "path", quoted(holder.path));
      out.field(4, "size", format_size(holder.size_bytes));
      if (holder.delete_on_close) out.field(4, "delete_on_close", "true");
      break;
    case HolderKind::dp_client:
      out.field(4, "path", quoted(holder.path));
      // Always written: whether the client runs the file as a program decides what it blocks.
      out.field(4, "image", holder.image ? "true" : "false");
      break;
    case HolderKind::antivirus:
    case HolderKind::indexer:
      out.field(4, "scope", scope_text(holder.scope));
      break;
    case HolderKind::backup:
      out.field(4, "scope", scope_text(holder.scope));
      out.field(4, "mode", enum_name(kBackupModeNames, holder.backup_mode));
      break;
    case HolderKind::script:
      break;
  }
}

// When a holder's holds happen; a script has none of these keys (its steps carry the times).
void write_holder_timing(YamlOut& out, const HolderSpec& holder) {
  out.field(4, "at", duration_spec_text(holder.at));
  if (holder.hold_for) out.field(4, "for", duration_spec_text(*holder.hold_for));
  if (holder.until) out.field(4, "until", duration_spec_text(*holder.until));
  if (holder.every) out.field(4, "every", duration_spec_text(*holder.every));
  if (holder.count != 1 || holder.every) out.field(4, "count", fmt::format("{}", holder.count));
}

void write_holder(YamlOut& out, const HolderSpec& holder) {
  out.item(2, "kind", enum_name(kHolderKindNames, holder.kind));
  out.field(4, "name", identifier(holder.name));
  if (holder.kind != HolderKind::script) write_holder_timing(out, holder);
  write_holder_target(out, holder);
  // An Explorer window's access is that of its folder handle, named as a directory's rights.
  if (holder.access) {
    out.field(4, "access",
              access_list(*holder.access, holder.kind == HolderKind::explorer_window
                                              ? model::AccessTarget::directory
                                              : model::AccessTarget::file));
  }
  if (holder.share) out.field(4, "share", share_list(*holder.share));
  if (holder.antivirus_on) {
    std::vector<std::string> names;
    for (const AntivirusTrigger trigger : *holder.antivirus_on) {
      names.emplace_back(enum_name(kAntivirusTriggerNames, trigger));
    }
    out.field(4, "on", flow_list(names));
  }
  if (holder.per_mb) out.field(4, "per_mb", duration_spec_text(*holder.per_mb));
  if (holder.keeps_section) {
    out.field(4, "keeps_section", duration_spec_text(*holder.keeps_section));
  }
  if (holder.delay) out.field(4, "delay", duration_spec_text(*holder.delay));
  if (holder.kind == HolderKind::script) {
    DISTSIM_ASSERT(!holder.steps.empty());
    out.open(4, "steps");
    for (const ScriptStep& step : holder.steps) write_step(out, step);
  }
}

void write_faults(YamlOut& out, const std::vector<FaultSpec>& faults) {
  out.open(0, "faults");
  for (const FaultSpec& fault : faults) {
    const std::string target =
        fault.kind == FaultSpec::Kind::crash ? fault.target : identifier(fault.target);
    out.item(2, enum_name(kFaultKindKeys, fault.kind), target);
    out.field(4, "at", format_duration(fault.at_us));
    if (fault.for_us) out.field(4, "for", format_duration(*fault.for_us));
    if (fault.restart_after_us) {
      out.field(4, "restart_after", format_duration(*fault.restart_after_us));
    }
  }
}

void write_package_expectation(YamlOut& out, const PackageExpectation& expectation) {
  const bool empty = !expectation.state && !expectation.attempts && !expectation.retries &&
                     !expectation.installed_by_us && expectation.distribution_points.empty();
  if (empty) {
    out.field(4, identifier(expectation.package_id), "{}");
    return;
  }
  out.open(4, identifier(expectation.package_id));
  if (expectation.state) out.field(6, "state", model::package_state_name(*expectation.state));
  if (expectation.attempts) out.field(6, "attempts", count_range_yaml(*expectation.attempts));
  if (expectation.retries) out.field(6, "retries", count_range_yaml(*expectation.retries));
  if (expectation.installed_by_us) {
    out.field(6, "installed_by", format_duration(*expectation.installed_by_us));
  }
  if (!expectation.distribution_points.empty()) {
    out.open(6, "distribution_points");
    for (const DpStateExpectation& dp : expectation.distribution_points) {
      out.field(8, identifier(dp.dp_name), model::dp_state_short_name(dp.state));
    }
  }
}

void write_status_expectations(YamlOut& out, const Expectations& expect) {
  out.open(2, "status_messages");
  for (const StatusCountExpectation& count : expect.status_counts) {
    out.item(4, "id", fmt::format("{}", count.id));
    out.field(6, "count", count_range_yaml(count.count));
    if (count.package) out.field(6, "package", identifier(*count.package));
  }
  for (const StatusSequenceExpectation& sequence : expect.status_sequences) {
    out.item(4, "sequence", fmt::format("[{}]", fmt::join(sequence.ids, ", ")));
    if (sequence.package) out.field(6, "package", identifier(*sequence.package));
  }
}

void write_log_patterns(YamlOut& out, std::string_view key,
                        const std::vector<LogPatternExpectation>& patterns) {
  out.open(4, key);
  for (const LogPatternExpectation& pattern : patterns) out.item(6, quoted(pattern.text));
}

bool expect_written(const Expectations& expect) {
  return !expect.packages.empty() || !expect.status_counts.empty() ||
         !expect.status_sequences.empty() || expect.component_status ||
         !expect.log_contains.empty() || !expect.log_not_contains.empty() ||
         !expect.no_invariant_violations || !expect.invariant_violations.empty();
}

void write_expect(YamlOut& out, const Expectations& expect) {
  out.open(0, "expect");
  if (!expect.packages.empty()) {
    out.open(2, "packages");
    for (const PackageExpectation& package : expect.packages) {
      write_package_expectation(out, package);
    }
  }
  if (!expect.status_counts.empty() || !expect.status_sequences.empty()) {
    write_status_expectations(out, expect);
  }
  if (expect.component_status) {
    out.field(2, "component_status",
              enum_name(kComponentStatusLevelNames, *expect.component_status));
  }
  if (!expect.log_contains.empty() || !expect.log_not_contains.empty()) {
    out.open(2, "log");
    if (!expect.log_contains.empty()) write_log_patterns(out, "contains", expect.log_contains);
    if (!expect.log_not_contains.empty()) {
      write_log_patterns(out, "not_contains", expect.log_not_contains);
    }
  }
  if (!expect.no_invariant_violations) out.field(2, "no_invariant_violations", "false");
  if (!expect.invariant_violations.empty()) {
    out.field(2, "invariant_violations", flow_list(expect.invariant_violations));
  }
}

}  // namespace

std::string write_scenario_yaml(const Scenario& scenario) {
  YamlOut out;
  write_header(out, scenario);
  write_site(out, scenario.site);
  if (!scenario.filesystem.empty()) write_filesystem(out, scenario.filesystem);
  if (!scenario.distribution_points.empty()) {
    write_distribution_points(out, scenario.distribution_points);
  }
  if (!scenario.packages.empty()) {
    out.open(0, "packages");
    for (const PackageEvent& event : scenario.packages) write_package_event(out, event);
  }
  if (!scenario.holders.empty()) {
    out.open(0, "holders");
    for (const HolderSpec& holder : scenario.holders) write_holder(out, holder);
  }
  if (!scenario.faults.empty()) write_faults(out, scenario.faults);
  if (expect_written(scenario.expect)) write_expect(out, scenario.expect);
  return out.take();
}

Scenario with_positions_cleared(Scenario scenario) {
  scenario.file.clear();
  for (FilesystemEntry& entry : scenario.filesystem) entry.position = {};
  for (DistributionPointSpec& dp : scenario.distribution_points) dp.position = {};
  for (PackageEvent& event : scenario.packages) event.position = {};
  for (HolderSpec& holder : scenario.holders) {
    holder.position = {};
    for (ScriptStep& step : holder.steps) step.position = {};
  }
  for (FaultSpec& fault : scenario.faults) fault.position = {};
  scenario.expect.component_status_position = {};
  scenario.expect.no_invariant_violations_position = {};
  scenario.expect.invariant_violations_position = {};
  for (PackageExpectation& package : scenario.expect.packages) {
    package.position = {};
    package.state_position = {};
    package.attempts_position = {};
    package.retries_position = {};
    package.installed_by_position = {};
    for (DpStateExpectation& dp : package.distribution_points) dp.position = {};
  }
  for (StatusCountExpectation& count : scenario.expect.status_counts) count.position = {};
  for (StatusSequenceExpectation& sequence : scenario.expect.status_sequences) {
    sequence.position = {};
  }
  for (LogPatternExpectation& pattern : scenario.expect.log_contains) pattern.position = {};
  for (LogPatternExpectation& pattern : scenario.expect.log_not_contains) pattern.position = {};
  return scenario;
}

}  // namespace distsim::sim
