#include "devices/sim/sim_library.h"

#include <fmt/format.h>

#include <cmath>
#include <set>

#include "devices/sim/sim_state.h"
#include "devices/sim/state_file.h"

namespace openrsm::devices::sim {
namespace internal {

// The shared state of one simulated library: the physical state, its file,
// the robot. The Changer, the Drives and the SimFaults operator actions all
// go through it. Every public method locks mu_ for its whole duration,
// robot time included.
class SimLibrary {
 public:
  SimLibrary(const SimConfig& cfg, std::string serial_prefix, Clock* clock, std::shared_ptr<SimFaults> faults,
             PhysicalState state)
      : name_(cfg.name),
        path_(cfg.state_file),
        serial_prefix_(std::move(serial_prefix)),
        time_scale_(cfg.time_scale),
        durable_(cfg.durable_state),
        clock_(clock),
        faults_(std::move(faults)),
        standalone_(state.standalone),
        state_(std::move(state)) {}

  // Changer.
  Result<ChangerLayout> Layout();
  Result<std::vector<ElementStatus>> ReadElementStatus();
  Status Rescan();
  Result<std::vector<ElementStatus>> ReadElementStatusOf(ElementType type);
  Status Move(const ElementRef& from, const ElementRef& to);
  // Drive `index`.
  Result<DriveIdentity> Identity(uint32_t index);
  Result<DriveStatus> GetStatus(uint32_t index);
  Status Unload(uint32_t index);
  // Operator actions.
  Status OperatorPlace(const ElementRef& where, const std::string& barcode);
  Status OperatorRemove(const ElementRef& where);
  bool standalone() const { return standalone_; }

 private:
  std::string Where(const ElementRef& ref) const { return fmt::format("{} {}", ElementTypeName(ref.type), ref.index); }
  Status Error(uint32_t code, const std::string& what) const {
    return Status(code, fmt::format("simulated library {}: {}", name_, what));
  }
  Status CheckAvailable() const {
    if (faults_->Unavailable()) return Error(err::kDeviceNotAvailable, "device not available (simulated fault)");
    return Status::Ok();
  }
  // Spends `seconds` (at time_scale 1) of robot time on the clock.
  void RobotDelay(double seconds) {
    const double us = seconds * time_scale_ * 1e6;
    if (us >= 1.0) clock_->Sleep(std::chrono::microseconds(static_cast<int64_t>(std::llround(us))));
  }
  // Writes `next` to the state file and, once it is there, makes it current.
  Status Commit(PhysicalState next) RSM_REQUIRES(mu_) {
    Status st = ReplaceFileAtomically(path_, EncodeState(next, name_), durable_);
    if (!st.ok()) return Error(st.code(), st.message());
    state_ = std::move(next);
    return Status::Ok();
  }

  const std::string name_, path_, serial_prefix_;
  const double time_scale_;
  const bool durable_;
  Clock* const clock_;
  const std::shared_ptr<SimFaults> faults_;
  const bool standalone_;  // a stand-alone drive (no changer); fixed for the library's life

  Mutex mu_;
  PhysicalState state_ RSM_GUARDED_BY(mu_);
};

Result<ChangerLayout> SimLibrary::Layout() {
  MutexLock lock(&mu_);
  RSM_RETURN_IF_ERROR(CheckAvailable());
  ChangerLayout l;
  l.transports = static_cast<uint32_t>(state_.transports.size());
  l.slots = static_cast<uint32_t>(state_.slots.size());
  l.ieports = static_cast<uint32_t>(state_.ieports.size());
  l.drives = static_cast<uint32_t>(state_.drives.size());
  l.vendor = "OPENRSM";
  l.product = "SIMCHANGER";
  l.serial = serial_prefix_ + "CHG";
  return l;
}

// INITIALIZE ELEMENT STATUS: the robot visits every element; the sim's view
// is always right, so only the time is spent.
Status SimLibrary::Rescan() {
  MutexLock lock(&mu_);
  RSM_RETURN_IF_ERROR(CheckAvailable());
  RobotDelay(kScanSeconds);
  return Status::Ok();
}

Result<std::vector<ElementStatus>> SimLibrary::ReadElementStatus() {
  MutexLock lock(&mu_);
  RSM_RETURN_IF_ERROR(CheckAvailable());
  RobotDelay(kInventorySeconds);
  std::vector<ElementStatus> out;
  for (ElementType t :
       {ElementType::kTransport, ElementType::kStorage, ElementType::kImportExport, ElementType::kDataTransfer}) {
    const auto& v = state_.Of(t);
    for (uint32_t i = 0; i < v.size(); ++i) {
      ElementStatus es;
      es.ref = {t, i};
      es.accessible = true;  // no operator opens the simulator's mail slots
      if (v[i].medium) {
        es.full = true;
        es.barcode = v[i].medium->barcode;
        es.source = v[i].medium->source;
      }
      out.push_back(std::move(es));
    }
  }
  return out;
}

// One element type, without a barcode scan: a library reports its IE ports'
// sensors without moving the robot, so this costs no robot time.
Result<std::vector<ElementStatus>> SimLibrary::ReadElementStatusOf(ElementType type) {
  MutexLock lock(&mu_);
  RSM_RETURN_IF_ERROR(CheckAvailable());
  std::vector<ElementStatus> out;
  const auto& v = state_.Of(type);
  for (uint32_t i = 0; i < v.size(); ++i) {
    ElementStatus es;
    es.ref = {type, i};
    es.accessible = true;
    if (v[i].medium) {
      es.full = true;
      es.barcode = v[i].medium->barcode;
      es.source = v[i].medium->source;
    }
    out.push_back(std::move(es));
  }
  return out;
}

Status SimLibrary::Move(const ElementRef& from, const ElementRef& to) {
  MutexLock lock(&mu_);
  RSM_RETURN_IF_ERROR(CheckAvailable());
  const SimElement* src = state_.Find(from);
  const SimElement* dst = state_.Find(to);
  if (!src) return Error(err::kInvalidParameter, fmt::format("no source element {}", Where(from)));
  if (!dst) return Error(err::kInvalidParameter, fmt::format("no destination element {}", Where(to)));
  if (!src->medium) return Error(err::kEmpty, fmt::format("{} is empty", Where(from)));
  if (dst->medium) return Error(err::kNotEmpty, fmt::format("{} is full", Where(to)));
  if (from.type == ElementType::kDataTransfer) {
    if (faults_->RemovalPrevented(from.index))
      return Error(err::kInvalidState, fmt::format("medium removal prevented in {}", Where(from)));
    if (!src->unloaded) return Error(err::kInvalidState, fmt::format("medium not unloaded in {}", Where(from)));
  }
  const SimFaults::MoveFault fault = faults_->TakeMoveFault();
  // The robot moves first; the state changes on disk only once it has arrived,
  // so a kill during the move leaves the old state.
  RobotDelay(kMoveSeconds);
  if (fault == SimFaults::MoveFault::kFailBefore)
    return Error(
        err::kUnableToLoadMedium,
        fmt::format("move {} -> {} failed (simulated fault, cartridge left at the source)", Where(from), Where(to)));
  PhysicalState next = state_;
  SimElement& s = *next.Find(from);
  SimElement& d = *next.Find(to);
  d.medium = std::move(s.medium);
  d.medium->source = from;
  d.unloaded = false;
  s.medium.reset();
  s.unloaded = false;
  RSM_RETURN_IF_ERROR(Commit(std::move(next)));
  if (fault == SimFaults::MoveFault::kFailAfter)
    return Error(err::kUnableToLoadMedium,
                 fmt::format("move {} -> {} reported failure (simulated fault, the cartridge did move)", Where(from),
                             Where(to)));
  return Status::Ok();
}

Result<DriveIdentity> SimLibrary::Identity(uint32_t index) {
  MutexLock lock(&mu_);
  RSM_RETURN_IF_ERROR(CheckAvailable());
  DriveIdentity id;
  id.vendor = "OPENRSM";
  id.product = "SIMDRIVE";
  id.revision = "0001";
  id.serial = fmt::format("{}DRV{}", serial_prefix_, index);
  id.device_name = fmt::format("sim:{}/{}", name_, index);
  return id;
}

Result<DriveStatus> SimLibrary::GetStatus(uint32_t index) {
  MutexLock lock(&mu_);
  RSM_RETURN_IF_ERROR(CheckAvailable());
  const SimElement& e = state_.drives.at(index);
  DriveStatus ds;
  if (e.medium) {
    ds.loaded = true;
    ds.ready = !e.unloaded;
    ds.barcode = e.medium->barcode;
  }
  return ds;
}

Status SimLibrary::Unload(uint32_t index) {
  MutexLock lock(&mu_);
  RSM_RETURN_IF_ERROR(CheckAvailable());
  const SimElement& e = state_.drives.at(index);
  const ElementRef here{ElementType::kDataTransfer, index};
  if (!e.medium) return Error(err::kEmpty, fmt::format("{} is empty", Where(here)));
  if (faults_->RemovalPrevented(index))
    return Error(err::kInvalidState, fmt::format("medium removal prevented in {}", Where(here)));
  if (e.unloaded) return Status::Ok();
  RobotDelay(kUnloadSeconds);
  PhysicalState next = state_;
  next.drives[index].unloaded = true;
  return Commit(std::move(next));
}

Status SimLibrary::OperatorPlace(const ElementRef& where, const std::string& barcode) {
  MutexLock lock(&mu_);
  const SimElement* e = state_.Find(where);
  if (!e || where.type == ElementType::kTransport)
    return Error(err::kInvalidParameter, fmt::format("an operator cannot reach {}", Where(where)));
  if (!ValidBarcode(barcode)) return Error(err::kInvalidParameter, fmt::format("malformed barcode \"{}\"", barcode));
  if (e->medium) return Error(err::kNotEmpty, fmt::format("{} is full", Where(where)));
  // A label the library already holds is accepted: an operator can put a
  // second cartridge with the same bar code into a real library (rsmd must
  // cope, docs/service.md "Duplicate bar codes"). The configuration's media
  // list still refuses duplicates (a typo there is likelier).
  PhysicalState next = state_;
  SimElement& d = *next.Find(where);
  d.medium = SimMedium{barcode, std::nullopt};
  d.unloaded = false;
  return Commit(std::move(next));
}

Status SimLibrary::OperatorRemove(const ElementRef& where) {
  MutexLock lock(&mu_);
  const SimElement* e = state_.Find(where);
  if (!e || where.type == ElementType::kTransport)
    return Error(err::kInvalidParameter, fmt::format("an operator cannot reach {}", Where(where)));
  if (!e->medium) return Error(err::kEmpty, fmt::format("{} is empty", Where(where)));
  if (where.type == ElementType::kDataTransfer && faults_->RemovalPrevented(where.index))
    return Error(err::kInvalidState, fmt::format("medium removal prevented in {}", Where(where)));
  PhysicalState next = state_;
  SimElement& s = *next.Find(where);
  s.medium.reset();
  s.unloaded = false;
  return Commit(std::move(next));
}

namespace {

class SimChanger final : public Changer {
 public:
  explicit SimChanger(std::shared_ptr<SimLibrary> lib) : lib_(std::move(lib)) {}
  Result<ChangerLayout> Layout() override { return lib_->Layout(); }
  Result<std::vector<ElementStatus>> ReadElementStatus() override { return lib_->ReadElementStatus(); }
  Status Rescan() override { return lib_->Rescan(); }
  Result<std::vector<ElementStatus>> ReadElementStatusOf(ElementType type) override {
    return lib_->ReadElementStatusOf(type);
  }
  Status Move(const ElementRef& from, const ElementRef& to) override { return lib_->Move(from, to); }

 private:
  std::shared_ptr<SimLibrary> lib_;
};

class SimDrive final : public Drive {
 public:
  SimDrive(std::shared_ptr<SimLibrary> lib, uint32_t index) : lib_(std::move(lib)), index_(index) {}
  Result<DriveIdentity> Identity() override { return lib_->Identity(index_); }
  Result<DriveStatus> GetStatus() override { return lib_->GetStatus(index_); }
  Status Unload() override { return lib_->Unload(index_); }

 private:
  std::shared_ptr<SimLibrary> lib_;
  const uint32_t index_;
};

Status BadConfig(const SimConfig& cfg, const std::string& why) {
  return Status(err::kInvalidParameter, fmt::format("simulated library \"{}\": {}", cfg.name, why));
}

Status ValidateConfig(const SimConfig& cfg, const Clock* clock) {
  if (cfg.name.empty()) return BadConfig(cfg, "a name is required");
  if (cfg.state_file.empty()) return BadConfig(cfg, "a state file is required");
  if (!clock) return BadConfig(cfg, "no clock");
  if (!std::isfinite(cfg.time_scale) || cfg.time_scale < 0)
    return BadConfig(cfg, fmt::format("time_scale must be a finite number >= 0, not {}", cfg.time_scale));
  if (cfg.standalone) {
    if (cfg.media.size() > 1) return BadConfig(cfg, "a stand-alone drive holds at most one medium");
  } else {
    if (cfg.drives == 0 || cfg.slots == 0) return BadConfig(cfg, "a changer needs at least one drive and one slot");
    if (cfg.drives > kMaxElementsPerType || cfg.slots > kMaxElementsPerType || cfg.ieports > kMaxElementsPerType)
      return BadConfig(cfg, fmt::format("at most {} elements of each type", kMaxElementsPerType));
    if (cfg.media.size() > cfg.slots)
      return BadConfig(cfg, fmt::format("{} media do not fit in {} slots", cfg.media.size(), cfg.slots));
  }
  std::set<std::string> seen;
  for (const std::string& bc : cfg.media) {
    if (!ValidBarcode(bc))
      return BadConfig(
          cfg, fmt::format("malformed barcode \"{}\" (printable ASCII, no spaces, at most {})", bc, kMaxBarcodeLength));
    if (!bc.empty() && !seen.insert(bc).second) return BadConfig(cfg, fmt::format("duplicate barcode {}", bc));
  }
  return Status::Ok();
}

PhysicalState InitialState(const SimConfig& cfg) {
  PhysicalState s;
  s.standalone = cfg.standalone;
  if (cfg.standalone) {
    s.drives.resize(1);
    if (!cfg.media.empty()) s.drives[0].medium = SimMedium{cfg.media[0], std::nullopt};
    return s;
  }
  s.transports.resize(1);
  s.slots.resize(cfg.slots);
  s.ieports.resize(cfg.ieports);
  s.drives.resize(cfg.drives);
  for (size_t i = 0; i < cfg.media.size(); ++i) s.slots[i].medium = SimMedium{cfg.media[i], std::nullopt};
  return s;
}

Status CheckLayoutMatches(const SimConfig& cfg, const PhysicalState& s) {
  SimConfig empty = cfg;
  empty.media.clear();
  const PhysicalState want = InitialState(empty);
  auto shape = [](const PhysicalState& p) {
    return p.standalone
               ? std::string("a stand-alone drive")
               : fmt::format("{} drives, {} slots, {} IE ports", p.drives.size(), p.slots.size(), p.ieports.size());
  };
  if (s.standalone != want.standalone || s.drives.size() != want.drives.size() || s.slots.size() != want.slots.size() ||
      s.ieports.size() != want.ieports.size())
    return BadConfig(cfg, fmt::format("state file {} holds {} but the configuration says {}; move the file away to "
                                      "rebuild the library from the configuration",
                                      cfg.state_file, shape(s), shape(want)));
  return Status::Ok();
}

Result<PhysicalState> LoadOrCreate(const SimConfig& cfg) {
  internal::RemoveStaleTemp(cfg.state_file);
  auto text = ReadWholeFile(cfg.state_file);
  if (!text.ok()) return text.status();
  if (text->has_value()) {
    auto state = DecodeState(**text);
    if (!state.ok())
      return Status(err::kDeviceNotAvailable,
                    fmt::format("simulated library \"{}\": state file {} is corrupt ({}); move it away to rebuild "
                                "the library from the configuration",
                                cfg.name, cfg.state_file, state.status().message()));
    RSM_RETURN_IF_ERROR(CheckLayoutMatches(cfg, *state));
    return state;
  }
  PhysicalState state = InitialState(cfg);
  Status st = ReplaceFileAtomically(cfg.state_file, EncodeState(state, cfg.name), cfg.durable_state);
  if (!st.ok())
    return Status(err::kDeviceNotAvailable,
                  fmt::format("simulated library \"{}\": cannot create its state: {}", cfg.name, st.message()));
  return state;
}

}  // namespace
}  // namespace internal

// ---- SimFaults ------------------------------------------------------------------

Status SimFaults::SetFault(const std::string& name, int drive_index, int count) {
  MutexLock lock(&mu_);
  const int n = count > 0 ? count : 0;
  if (name == "move_fail") {
    move_fail_ = n;
  } else if (name == "move_fail_after") {
    move_fail_after_ = n;
  } else if (name == "removal_prevented") {
    if (drive_index < 0) return Status(err::kInvalidParameter, "removal_prevented needs a drive index >= 0");
    if (n > 0)
      removal_prevented_.insert(static_cast<uint32_t>(drive_index));
    else
      removal_prevented_.erase(static_cast<uint32_t>(drive_index));
  } else if (name == "unavailable") {
    unavailable_ = n > 0;
  } else {
    return Status(err::kInvalidParameter, fmt::format("unknown simulated fault \"{}\"", name));
  }
  return Status::Ok();
}

void SimFaults::ClearFaults() {
  MutexLock lock(&mu_);
  move_fail_ = move_fail_after_ = 0;
  unavailable_ = false;
  removal_prevented_.clear();
}

SimFaults::MoveFault SimFaults::TakeMoveFault() {
  MutexLock lock(&mu_);
  if (move_fail_ > 0) {
    --move_fail_;
    return MoveFault::kFailBefore;
  }
  if (move_fail_after_ > 0) {
    --move_fail_after_;
    return MoveFault::kFailAfter;
  }
  return MoveFault::kNone;
}

bool SimFaults::Unavailable() const {
  MutexLock lock(&mu_);
  return unavailable_;
}

bool SimFaults::RemovalPrevented(uint32_t drive_index) const {
  MutexLock lock(&mu_);
  return removal_prevented_.count(drive_index) > 0;
}

void SimFaults::Attach(std::weak_ptr<internal::SimLibrary> library) {
  MutexLock lock(&mu_);
  library_ = std::move(library);
}

std::shared_ptr<internal::SimLibrary> SimFaults::Attached() const {
  MutexLock lock(&mu_);
  return library_.lock();
}

namespace {
Status NotAttached() {
  return Status(err::kDeviceNotAvailable, "no simulated library is attached to these fault switches");
}
Status NotStandalone() {
  return Status(err::kInvalidOperation, "the simulated library is a changer, not a stand-alone drive");
}
constexpr ElementRef kStandaloneDrive{ElementType::kDataTransfer, 0};
}  // namespace

// The library is locked after mu_ is released: lock order is library, then faults.
Status SimFaults::OperatorPlace(const ElementRef& where, const std::string& barcode) {
  auto lib = Attached();
  return lib ? lib->OperatorPlace(where, barcode) : NotAttached();
}

Status SimFaults::OperatorRemove(const ElementRef& where) {
  auto lib = Attached();
  return lib ? lib->OperatorRemove(where) : NotAttached();
}

Status SimFaults::InsertIntoStandalone(const std::string& barcode) {
  auto lib = Attached();
  if (!lib) return NotAttached();
  if (!lib->standalone()) return NotStandalone();
  return lib->OperatorPlace(kStandaloneDrive, barcode);
}

Status SimFaults::RemoveFromStandalone() {
  auto lib = Attached();
  if (!lib) return NotAttached();
  if (!lib->standalone()) return NotStandalone();
  return lib->OperatorRemove(kStandaloneDrive);
}

// ---- MakeSimLibrary -------------------------------------------------------------

Result<LibraryDevices> MakeSimLibrary(const SimConfig& cfg, Clock* clock, std::shared_ptr<SimFaults> faults) {
  RSM_RETURN_IF_ERROR(internal::ValidateConfig(cfg, clock));
  RSM_ASSIGN_OR_RETURN(internal::PhysicalState state, internal::LoadOrCreate(cfg));
  if (!faults) faults = std::make_shared<SimFaults>();
  const std::string prefix = cfg.serial_prefix.empty() ? "SIM" + cfg.name : cfg.serial_prefix;
  const bool standalone = state.standalone;
  const size_t drives = state.drives.size();
  auto lib = std::make_shared<internal::SimLibrary>(cfg, prefix, clock, faults, std::move(state));
  faults->Attach(lib);

  LibraryDevices devices;
  if (!standalone) devices.changer = std::make_unique<internal::SimChanger>(lib);
  for (size_t i = 0; i < drives; ++i)
    devices.drives.push_back(std::make_unique<internal::SimDrive>(lib, static_cast<uint32_t>(i)));
  return devices;
}

}  // namespace openrsm::devices::sim
