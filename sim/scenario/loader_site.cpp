// The `site` section (SCENARIO-FORMAT.md, "site"): the site code, profile, retry policy (also the
// whole of a policy file for `distsim compare`), concurrency, source open mode, bandwidth, log
// format, DP update mode, compression and status thresholds.
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <limits>
#include <vector>

#include "sim/scenario/loader_context.h"
#include "sim/scenario/value_parse.h"

namespace distsim::sim::loader_internal {
namespace {

const std::array<EnumName<model::Profile>, 3>& profile_names() {
  static const std::array<EnumName<model::Profile>, 3> kTable{
      EnumName<model::Profile>{model::Profile::sms2, model::profile_name(model::Profile::sms2)},
      EnumName<model::Profile>{model::Profile::configmgr2007,
                               model::profile_name(model::Profile::configmgr2007)},
      EnumName<model::Profile>{model::Profile::configmgr2012,
                               model::profile_name(model::Profile::configmgr2012)},
  };
  return kTable;
}

const std::array<EnumName<model::Backoff>, 2>& backoff_names() {
  static const std::array<EnumName<model::Backoff>, 2> kTable{
      EnumName<model::Backoff>{model::Backoff::fixed, model::backoff_name(model::Backoff::fixed)},
      EnumName<model::Backoff>{model::Backoff::exponential,
                               model::backoff_name(model::Backoff::exponential)},
  };
  return kTable;
}

const std::array<EnumName<model::DelayFrom>, 2>& delay_from_names() {
  static const std::array<EnumName<model::DelayFrom>, 2> kTable{
      EnumName<model::DelayFrom>{model::DelayFrom::attempt_end,
                                 model::delay_from_name(model::DelayFrom::attempt_end)},
      EnumName<model::DelayFrom>{model::DelayFrom::attempt_start,
                                 model::delay_from_name(model::DelayFrom::attempt_start)},
  };
  return kTable;
}

const std::array<EnumName<model::Jitter>, 4>& jitter_names() {
  static const std::array<EnumName<model::Jitter>, 4> kTable{
      EnumName<model::Jitter>{model::Jitter::none, model::jitter_name(model::Jitter::none)},
      EnumName<model::Jitter>{model::Jitter::full, model::jitter_name(model::Jitter::full)},
      EnumName<model::Jitter>{model::Jitter::equal, model::jitter_name(model::Jitter::equal)},
      EnumName<model::Jitter>{model::Jitter::decorrelated,
                              model::jitter_name(model::Jitter::decorrelated)},
  };
  return kTable;
}

void load_retry_count(const Context& ctx, uint32_t index, RetrySpec& retry) {
  const YamlNode& node = ctx.node(index);
  retry.count_given = true;
  if (node.kind == YamlNode::Kind::scalar && node.plain && node.value == "unlimited") {
    retry.count = std::nullopt;
    return;
  }
  retry.count =
      read_uint32(ctx, index, "count", Bounds{0, model::kRetryCountMax, "kRetryCountMax"});
  if (!retry.count) retry.count_given = false;  // the error is reported; leave the default
}

void load_retry_list(const Context& ctx, uint32_t index, RetrySpec& retry) {
  const auto items = read_list(ctx, index, "retry_on", kFlagListBounds);
  if (!items) return;
  if (items->empty()) {
    // The policy takes an empty list for "every error", where [] reads as "none".
    ctx.error(index,
              "an empty 'retry_on' is ambiguous: leave the key out to retry every error, "
              "or write 'count: 0' to retry none");
    return;
  }
  std::vector<model::Win32Error> errors;
  for (const uint32_t item : *items) {
    if (const auto error = read_error(ctx, item, "retry_on", false)) errors.push_back(*error);
  }
  if (errors.size() == items->size()) retry.retry_on = std::move(errors);
}

void load_multiplier(const Context& ctx, uint32_t index, RetrySpec& retry) {
  const auto text = read_plain(ctx, index, "multiplier", "a number like 2 or 1.5");
  if (!text) return;
  const auto parsed = parse_multiplier_milli(*text);
  if (!parsed.ok()) {
    ctx.error(index, fmt::format("bad value for 'multiplier': {}", parsed.error));
  } else if (*parsed.value < 1000 || *parsed.value > model::kMultiplierMilliMax) {
    ctx.error(index, fmt::format("'multiplier' must be from 1 to {}, got {}",
                                 format_multiplier_milli(model::kMultiplierMilliMax), *text));
  } else {
    retry.multiplier_milli = parsed.value;
  }
}

const std::array<EnumName<model::DueWhileDown>, 2>& due_while_down_names() {
  static const std::array<EnumName<model::DueWhileDown>, 2> kTable{
      EnumName<model::DueWhileDown>{model::DueWhileDown::at_restart,
                                    model::due_while_down_name(model::DueWhileDown::at_restart)},
      EnumName<model::DueWhileDown>{model::DueWhileDown::wait_again,
                                    model::due_while_down_name(model::DueWhileDown::wait_again)},
  };
  return kTable;
}

const std::array<EnumName<model::DpRetryDecided>, 2>& dp_retry_decided_names() {
  static const std::array<EnumName<model::DpRetryDecided>, 2> kTable{
      EnumName<model::DpRetryDecided>{
          model::DpRetryDecided::work_end,
          model::dp_retry_decided_name(model::DpRetryDecided::work_end)},
      EnumName<model::DpRetryDecided>{
          model::DpRetryDecided::copy_end,
          model::dp_retry_decided_name(model::DpRetryDecided::copy_end)},
  };
  return kTable;
}

constexpr std::array<std::string_view, 13> kRetryKeys{"count",
                                                      "delay",
                                                      "backoff",
                                                      "multiplier",
                                                      "max_delay",
                                                      "jitter",
                                                      "deadline",
                                                      "retry_on",
                                                      "delay_from",
                                                      "crash_uses_retry",
                                                      "update_resets_retries",
                                                      "due_while_down",
                                                      "dp_retry_decided"};

}  // namespace

bool is_retry_key(std::string_view key) {
  return std::find(kRetryKeys.begin(), kRetryKeys.end(), key) != kRetryKeys.end();
}

void load_retry(const Context& ctx, uint32_t index, RetrySpec& retry) {
  const MapView map = read_map(ctx, index, "'retry'", KeySet{"retry", kRetryKeys});
  for_each_entry(map, [&](std::string_view key, uint32_t value) {
    if (key == "count") load_retry_count(ctx, value, retry);
    if (key == "delay") retry.delay_us = read_positive_duration(ctx, value, key);
    if (key == "backoff") retry.backoff = read_enum(ctx, value, key, backoff_names(), "backoff");
    if (key == "multiplier") load_multiplier(ctx, value, retry);
    if (key == "max_delay") retry.max_delay_us = read_positive_duration(ctx, value, key);
    if (key == "jitter") retry.jitter = read_enum(ctx, value, key, jitter_names(), "jitter");
    if (key == "deadline") retry.deadline_us = read_positive_duration(ctx, value, key);
    if (key == "retry_on") load_retry_list(ctx, value, retry);
    if (key == "delay_from") {
      retry.delay_from = read_enum(ctx, value, key, delay_from_names(), "delay_from");
    }
    if (key == "crash_uses_retry") retry.crash_uses_retry = read_bool(ctx, value, key);
    if (key == "update_resets_retries") retry.update_resets_retries = read_bool(ctx, value, key);
    if (key == "due_while_down") {
      retry.due_while_down = read_enum(ctx, value, key, due_while_down_names(), "due_while_down");
    }
    if (key == "dp_retry_decided") {
      retry.dp_retry_decided =
          read_enum(ctx, value, key, dp_retry_decided_names(), "dp_retry_decided");
    }
  });
}

bool is_upper_alnum(char c) { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }

namespace {

void load_source_open(const Context& ctx, uint32_t index, SiteSpec& site) {
  constexpr std::array<std::string_view, 4> kKeys{"access", "share", "retries", "retry_interval"};
  const MapView map = read_map(ctx, index, "'source_open'", KeySet{"source_open", kKeys});
  if (const uint32_t access = map.value("access"); access != kNoNode) {
    site.source_open_access = read_access(ctx, access, "access");
  }
  if (const uint32_t share = map.value("share"); share != kNoNode) {
    site.source_open_share = read_share(ctx, share, "share");
  }
  if (const uint32_t retries = map.value("retries"); retries != kNoNode) {
    site.source_open_retries = read_uint32(
        ctx, retries, "retries", Bounds{0, kSourceOpenRetriesMax, "kSourceOpenRetriesMax"});
  }
  if (const uint32_t interval = map.value("retry_interval"); interval != kNoNode) {
    const auto interval_us = read_positive_duration(ctx, interval, "retry_interval");
    if (interval_us && *interval_us > kSourceOpenRetryIntervalMaxUs) {
      ctx.error(interval, "'retry_interval' must be at most 1d (kSourceOpenRetryIntervalMaxUs)");
    } else {
      site.source_open_retry_interval_us = interval_us;
    }
  }
}

// How the manager opens one kind of file (`dp_copy_open`, `pck_create_open`, `pck_read_open`):
// an access that cannot do what the manager does with the file (write it, or read it) is refused
// here rather than failing every such open with ERROR_ACCESS_DENIED.
struct OpenFlagsKey {
  std::string_view key;
  uint32_t needs_any;        // one of these access bits
  std::string_view purpose;  // "write the file"
  std::string_view needs;    // "GENERIC_WRITE, FILE_WRITE_DATA or GENERIC_ALL"
};

void load_open_flags(const Context& ctx, uint32_t index, const OpenFlagsKey& flags,
                     std::optional<model::AccessMask>& access_out,
                     std::optional<model::ShareMode>& share_out) {
  constexpr std::array<std::string_view, 2> kKeys{"access", "share"};
  const MapView map =
      read_map(ctx, index, fmt::format("'{}'", flags.key), KeySet{flags.key, kKeys});
  if (const uint32_t access = map.value("access"); access != kNoNode) {
    const auto read = read_access(ctx, access, "access");
    if (read && (read->bits & flags.needs_any) == 0) {
      ctx.error(access, fmt::format("'access' of '{}' must let the manager {}: include {}",
                                    flags.key, flags.purpose, flags.needs));
    } else {
      access_out = read;
    }
  }
  if (const uint32_t share = map.value("share"); share != kNoNode) {
    share_out = read_share(ctx, share, "share");
  }
}

constexpr uint32_t kWritesData = model::access_bits::kFileWriteData |
                                 model::access_bits::kGenericWrite |
                                 model::access_bits::kGenericAll;
constexpr uint32_t kReadsData = model::access_bits::kFileReadData |
                                model::access_bits::kGenericRead | model::access_bits::kGenericAll;
constexpr OpenFlagsKey kDpCopyOpen{"dp_copy_open", kWritesData, "write the file",
                                   "GENERIC_WRITE, FILE_WRITE_DATA or GENERIC_ALL"};
constexpr OpenFlagsKey kPckCreateOpen{"pck_create_open", kWritesData, "write the file",
                                      "GENERIC_WRITE, FILE_WRITE_DATA or GENERIC_ALL"};
constexpr OpenFlagsKey kPckReadOpen{"pck_read_open", kReadsData, "read the file",
                                    "GENERIC_READ, FILE_READ_DATA or GENERIC_ALL"};

void load_site_code(Context& ctx, uint32_t index, SiteSpec& site) {
  const auto code = read_name(ctx, index, "code");
  ctx.site_code = std::nullopt;  // no prefix check of package ids against a bad code
  if (!code) return;
  if (code->size() != 3 || !std::all_of(code->begin(), code->end(), is_upper_alnum)) {
    ctx.error(index, fmt::format("site code '{}' must be three upper-case letters or digits, "
                                 "e.g. 'S01'",
                                 *code));
    return;
  }
  site.code = code;
  ctx.site_code = code;
}

std::optional<uint64_t> read_bandwidth_bytes(const Context& ctx, uint32_t index,
                                             std::string_view key) {
  const auto bits = read_bandwidth(ctx, index, key);
  if (!bits) return std::nullopt;
  if (*bits % 8 != 0) {
    ctx.error(index, fmt::format("'{}' must be a whole number of bytes per second", key));
    return std::nullopt;
  }
  return *bits / 8;
}

// A severity's [warning_at, critical_at] pair of `status_thresholds`.
std::optional<model::SeverityThresholds> read_threshold_pair(const Context& ctx, uint32_t index,
                                                             std::string_view key) {
  const auto items = read_list(ctx, index, key, Bounds{2, 2, "[warning, critical]"});
  if (!items) return std::nullopt;
  const Bounds bounds{0, std::numeric_limits<uint32_t>::max(), "uint32"};
  const auto warning_at = read_uint32(ctx, (*items)[0], key, bounds);
  const auto critical_at = read_uint32(ctx, (*items)[1], key, bounds);
  if (!warning_at || !critical_at) return std::nullopt;
  // A critical count of 0 switches Critical off: any warning count may then stand alone.
  if (*critical_at > 0 && *warning_at > *critical_at) {
    ctx.error(index, fmt::format("'{}': the warning count {} is above the critical count {} (0 "
                                 "switches Critical off)",
                                 key, *warning_at, *critical_at));
    return std::nullopt;
  }
  return model::SeverityThresholds{*warning_at, *critical_at};
}

void load_status_thresholds(const Context& ctx, uint32_t index, SiteSpec& site) {
  constexpr std::array<std::string_view, 3> kKeys{"errors", "warnings", "informational"};
  const MapView map =
      read_map(ctx, index, "'status_thresholds'", KeySet{"status_thresholds", kKeys});
  model::ComponentStatusThresholds thresholds;
  for_each_entry(map, [&](std::string_view key, uint32_t value) {
    const auto pair = read_threshold_pair(ctx, value, key);
    if (!pair) return;
    if (key == "errors") thresholds.errors = *pair;
    if (key == "warnings") thresholds.warnings = *pair;
    if (key == "informational") thresholds.informational = *pair;
  });
  site.status_thresholds = thresholds;
}

void load_compression(const Context& ctx, uint32_t index, SiteSpec& site) {
  const auto text = read_scalar(ctx, index, "compression");
  if (!text) return;
  const auto parsed = parse_multiplier_milli(*text);
  if (!parsed.ok() || *parsed.value == 0 || *parsed.value > 1000) {
    ctx.error(index, fmt::format("bad value for 'compression': '{}' is not a ratio in (0, 1] such "
                                 "as 0.5",
                                 *text));
    return;
  }
  site.compression_per_mille = *parsed.value;
}

const std::array<EnumName<model::RetryCountShownIn>, 2>& retry_count_shown_in_names() {
  using model::RetryCountShownIn;
  static const std::array<EnumName<RetryCountShownIn>, 2> kTable{
      EnumName<RetryCountShownIn>{
          RetryCountShownIn::failure_message,
          model::retry_count_shown_in_name(RetryCountShownIn::failure_message)},
      EnumName<RetryCountShownIn>{
          RetryCountShownIn::retry_message,
          model::retry_count_shown_in_name(RetryCountShownIn::retry_message)},
  };
  return kTable;
}

constexpr std::array<std::string_view, 21> kSiteKeys{"code",
                                                     "server",
                                                     "profile",
                                                     "retry",
                                                     "max_packages",
                                                     "threads_per_package",
                                                     "source_open",
                                                     "read_bandwidth",
                                                     "log_format",
                                                     "retry_on_wake",
                                                     "retry_on_wake_after",
                                                     "dp_update",
                                                     "compression",
                                                     "status_thresholds",
                                                     "outgoing_bandwidth",
                                                     "streams_fail_compression",
                                                     "dp_copy_open",
                                                     "pck_create_open",
                                                     "pck_read_open",
                                                     "retry_copies_installed",
                                                     "retry_count_shown_in"};

}  // namespace

void load_site(Context& ctx, uint32_t index, SiteSpec& site) {
  const MapView map = read_map(ctx, index, "'site'", KeySet{"site", kSiteKeys});
  for_each_entry(map, [&](std::string_view key, uint32_t value) {
    if (key == "code") load_site_code(ctx, value, site);
    if (key == "server") site.server = read_name(ctx, value, key);
    if (key == "profile") {
      site.profile = read_enum(ctx, value, key, profile_names(), "profile").value_or(site.profile);
    }
    if (key == "retry") load_retry(ctx, value, site.retry);
    if (key == "max_packages") {
      site.max_packages =
          read_uint32(ctx, value, key, Bounds{1, kConcurrentPackagesMax, "kConcurrentPackagesMax"});
    }
    if (key == "threads_per_package") {
      site.threads_per_package =
          read_uint32(ctx, value, key, Bounds{1, kThreadsPerPackageMax, "kThreadsPerPackageMax"});
    }
    if (key == "source_open") load_source_open(ctx, value, site);
    if (key == "dp_copy_open") {
      load_open_flags(ctx, value, kDpCopyOpen, site.dp_copy_open_access, site.dp_copy_open_share);
    }
    if (key == "pck_create_open") {
      load_open_flags(ctx, value, kPckCreateOpen, site.pck_create_open_access,
                      site.pck_create_open_share);
    }
    if (key == "pck_read_open") {
      load_open_flags(ctx, value, kPckReadOpen, site.pck_read_open_access,
                      site.pck_read_open_share);
    }
    if (key == "read_bandwidth") {
      site.read_bandwidth_bytes_per_second = read_bandwidth_bytes(ctx, value, key);
    }
    if (key == "log_format") {
      site.log_format = read_enum(ctx, value, key, kLogFormatNames, "log format");
    }
    if (key == "retry_on_wake") site.retry_on_wake = read_bool(ctx, value, key);
    if (key == "retry_on_wake_after") site.retry_on_wake_after_us = read_duration(ctx, value, key);
    if (key == "dp_update") {
      site.update_deletes_dp_folder = read_enum(ctx, value, key, kDpUpdateNames, "DP update mode");
    }
    if (key == "compression") load_compression(ctx, value, site);
    if (key == "streams_fail_compression") {
      site.streams_fail_compression = read_bool(ctx, value, key);
    }
    if (key == "retry_copies_installed") site.retry_copies_installed = read_bool(ctx, value, key);
    if (key == "retry_count_shown_in") {
      site.retry_count_shown_in =
          read_enum(ctx, value, key, retry_count_shown_in_names(), "retry_count_shown_in");
    }
    if (key == "status_thresholds") load_status_thresholds(ctx, value, site);
    if (key == "outgoing_bandwidth") {
      site.outgoing_bandwidth_bytes_per_second = read_bandwidth_bytes(ctx, value, key);
    }
  });
}

}  // namespace distsim::sim::loader_internal
