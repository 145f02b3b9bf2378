#include "devices/scsi/iscsi_transport.h"

#include <iscsi/iscsi.h>
#include <iscsi/scsi-lowlevel.h>
#include <poll.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>

namespace openrsm::devices::scsi {

// ---- URL ----------------------------------------------------------------------

namespace {

Status BadUrl(std::string_view url, const std::string& why) {
  return {err::kInvalidParameter,
          "bad iSCSI URL \"" + std::string(url) + "\": " + why + " (expected iscsi://host[:port]/target-iqn/lun)"};
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

template <typename T>
bool ParseNumber(std::string_view s, T max, T* out) {
  if (s.empty() || s.size() > 9) return false;
  T v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || v > max) return false;
  *out = v;
  return true;
}

}  // namespace

std::string IscsiUrl::Portal() const { return host + ":" + std::to_string(port); }

std::string IscsiUrl::ToString() const {
  std::string t;
  for (char c : target) {
    if (c == '%' || c == '/') {
      static const char* kHex = "0123456789ABCDEF";
      t += '%';
      t += kHex[(static_cast<unsigned char>(c) >> 4) & 0xF];
      t += kHex[static_cast<unsigned char>(c) & 0xF];
    } else {
      t += c;
    }
  }
  return "iscsi://" + Portal() + "/" + t + "/" + std::to_string(lun);
}

Result<IscsiUrl> ParseIscsiUrl(std::string_view url) {
  constexpr std::string_view kScheme = "iscsi://";
  if (url.substr(0, kScheme.size()) != kScheme) return BadUrl(url, "scheme is not iscsi://");
  std::string_view rest = url.substr(kScheme.size());
  if (rest.find_first_of("@?# ") != std::string_view::npos) {
    return BadUrl(url, "credentials, parameters and spaces are not supported");
  }
  size_t slash = rest.find('/');
  if (slash == std::string_view::npos) return BadUrl(url, "no target");
  std::string_view hostport = rest.substr(0, slash);
  rest = rest.substr(slash + 1);

  IscsiUrl u;
  std::string_view port;
  if (!hostport.empty() && hostport.front() == '[') {
    size_t close = hostport.find(']');
    if (close == std::string_view::npos) return BadUrl(url, "unterminated [IPv6] address");
    u.host = std::string(hostport.substr(0, close + 1));
    std::string_view after = hostport.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return BadUrl(url, "junk after ]");
      port = after.substr(1);
      if (port.empty()) return BadUrl(url, "empty port");
    }
  } else {
    size_t colon = hostport.find(':');
    u.host = std::string(hostport.substr(0, colon));
    if (colon != std::string_view::npos) {
      port = hostport.substr(colon + 1);
      if (port.empty()) return BadUrl(url, "empty port");
    }
  }
  if (u.host.empty() || u.host == "[]") return BadUrl(url, "no host");
  if (!port.empty()) {
    uint16_t p = 0;
    if (!ParseNumber<uint16_t>(port, 65535, &p) || p == 0) return BadUrl(url, "bad port");
    u.port = p;
  }

  slash = rest.find('/');
  if (slash == std::string_view::npos) return BadUrl(url, "no LUN");
  std::string_view target = rest.substr(0, slash);
  std::string_view lun = rest.substr(slash + 1);
  if (target.empty()) return BadUrl(url, "empty target name");
  for (size_t i = 0; i < target.size(); ++i) {
    if (target[i] != '%') {
      u.target += target[i];
      continue;
    }
    int hi = i + 1 < target.size() ? HexValue(target[i + 1]) : -1;
    int lo = i + 2 < target.size() ? HexValue(target[i + 2]) : -1;
    if (hi < 0 || lo < 0) return BadUrl(url, "bad %-escape in target name");
    u.target += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  if (u.target.size() > 223) return BadUrl(url, "target name longer than 223 bytes");
  uint32_t l = 0;
  // Flat/peripheral addressing: 0..16383 (SAM-5 4.7).
  if (!ParseNumber<uint32_t>(lun, 16383, &l)) return BadUrl(url, "LUN is not a number 0..16383");
  u.lun = static_cast<int>(l);
  return u;
}

// ---- libiscsi error capture ------------------------------------------------------

namespace {

// libiscsi overwrites its one error string as a failure unwinds (a refused
// login ends as "Can not reconnect right now"), and its log callback has no
// user pointer. So while a session pumps its context, the errors libiscsi
// logs at level 1 are collected here, per thread, and the first one is kept.
thread_local std::string* tls_first_error = nullptr;

void CaptureLog(int level, const char* message) {
  if (level <= 1 && tls_first_error != nullptr && tls_first_error->empty() && message != nullptr) {
    *tls_first_error = message;
    // libiscsi appends " [target-iqn]"; the caller's message names it already.
    if (size_t b = tls_first_error->rfind(" ["); b != std::string::npos && tls_first_error->back() == ']') {
      tls_first_error->erase(b);
    }
    while (!tls_first_error->empty() && (tls_first_error->back() == '\n' || tls_first_error->back() == '.')) {
      tls_first_error->pop_back();
    }
  }
}

class ErrorCapture {
 public:
  ErrorCapture() : saved_(tls_first_error) { tls_first_error = &first_; }
  ~ErrorCapture() { tls_first_error = saved_; }
  ErrorCapture(const ErrorCapture&) = delete;
  ErrorCapture& operator=(const ErrorCapture&) = delete;
  // The first error logged since construction, else `fallback`.
  std::string Reason(const std::string& fallback) const { return first_.empty() ? fallback : first_; }

 private:
  std::string first_;
  std::string* saved_;
};

}  // namespace

// ---- session ------------------------------------------------------------------

class IscsiSession {
 public:
  IscsiSession(IscsiUrl url, IscsiOptions options) : url_(std::move(url)), options_(std::move(options)) {
    if (options_.clock == nullptr) options_.clock = RealClock();
  }
  ~IscsiSession() {
    MutexLock lock(&mu_);
    DropLocked();
  }
  IscsiSession(const IscsiSession&) = delete;
  IscsiSession& operator=(const IscsiSession&) = delete;

  Status Connect() {
    MutexLock lock(&mu_);
    return ctx_ ? Status::Ok() : ConnectLocked();
  }

  Result<ScsiResult> Execute(int lun, const ScsiCommand& cmd, const std::string& where);

 private:
  enum class Wait { kDone, kTimeout, kError };
  enum class Outcome { kDone, kLost, kTimeout, kNoMemory };

  struct CommandState {
    bool done = false;
    int status = 0;
  };
  static void OnDone(iscsi_context*, int status, void*, void* private_data) {
    auto* st = static_cast<CommandState*>(private_data);
    if (st->done) return;
    st->done = true;
    st->status = status;
  }

  Wait Pump(std::chrono::steady_clock::time_point deadline, const bool* done, std::string* why) RSM_REQUIRES(mu_);
  Status ConnectLocked() RSM_REQUIRES(mu_);
  void DropLocked() RSM_REQUIRES(mu_);
  Outcome RunLocked(int lun, const ScsiCommand& cmd, ScsiResult* out, std::string* why) RSM_REQUIRES(mu_);

  const IscsiUrl url_;  // portal and target; url_.lun is unused
  IscsiOptions options_;
  Mutex mu_;
  iscsi_context* ctx_ RSM_GUARDED_BY(mu_) = nullptr;  // nullptr = not logged in
};

// Runs libiscsi's state machine on ctx_ until *done or the deadline.
IscsiSession::Wait IscsiSession::Pump(std::chrono::steady_clock::time_point deadline, const bool* done,
                                      std::string* why) {
  using std::chrono::milliseconds;
  while (!*done) {
    auto now = options_.clock->Steady();
    if (now >= deadline) return Wait::kTimeout;
    auto left = std::chrono::ceil<milliseconds>(deadline - now);
    int wait_ms = static_cast<int>(std::min<int64_t>(left.count(), 1000));
    int events = iscsi_which_events(ctx_);
    if (events == 0) {
      // libiscsi asks to be left alone for a while (see iscsi.h).
      options_.clock->Sleep(std::min<std::chrono::microseconds>(milliseconds(100), left));
      if (iscsi_service(ctx_, 0) < 0 && !*done) {
        *why = iscsi_get_error(ctx_);
        return Wait::kError;
      }
      continue;
    }
    pollfd pfd{iscsi_get_fd(ctx_), static_cast<short>(events), 0};
    int rc = ::poll(&pfd, 1, wait_ms);
    if (rc < 0) {
      if (errno == EINTR) continue;
      *why = std::string("poll: ") + std::strerror(errno);
      return Wait::kError;
    }
    // The callback may have run in the same call that then failed (a login
    // reject followed by the target closing the socket): done wins.
    if (iscsi_service(ctx_, pfd.revents) < 0 && !*done) {
      *why = iscsi_get_error(ctx_);
      return Wait::kError;
    }
  }
  return Wait::kDone;
}

Status IscsiSession::ConnectLocked() {
  DropLocked();
  ctx_ = iscsi_create_context(options_.initiator_name.c_str());
  if (ctx_ == nullptr) return {err::kDeviceNotAvailable, "cannot create an iSCSI context"};
  iscsi_set_targetname(ctx_, url_.target.c_str());
  iscsi_set_session_type(ctx_, ISCSI_SESSION_NORMAL);  // mandatory before login
  iscsi_set_header_digest(ctx_, ISCSI_HEADER_DIGEST_NONE_CRC32C);
  iscsi_set_noautoreconnect(ctx_, 1);  // we reconnect ourselves, see the header
  iscsi_set_log_level(ctx_, 1);
  iscsi_set_log_fn(ctx_, &CaptureLog);

  ErrorCapture capture;
  CommandState st;
  std::string why;
  // LUN -1: no TEST UNIT READY at login, so no UNIT ATTENTION is swallowed.
  if (iscsi_full_connect_async(ctx_, url_.Portal().c_str(), -1, &IscsiSession::OnDone, &st) != 0) {
    why = capture.Reason(iscsi_get_error(ctx_));
  } else {
    Wait w = Pump(options_.clock->Steady() + options_.connect_timeout, &st.done, &why);
    if (w == Wait::kTimeout) {
      why = "no login within " + std::to_string(options_.connect_timeout.count()) + " ms";
    } else if (w == Wait::kDone && st.status == SCSI_STATUS_GOOD) {
      return Status::Ok();
    } else {
      why = capture.Reason(iscsi_get_error(ctx_));
    }
  }
  DropLocked();
  if (why.empty()) why = "login failed";
  return {err::kDeviceNotAvailable, "cannot log in to " + url_.target + " at " + url_.Portal() + ": " + why};
}

void IscsiSession::DropLocked() {
  if (ctx_ == nullptr) return;
  // Not a logout: the connection may be dead, and a logout could block. The
  // target ends the session (and aborts its tasks) when the socket closes.
  iscsi_destroy_context(ctx_);
  ctx_ = nullptr;
}

IscsiSession::Outcome IscsiSession::RunLocked(int lun, const ScsiCommand& cmd, ScsiResult* out, std::string* why) {
  int dir = SCSI_XFER_NONE;
  size_t xferlen = 0;
  if (cmd.direction == DataDirection::kFromDevice) {
    dir = SCSI_XFER_READ;
    xferlen = cmd.data_in.size();
  } else if (cmd.direction == DataDirection::kToDevice) {
    dir = SCSI_XFER_WRITE;
    xferlen = cmd.data_out.size();
  }
  // libiscsi copies the CDB into the task; it never writes through these pointers.
  scsi_task* task = scsi_create_task(static_cast<int>(cmd.cdb.size()), const_cast<uint8_t*>(cmd.cdb.data()), dir,
                                     static_cast<int>(xferlen));
  if (task == nullptr) return Outcome::kNoMemory;
  // Data-in goes straight into the caller's buffer, so that task->datain
  // holds only the sense data of a CHECK CONDITION (and data that came with
  // a CHECK CONDITION, e.g. a short tape read, is not lost).
  if (dir == SCSI_XFER_READ && xferlen > 0 &&
      scsi_task_add_data_in_buffer(task, static_cast<int>(xferlen), cmd.data_in.data()) != 0) {
    scsi_free_scsi_task(task);
    return Outcome::kNoMemory;
  }
  iscsi_data data_out{xferlen, const_cast<uint8_t*>(cmd.data_out.data())};
  ErrorCapture capture;
  CommandState st;
  if (iscsi_scsi_command_async(ctx_, lun, task, &IscsiSession::OnDone, dir == SCSI_XFER_WRITE ? &data_out : nullptr,
                               &st) != 0) {
    *why = capture.Reason(iscsi_get_error(ctx_));
    DropLocked();
    scsi_free_scsi_task(task);
    return Outcome::kLost;
  }
  Wait w = Pump(options_.clock->Steady() + cmd.timeout, &st.done, why);
  if (w != Wait::kDone || st.status == SCSI_STATUS_CANCELLED || st.status == SCSI_STATUS_ERROR ||
      st.status == SCSI_STATUS_TIMEOUT || st.status == SCSI_STATUS_REDIRECT) {
    // A connection closed by the target logs nothing, and libiscsi's error
    // string is then stale (e.g. the sense of an earlier command).
    if (w != Wait::kTimeout) *why = capture.Reason(w == Wait::kError ? *why : "the target closed the connection");
    // Destroying the context cancels the task (OnDone may run into `st`,
    // which is still alive); only then may the task be freed.
    DropLocked();
    scsi_free_scsi_task(task);
    return w == Wait::kTimeout ? Outcome::kTimeout : Outcome::kLost;
  }

  out->status = static_cast<uint8_t>(st.status);
  out->sense.clear();
  if (st.status == SCSI_STATUS_CHECK_CONDITION && task->datain.data != nullptr && task->datain.size >= 2) {
    // The SCSI Response PDU's data segment: SenseLength (2 bytes) + sense
    // data (RFC 7143 11.4.7.2). task->sense decodes only key and ASC/ASCQ.
    size_t len = (size_t{task->datain.data[0]} << 8) | task->datain.data[1];
    len = std::min({len, static_cast<size_t>(task->datain.size) - 2, kMaxSenseLength});
    out->sense.assign(task->datain.data + 2, task->datain.data + 2 + len);
  }
  int64_t residual = 0;
  if (task->residual_status == SCSI_RESIDUAL_UNDERFLOW) residual = static_cast<int64_t>(task->residual);
  if (task->residual_status == SCSI_RESIDUAL_OVERFLOW) residual = -static_cast<int64_t>(task->residual);
  out->residual = residual;
  out->transferred = residual > 0 ? xferlen - std::min<size_t>(xferlen, residual) : xferlen;
  scsi_free_scsi_task(task);
  return Outcome::kDone;
}

Result<ScsiResult> IscsiSession::Execute(int lun, const ScsiCommand& cmd, const std::string& where) {
  RSM_RETURN_IF_ERROR(ValidateCommand(cmd));
  char opcode[8];
  std::snprintf(opcode, sizeof opcode, "0x%02X", cmd.cdb[0]);
  MutexLock lock(&mu_);
  std::string why;
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (ctx_ == nullptr) {
      Status st = ConnectLocked();
      if (!st.ok()) {
        std::string prefix = attempt == 0 ? "" : "connection lost (" + why + "), reconnect failed: ";
        return Status(err::kDeviceNotAvailable, where + ": " + prefix + st.message());
      }
    }
    ScsiResult r;
    switch (RunLocked(lun, cmd, &r, &why)) {
      case Outcome::kDone:
        return r;
      case Outcome::kTimeout:
        return Status(err::kTimeout, where + ": opcode " + opcode + " got no answer within " +
                                         std::to_string(cmd.timeout.count()) + " ms; session dropped");
      case Outcome::kNoMemory:
        return Status(err::kNotEnoughMemory, where + ": cannot allocate an iSCSI task");
      case Outcome::kLost:
        break;  // reconnect and send once more
    }
  }
  return Status(err::kDeviceNotAvailable, where + ": connection lost twice during opcode " + opcode + ": " + why);
}

// ---- transports ----------------------------------------------------------------

namespace {

class IscsiTransport final : public Transport {
 public:
  IscsiTransport(std::shared_ptr<IscsiSession> session, IscsiUrl url)
      : session_(std::move(session)), url_(std::move(url)), where_(url_.ToString()) {}
  Result<ScsiResult> Execute(const ScsiCommand& cmd) override { return session_->Execute(url_.lun, cmd, where_); }
  std::string Describe() const override { return where_; }

 private:
  std::shared_ptr<IscsiSession> session_;
  IscsiUrl url_;
  std::string where_;
};

}  // namespace

IscsiSessionPool::IscsiSessionPool(IscsiOptions options) : options_(std::move(options)) {}
IscsiSessionPool::~IscsiSessionPool() = default;

Result<std::unique_ptr<Transport>> IscsiSessionPool::Open(std::string_view url) {
  RSM_ASSIGN_OR_RETURN(IscsiUrl u, ParseIscsiUrl(url));
  std::string key = u.Portal() + "/" + u.target;
  MutexLock lock(&mu_);
  std::shared_ptr<IscsiSession> session = sessions_[key].lock();
  if (!session) {
    session = std::make_shared<IscsiSession>(u, options_);
    Status st = session->Connect();
    if (!st.ok()) {
      sessions_.erase(key);
      return Status(st.code(), u.ToString() + ": " + st.message());
    }
    sessions_[key] = session;
  }
  return std::unique_ptr<Transport>(new IscsiTransport(std::move(session), std::move(u)));
}

Result<std::unique_ptr<Transport>> OpenIscsiTransport(std::string_view url, const IscsiOptions& options) {
  RSM_ASSIGN_OR_RETURN(IscsiUrl u, ParseIscsiUrl(url));
  auto session = std::make_shared<IscsiSession>(u, options);
  Status st = session->Connect();
  if (!st.ok()) return Status(st.code(), u.ToString() + ": " + st.message());
  return std::unique_ptr<Transport>(new IscsiTransport(std::move(session), std::move(u)));
}

}  // namespace openrsm::devices::scsi
