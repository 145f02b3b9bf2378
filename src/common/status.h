// Status: the one error type inside OpenRSM.
//
// A Status carries a Win32 error code from the closed set that ntmsapi.h
// documents (see include/ntmsapi.h) plus a human-readable message for the log.
// The C API edge returns code() as the DWORD; everything below it passes
// Status/Result values and never throws across a layer boundary.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace openrsm {

// Win32 error values used internally. They equal the values in ntmsapi.h;
// tests/unit/values_test.cc checks that they agree (static_assert).
namespace err {
inline constexpr uint32_t kSuccess = 0;
inline constexpr uint32_t kAccessDenied = 5;
inline constexpr uint32_t kInvalidHandle = 6;
inline constexpr uint32_t kNotEnoughMemory = 8;
inline constexpr uint32_t kInvalidDrive = 15;
inline constexpr uint32_t kWriteProtect = 19;
inline constexpr uint32_t kNotReady = 21;
inline constexpr uint32_t kNotSupported = 50;
inline constexpr uint32_t kInvalidParameter = 87;
inline constexpr uint32_t kInsufficientBuffer = 122;
inline constexpr uint32_t kInvalidName = 123;
inline constexpr uint32_t kBusy = 170;
inline constexpr uint32_t kAlreadyExists = 183;
inline constexpr uint32_t kConnectionUnavail = 1201;
inline constexpr uint32_t kInvalidComputerName = 1210;
inline constexpr uint32_t kNoNetwork = 1222;
inline constexpr uint32_t kCancelled = 1223;
inline constexpr uint32_t kTimeout = 1460;
inline constexpr uint32_t kDriveMediaMismatch = 4303;
inline constexpr uint32_t kMediaOffline = 4304;
inline constexpr uint32_t kLibraryOffline = 4305;
inline constexpr uint32_t kResourceDisabled = 4309;
inline constexpr uint32_t kInvalidLibrary = 4301;
inline constexpr uint32_t kInvalidMediaPool = 4302;
inline constexpr uint32_t kObjectNotFound = 4312;
inline constexpr uint32_t kDatabaseFailure = 4313;
inline constexpr uint32_t kDatabaseFull = 4314;
inline constexpr uint32_t kMediaIncompatible = 4315;
inline constexpr uint32_t kResourceNotPresent = 4316;
inline constexpr uint32_t kInvalidOperation = 4317;
inline constexpr uint32_t kMediaNotAvailable = 4318;
inline constexpr uint32_t kDeviceNotAvailable = 4319;
inline constexpr uint32_t kRequestRefused = 4320;
inline constexpr uint32_t kInvalidMedia = 4300;
inline constexpr uint32_t kEmpty = 4306;
inline constexpr uint32_t kNotEmpty = 4307;
inline constexpr uint32_t kMediaUnavailable = 4308;
inline constexpr uint32_t kUnableToLoadMedium = 4324;
inline constexpr uint32_t kLibraryFull = 4322;
inline constexpr uint32_t kResourceNotAvailable = 5006;
inline constexpr uint32_t kInvalidState = 5023;
inline constexpr uint32_t kNotConnected = 2250;
inline constexpr uint32_t kBadFormat = 11;
inline constexpr uint32_t kNoData = 232;
inline constexpr uint32_t kUnrecognizedMedia = 1785;
inline constexpr uint32_t kUnableToClean = 4311;
inline constexpr uint32_t kMediumNotAccessible = 4323;
inline constexpr uint32_t kCleanerCartridgeInstalled = 4340;
}  // namespace err

// Symbolic name of a Win32 code ("ERROR_INVALID_DRIVE"); "ERROR_<n>" if unknown.
std::string ErrorName(uint32_t code);
// A short English meaning ("the library is offline"); "unknown error" if absent.
std::string ErrorMeaning(uint32_t code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(uint32_t code, std::string message) : code_(code), msg_(std::move(message)) {}
  static Status Ok() { return {}; }

  bool ok() const { return code_ == err::kSuccess; }
  uint32_t code() const { return code_; }
  const std::string& message() const { return msg_; }
  std::string ToString() const;

 private:
  uint32_t code_ = err::kSuccess;
  std::string msg_;
};

// Result<T>: a value or a non-OK Status.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}         // NOLINT(implicit)
  Result(Status status) : v_(std::move(status)) {}  // NOLINT(implicit); must not be OK
  bool ok() const { return std::holds_alternative<T>(v_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(v_);
  }
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T* operator->() { return &std::get<T>(v_); }
  const T* operator->() const { return &std::get<T>(v_); }
  T& operator*() & { return std::get<T>(v_); }
  const T& operator*() const& { return std::get<T>(v_); }

 private:
  std::variant<T, Status> v_;
};

#define RSM_RETURN_IF_ERROR(expr)   \
  do {                              \
    ::openrsm::Status _st = (expr); \
    if (!_st.ok()) return _st;      \
  } while (0)

#define RSM_CONCAT_INNER(a, b) a##b
#define RSM_CONCAT(a, b) RSM_CONCAT_INNER(a, b)
#define RSM_ASSIGN_OR_RETURN(lhs, expr) RSM_ASSIGN_OR_RETURN_IMPL(RSM_CONCAT(_res_, __LINE__), lhs, expr)
#define RSM_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                              \
  if (!tmp.ok()) return tmp.status();             \
  lhs = std::move(tmp).value()

}  // namespace openrsm
