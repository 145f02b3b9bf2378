// FaultyStore: a catalogue decorator that fails on demand, for the test
// daemon (rsmd_test) and unit tests; never linked into rsmd.
//
// A fault is armed for one thread (ThreadFault, a scope): the first
// catalogue operation at the fault's point that this thread makes, in any
// transaction it begins on a FaultyStore, fails, once. Other threads (a
// library's worker, housekeeping) never see it, so a fault armed for an
// RPC call cannot be used up by the daemon's own periodic transactions.
// Failing means throwing std::bad_alloc (an allocation failure anywhere in
// the call path: the RPC layer answers ERROR_NOT_ENOUGH_MEMORY) or, with a
// code, returning that Status as the real store would. A transaction that
// fails this way has not committed; destroying it rolls it back.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "catalog/store.h"

namespace openrsm::testdaemon {

struct StoreFault {
  enum class Point {
    kBegin,   // Store::Begin, BeginUnsynced or BeginRecovery
    kRead,    // a Txn read (Get*, List*, Find*, Count*, TypeOf, First*)
    kWrite,   // a Txn write (Put*, Delete*, ReleaseSidesHeldBy, PurgeLibRequests)
    kCommit,  // Txn::Commit, before anything is committed
  };
  Point point = Point::kWrite;
  uint32_t error = 0;  // 0: throw std::bad_alloc; else return Status(error, ...)
};

// "begin", "read", "write", "commit"; nullopt for anything else.
std::optional<StoreFault::Point> ParsePoint(std::string_view text);
const char* PointName(StoreFault::Point point);

class FaultyStore final : public catalog::Store {
 public:
  explicit FaultyStore(std::unique_ptr<catalog::Store> inner) : inner_(std::move(inner)) {}

  // Arms a fault for the calling thread for its lifetime. `label` names it
  // in the log line written when it fires. Scopes must not nest (a second
  // one on a thread replaces the first until it ends). Not movable.
  class ThreadFault {
   public:
    ThreadFault(StoreFault fault, std::string label);
    ~ThreadFault();
    ThreadFault(const ThreadFault&) = delete;
    ThreadFault& operator=(const ThreadFault&) = delete;
    // Whether the fault has fired (it fires at most once).
    bool fired() const { return fired_; }

   private:
    friend class FaultyStore;
    StoreFault fault_;
    std::string label_;
    bool fired_ = false;
    ThreadFault* previous_;
  };

  // The fault armed on the calling thread fires here if `point` is its
  // point: throws, or returns its Status. OK otherwise. Used by the
  // transactions this store hands out.
  static Status Hit(StoreFault::Point point, const char* operation);

  Result<std::unique_ptr<catalog::Txn>> Begin(bool write) override;
  Result<std::unique_ptr<catalog::Txn>> BeginUnsynced() override;
  Result<std::unique_ptr<catalog::Txn>> BeginRecovery() override;
  Status SyncCommitted() override { return inner_->SyncCommitted(); }
  Status SetMaxPages(uint32_t pages) override { return inner_->SetMaxPages(pages); }
  bool Degraded() override { return inner_->Degraded(); }
  Status TryRestoreReserve() override { return inner_->TryRestoreReserve(); }
  Status CheckFiles() override { return inner_->CheckFiles(); }
  Status Backup(const std::string& path) override { return inner_->Backup(path); }

 private:
  std::unique_ptr<catalog::Store> inner_;
};

}  // namespace openrsm::testdaemon
