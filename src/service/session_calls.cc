// OpenNtmsSession and CloseNtmsSession as the server sees them, and what a
// closed connection does to its sessions.
#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <set>

#include "catalog/ntms_values.h"
#include "service/api_checks.h"
#include "service/service.h"

namespace openrsm::service {

Result<Guid> Service::OpenSession(const Peer& peer, const std::string& server, const std::string& application,
                                  const std::string& computer, uint32_t options) {
  if (application.size() > 63 || computer.size() > 63)
    return Err(err::kInvalidParameter, "application or computer name too long");
  if (options & ~1u) return Err(err::kInvalidParameter, "unknown session options");
  if (!server.empty()) {
    char host[256] = {0};
    gethostname(host, sizeof host - 1);
    if (server != host && server != "localhost" && server != "127.0.0.1")
      return Err(err::kInvalidComputerName, "remote servers are not supported: " + server);
  }
  auto id = sessions_.Open(peer, application, computer, Security::UserName(peer.uid), config_.limits.sessions_per_uid);
  uint64_t suppressed = 0;
  if (!id.ok() && refusals_.Allow("session:" + std::to_string(peer.uid), &suppressed))
    spdlog::warn("OpenNtmsSession refused (pid {}): {}{}", peer.pid, id.status().message(),
                 suppressed ? fmt::format(" ({} more in the last 10 s)", suppressed) : "");
  return id;
}

namespace {

// What a session's end cancels: the calls that wait for their requests
// (mounts, DismountNtmsDrive, inventories) and ejects gathered with
// NTMS_EJECT_QUEUE that no START began. A dismount DismountNtmsMedia queued
// (it returned once queued) still takes its cartridge home, and started
// ejects and injects still run.
bool EndsWithSession(const catalog::LibRequest& r) {
  if (r.state == ntms::kLmDeferred) return true;
  if (r.operation == ntms::kLmMount || r.operation == ntms::kLmInventory) return true;
  return r.operation == ntms::kLmDismount && r.option != ntms::kDismountImmediate;
}

}  // namespace

void Service::UnwindSession(const Session& s) {
  auto txn = queue_->Begin();
  if (!txn.ok()) {
    spdlog::error("session {}: cannot unwind its requests: {}", s.id.ToString(), txn.status().ToString());
    return;
  }
  catalog::Txn& db = txn->db();
  Status st = Status::Ok();
  std::set<Guid> libraries;
  auto reqs = db.ListLibRequests(Guid(), {ntms::kLmQueued, ntms::kLmWaiting, ntms::kLmDeferred});
  if (reqs.ok()) {
    for (auto& r : *reqs)
      if (st.ok() && r.session == s.id && EndsWithSession(r)) st = txn->Move(r, ntms::kLmCancelled, err::kCancelled);
  } else {
    st = reqs.status();
  }
  auto released = st.ok() ? db.ReleaseSidesHeldBy(s.id) : Result<std::vector<Guid>>(st);
  if (released.ok()) {
    for (const auto& pmid : *released) {
      auto m = db.GetPhysicalMedia(pmid);
      if (!m.ok()) continue;
      libraries.insert(m->library);
      if (m->media_state == ntms::kMediaMounted) {
        m->media_state = ntms::kMediaLoaded;  // still in the drive, no longer in use
        if (st.ok()) st = db.PutPhysicalMedia(*m);
      }
      // As after a deferred dismount: the cartridge stays, and the drive is
      // dismountable (a mount that needs the drive sends it home).
      if (st.ok() && m->location_type == ntms::kDrive) {
        auto d = db.GetDrive(m->location);
        if (d.ok() && d->state == ntms::kDriveLoaded) {
          d->state = ntms::kDriveDismountable;
          d->h.modified_ms = clock_->NowMillis();
          st = db.PutDrive(*d);
        }
      }
    }
  } else {
    st = released.status();
  }
  if (st.ok()) st = txn->Commit();
  if (!st.ok()) {
    spdlog::error("session {}: cannot unwind its requests: {}", s.id.ToString(), st.ToString());
    return;
  }
  // Mounts waiting for the released sides may run now.
  for (const auto& l : libraries) Wake(l);
}

Status Service::CloseSession(const Peer& peer, const Guid& session) {
  auto s = sessions_.Get(peer, session);
  if (!s.ok() || !sessions_.Close(peer, session)) return Err(err::kInvalidHandle, "no such session");
  UnwindSession(*s);  // the session is gone either way
  return Status::Ok();
}

void Service::ConnectionClosed(uint64_t connection) {
  for (const Session& s : sessions_.CloseConnection(connection)) {
    spdlog::info("session {} ({}, pid {}) closed with its connection", s.id.ToString(), s.application, s.peer.pid);
    UnwindSession(s);
  }
}

Status Service::Ping(const Peer&) { return Status::Ok(); }

}  // namespace openrsm::service
