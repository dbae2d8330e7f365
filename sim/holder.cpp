// The shared holder machinery: duration draws from the holder's own sub-stream, findings, and
// the schedule of repeated holds.
#include "sim/holder.h"

#include <fmt/format.h>

#include "model/assert.h"
#include "sim/limits.h"

namespace distsim::sim {

Holder::Holder(HolderContext context, HolderSpec spec)
    : context_(context),
      spec_(std::move(spec)),
      actor_(context_.vfs.register_actor(spec_.name)),
      random_(Prng::stream(context_.seed, fmt::format("holder:{}", spec_.name))) {
  DISTSIM_ASSERT(!spec_.name.empty());
}

TimeUs Holder::draw(const DurationSpec& duration) {
  switch (duration.kind) {
    case DurationSpec::Kind::constant:
      return duration.value_us;
    case DurationSpec::Kind::uniform:
      return random_.uniform_between(duration.value_us, duration.high_us);
    case DurationSpec::Kind::exponential:
      return random_.exponential(duration.value_us);
  }
  DISTSIM_ASSERT(false);
}

void Holder::note_step(std::string what, bool ok, std::string detail, SourcePosition position) {
  const TimeUs now_us = context_.kernel.now();
  context_.trace.add(
      now_us, spec_.name, "expectation",
      {{"what", fmt::format("{}: {}", spec_.name, what)}, {"ok", ok}, {"detail", detail}});
  context_.findings.push_back(
      {spec_.name, std::move(what), std::move(detail), now_us, position, ok});
}

void RepeatingHolder::start() {
  DISTSIM_ASSERT(spec_.count >= 1 && spec_.count <= kHolderRepeatsMax);
  next_begin_us_ = draw(spec_.at);
  if (next_begin_us_ > context_.horizon_us) return;
  context_.kernel.schedule(next_begin_us_, *this, 0);
}

void RepeatingHolder::on_event(uint64_t payload) {
  const auto occurrence = static_cast<uint32_t>(payload >> 1);
  if ((payload & 1) == 0) {
    begin(occurrence);
  } else {
    end(occurrence);
  }
}

void RepeatingHolder::begin(uint32_t occurrence) {
  DISTSIM_ASSERT(held_.count(occurrence) == 0);
  const TimeUs now_us = context_.kernel.now();
  held_[occurrence] = acquire();
  std::optional<TimeUs> end_us;
  if (spec_.hold_for) end_us = now_us + draw(*spec_.hold_for);
  if (spec_.until_us) end_us = std::max(now_us, *spec_.until_us);
  if (end_us && *end_us <= context_.horizon_us) {
    context_.kernel.schedule(*end_us, *this, (uint64_t{occurrence} << 1) | 1);
  }
  if (occurrence + 1 < spec_.count && spec_.every) {
    next_begin_us_ = now_us + draw(*spec_.every);
    if (next_begin_us_ <= context_.horizon_us) {
      context_.kernel.schedule(next_begin_us_, *this, uint64_t{occurrence + 1} << 1);
    }
  }
}

void RepeatingHolder::end(uint32_t occurrence) {
  auto found = held_.find(occurrence);
  DISTSIM_ASSERT(found != held_.end());
  for (const HandleId handle : found->second) context_.vfs.close(actor_, handle);
  held_.erase(found);
}

}  // namespace distsim::sim
