// LibraryTxn: the computer and the libraries with their elements (changers,
// drives, storage slots, IE ports), one aggregate of catalog::Txn (store.h).
//
// Every method follows the Txn contract at the top of store.h (snapshot
// reads, ERROR_OBJECT_NOT_FOUND as an answer, misuse refused without
// aborting, any other failure aborting the Txn). Code that only needs this
// aggregate takes a LibraryTxn&; a catalog::Txn is one.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "catalog/model.h"
#include "common/status.h"

namespace openrsm::catalog {

class LibraryTxn {
 public:
  // ---- the computer: a single object ----
  // ERROR_OBJECT_NOT_FOUND before the first PutComputer.
  virtual Result<Computer> GetComputer() = 0;
  // Stores `c` as the only computer: a computer with another id is deleted
  // (TypeOf no longer knows it).
  virtual Status PutComputer(const Computer& c) = 0;

  // ---- libraries ----
  virtual Result<Library> GetLibrary(const Guid& id) = 0;
  // The library whose name is exactly `name` (bytes, case-sensitive); of
  // several, the one with the smallest id. std::nullopt: none.
  virtual Result<std::optional<Library>> FindLibraryByName(const std::string& name) = 0;
  // Every library, by name then id.
  virtual Result<std::vector<Library>> ListLibraries() = 0;
  virtual Status PutLibrary(const Library& v) = 0;  // insert or replace

  // ---- elements ----
  // List* of one library (a null `library`: of every library, ordered by
  // library id first, the null library first). Changers are ordered by name
  // then id; drives, slots and IE ports by number then id.
  virtual Result<Changer> GetChanger(const Guid& id) = 0;
  virtual Result<std::vector<Changer>> ListChangers(const Guid& library) = 0;
  virtual Status PutChanger(const Changer& v) = 0;

  // ---- device types (one per vendor and product) ----
  virtual Result<ChangerType> GetChangerType(const Guid& id) = 0;
  // Every changer type, by name then id.
  virtual Result<std::vector<ChangerType>> ListChangerTypes() = 0;
  virtual Status PutChangerType(const ChangerType& v) = 0;
  virtual Result<DriveType> GetDriveType(const Guid& id) = 0;
  virtual Result<std::vector<DriveType>> ListDriveTypes() = 0;
  virtual Status PutDriveType(const DriveType& v) = 0;

  virtual Result<Drive> GetDrive(const Guid& id) = 0;
  virtual Result<std::vector<Drive>> ListDrives(const Guid& library) = 0;
  virtual Status PutDrive(const Drive& v) = 0;
  // The enabled, empty (null media) drive of `library` with the lowest
  // number, then id (std::nullopt: none; a null `library` has none).
  virtual Result<std::optional<Drive>> FirstFreeDrive(const Guid& library) = 0;
  // How many drives of `library` are enabled and empty (0 for a null library).
  virtual Result<uint64_t> CountFreeDrives(const Guid& library) = 0;

  virtual Result<Slot> GetSlot(const Guid& id) = 0;
  virtual Result<std::vector<Slot>> ListSlots(const Guid& library) = 0;
  virtual Status PutSlot(const Slot& v) = 0;
  // The enabled, empty (null media) storage slot of `library` with the lowest
  // number, then id (std::nullopt: none; a null `library` has none). A slot in
  // NTMS_SLOTSTATE_NEEDSINVENTORY is not empty as far as anyone knows: skipped.
  virtual Result<std::optional<Slot>> FirstEmptySlot(const Guid& library) = 0;

  virtual Result<IePort> GetIePort(const Guid& id) = 0;
  virtual Result<std::vector<IePort>> ListIePorts(const Guid& library) = 0;
  virtual Status PutIePort(const IePort& v) = 0;

  // How many drives, slots, IE ports or changers (`type` = NTMS_DRIVE,
  // NTMS_STORAGESLOT, NTMS_IEPORT, NTMS_CHANGER) `library` has (null = all);
  // ERROR_INVALID_PARAMETER (not aborting) for another type.
  virtual Result<uint64_t> CountLibraryElements(uint32_t type, const Guid& library) = 0;

 protected:
  ~LibraryTxn() = default;  // owned and destroyed as a catalog::Txn
};

}  // namespace openrsm::catalog
