// Runs script steps in order, each at its own time, through the VFS.
#include "sim/holders/script_holder.h"

#include <fmt/compile.h>
#include <fmt/format.h>

#include <algorithm>

#include "model/assert.h"

namespace distsim::sim {
namespace {

std::string_view action_name(ScriptStep::Action action) {
  return enum_name(kScriptActionKeys, action);  // `delete` for delete_file, as scripts write it
}

}  // namespace

void ScriptHolder::start() {
  TimeUs previous_us = 0;  // steps run in order, whatever their draws say
  for (size_t index = 0; index < spec_.steps.size(); ++index) {
    const ScriptStep& step = spec_.steps[index];
    const TimeUs at_us = std::max(step.drawn_at ? draw(*step.drawn_at) : step.at_us, previous_us);
    previous_us = at_us;
    step_times_.push_back(at_us);
    if (at_us > context_.horizon_us) continue;
    context_.kernel.schedule(at_us, *this, index);
  }
}

void ScriptHolder::finish() {
  for (size_t index = steps_run_; index < spec_.steps.size(); ++index) {
    const ScriptStep& step = spec_.steps[index];
    if (!step.expect) continue;
    // Timed at the step's time, past the run's end or where an early stop left it: the finding
    // reads "... did not run: it falls after the end of the run (at 03:12:00)".
    const TimeUs at_us = step_times_[index];
    const std::string_view expected = model::win32_error_name(*step.expect);
    const std::string_view why = at_us > context_.horizon_us ? "it falls after the end of the run"
                                                             : "the run stopped before its time";
    context_.findings.push_back(
        {spec_.name, step_what(index),
         fmt::format(FMT_COMPILE("expected {}, but the step did not run: {}"), expected, why),
         at_us, step.position, false, false, std::string(expected),
         fmt::format(FMT_COMPILE("not run: {}"), why), false});
  }
}

std::string ScriptHolder::step_what(size_t index) const {
  const ScriptStep& step = spec_.steps[index];
  return fmt::format(FMT_COMPILE("step {} ({} '{}')"), index + 1, action_name(step.action),
                     step.path.empty() ? step.handle_name : step.path);
}

std::optional<HandleId> ScriptHolder::bound_handle(const std::string& name) const {
  const auto found = handles_.find(name);
  if (found == handles_.end()) return std::nullopt;
  return found->second;
}

void ScriptHolder::on_event(uint64_t payload) {
  DISTSIM_ASSERT(payload < spec_.steps.size());
  const ScriptStep& step = spec_.steps[payload];
  DISTSIM_ASSERT(payload == steps_run_);
  ++steps_run_;
  std::string what = step_what(payload);
  const bool needs_handle =
      step.action == ScriptStep::Action::close || step.action == ScriptStep::Action::lock ||
      step.action == ScriptStep::Action::unlock || step.action == ScriptStep::Action::write ||
      step.action == ScriptStep::Action::exit || step.action == ScriptStep::Action::map ||
      step.action == ScriptStep::Action::unmap;
  if (needs_handle && !bound_handle(step.handle_name)) {
    // The open that should have bound this name failed at run time: skip, and say so.
    context_.trace.add(context_.kernel.now(), spec_.name, "step_skipped",
                       {{"step", static_cast<int64_t>(payload + 1)},
                        {"handle", step.handle_name},
                        {"reason", std::string("handle not open")}});
    const auto why = unbound_why_.find(step.handle_name);
    const std::string skipped =
        why == unbound_why_.end() ? std::string("skipped: its handle was never opened")
                                  : fmt::format(FMT_COMPILE("skipped: handle '{}' is not open: {}"),
                                                step.handle_name, why->second);
    // A skipped `map` leaves its section unbound in turn: its `unmap` names this step.
    if (step.action == ScriptStep::Action::map && !step.section_name.empty()) {
      unbound_why_[step.section_name] = fmt::format(FMT_COMPILE("{} was {}"), what, skipped);
    }
    if (step.expect) {
      const std::string_view expected = model::win32_error_name(*step.expect);
      note_step(what, false,
                fmt::format(FMT_COMPILE("expected {}, but the step was {}"), expected, skipped),
                step.position, std::string(expected), skipped, false);
    } else {
      note_skipped_step(what, skipped, step.position);
    }
    return;
  }
  const Win32Error result = run_step(step, what);
  // A failed binding step leaves its name unbound (the loader refuses a step on a name no step
  // binds, or one closed before it): the steps it makes skip say why.
  const bool binds = step.action == ScriptStep::Action::open ||
                     step.action == ScriptStep::Action::run ||
                     step.action == ScriptStep::Action::map;
  const std::string& bound_name =
      step.action == ScriptStep::Action::map ? step.section_name : step.handle_name;
  if (binds && result != Win32Error::ok && !bound_name.empty()) {
    unbound_why_[bound_name] =
        fmt::format(FMT_COMPILE("{} failed with {}"), what, model::win32_error_name(result));
  }
  if (!step.expect) return;
  const bool ok = *step.expect == result;
  const std::string_view expected = model::win32_error_name(*step.expect);
  const std::string_view actual = model::win32_error_name(result);
  note_step(what, ok, fmt::format(FMT_COMPILE("expected {}, got {}"), expected, actual),
            step.position, std::string(expected), std::string(actual), true);
}

Win32Error ScriptHolder::run_step(const ScriptStep& step, std::string& what) {
  switch (step.action) {
    case ScriptStep::Action::open: {
      auto opened = context_.vfs.open(
          actor_, {step.path, step.access, step.share, model::CreateDisposition::open_existing,
                   step.delete_on_close});
      if (opened.ok()) handles_[step.handle_name] = opened.value();
      return opened.ok() ? Win32Error::ok : opened.error();
    }
    case ScriptStep::Action::run:
      return run_program(step);
    case ScriptStep::Action::map: {
      what.insert(what.size() - 1,
                  fmt::format(FMT_COMPILE(" {}"), page_protection_name(step.protection)));
      auto section =
          context_.vfs.map_data(actor_, *bound_handle(step.handle_name), step.protection);
      if (section.ok() && !step.section_name.empty()) {
        handles_[step.section_name] = section.value();
      }
      return section.ok() ? Win32Error::ok : section.error();
    }
    case ScriptStep::Action::close:
    case ScriptStep::Action::exit:   // closing the image section ends the program
    case ScriptStep::Action::unmap:  // UnmapViewOfFile and closing the section
      context_.vfs.close(actor_, *bound_handle(step.handle_name));
      handles_.erase(step.handle_name);
      return Win32Error::ok;
    case ScriptStep::Action::lock:
      return context_.vfs.lock(actor_, *bound_handle(step.handle_name), step.offset, step.length,
                               step.exclusive);
    case ScriptStep::Action::unlock:
      return context_.vfs.unlock(actor_, *bound_handle(step.handle_name), step.offset, step.length);
    case ScriptStep::Action::write: {
      const HandleId handle = *bound_handle(step.handle_name);
      const auto path = context_.vfs.handle_path(handle);
      const auto current = path ? context_.vfs.file_content(*path) : std::nullopt;
      const uint64_t size_bytes = current ? current->size_bytes : 0;
      const uint32_t streams = current ? current->alternate_streams : 0;  // a write keeps them
      return context_.vfs.write(
          actor_, handle, FileContent{size_bytes, context_.vfs.new_content_version(), streams});
    }
    case ScriptStep::Action::delete_file:
      // `delete` of a directory is RemoveDirectory (as `rd` would be); of a file, DeleteFile.
      // DeleteFile on a directory would only ever give 5, which no scenario means to ask.
      if (context_.vfs.is_directory(step.path)) {
        return context_.vfs.remove_directory(actor_, step.path);
      }
      return context_.vfs.delete_file(actor_, step.path);
    case ScriptStep::Action::rename:
      what.insert(what.size() - 1,
                  fmt::format(FMT_COMPILE(" to '{}'"), step.to));  // inside the parenthesis
      return context_.vfs.rename(actor_, step.path, step.to);
    case ScriptStep::Action::set_attributes:
      what.insert(what.size() - 1, fmt::format(FMT_COMPILE(" read_only: {}"), step.read_only));
      return context_.vfs.set_read_only(actor_, step.path, step.read_only);
    case ScriptStep::Action::get_attributes:
      // The attributes found are in the trace record of the VFS operation.
      return context_.vfs.get_attributes(actor_, step.path).error();
  }
  DISTSIM_ASSERT(false);
}

// A program starts: the loader opens the file, maps it as an image and closes the file handle,
// so only the image section stays (sim/holders/README.md).
Win32Error ScriptHolder::run_program(const ScriptStep& step) {
  auto opened = context_.vfs.open(
      actor_, {step.path, step.access, step.share, model::CreateDisposition::open_existing});
  if (!opened.ok()) return opened.error();
  auto section = context_.vfs.map_image(actor_, opened.value());
  context_.vfs.close(actor_, opened.value());
  if (!section.ok()) return section.error();
  if (!step.handle_name.empty()) handles_[step.handle_name] = section.value();
  return Win32Error::ok;
}

}  // namespace distsim::sim
