// IscsiTransport: the Transport over libiscsi (a userspace iSCSI initiator),
// one logical unit of one iSCSI target.
//
// URL: "iscsi://host[:port]/target-iqn/lun" (port 3260 by default; '%XX' in
// the target name is decoded, so "iqn.x%3A1" names "iqn.x:1"). No CHAP.
//
// Sessions: a transport opened through an IscsiSessionPool shares one iSCSI
// session (one TCP connection, one I_T nexus) with every other transport of
// the same pool, portal and target, so a library's changer and its drives use
// one login. Commands on a shared session are serialized. A transport opened
// with OpenIscsiTransport() has a session of its own: a second, independent
// initiator (an oracle in tests, or a holder of PREVENT MEDIUM REMOVAL).
//
// Connection rules:
//   * Opening connects and logs in (session type Normal) within
//     connect_timeout, or fails with ERROR_DEVICE_NOT_AVAILABLE.
//   * libiscsi's own automatic reconnect is off. If the connection is found
//     lost during a command, the session is dropped, a new one is logged in
//     and the command is sent once more; if that fails too, the command fails
//     with ERROR_DEVICE_NOT_AVAILABLE. A later command tries to log in again.
//     Note: when the connection died after the command reached the target,
//     the retry can run a command twice. In practice the retry meets the
//     UNIT ATTENTION of the new nexus instead (below), and the caller's
//     retry-after-UA sees the effect (e.g. MOVE MEDIUM: source now empty).
//   * A new session does not swallow UNIT ATTENTION: the first command to
//     each LUN on a new nexus gets CHECK CONDITION 06/29/00 (power on or
//     reset), which tells the SCSI layer that the device may have changed.
//   * Timeouts: each command runs under its own deadline (ScsiCommand::timeout,
//     on the injected Clock). On expiry the session is dropped (which aborts
//     the task on the target) and Execute returns ERROR_TIMEOUT; the next
//     command logs in again. Dropping a session releases what it held, e.g.
//     PREVENT MEDIUM REMOVAL.
//
// Thread safety: see transport.h. Transports of one session may be used from
// different threads; their commands are serialized by the session.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/status.h"
#include "common/thread_annotations.h"
#include "devices/scsi/transport.h"

namespace openrsm::devices::scsi {

struct IscsiUrl {
  std::string host;  // name or IPv4 address; "[v6]" brackets kept
  uint16_t port = 3260;
  std::string target;  // decoded IQN
  int lun = 0;

  std::string Portal() const;    // "host:port"
  std::string ToString() const;  // canonical URL
};

// Parses an iSCSI URL; ERROR_INVALID_PARAMETER with a reason if malformed.
Result<IscsiUrl> ParseIscsiUrl(std::string_view url);

struct IscsiOptions {
  // Our initiator name. Each session also gets a random ISID, so two
  // sessions with the same name are still two I_T nexuses.
  std::string initiator_name = "iqn.2024-01.org.openrsm:initiator";
  std::chrono::milliseconds connect_timeout{5'000};
  Clock* clock = nullptr;  // deadlines; nullptr = RealClock()
};

class IscsiSession;  // one libiscsi context; defined in iscsi_transport.cc

// Hands out transports that share sessions per (portal, target). Thread-safe.
// Sessions live as long as a transport uses them; the pool may be destroyed
// before its transports.
class IscsiSessionPool {
 public:
  explicit IscsiSessionPool(IscsiOptions options = {});
  ~IscsiSessionPool();

  // Connects (or reuses the session of) url's target and returns a transport
  // for url's LUN. ERROR_INVALID_PARAMETER for a bad URL,
  // ERROR_DEVICE_NOT_AVAILABLE when the target cannot be reached or logged in.
  Result<std::unique_ptr<Transport>> Open(std::string_view url);

 private:
  IscsiOptions options_;
  Mutex mu_;
  std::map<std::string, std::weak_ptr<IscsiSession>> sessions_ RSM_GUARDED_BY(mu_);
};

// A transport with a session of its own (see the file comment).
Result<std::unique_ptr<Transport>> OpenIscsiTransport(std::string_view url, const IscsiOptions& options = {});

}  // namespace openrsm::devices::scsi
