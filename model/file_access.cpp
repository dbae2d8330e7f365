// Name tables for access rights and share flags.
#include "model/file_access.h"

#include <array>

#include "model/assert.h"

namespace distsim::model {
namespace {

// Which target prints a row's name (every name is read on input): every target, or one only.
enum class Printed : uint8_t { always, for_files, for_directories };

struct NamedBit {
  std::string_view name;
  uint32_t bits;
  Printed printed = Printed::always;
};

// In printing order; a directory's name for a right follows its file name, so both targets list
// the rights in the same order.
constexpr std::array kAccessNames{
    NamedBit{"GENERIC_READ", access_bits::kGenericRead},
    NamedBit{"GENERIC_WRITE", access_bits::kGenericWrite},
    NamedBit{"GENERIC_EXECUTE", access_bits::kGenericExecute},
    NamedBit{"GENERIC_ALL", access_bits::kGenericAll},
    NamedBit{"FILE_READ_DATA", access_bits::kFileReadData, Printed::for_files},
    NamedBit{"FILE_LIST_DIRECTORY", access_bits::kFileReadData, Printed::for_directories},
    NamedBit{"FILE_WRITE_DATA", access_bits::kFileWriteData, Printed::for_files},
    NamedBit{"FILE_ADD_FILE", access_bits::kFileWriteData, Printed::for_directories},
    NamedBit{"FILE_APPEND_DATA", access_bits::kFileAppendData, Printed::for_files},
    NamedBit{"FILE_ADD_SUBDIRECTORY", access_bits::kFileAppendData, Printed::for_directories},
    NamedBit{"FILE_READ_EA", access_bits::kFileReadEa},
    NamedBit{"FILE_WRITE_EA", access_bits::kFileWriteEa},
    NamedBit{"FILE_EXECUTE", access_bits::kFileExecute, Printed::for_files},
    NamedBit{"FILE_TRAVERSE", access_bits::kFileExecute, Printed::for_directories},
    NamedBit{"FILE_DELETE_CHILD", access_bits::kFileDeleteChild},
    NamedBit{"FILE_READ_ATTRIBUTES", access_bits::kFileReadAttributes},
    NamedBit{"FILE_WRITE_ATTRIBUTES", access_bits::kFileWriteAttributes},
    NamedBit{"DELETE", access_bits::kDelete},
    NamedBit{"READ_CONTROL", access_bits::kReadControl},
    NamedBit{"SYNCHRONIZE", access_bits::kSynchronize},
};

constexpr std::array kShareNames{
    NamedBit{"FILE_SHARE_READ", share_bits::kRead},
    NamedBit{"FILE_SHARE_WRITE", share_bits::kWrite},
    NamedBit{"FILE_SHARE_DELETE", share_bits::kDelete},
};

template <typename Table>
std::optional<uint32_t> lookup(const Table& table, std::string_view name) {
  for (const NamedBit& row : table) {
    if (row.name == name) return row.bits;
  }
  return std::nullopt;
}

template <typename Table>
MaskNames names_of(const Table& table, uint32_t bits, AccessTarget target) {
  const Printed skipped =
      target == AccessTarget::file ? Printed::for_directories : Printed::for_files;
  MaskNames names;
  for (const NamedBit& row : table) {
    if (row.printed != skipped && (bits & row.bits) == row.bits) names.push_back(row.name);
  }
  return names;
}

std::vector<std::string> strings_of(const MaskNames& names) {
  return {names.span().begin(), names.span().end()};
}

}  // namespace

std::optional<uint32_t> access_right_from_name(std::string_view name) {
  return lookup(kAccessNames, name);
}

std::optional<uint32_t> share_flag_from_name(std::string_view name) {
  return lookup(kShareNames, name);
}

void MaskNames::push_back(std::string_view name) {
  DISTSIM_ASSERT(size_ < kNamesMax);
  names_[size_++] = name;
}

MaskNames access_name_views(AccessMask access, AccessTarget target) {
  return names_of(kAccessNames, access.bits, target);
}

MaskNames share_name_views(ShareMode share) {
  return names_of(kShareNames, share.bits, AccessTarget::file);
}

std::vector<std::string> access_names(AccessMask access, AccessTarget target) {
  return strings_of(access_name_views(access, target));
}

std::vector<std::string> share_names(ShareMode share) {
  return strings_of(share_name_views(share));
}

}  // namespace distsim::model
