// The small world the VFS tests share: a package source folder with two files on C:, a copier
// and a holder, a clock the test sets, and the access and share modes the tests name. A test file
// takes them all with `using namespace testing;` inside its own namespace.
#pragma once

#include <catch2/catch.hpp>
#include <cstdint>
#include <string>

#include "model/ports.h"
#include "sim/fs/vfs.h"

namespace distsim::testing {

inline constexpr model::AccessMask kGenericRead{model::access_bits::kGenericRead};
inline constexpr model::AccessMask kGenericWrite{model::access_bits::kGenericWrite};
inline constexpr model::AccessMask kReadWrite{model::access_bits::kGenericRead |
                                              model::access_bits::kGenericWrite};
inline constexpr model::ShareMode kShareNone{0};
inline constexpr model::ShareMode kShareRead{model::share_bits::kRead};
inline constexpr model::ShareMode kShareReadWrite{model::share_bits::kRead |
                                                  model::share_bits::kWrite};
inline constexpr model::ShareMode kShareAll{model::share_bits::kAll};

// `name` with each ASCII letter upper-cased where the bit of its position (modulo 16) is set in
// `spelling`: one name in many spellings, for tests of case-insensitive lookup.
inline std::string in_case(std::string name, uint32_t spelling) {
  for (size_t index = 0; index < name.size(); ++index) {
    const bool letter = name[index] >= 'a' && name[index] <= 'z';
    if (letter && ((spelling >> (index % 16U)) & 1U)) {
      name[index] = static_cast<char>(name[index] - 'a' + 'A');
    }
  }
  return name;
}

inline constexpr const char* kSetup = "C:\\Src\\Pkg\\setup.exe";
inline constexpr const char* kCab = "C:\\Src\\Pkg\\Sub\\data1.cab";

class ManualClock final : public sim::Clock {
 public:
  [[nodiscard]] model::TimeUs now() const override { return now_us; }
  model::TimeUs now_us = 0;
};

// C:\Src\Pkg\setup.exe (100 bytes) and C:\Src\Pkg\Sub\data1.cab (200 bytes), and two actors.
struct VfsWorld {
  explicit VfsWorld(sim::VfsOptions options = {}) : vfs(clock, options) {
    REQUIRE(vfs.make_file(kSetup, {100, 1}) == model::Win32Error::ok);
    REQUIRE(vfs.make_file(kCab, {200, 2}) == model::Win32Error::ok);
  }

  model::HandleId open_ok(
      sim::ActorId actor, const std::string& path, model::AccessMask access, model::ShareMode share,
      model::CreateDisposition disposition = model::CreateDisposition::open_existing) {
    const model::Result<model::HandleId> result = open(actor, path, access, share, disposition);
    INFO(path << " -> " << model::win32_error_name(result.error()));
    REQUIRE(result.ok());
    return result.value();
  }

  model::Result<model::HandleId> open(
      sim::ActorId actor, const std::string& path, model::AccessMask access, model::ShareMode share,
      model::CreateDisposition disposition = model::CreateDisposition::open_existing) {
    return vfs.open(actor, model::OpenRequest{path, access, share, disposition});
  }

  model::Win32Error open_error(
      sim::ActorId actor, const std::string& path, model::AccessMask access, model::ShareMode share,
      model::CreateDisposition disposition = model::CreateDisposition::open_existing) {
    return open(actor, path, access, share, disposition).error();
  }

  ManualClock clock;
  sim::VirtualFileSystem vfs;
  sim::ActorId copier = vfs.register_actor("distmgr");
  sim::ActorId holder = vfs.register_actor("holder");
};

}  // namespace distsim::testing
