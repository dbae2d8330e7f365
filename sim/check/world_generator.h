// Random worlds for `distsim explore`, swarm style (Groce et al.; TigerBeetle's VOPR): each seed
// first decides which features are switched on (holder kinds, faults, profile, policy variant,
// package actions), then draws a small world using only those. Every draw comes from the seed, so
// a seed is a complete description of its world. Generated worlds end every hold and fault well
// before the horizon, which lets the explorer check that retries eventually succeed.
#pragma once

#include <cstdint>
#include <string>

#include "sim/scenario/scenario.h"

namespace distsim::sim {

// Bumped whenever the same seed would draw a different world (part of the replay key).
inline constexpr uint32_t kWorldGeneratorVersion = 21;

// Where the policy retries without a count, a hold or fault lasts at most this many retry delays
// (each hold of a repeating holder, not its repeats together), except in worlds with long
// holds (one in kLongHoldsOneIn of those): a world's cost follows its attempts, and a hold that
// outlasts hundreds of one-minute retries repeats one refusal hundreds of times.
inline constexpr uint32_t kHoldRetryDelaysMax = 48;
inline constexpr uint32_t kLongHoldsOneIn = 16;

struct GeneratorOptions {
  TimeUs horizon_us = 3 * model::kMicrosecondsPerDay;
};

// The features a seed switched on, for the summary and the reproducer's description.
struct SwarmFeatures {
  bool temp_user = false;
  bool explorer_window = false;
  bool antivirus = false;
  bool indexer = false;
  bool backup = false;
  bool dp_client = false;
  bool dp_faults = false;
  bool crash = false;
  bool exponential = false;
  bool jitter = false;
  bool updates = false;
  bool compressed = false;
  bool deadline = false;          // retry `deadline`
  bool retry_on = false;          // retry `retry_on`: some errors are not retried
  bool scripts = false;           // script holders: open, lock, write and close source files
  bool repeats = false;           // holders repeat with `every` and `count`
  bool random_durations = false;  // `at`, `for` and `every` drawn from uniform or exponential
  bool source_open = false;       // the site's `source_open` access and share
  bool dp_update = false;         // the site's `dp_update`
  bool nested = false;            // sources with subfolders and `tree` entries
  // Drawn from the seed's "explore:windows" stream, after the rest of the world:
  bool delete_on_close = false;  // temp_user holders open their file with delete-on-close
  bool images = false;           // a script runs a source or DP file as a program (image section)
  bool read_only = false;        // a read-only source file; a script marks a DP file read-only
  // Drawn from streams of their own, last: "explore:delay_from", "explore:open_retries",
  // (worlds with a crash) "explore:crash_retry", (worlds with a crash and changes)
  // "explore:crash_after_change", (sms2 worlds) "explore:retry_history", and
  // (every world) "explore:disconnect", "explore:mapping", "explore:streams",
  // "explore:open_flags", (sms2 worlds) "explore:retry_copies", (worlds with a crash)
  // "explore:due_while_down", (worlds with an update or refresh) "explore:update_counts",
  // (every world) "explore:retry_message", (worlds with an antivirus) "explore:keeps_section" and
  // (worlds with two or more packages) "explore:shared_source", (per-DP worlds)
  // "explore:dp_retry_decided". "explore:long_holds" (worlds
  // without a retry count) is drawn right after the site, since it bounds the holds drawn after
  // it from every stream.
  bool delay_from_start = false;           // retry delays count from the failed attempt's start
  bool source_open_retries = false;        // a refused source open is retried within the pass
  bool crash_uses_no_retry = false;        // work a crash cut short is redone without using a retry
  bool crash_after_change = false;         // the crash comes just after an update or refresh
  bool updates_keep_retry_counts = false;  // update_resets_retries false
  bool overdue_retries_wait_again = false;  // due_while_down wait_again
  // An administrator deletes a package's Retry History key, and sometimes updates it later.
  bool retry_history_deleted = false;
  // Packages force users off their DPs after a few failed copies (`disconnect_users`); the
  // first DP, where dp_client holders run, may be a NetWare server that cannot.
  bool disconnect_users = false;
  bool netware_dp = false;
  // A program memory-maps a source or DP file and keeps only the view for a while.
  bool mapped_views = false;
  // One source file has an alternate data stream (which sms2 sites cannot compress).
  bool alternate_streams = false;
  // The manager's own open flags for DP files and the .PCK (`dp_copy_open`, `pck_create_open`,
  // `pck_read_open`) differ from the assumed defaults.
  bool manager_open_flags = false;
  // An sms2 retry pass copies the DPs installed earlier in the cycle again.
  bool retry_copies_installed = false;
  // Status messages show the retry count in 62302, not in 2302 (`retry_count_shown_in`).
  bool retry_message = false;
  // The antivirus keeps a read-only view of each file it scanned for up to 10 minutes.
  bool antivirus_keeps_section = false;
  // A later package takes the first one's source folder (or a folder inside it), so that two
  // passes list and read the same files at once.
  bool shared_source = false;
  // Per-DP profiles: each failed DP copy's retry is decided as it fails (dp_retry_decided
  // copy_end), not once the copies beside it have ended.
  bool dp_retry_decided_at_copy_end = false;
  // With no retry count: holds and faults may last up to a quarter of the run whatever the retry
  // delay (with short delays, hundreds of attempts).
  bool long_holds = false;
  [[nodiscard]] std::string text() const;
};

struct GeneratedWorld {
  Scenario scenario;
  SwarmFeatures features;
  // True when the policy retries forever (no count, no deadline, every error retryable) with
  // delays short enough that every package must be installed by the horizon once all holds and
  // faults are over.
  bool must_install_all = false;
};

[[nodiscard]] GeneratedWorld generate_world(uint64_t seed, const GeneratorOptions& options);

}  // namespace distsim::sim
