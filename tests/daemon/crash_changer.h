// CrashAfterMoveChanger: a Changer decorator for the test daemon (rsmd_test);
// never linked into rsmd. Once armed, the next Move that completes (OK) ends
// the process at once with exit status 137, as SIGKILL would: the robot has
// moved the cartridge and the device state says so, but the caller (the
// library's worker) never commits the outcome. This is the window that
// crash recovery (the start-up rule and inventory) must cover.
#pragma once

#include <atomic>
#include <memory>
#include <vector>

#include "devices/device.h"

namespace openrsm::testdaemon {

class CrashAfterMoveChanger final : public devices::Changer {
 public:
  // `armed` is shared by every changer of the daemon: the first completed
  // move in any library clears it and crashes.
  CrashAfterMoveChanger(std::unique_ptr<devices::Changer> inner, std::shared_ptr<std::atomic<bool>> armed)
      : inner_(std::move(inner)), armed_(std::move(armed)) {}

  Result<devices::ChangerLayout> Layout() override { return inner_->Layout(); }
  Result<std::vector<devices::ElementStatus>> ReadElementStatus() override { return inner_->ReadElementStatus(); }
  Status Move(const devices::ElementRef& from, const devices::ElementRef& to) override;
  Status Rescan() override { return inner_->Rescan(); }
  bool InventoryMayHaveChanged() override { return inner_->InventoryMayHaveChanged(); }
  Result<std::vector<devices::ElementStatus>> ReadElementStatusOf(devices::ElementType type) override {
    return inner_->ReadElementStatusOf(type);
  }

 private:
  std::unique_ptr<devices::Changer> inner_;
  std::shared_ptr<std::atomic<bool>> armed_;
};

}  // namespace openrsm::testdaemon
