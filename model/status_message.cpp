// The status message catalogue. Wording of confirmed rows follows the sources of model/README.md
// ("Facts and assumptions"); every project_defined part is marked in the row and in the README.
#include "model/status_message.h"

#include "model/assert.h"

namespace distsim::model {

char severity_letter(Severity severity) {
  switch (severity) {
    case Severity::informational:
      return 'I';
    case Severity::warning:
      return 'W';
    case Severity::error:
      return 'E';
  }
  DISTSIM_ASSERT(false);
}

std::string_view retry_count_shown_in_name(RetryCountShownIn shown_in) {
  return shown_in == RetryCountShownIn::failure_message ? "failure_message" : "retry_message";
}

const std::vector<StatusMessageDefinition>& status_catalogue() {
  static const std::vector<StatusMessageDefinition> catalogue{
      {kDistributionManagerComponent, status_id::kPackageProcessingStarted, MessageForm::standard,
       Severity::informational,
       "SMS Distribution Manager is beginning to process package \"%1\" (package ID = %2).",
       Provenance::partly_confirmed, "BLOG-2003, BLOG-2007, CM-ACTIONS (SMS 2.0 wording inferred)"},
      {kDistributionManagerComponent, status_id::kPackageProcessed, MessageForm::standard,
       Severity::informational,
       "SMS Distribution Manager successfully processed package \"%1\" (package ID = %2).",
       Provenance::partly_confirmed, "CM-ACTIONS (SMS 2.0 wording inferred)"},
      // The first sentence is KB319207's text. The second, carrying the Win32 error and the
      // retry count that KB207416 says are visible, is distsim's own (no source gives its form).
      {kDistributionManagerComponent, status_id::kPackageFailed, MessageForm::standard,
       Severity::error,
       "SMS Distribution Manager failed to process package \"%1\" (package ID = %2). "
       "Win32 error %3; retries so far: %4; next retry: %5.",
       Provenance::partly_confirmed,
       "KB319207 (first sentence); severity Error partly confirmed (SCWIKI); second sentence "
       "project-defined"},
      // site.retry_count_shown_in retry_message: 62302 shows the retry count and the next
      // retry, and 2302 gives the error only.
      {kDistributionManagerComponent, status_id::kPackageFailed, MessageForm::without_retry_count,
       Severity::error,
       "SMS Distribution Manager failed to process package \"%1\" (package ID = %2). "
       "Win32 error %3.",
       Provenance::partly_confirmed,
       "KB319207 (first sentence); severity Error partly confirmed (SCWIKI); second sentence "
       "project-defined"},
      // ConfigMgr 2007+: "package source folder does not exist or not enough permissions".
      {kDistributionManagerComponent, status_id::kSourceNotAccessible, MessageForm::standard,
       Severity::error,
       "SMS Distribution Manager cannot access the source directory \"%2\" of package %1. "
       "Win32 error %3.",
       Provenance::partly_confirmed,
       "PS-SCRIPT (meaning); severity and wording project-defined; raised by the ConfigMgr "
       "profiles only"},
      // CM-ACTIONS: raised right after the log line "Successfully created/updated the package";
      // ISTR0 is the package ID. ConfigMgr 2012 and later only.
      {kDistributionManagerComponent, status_id::kPackageCreatedOrUpdated, MessageForm::standard,
       Severity::informational,
       "SMS Distribution Manager successfully created or updated the package %1.",
       Provenance::partly_confirmed,
       "CM-ACTIONS (ID, severity, insertion string, when); wording project-defined"},
      {kDistributionManagerComponent, status_id::kCopyToDpFailed, MessageForm::standard,
       Severity::warning,
       "SMS Distribution Manager failed to copy package \"%1\" from \"%2\" to \"%3\".",
       Provenance::partly_confirmed,
       "KB319207, KB215117, RJG (text); severity Warning project-defined (SEV semantics)"},
      {kDistributionManagerComponent, status_id::kCopiedToDp, MessageForm::standard,
       Severity::informational,
       "SMS Distribution Manager successfully distributed package \"%1\" to distribution point "
       "\"%2\".",
       Provenance::partly_confirmed, "CM-ACTIONS (ID, severity); wording project-defined"},
      // CM-ACTIONS: raised by the DP thread right after "DP Thread: Attempting to add or update
      // package"; ISTR0 is the package name, ISTR1 the DP. ConfigMgr 2012 and later only.
      {kDistributionManagerComponent, status_id::kDpThreadStarted, MessageForm::standard,
       Severity::informational,
       "SMS Distribution Manager is starting to distribute package \"%1\" to distribution "
       "point \"%2\".",
       Provenance::partly_confirmed,
       "CM-ACTIONS (ID, severity, insertion strings); wording project-defined"},
      // KB207416 says the status messages show the retry count; the facts allow a separate
      // Warning message, whose ID and text no source gives.
      {kDistributionManagerComponent, status_id::kPackageWillRetry, MessageForm::standard,
       Severity::warning,
       "SMS Distribution Manager will retry package \"%1\" (package ID = %2) after Win32 error "
       "%3; retries so far: %4; next retry: %5.",
       Provenance::project_defined,
       "KB207416 (a retry count is shown); ID, severity Warning and wording project-defined"},
  };
  return catalogue;
}

const StatusMessageDefinition* find_status_definition(std::string_view component, uint32_t id,
                                                      MessageForm form) {
  for (const StatusMessageDefinition& row : status_catalogue()) {
    if (row.id == id && row.form == form && row.component == component) return &row;
  }
  return nullptr;
}

namespace {

std::string apply_template(std::string_view text_template,
                           const std::vector<std::string>& insertions) {
  std::string text;
  text.reserve(text_template.size() + 64);
  size_t copied = 0;  // text_template[0, copied) is in `text`
  for (size_t percent = text_template.find('%'); percent != std::string_view::npos;
       percent = text_template.find('%', percent + 1)) {
    const bool placeholder = percent + 1 < text_template.size() &&
                             text_template[percent + 1] >= '1' && text_template[percent + 1] <= '9';
    if (!placeholder) continue;
    text.append(text_template.substr(copied, percent - copied));
    const auto insertion_index = static_cast<size_t>(text_template[percent + 1] - '1');
    if (insertion_index < insertions.size()) text += insertions[insertion_index];
    copied = percent + 2;
    ++percent;
  }
  text.append(text_template.substr(copied));
  return text;
}

}  // namespace

StatusMessage make_status_message(uint32_t id, std::vector<std::string> insertions,
                                  std::string package_id, std::string dp_name, TimeUs t_us,
                                  MessageForm form) {
  const StatusMessageDefinition* const definition =
      find_status_definition(kDistributionManagerComponent, id, form);
  DISTSIM_ASSERT(definition != nullptr);
  DISTSIM_ASSERT(insertions.size() <= 10);
  StatusMessage message;
  message.id = id;
  message.severity = definition->severity;
  message.component = definition->component;
  message.text = apply_template(definition->text_template, insertions);
  message.insertion_strings = std::move(insertions);
  message.package_id = std::move(package_id);
  message.dp_name = std::move(dp_name);
  message.t_us = t_us;
  return message;
}

}  // namespace distsim::model
