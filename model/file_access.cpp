// Name tables for access rights and share flags.
#include "model/file_access.h"

#include <array>

#include "model/assert.h"

namespace distsim::model {
namespace {

struct NamedBit {
  std::string_view name;
  uint32_t bits;
  bool primary;  // printed by access_names; aliases are accepted on input only
};

constexpr std::array kAccessNames{
    NamedBit{"GENERIC_READ", access_bits::kGenericRead, true},
    NamedBit{"GENERIC_WRITE", access_bits::kGenericWrite, true},
    NamedBit{"GENERIC_EXECUTE", access_bits::kGenericExecute, true},
    NamedBit{"GENERIC_ALL", access_bits::kGenericAll, true},
    NamedBit{"FILE_READ_DATA", access_bits::kFileReadData, true},
    NamedBit{"FILE_WRITE_DATA", access_bits::kFileWriteData, true},
    NamedBit{"FILE_APPEND_DATA", access_bits::kFileAppendData, true},
    NamedBit{"FILE_READ_EA", access_bits::kFileReadEa, true},
    NamedBit{"FILE_WRITE_EA", access_bits::kFileWriteEa, true},
    NamedBit{"FILE_EXECUTE", access_bits::kFileExecute, true},
    NamedBit{"FILE_DELETE_CHILD", access_bits::kFileDeleteChild, true},
    NamedBit{"FILE_READ_ATTRIBUTES", access_bits::kFileReadAttributes, true},
    NamedBit{"FILE_WRITE_ATTRIBUTES", access_bits::kFileWriteAttributes, true},
    NamedBit{"DELETE", access_bits::kDelete, true},
    NamedBit{"READ_CONTROL", access_bits::kReadControl, true},
    NamedBit{"SYNCHRONIZE", access_bits::kSynchronize, true},
    NamedBit{"FILE_LIST_DIRECTORY", access_bits::kFileReadData, false},
    NamedBit{"FILE_TRAVERSE", access_bits::kFileExecute, false},
    NamedBit{"FILE_ADD_FILE", access_bits::kFileWriteData, false},
    NamedBit{"FILE_ADD_SUBDIRECTORY", access_bits::kFileAppendData, false},
};

constexpr std::array kShareNames{
    NamedBit{"FILE_SHARE_READ", share_bits::kRead, true},
    NamedBit{"FILE_SHARE_WRITE", share_bits::kWrite, true},
    NamedBit{"FILE_SHARE_DELETE", share_bits::kDelete, true},
};

template <typename Table>
std::optional<uint32_t> lookup(const Table& table, std::string_view name) {
  for (const NamedBit& row : table) {
    if (row.name == name) return row.bits;
  }
  return std::nullopt;
}

template <typename Table>
MaskNames names_of(const Table& table, uint32_t bits) {
  MaskNames names;
  for (const NamedBit& row : table) {
    if (row.primary && (bits & row.bits) == row.bits) names.push_back(row.name);
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

MaskNames access_name_views(AccessMask access) { return names_of(kAccessNames, access.bits); }

MaskNames share_name_views(ShareMode share) { return names_of(kShareNames, share.bits); }

std::vector<std::string> access_names(AccessMask access) {
  return strings_of(access_name_views(access));
}

std::vector<std::string> share_names(ShareMode share) {
  return strings_of(share_name_views(share));
}

}  // namespace distsim::model
