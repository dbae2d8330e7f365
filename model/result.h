// Result<T>: a value or a Win32 error, never both. The error channel of every port call that
// also produces a value; calls that produce nothing return Win32Error directly.
#pragma once

#include <optional>
#include <utility>

#include "model/assert.h"
#include "model/win32_error.h"

namespace distsim::model {

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)), error_(Win32Error::ok) {}  // NOLINT: implicit
  Result(Win32Error error) : error_(error) {                             // NOLINT: implicit
    DISTSIM_ASSERT(error != Win32Error::ok);
  }

  [[nodiscard]] bool ok() const { return error_ == Win32Error::ok; }
  [[nodiscard]] Win32Error error() const { return error_; }
  [[nodiscard]] const T& value() const& {
    DISTSIM_ASSERT(ok());
    return *value_;
  }
  [[nodiscard]] T&& value() && {
    DISTSIM_ASSERT(ok());
    return std::move(*value_);
  }

 private:
  std::optional<T> value_;
  Win32Error error_;
};

}  // namespace distsim::model
