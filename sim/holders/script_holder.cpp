// Runs script steps in order, each at its own time, through the VFS.
#include "sim/holders/script_holder.h"

#include <fmt/format.h>

#include "model/assert.h"

namespace distsim::sim {
namespace {

std::string_view action_name(ScriptStep::Action action) {
  switch (action) {
    case ScriptStep::Action::open:
      return "open";
    case ScriptStep::Action::close:
      return "close";
    case ScriptStep::Action::lock:
      return "lock";
    case ScriptStep::Action::unlock:
      return "unlock";
    case ScriptStep::Action::write:
      return "write";
    case ScriptStep::Action::delete_file:
      return "delete";
    case ScriptStep::Action::rename:
      return "rename";
  }
  DISTSIM_ASSERT(false);
}

}  // namespace

void ScriptHolder::start() {
  for (size_t index = 0; index < spec_.steps.size(); ++index) {
    const ScriptStep& step = spec_.steps[index];
    if (step.at_us > context_.horizon_us) continue;
    context_.kernel.schedule(step.at_us, *this, index);
  }
}

std::optional<HandleId> ScriptHolder::bound_handle(const std::string& name) const {
  const auto found = handles_.find(name);
  if (found == handles_.end()) return std::nullopt;
  return found->second;
}

void ScriptHolder::on_event(uint64_t payload) {
  DISTSIM_ASSERT(payload < spec_.steps.size());
  const ScriptStep& step = spec_.steps[payload];
  std::string what = fmt::format("step {} ({} '{}')", payload + 1, action_name(step.action),
                                 step.path.empty() ? step.handle_name : step.path);
  const bool needs_handle = step.action != ScriptStep::Action::open &&
                            step.action != ScriptStep::Action::delete_file &&
                            step.action != ScriptStep::Action::rename;
  if (needs_handle && !bound_handle(step.handle_name)) {
    // The open that should have bound this name failed at run time: skip, and say so.
    context_.trace.add(context_.kernel.now(), spec_.name, "step_skipped",
                       {{"step", static_cast<int64_t>(payload + 1)},
                        {"handle", step.handle_name},
                        {"reason", std::string("handle not open")}});
    if (step.expect) note_step(what, false, "skipped: its handle was never opened", step.position);
    return;
  }
  const Win32Error result = run_step(step, what);
  if (!step.expect) return;
  const bool ok = *step.expect == result;
  note_step(what, ok,
            fmt::format("expected {}, got {}", model::win32_error_name(*step.expect),
                        model::win32_error_name(result)),
            step.position);
}

Win32Error ScriptHolder::run_step(const ScriptStep& step, std::string& what) {
  switch (step.action) {
    case ScriptStep::Action::open: {
      auto opened = context_.vfs.open(
          actor_, {step.path, step.access, step.share, model::CreateDisposition::open_existing});
      if (opened.ok()) handles_[step.handle_name] = opened.value();
      return opened.ok() ? Win32Error::ok : opened.error();
    }
    case ScriptStep::Action::close:
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
      return context_.vfs.write(actor_, handle,
                                FileContent{size_bytes, context_.vfs.new_content_version()});
    }
    case ScriptStep::Action::delete_file:
      // `delete` of a directory is RemoveDirectory (as `rd` would be); of a file, DeleteFile.
      // DeleteFile on a directory would only ever give 5, which no scenario means to ask.
      if (context_.vfs.is_directory(step.path)) {
        return context_.vfs.remove_directory(actor_, step.path);
      }
      return context_.vfs.delete_file(actor_, step.path);
    case ScriptStep::Action::rename:
      what.insert(what.size() - 1, fmt::format(" to '{}'", step.to));  // inside the parenthesis
      return context_.vfs.rename(actor_, step.path, step.to);
  }
  DISTSIM_ASSERT(false);
}

}  // namespace distsim::sim
