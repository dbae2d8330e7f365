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

struct StatusMessageDefinition {
  std::string_view component;
  uint32_t id;
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
}  // namespace status_id

// The catalogue row (which lives forever), or null for an ID distsim never raises.
[[nodiscard]] const StatusMessageDefinition* find_status_definition(std::string_view component,
                                                                    uint32_t id);
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
                                                TimeUs t_us);

}  // namespace distsim::model
