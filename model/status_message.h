// Status messages raised by SMS_DISTRIBUTION_MANAGER: the catalogue (keyed by component and ID,
// with severity, text template and where each fact comes from) and the raised-message value.
// IDs are not global in SMS (2303 belongs to another component in SMS 2.0), hence the key.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "model/time.h"

namespace distsim::model {

inline constexpr std::string_view kDistributionManagerComponent = "SMS_DISTRIBUTION_MANAGER";

enum class Severity { informational, warning, error };

// 'I', 'W' or 'E', as in STATMSG lines (SEV=I).
[[nodiscard]] char severity_letter(Severity severity);

// How much of a catalogue row is Microsoft's and how much is this project's assumption.
enum class Provenance {
  confirmed,         // ID, severity and wording seen in a Microsoft source
  partly_confirmed,  // ID and wording seen; severity or era inferred
  project_defined,   // distsim's own choice, documented as such
};

// Where the retry count and the next retry appear (KB Q207416 says the status messages show how
// many retries were made, not how; the facts allow both readings, model/README.md):
// failure_message: in 2302's second sentence, as %4 and %5 (distsim's default);
// retry_message: in a separate Warning message raised after a 2302 that a retry follows, 2302
// then keeping the Win32 error only.
enum class RetryCountShownIn { failure_message, retry_message };

[[nodiscard]] std::string_view retry_count_shown_in_name(RetryCountShownIn shown_in);

// A message ID can have a second text, without the retry count, for RetryCountShownIn::
// retry_message; the catalogue lists it as a row of its own.
enum class MessageForm { standard, without_retry_count };

struct StatusMessageDefinition {
  std::string_view component;
  uint32_t id;
  MessageForm form;
  Severity severity;
  // %1..%9 are replaced by insertion strings 0..8.
  std::string_view text_template;
  Provenance provenance;
  std::string_view source;  // the model/README.md source key(s) the row relies on
};

namespace status_id {
inline constexpr uint32_t kPackageProcessingStarted = 2300;
inline constexpr uint32_t kPackageProcessed = 2301;
inline constexpr uint32_t kPackageFailed = 2302;
inline constexpr uint32_t kSourceNotAccessible = 2306;
inline constexpr uint32_t kPackageCreatedOrUpdated = 2311;  // configmgr2012 only
inline constexpr uint32_t kCopyToDpFailed = 2328;
inline constexpr uint32_t kCopiedToDp = 2330;
inline constexpr uint32_t kDpThreadStarted = 2342;  // configmgr2012 only
// Project-defined (no source gives an ID for "will retry"): raised with retry_count_shown_in
// retry_message only; chosen outside the 23xx IDs the sources list for distmgr, so that it is
// not read as one of them (whether any Microsoft component uses 62302 is not known).
inline constexpr uint32_t kPackageWillRetry = 62302;
}  // namespace status_id

// The catalogue row (which lives forever), or null for an ID (or a form of it) distsim never
// raises.
[[nodiscard]] const StatusMessageDefinition* find_status_definition(
    std::string_view component, uint32_t id, MessageForm form = MessageForm::standard);
[[nodiscard]] const std::vector<StatusMessageDefinition>& status_catalogue();

// A raised status message.
struct StatusMessage {
  uint32_t id = 0;
  Severity severity = Severity::informational;
  std::string_view component;  // the catalogue row's component name, a text that lives forever
  std::string package_id;      // attribute 400; empty when none applies
  std::string dp_name;         // attribute 404 (the DP's NAL path in SMS); empty when none applies
  std::vector<std::string> insertion_strings;  // ISTR0..ISTR9
  std::string text;                            // the template with insertion strings applied
  TimeUs t_us = 0;
};

// Builds a message from its catalogue row; requires the row to exist and at most 10 strings.
[[nodiscard]] StatusMessage make_status_message(uint32_t id, std::vector<std::string> insertions,
                                                std::string package_id, std::string dp_name,
                                                TimeUs t_us,
                                                MessageForm form = MessageForm::standard);

}  // namespace distsim::model
