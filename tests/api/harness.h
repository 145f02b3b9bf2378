// API test harness: runs a private rsmd and talks to it through the public
// C API (ntmsapi.h), exactly as an application would.
//
// Each Daemon gets its own temporary state_dir and socket; RSM_SOCKET points
// the library at it. Faults are injected through rsmd's TestHook RPC
// (enabled in the generated config). The simulated library's physical state
// file is read directly as the out-of-band oracle.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "ntmsapi.h"

namespace openrsm::apitest {

struct DaemonOptions {
  double time_scale = 0.0;
  uint32_t max_pages = 0;
  uint32_t drives = 2, slots = 20, ieports = 2;
  std::vector<std::string> media = {"A00001L6", "A00002L6", "A00003L6", "A00004L6"};
  bool standalone_library = true;     // also configure "tape0", a stand-alone drive with S00001L6
  std::string extra_config;           // appended verbatim
};

class Daemon {
 public:
  explicit Daemon(DaemonOptions opts = {});
  ~Daemon();  // stops rsmd, removes the temp dir

  void Start();            // writes the config, starts rsmd, waits until it serves
  void Stop();             // SIGTERM and wait
  void Kill9();            // SIGKILL and wait
  bool Running();
  void RewriteConfig(const DaemonOptions& opts);

  const std::string& dir() const { return dir_; }
  std::string state_dir() const { return dir_ + "/state"; }
  std::string catalog_path() const { return state_dir() + "/catalog.db"; }
  std::string socket() const { return dir_ + "/rsmd.sock"; }
  std::string log() const;

  // rsmd's TestHook RPC; returns the Win32 code.
  uint32_t Hook(const std::string& library, const std::string& fault, int drive_index = 0, int count = 1,
                const std::string& arg = "");

 private:
  void WriteConfig();
  DaemonOptions opts_;
  std::string dir_;
  pid_t pid_ = -1;
};

// The simulated library's physical state (its state file), by element.
struct SimElement {
  bool full = false;
  std::string barcode;
  bool unloaded = false;
};
struct SimState {
  std::vector<SimElement> slots, drives, ieports, transports;
};
SimState ReadSimState(const Daemon& d, const std::string& library);

// Session helpers (fail the current test on error).
HANDLE Open(const char* app = "apitest");
NTMS_GUID LibraryId(HANDLE h, const std::string& name);
std::vector<NTMS_GUID> List(HANDLE h, const NTMS_GUID* container, DWORD type);
NTMS_OBJECTINFORMATIONA Info(HANDLE h, const NTMS_GUID& id, DWORD type = NTMS_UNKNOWN);
std::vector<NTMS_GUID> Drives(HANDLE h, const std::string& library);
NTMS_GUID MediaByBarcode(HANDLE h, const std::string& barcode);  // physical media
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

// Runs tests/api/probe's api_probe as user `uid` (and gid) with `args`;
// returns the DWORD it prints, or ~0u if it did not run.
uint32_t ProbeAs(const Daemon& d, uint32_t uid, uint32_t gid, const std::vector<std::string>& args);

// For ERROR_DATABASE_FULL tests (the daemon must run with max_pages = 64):
// fills the catalogue to its page cap from outside, then uses up the slack
// with cheap state changes (disable/enable `spare_drive`) until one reports
// ERROR_DATABASE_FULL. `spare_drive` may be left disabled. Fails the test if
// the catalogue never fills up.
void FillCatalogue(Daemon& d, HANDLE h, const NTMS_GUID& spare_drive);

}  // namespace openrsm::apitest
