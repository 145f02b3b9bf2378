// rsmd configuration (TOML, keys as in DESIGN.md "Contracts").
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/status.h"

namespace openrsm {

struct LibraryConfig {
  std::string name;
  std::string kind;  // "sim", "iscsi", "sg"
  bool standalone = false;
  // sim
  uint32_t drives = 2, slots = 20, ieports = 2;
  std::vector<std::string> media;
  double time_scale = 0.0;
  // The simulated robot's physical state (DESIGN.md); empty = STATE_DIR/sim-NAME.json.
  std::string sim_state_file;
  // `durable_state`: false replaces the sim's state file without fsyncs
  // (benchmarks of the queue; a power loss may lose the robot's state).
  bool sim_durable_state = true;
  // Seconds between two reads of the IE ports (mail slots) that notice
  // cartridges an operator put in or took out; 0 = no polling. Any kind of
  // changer library with IE ports.
  uint32_t ie_poll_seconds = 10;
  // iscsi, sg: while the library is offline because its devices could not be
  // opened (at start) or stopped answering (at run time), its worker tries
  // again after 5 s, doubling the wait up to this many seconds; 0 = never
  // (InventoryNtmsLibrary or a restart brings it back then).
  uint32_t reopen_seconds = 60;
  // iscsi
  std::string changer_url;
  std::vector<std::string> drive_urls;
  // sg
  std::string changer_serial, drive_serial;
  // iscsi, sg: per-command SCSI timeouts in seconds overriding the defaults
  // ([library.timeouts] move_medium = 900, becoming_ready = 7200, ...; names
  // in src/devices/scsi/timeouts.h). Names are checked when the library is
  // opened (an unknown one stops rsmd with a message naming it).
  std::map<std::string, int64_t> timeouts;
};

// Per-uid limits that keep one local user from exhausting rsmd ([limits];
// docs/security.md). Root (uid 0) is exempt from all of them.
struct Limits {
  uint32_t sessions_per_uid = 64;      // open sessions of one uid
  uint32_t requests_per_uid = 256;     // library requests of one uid not yet finished
  uint32_t connections_per_uid = 128;  // connections of one uid to the socket
  uint32_t max_connections = 4096;     // connections of all non-root uids together
};

// [catalog] backups: a consistent online copy of the SQLite catalogue
// (docs/catalog.md "Backups").
struct BackupConfig {
  uint32_t interval_seconds = 3600;  // backup_seconds; 0 = no scheduled backups
  uint32_t keep = 3;                 // backup_keep: newest copies kept
  std::string dir;                   // backup_dir; empty = STATE_DIR/backup
};

struct Config {
  std::string state_dir;
  std::string socket;
  std::string admin_group = "rsmadmin";
  std::string catalog_backend = "sqlite";
  std::string catalog_url;
  uint32_t max_pages = 0;
  // Bytes kept in STATE_DIR/catalog.reserve and released when the disk is
  // full, so that rsmd can still record what it cannot know (reserve_bytes).
  uint64_t reserve_bytes = 4 << 20;
  BackupConfig backup;
  Limits limits;
  std::vector<LibraryConfig> libraries;
};

// Parses a TOML config file strictly. On bad input: ERROR_INVALID_PARAMETER
// with a message "SOURCE:LINE: ..." naming the key (or table) and, for a
// value out of range, the allowed range. Bad input is: a TOML syntax error,
// a key or table that does not exist, a key that does not apply (a sim-only
// key in an iscsi library, `url` with the sqlite backend, ...), a value of
// the wrong type or out of range, a missing required key, duplicate names.
// The first problem in file order is reported; nothing is partially applied
// (the caller gets a Config only when the whole file is valid).
Result<Config> LoadConfig(const std::string& path);
Result<Config> ParseConfig(const std::string& toml_text, const std::string& source_name);

// Bounds the parser enforces (docs: README.md, "Configuration").
// The offline library's name (the library object of cartridges that are in no
// library); no configured library may take it.
inline constexpr std::string_view kOfflineLibraryName = "Offline Media";
inline constexpr size_t kMaxLibraryNameLength = 50;     // "NAME ieport 65535" fits NTMS_OBJECTNAME_LENGTH
inline constexpr uint32_t kMaxLibraryElements = 10000;  // sim drives/slots/ieports (devices/sim kMaxElementsPerType)
inline constexpr size_t kMaxBarcodeLength = 32;         // SMC volume tag; devices/sim kMaxBarcodeLength
inline constexpr size_t kMaxSocketPathLength = 107;     // sockaddr_un::sun_path (108) less the NUL
inline constexpr uint64_t kMaxReserveBytes = uint64_t(1) << 30;

// The names [library.timeouts] accepts (devices/scsi/timeouts.cc CommandName;
// a unit test keeps the two lists equal).
const std::vector<std::string>& ScsiTimeoutNames();

// The embedded default: SQLite catalogue in the user's state directory, one
// simulated library "sim0" (2 drives, 20 slots, 2 IE ports, 10 cartridges).
Config DefaultConfig();

// Default paths for the calling user: root uses /var/lib/openrsm and
// /run/openrsm/rsmd.sock; others $XDG_STATE_HOME/openrsm (~/.local/state/openrsm)
// and $XDG_RUNTIME_DIR/openrsm/rsmd.sock (or the state dir when unset).
std::string DefaultStateDir();
std::string DefaultSocketPath();

// The socket a client uses: $RSM_SOCKET if set, else DefaultSocketPath().
std::string ClientSocketPath();

}  // namespace openrsm
