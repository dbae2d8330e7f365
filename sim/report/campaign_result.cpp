// Campaign result files: written by hand in a fixed order (so that the bytes are reproducible),
// read back with the strict JSON reader and checked field by field.
#include "sim/report/campaign_result.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <utility>

#include "model/assert.h"
#include "sim/check/world_classes.h"
#include "sim/core/trace.h"
#include "sim/core/trace_jsonl.h"
#include "sim/report/json_value.h"
#include "sim/scenario/scenario_loader.h"
#include "sim/scenario/scenario_writer.h"
#include "sim/scenario/value_parse.h"

namespace distsim::sim {
namespace {

constexpr const char* kFormatName = "distsim explore result";

std::string failure_json(const CampaignFailure& failure) {
  return fmt::format(
      "    {{\n      \"seed\": {},\n      \"kind\": {},\n      \"detail\": {},\n      "
      "\"shrink_runs\": {},\n      \"shrink_stopped\": {},\n      \"reproducer_file\": {},\n"
      "      \"reproducer_yaml\": {}\n    }}",
      failure.seed, json_quote(failure.kind), json_quote(failure.detail), failure.shrink_runs,
      failure.shrink_stopped, json_quote(failure.reproducer_file),
      json_quote(failure.reproducer_yaml));
}

// Reading: each accessor records the first problem and returns a neutral value after it, so a
// reader can fetch every field and look at the error once.
class FieldReader {
 public:
  FieldReader(const JsonValue& object, std::string where, std::string& error)
      : object_(object), where_(std::move(where)), error_(error) {}

  const JsonValue* field(const std::string& key, JsonValue::Kind kind, const char* type) {
    if (!error_.empty()) return nullptr;
    if (!object_.has(key)) {
      error_ = fmt::format("{}missing key '{}'", prefix(), key);
      return nullptr;
    }
    const JsonValue& value = object_.at(key);
    if (value.kind != kind) {
      error_ = fmt::format("{}'{}' must be {}", prefix(), key, type);
      return nullptr;
    }
    return &value;
  }
  uint64_t number(const std::string& key, uint64_t max = UINT64_MAX) {
    const JsonValue* value = field(key, JsonValue::Kind::number, "a non-negative integer");
    if (value == nullptr) return 0;
    const auto parsed = value->unsigned_integer();
    if (!parsed || *parsed > max) {
      error_ = fmt::format("{}'{}' must be an integer 0..{}", prefix(), key, max);
      return 0;
    }
    return *parsed;
  }
  std::string text(const std::string& key) {
    const JsonValue* value = field(key, JsonValue::Kind::string, "a string");
    return value == nullptr ? std::string() : value->text;
  }
  bool flag(const std::string& key) {
    const JsonValue* value = field(key, JsonValue::Kind::boolean, "true or false");
    return value != nullptr && value->boolean;
  }
  void fail(const std::string& what) {
    if (error_.empty()) error_ = prefix() + what;
  }
  [[nodiscard]] bool ok() const { return error_.empty(); }

 private:
  [[nodiscard]] std::string prefix() const { return where_.empty() ? "" : where_ + ": "; }
  const JsonValue& object_;
  std::string where_;
  std::string& error_;
};

// Text a summary line prints as it is: no line break or other control character that could make
// a hand-edited result print lines of its own.
bool one_line(std::string_view text) {
  return std::none_of(text.begin(), text.end(),
                      [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
}

// The first seed a shard explores, or the range's start for a shard with none (whose first seed
// would lie past the range, and past the largest seed at its top).
uint64_t first_seed_done(const CampaignResult& result) {
  return result.shard_index < result.seed_count ? result.seed_start + result.shard_index
                                                : result.seed_start;
}

bool plain_file_name(const std::string& name) {
  return !name.empty() && name.front() != '.' && name.find_first_of("/\\:") == std::string::npos &&
         name.size() > 5 && name.substr(name.size() - 5) == ".yaml";
}

// Why the reproducer would not replay, or empty: it must load as a scenario, since merge writes it
// out as the file a user runs. A `generator` failure's reproducer is the world that did not load
// back: it cannot load, and says so by its kind.
std::string reproducer_problem(const CampaignFailure& failure) {
  if (failure.kind == "generator") return {};
  const LoadResult load = load_scenario_text(failure.reproducer_yaml, failure.reproducer_file);
  if (!load.errors.empty()) {
    return fmt::format("reproducer_yaml does not load as a scenario: {}",
                       load.errors.front().to_string());
  }
  return {};
}

std::vector<CampaignFailure> read_failures(const JsonValue& list, const CampaignResult& result,
                                           std::string& error) {
  std::vector<CampaignFailure> failures;
  for (size_t index = 0; index < list.items.size() && error.empty(); ++index) {
    const JsonValue& item = list.items[index];
    const std::string where = fmt::format("failures[{}]", index);
    if (item.kind != JsonValue::Kind::object) {
      error = where + " must be an object";
      break;
    }
    FieldReader fields(item, where, error);
    CampaignFailure failure;
    failure.seed = fields.number("seed");
    failure.kind = fields.text("kind");
    failure.detail = fields.text("detail");
    failure.shrink_runs = static_cast<uint32_t>(fields.number("shrink_runs", kShrinkRunsMax));
    failure.shrink_stopped = fields.flag("shrink_stopped");
    failure.reproducer_file = fields.text("reproducer_file");
    failure.reproducer_yaml = fields.text("reproducer_yaml");
    if (!fields.ok()) break;
    const uint64_t offset = failure.seed - result.seed_start;
    if (failure.seed < result.seed_start || offset % result.shard_count != result.shard_index ||
        offset / result.shard_count >= result.worlds_run) {
      fields.fail(fmt::format("seed {} is not among the seeds this shard explored", failure.seed));
    } else if (!failures.empty() && failures.back().seed >= failure.seed) {
      fields.fail("failures are not in increasing seed order");
    } else if (!one_line(failure.kind) || !one_line(failure.detail)) {
      fields.fail("kind and detail must be one line each");
    } else if (!known_failure_kind(failure.kind)) {
      fields.fail(
          fmt::format("kind {} is not a failure this distsim reports", json_quote(failure.kind)));
    } else if (!plain_file_name(failure.reproducer_file)) {
      fields.fail(fmt::format("reproducer_file '{}' must be a plain *.yaml file name",
                              failure.reproducer_file));
    } else if (failure.reproducer_file != reproducer_file_name(failure.seed, failure.kind)) {
      fields.fail(fmt::format("reproducer_file '{}' must be '{}', the name its seed and kind give",
                              failure.reproducer_file,
                              reproducer_file_name(failure.seed, failure.kind)));
    } else if (const std::string problem = reproducer_problem(failure); !problem.empty()) {
      fields.fail(problem);
    }
    failures.push_back(std::move(failure));
  }
  return failures;
}

void read_identity(FieldReader& fields, CampaignResult& result) {
  if (fields.text("format") != kFormatName) {
    fields.fail(fmt::format("'format' must be \"{}\"", kFormatName));
  }
  if (fields.number("format_version") != kCampaignResultFormatVersion) {
    fields.fail(
        fmt::format("format_version must be {} (this distsim's)", kCampaignResultFormatVersion));
  }
  result.distsim_version = fields.text("distsim_version");
  result.commit = fields.text("commit");
  result.generator_version = static_cast<uint32_t>(fields.number("generator_version", UINT32_MAX));
  result.seed_start = fields.number("seed_start");
  result.seed_count = fields.number("seed_count", kExploreSeedsMax);
  if (fields.ok() && result.seed_count == 0) fields.fail("seed_count must be at least 1");
  result.shard_index = static_cast<uint32_t>(fields.number("shard_index", UINT32_MAX));
  result.shard_count = static_cast<uint32_t>(fields.number("shard_count", UINT32_MAX));
  const std::string budget = fields.text("budget");
  if (!fields.ok()) return;
  const auto parsed = parse_duration(budget);
  if (!parsed.ok()) fields.fail("budget: " + parsed.error);
  result.budget_us = parsed.value.value_or(0);
  if (result.shard_count == 0 || result.shard_index >= result.shard_count) {
    fields.fail(
        fmt::format("shard {}/{} is not I/N with I < N", result.shard_index, result.shard_count));
  } else if (result.seed_count > 0 && UINT64_MAX - result.seed_start < result.seed_count - 1) {
    fields.fail("the seed range passes the largest seed");
  }
}

void read_progress(FieldReader& fields, const JsonValue& document, CampaignResult& result) {
  ExploreOptions shard;
  shard.seed_start = result.seed_start;
  shard.seed_count = result.seed_count;
  shard.shard_index = result.shard_index;
  shard.shard_count = result.shard_count;
  result.worlds_planned = fields.number("worlds_planned");
  result.worlds_run = fields.number("worlds_run");
  if (fields.ok() && result.worlds_planned != shard_seed_count(shard)) {
    fields.fail(fmt::format("worlds_planned {} is not the {} seeds of shard {}",
                            result.worlds_planned, shard_seed_count(shard), result.shard_text()));
  } else if (fields.ok() && result.worlds_run > result.worlds_planned) {
    fields.fail("worlds_run exceeds worlds_planned");
  }
  if (document.has("stopped_by") && document.at("stopped_by").kind == JsonValue::Kind::null) {
    if (result.worlds_run != result.worlds_planned)
      fields.fail("an incomplete shard names no stopped_by");
  } else {
    result.stopped_by = fields.text("stopped_by");
    if (fields.ok() && std::find(kCampaignStopReasons.begin(), kCampaignStopReasons.end(),
                                 result.stopped_by) == kCampaignStopReasons.end()) {
      fields.fail(fmt::format("stopped_by must be null or one of {}",
                              fmt::join(kCampaignStopReasons, ", ")));
    } else if (fields.ok() && result.worlds_run == result.worlds_planned) {
      fields.fail("a complete shard names a stopped_by; it must be null");
    }
  }
  if (const JsonValue* done = fields.field("seeds_done", JsonValue::Kind::object, "an object")) {
    std::string error;
    FieldReader seeds(*done, "seeds_done", error);
    const uint64_t first = seeds.number("first");
    const uint64_t step = seeds.number("step");
    const uint64_t count = seeds.number("count");
    // A shard with no seeds may also give S + I, where the stride would place its first seed
    // (past the range): both are read as the same empty shard.
    const bool first_ok =
        first == first_seed_done(result) ||
        (result.worlds_planned == 0 && first == result.seed_start + result.shard_index);
    if (error.empty() && (!first_ok || step != result.shard_count || count != result.worlds_run)) {
      error = "seeds_done does not match the shard and worlds_run";
    }
    if (!error.empty()) fields.fail(error);
  }
}

}  // namespace

std::string CampaignResult::shard_text() const {
  return fmt::format("{}/{}", shard_index, shard_count);
}

CampaignResult campaign_result(const ExploreOptions& options, const ExploreSummary& summary,
                               std::string distsim_version, std::string commit,
                               std::string stopped_by) {
  CampaignResult result;
  result.distsim_version = std::move(distsim_version);
  result.commit = std::move(commit);
  result.generator_version = kWorldGeneratorVersion;
  result.seed_start = options.seed_start;
  result.seed_count = options.seed_count;
  result.shard_index = options.shard_index;
  result.shard_count = options.shard_count;
  result.budget_us = options.generator.horizon_us;
  result.worlds_planned = summary.worlds_planned;
  result.worlds_run = summary.worlds;
  if (!summary.complete()) result.stopped_by = std::move(stopped_by);
  result.class_counts = summary.class_counts;
  for (const ExploreFinding& finding : summary.findings) {
    result.failures.push_back(CampaignFailure{finding.seed, finding.failure.kind,
                                              finding.failure.detail, finding.shrink_runs,
                                              finding.shrink_stopped, reproducer_file_name(finding),
                                              write_scenario_yaml(finding.reproducer)});
  }
  return result;
}

std::string campaign_result_json(const CampaignResult& result) {
  DISTSIM_ASSERT(result.budget_us > 0);
  std::string classes;
  for (const auto& [name, count] : result.class_counts) {
    classes += fmt::format("{}{}: {}", classes.empty() ? "" : ", ", json_quote(name), count);
  }
  std::string failures;
  for (const CampaignFailure& failure : result.failures) {
    failures += (failures.empty() ? "\n" : ",\n") + failure_json(failure);
  }
  std::string out = "{\n";
  const auto line = [&out](std::string_view key, const std::string& value) {
    out += fmt::format("  \"{}\": {},\n", key, value);
  };
  line("format", json_quote(kFormatName));
  line("format_version", std::to_string(kCampaignResultFormatVersion));
  line("distsim_version", json_quote(result.distsim_version));
  line("commit", json_quote(result.commit));
  line("generator_version", std::to_string(result.generator_version));
  line("seed_start", std::to_string(result.seed_start));
  line("seed_count", std::to_string(result.seed_count));
  line("shard_index", std::to_string(result.shard_index));
  line("shard_count", std::to_string(result.shard_count));
  line("budget", json_quote(format_duration(result.budget_us)));
  line("worlds_planned", std::to_string(result.worlds_planned));
  line("worlds_run", std::to_string(result.worlds_run));
  line("seeds_done", fmt::format("{{\"first\": {}, \"step\": {}, \"count\": {}}}",
                                 first_seed_done(result), result.shard_count, result.worlds_run));
  line("stopped_by", result.stopped_by.empty() ? "null" : json_quote(result.stopped_by));
  line("class_counts", "{" + classes + "}");
  line("failures", "[" + failures + (failures.empty() ? "]" : "\n  ]"));
  out += fmt::format("  \"wall_seconds\": {:.3f}\n}}\n", result.wall_seconds);
  return out;
}

CampaignResultRead read_campaign_result(std::string_view text) {
  // RFC 8259 lets a reader ignore a byte order mark; PowerShell 7's Out-File -Encoding utf8BOM
  // writes one. UTF-16, Windows PowerShell 5.1's default, is named rather than read as garbage.
  constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";
  if (text.substr(0, kByteOrderMark.size()) == kByteOrderMark) {
    text.remove_prefix(kByteOrderMark.size());
  }
  if (text.starts_with("\xFF\xFE") || text.starts_with("\xFE\xFF") ||
      (text.size() >= 2 && (text[0] == '\0' || text[1] == '\0'))) {
    return CampaignResultRead{std::nullopt,
                              "the file is UTF-16, not UTF-8 (Windows PowerShell's Out-File "
                              "writes UTF-16 unless given -Encoding utf8): write it as UTF-8"};
  }
  JsonReader reader(text);
  const std::optional<JsonValue> document = reader.read();
  if (!document) return CampaignResultRead{std::nullopt, "not JSON: " + reader.error()};
  if (document->kind != JsonValue::Kind::object) {
    return CampaignResultRead{std::nullopt, "not a JSON object"};
  }
  std::string error;
  FieldReader fields(*document, "", error);
  CampaignResult result;
  read_identity(fields, result);
  if (fields.ok()) read_progress(fields, *document, result);
  if (const JsonValue* classes =
          fields.field("class_counts", JsonValue::Kind::object, "an object")) {
    FieldReader counts(*classes, "class_counts", error);
    // A world belongs to a class at most once: a count above worlds_run is no shard's.
    for (const auto& [name, value] : classes->members) {
      result.class_counts[name] = counts.number(name, result.worlds_run);
      if (!known_world_class(name)) {
        counts.fail(fmt::format("{} is not a class this distsim counts", json_quote(name)));
      }
    }
  }
  if (const JsonValue* list = fields.field("failures", JsonValue::Kind::array, "an array")) {
    result.failures = read_failures(*list, result, error);
  }
  if (const JsonValue* wall = fields.field("wall_seconds", JsonValue::Kind::number, "a number")) {
    const char* end = wall->number_text.data() + wall->number_text.size();
    const auto [stopped, problem] =
        std::from_chars(wall->number_text.data(), end, result.wall_seconds);
    if (problem != std::errc() || stopped != end || !(result.wall_seconds >= 0) ||
        !std::isfinite(result.wall_seconds)) {
      fields.fail("'wall_seconds' must be a non-negative number of seconds");
    }
  }
  if (!error.empty()) return CampaignResultRead{std::nullopt, error};
  return CampaignResultRead{std::move(result), {}};
}

}  // namespace distsim::sim
