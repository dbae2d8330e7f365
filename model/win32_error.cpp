// The table of Win32 error names and message texts (winerror.h / FormatMessage, English).
#include "model/win32_error.h"

#include <array>

namespace distsim::model {
namespace {

struct ErrorRow {
  Win32Error error;
  std::string_view name;
  std::string_view message;
};

constexpr std::array kErrorRows{
    ErrorRow{Win32Error::ok, "ok", "The operation completed successfully."},
    ErrorRow{Win32Error::file_not_found, "ERROR_FILE_NOT_FOUND",
             "The system cannot find the file specified."},
    ErrorRow{Win32Error::path_not_found, "ERROR_PATH_NOT_FOUND",
             "The system cannot find the path specified."},
    ErrorRow{Win32Error::access_denied, "ERROR_ACCESS_DENIED", "Access is denied."},
    ErrorRow{Win32Error::invalid_handle, "ERROR_INVALID_HANDLE", "The handle is invalid."},
    ErrorRow{Win32Error::not_enough_memory, "ERROR_NOT_ENOUGH_MEMORY",
             "Not enough storage is available to process this command."},
    ErrorRow{Win32Error::invalid_data, "ERROR_INVALID_DATA", "The data is invalid."},
    ErrorRow{Win32Error::sharing_violation, "ERROR_SHARING_VIOLATION",
             "The process cannot access the file because it is being used by another process."},
    ErrorRow{Win32Error::lock_violation, "ERROR_LOCK_VIOLATION",
             "The process cannot access the file because another process has locked a portion "
             "of the file."},
    ErrorRow{Win32Error::bad_netpath, "ERROR_BAD_NETPATH", "The network path was not found."},
    ErrorRow{Win32Error::netname_deleted, "ERROR_NETNAME_DELETED",
             "The specified network name is no longer available."},
    ErrorRow{Win32Error::bad_net_name, "ERROR_BAD_NET_NAME", "The network name cannot be found."},
    ErrorRow{Win32Error::file_exists, "ERROR_FILE_EXISTS", "The file exists."},
    ErrorRow{Win32Error::invalid_parameter, "ERROR_INVALID_PARAMETER",
             "The parameter is incorrect."},
    ErrorRow{Win32Error::disk_full, "ERROR_DISK_FULL", "There is not enough space on the disk."},
    ErrorRow{Win32Error::invalid_name, "ERROR_INVALID_NAME",
             "The filename, directory name, or volume label syntax is incorrect."},
    ErrorRow{Win32Error::dir_not_empty, "ERROR_DIR_NOT_EMPTY", "The directory is not empty."},
    ErrorRow{Win32Error::not_locked, "ERROR_NOT_LOCKED", "The segment is already unlocked."},
    ErrorRow{Win32Error::already_exists, "ERROR_ALREADY_EXISTS",
             "Cannot create a file when that file already exists."},
    ErrorRow{Win32Error::filename_exced_range, "ERROR_FILENAME_EXCED_RANGE",
             "The filename or extension is too long."},
    ErrorRow{Win32Error::delete_pending, "ERROR_DELETE_PENDING",
             "The file cannot be opened because it is in the process of being deleted."},
    ErrorRow{Win32Error::noaccess, "ERROR_NOACCESS", "Invalid access to memory location."},
    ErrorRow{Win32Error::file_invalid, "ERROR_FILE_INVALID",
             "The volume for a file has been externally altered so that the opened file is no "
             "longer valid."},
    ErrorRow{Win32Error::user_mapped_file, "ERROR_USER_MAPPED_FILE",
             "The requested operation cannot be performed on a file with a user-mapped section "
             "open."},
    ErrorRow{Win32Error::logon_failure, "ERROR_LOGON_FAILURE",
             "The user name or password is incorrect."},
};

const ErrorRow* find_row(Win32Error error) {
  for (const ErrorRow& row : kErrorRows) {
    if (row.error == error) return &row;
  }
  return nullptr;
}

}  // namespace

std::string_view win32_error_name(Win32Error error) {
  const ErrorRow* row = find_row(error);
  return row ? row->name : std::string_view("ERROR_UNKNOWN");
}

std::string_view win32_error_message(Win32Error error) {
  const ErrorRow* row = find_row(error);
  return row ? row->message : std::string_view("Unknown error.");
}

std::span<const std::string_view> win32_error_names() {
  static constexpr auto kNames = [] {
    std::array<std::string_view, kErrorRows.size()> names{};
    for (size_t index = 0; index < kErrorRows.size(); ++index)
      names[index] = kErrorRows[index].name;
    return names;
  }();
  static_assert(kNames[0] == "ok");
  return kNames;
}

std::optional<Win32Error> win32_error_from_name(std::string_view name) {
  for (const ErrorRow& row : kErrorRows) {
    if (row.name == name) return row.error;
  }
  return std::nullopt;
}

}  // namespace distsim::model
