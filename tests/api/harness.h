// API test harness: runs a private daemon and talks to it through the public
// C API (ntmsapi.h), exactly as an application would.
//
// Each Daemon gets its own temporary state_dir and socket; RSM_SOCKET points
// the library at it. The daemon is the test daemon rsmd_test (tests/daemon:
// rsmd's own skeleton and libraries with fault-injecting decorators wired
// in), unless DaemonOptions::installed_rsmd asks for rsmd itself. Faults are
// injected through rsmd_test's control service (tests/daemon/rsm_test.proto)
// by Hook(). The simulated library's physical state file is read directly as
// the out-of-band oracle.
//
// Hook(library, fault, drive_index, count, arg):
//   library "sim0"...: the simulated library's SimFaults: a fault switch by
//     name ("move_fail", "move_fail_after", "removal_prevented",
//     "unavailable"; count 0 clears; "clear" clears all), or an operator
//     action: "place" (arg "slot:N:BARCODE", "ieport:N:..", "drive:N:.."),
//     "remove" (arg "slot:N", ...), "standalone_insert" (arg BARCODE),
//     "standalone_remove".
//   library "": the daemon itself: "oom" (arg "CALL" or "CALL@POINT": the
//     next `count` calls of the ntmsapi function CALL throw std::bad_alloc at
//     the first catalogue operation at POINT, "begin", "read", "write"
//     (default) or "commit", on the thread running the call; count 0
//     disarms), "crash_after_move" (the next completed robot move ends the
//     daemon with exit status 137 before its commit).
//
// Backends: RSM_API_BACKEND=tgt runs the same tests against the private tgtd
// of tests/tgt/vtl.sh (VTL_DIR, VTL_PORT; unset, this build's VTL, the one
// ctest's fixture `vtl` runs: tests/support/vtl.h). "sim0" is then an
// iSCSI library over the vtl target (2 drives, 20 slots, 2 IE ports,
// A00001L6.. in the first slots via VTL_MEDIA) and "tape0" the solo target
// (its cartridge is catalogued unlabeled: StandaloneMedia());
// the VTL is reset before each Daemon's first start. The oracle is a second,
// independent iSCSI session (READ ELEMENT STATUS) plus `tgtadm --op show`
// (the tape file each drive LUN has loaded). Hook() maps the sim faults onto
// real tgt conditions, from outside rsmd (Daemon::TgtHook):
//   removal_prevented  a second initiator holds PREVENT MEDIUM REMOVAL on the
//                      drive LUN (count 0 drops its session)
//   remove slot:N      tgtadm clear_slot on the element (vtl.sh remove)
//   unavailable        the library target set offline in tgt and its
//                      connections dropped (vtl.sh unreachable): rsmd's
//                      reconnect is refused at login; count 0 = ready again
//   move_fail          the test media's image files renamed away: a load
//                      fails with HARDWARE ERROR 15/01 and the cartridge stays
//                      in its slot; count 0 puts them back (sim: harmless)
//   stall (tgt only)   tgtd SIGSTOPped, the slow robot that time_scale gives
//                      on sim; count = watchdog bound in ms, 0 = SIGCONT
// "move_fail_after" (moved, then failed) has no tgt equivalent; its test
// uses move_fail on tgt. See docs/transports.md "API suites against tgt".
#pragma once

#include <gtest/gtest.h>
#include <sys/types.h>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ntmsapi.h"
#include "tests/support/shell.h"
#include "tests/support/vtl.h"

namespace openrsm::apitest {

enum class Backend { kSim, kTgt };
Backend DefaultBackend();  // kTgt when RSM_API_BACKEND=tgt
inline bool TgtBackend() { return DefaultBackend() == Backend::kTgt; }
// For tests that need a fault or an observation only the simulator offers.
#define SKIP_UNLESS_SIM()                  \
  if (!::openrsm::apitest::TgtBackend()) { \
  } else                                   \
    GTEST_SKIP() << "needs the simulated library"

struct DaemonOptions {
  Backend backend = DefaultBackend();
  double time_scale = 0.0;
  uint32_t max_pages = 0;
  uint32_t drives = 2, slots = 20, ieports = 2;
  std::vector<std::string> media = {"A00001L6", "A00002L6", "A00003L6", "A00004L6"};
  bool standalone_library = true;  // also configure "tape0", a stand-alone drive with S00001L6
  std::string extra_config;        // appended verbatim
  std::string catalog_config;      // extra lines inside [catalog] (e.g. "reserve_bytes = 262144")
  std::string admin_group = "rsmadmin";
  std::string state_dir;      // empty: DIR/state
  std::string sim_state_dir;  // where the sim libraries keep their state files; empty: state_dir
  // tgt: vtl.sh reset before the first Start(); false when the test has
  // prepared the VTL itself (e.g. set it unreachable before rsmd starts).
  bool reset_vtl = true;
  // Run the daemon that is installed, rsmd, instead of the test daemon
  // rsmd_test: for tests about rsmd's own start-up. It has no control
  // service, so Hook() fails (except tgt's, which acts from outside).
  bool installed_rsmd = false;
};

struct StallWatch;

class Daemon {
 public:
  explicit Daemon(DaemonOptions opts = {});
  ~Daemon();  // stops rsmd, removes the temp dir

  void Start();  // writes the config, starts rsmd, waits until it serves
  void Stop();   // SIGTERM and wait
  void Kill9();  // SIGKILL and wait
  bool Running();
  void RewriteConfig(const DaemonOptions& opts);

  const std::string& dir() const { return dir_; }
  std::string state_dir() const { return opts_.state_dir.empty() ? dir_ + "/state" : opts_.state_dir; }
  pid_t pid() const { return pid_; }
  // The simulated library's state file (DESIGN.md: STATE_DIR/sim-NAME.json unless moved).
  std::string sim_state_path(const std::string& library) const {
    return (opts_.sim_state_dir.empty() ? state_dir() : opts_.sim_state_dir) + "/sim-" + library + ".json";
  }
  std::string config_path() const { return dir_ + "/rsmd.toml"; }
  std::string catalog_path() const { return state_dir() + "/catalog.db"; }
  std::string socket() const { return dir_ + "/rsmd.sock"; }
  std::string log() const;

  // Injects a fault (see the top of this file); returns the Win32 code,
  // ~0u when the control service cannot be reached.
  uint32_t Hook(const std::string& library, const std::string& fault, int drive_index = 0, int count = 1,
                const std::string& arg = "");
  // A catalogue fault in the next `count` catalogue steps of `call` (an
  // ntmsapi function name, tests/daemon/control.cc) at `point` ("begin",
  // "read", "write", "commit"; "" = the first): the catalogue returns
  // `error` (ERROR_DATABASE_FULL, ERROR_DATABASE_FAILURE, ...), or throws
  // std::bad_alloc when `error` is 0. Returns the Win32 code of arming it.
  uint32_t FailCatalog(const std::string& call, const std::string& point, uint32_t error, int count = 1);

 private:
  void WriteConfig();
  uint32_t TgtHook(const std::string& library, const std::string& fault, int drive_index, int count,
                   const std::string& arg);
  void TgtResume();  // ends a "stall" (SIGCONT), joins its watchdog
  DaemonOptions opts_;
  std::string dir_;
  pid_t pid_ = -1;
  bool started_once_ = false;
  std::map<int, std::shared_ptr<void>> preventers_;  // tgt: drive index -> the holder's session
  std::vector<std::string> hidden_images_;           // tgt "move_fail": renamed tape images
  std::shared_ptr<StallWatch> stall_;                // tgt "stall": the SIGCONT watchdog
};

// The simulated library's physical state (its state file), by element. In
// tgt mode: the device's view through a second iSCSI session (slots, drives,
// IE ports, picker); `unloaded` cannot be observed there (tgt's UNLOAD is a
// no-op) and stays false.
struct SimElement {
  bool full = false;
  std::string barcode;
  bool unloaded = false;
};
struct SimState {
  std::vector<SimElement> slots, drives, ieports, transports;
};
SimState ReadSimState(const Daemon& d, const std::string& library);

// Session helpers (fail the current test on error). In tgt mode Drives()
// leaves out the vtl's spare DTE 258 (drive number 2, no drive behind it).
HANDLE Open(const char* app = "apitest");
NTMS_GUID LibraryId(HANDLE h, const std::string& name);
// The offline library: the one library object of type NTMS_LIBRARYTYPE_OFFLINE.
NTMS_GUID OfflineLibraryId(HANDLE h);
std::vector<NTMS_GUID> List(HANDLE h, const NTMS_GUID* container, DWORD type);
NTMS_OBJECTINFORMATIONA Info(HANDLE h, const NTMS_GUID& id, DWORD type = NTMS_UNKNOWN);
std::vector<NTMS_GUID> Drives(HANDLE h, const std::string& library);
NTMS_GUID MediaByBarcode(HANDLE h, const std::string& barcode);  // physical media
// The one cartridge catalogued in the stand-alone library "tape0" (found by
// library, not barcode: S00001L6 on sim; a stand-alone tape drive has no
// barcode reader, so on tgt it is catalogued unlabeled).
NTMS_GUID StandaloneMedia(HANDLE h);
NTMS_GUID SideOf(HANDLE h, const NTMS_GUID& pmid);
std::vector<NTMS_OBJECTINFORMATIONA> Requests(HANDLE h, const std::string& library);
// Waits until every request of the library has finished (no queued/in-process).
void WaitIdle(HANDLE h, const std::string& library);
bool SameGuid(const NTMS_GUID& a, const NTMS_GUID& b);
NTMS_GUID NullGuid();
NTMS_GUID RandomGuid();
std::string GuidText(const NTMS_GUID& g);

// Catalogue vs device: every cartridge the device holds is where the
// catalogue says, and no catalogued cartridge of the library is elsewhere.
// Returns "" when they agree, else a description of the first difference.
std::string CompareWithDevice(HANDLE h, const Daemon& d, const std::string& library);

// A snapshot of the catalogue's view of a library, for "nothing changed" checks:
// every drive, slot and media object's state fields, and the request count.
std::string Snapshot(HANDLE h, const std::string& library);

// tgt mode: runs `vtl.sh args` with this test's VTL_DIR/VTL_PORT (default:
// this build's VTL, the ctest fixture's); exit code (tests/support/vtl.h).
using test_support::RunVtl;

// Runs tests/api/probe's api_probe as user `uid` (and gid) with `args`;
// returns the DWORD it prints, or ~0u if it did not run.
uint32_t ProbeAs(const Daemon& d, uint32_t uid, uint32_t gid, const std::vector<std::string>& args);
// The same with supplementary groups `groups` (ProbeAs runs with none).
uint32_t ProbeAsWithGroups(const Daemon& d, uint32_t uid, uint32_t gid, const std::vector<uint32_t>& groups,
                           const std::vector<std::string>& args);

// For ERROR_DATABASE_FULL tests (the daemon must run with max_pages = 64):
// fills the catalogue to its page cap from outside, then uses up the slack
// with cheap state changes (disable/enable `spare_drive`) until one reports
// ERROR_DATABASE_FULL. `spare_drive` may be left disabled. Fails the test if
// the catalogue never fills up.
void FillCatalogue(Daemon& d, HANDLE h, const NTMS_GUID& spare_drive);

// ---- tgt-mode fault helpers (tests/api/tgt_faults_test.cc) ----
// Where vtl.sh keeps the tape images (file name = barcode).
std::string VtlMediaDir();
// Runs `tgtadm --lld iscsi <args>` against this test's tgtd; exit code.
using test_support::Tgtadm;
// An operator moves a cartridge with the library's front panel, behind
// rsmd's back: MOVE MEDIUM from a second, independent iSCSI session.
// Elements as "slot:N", "drive:N", "ieport:N" (0-based); returns the Win32
// code ScsiChanger::Move gives.
uint32_t OperatorMove(const std::string& from, const std::string& to);

// The common fixture of the API suites: a Daemon started with `opts` in
// SetUp (StartDaemon), a session h_, the library sim0's id and drives, and
// extra sessions closed in TearDown.
class DaemonTest : public ::testing::Test {
 protected:
  void SetUp() override { StartDaemon({}); }
  void TearDown() override;
  void StartDaemon(DaemonOptions opts);
  // Restarts rsmd with `opts` (the catalogue and the device state survive).
  void Restart(const DaemonOptions& opts);
  // Another session, closed in TearDown.
  HANDLE Another(const char* app = "other");
  // Mounts `barcode` in session `h` (default: h_); the drive it landed in.
  NTMS_GUID MountBarcode(const std::string& barcode, HANDLE h = nullptr);

  std::unique_ptr<Daemon> d_;
  HANDLE h_ = nullptr;
  std::vector<HANDLE> extra_;
  NTMS_GUID lib_{};
  std::vector<NTMS_GUID> drives_;
};

}  // namespace openrsm::apitest

// ---- branch catalog: rsmd run as a command (catalog_safety_test.cc) ----
namespace openrsm::apitest {
// Runs `rsmd --config <d's config> args...` to its end (SIGKILL after
// `timeout_s` seconds); returns its exit code, or -1 when it did not exit by
// itself. Its stdout and stderr go to *output.
int RunRsmd(const Daemon& d, const std::vector<std::string>& args, std::string* output, int timeout_s = 30);
}  // namespace openrsm::apitest

// ---- branch layers: the drives' identity as the device reports it (object_info_test.cc) ----
namespace openrsm::apitest {
struct DriveIdentityOracle {
  std::string serial, revision;  // INQUIRY (VPD 0x80 serial, PRODUCT REVISION LEVEL), trimmed
  uint32_t lun = 0;              // the LUN of the URL rsmd's configuration gives the drive
};
// tgt mode: every drive of `library` ("sim0" or "tape0") asked through an
// iSCSI session of the test's own; fails the test when one does not answer.
std::vector<DriveIdentityOracle> TgtDriveIdentities(const std::string& library);
}  // namespace openrsm::apitest

// ---- branch skips: the rsm CLI against a Daemon ----
namespace openrsm::apitest {
using test_support::CommandResult;
// Runs the build's rsm with `args` and RSM_SOCKET = d's socket, unless `env`
// (shell assignments such as "RSM_SOCKET='/x'", put after it) says otherwise;
// its exit code, stdout and stderr.
CommandResult RunRsm(const Daemon& d, const std::vector<std::string>& args, const std::string& env = "");
}  // namespace openrsm::apitest
