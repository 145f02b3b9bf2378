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
  std::string kind;                 // "sim", "iscsi", "sg"
  bool standalone = false;
  // sim
  uint32_t drives = 2, slots = 20, ieports = 2;
  std::vector<std::string> media;
  double time_scale = 0.0;
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

struct Config {
  std::string state_dir;
  std::string socket;
  std::string admin_group = "rsmadmin";
  std::string catalog_backend = "sqlite";
  std::string catalog_url;
  uint32_t max_pages = 0;
  bool test_hooks = false;          // [testing] hooks: serve the TestHook RPC (root only)
  std::vector<LibraryConfig> libraries;
};

// Parses a TOML config file; ERROR_INVALID_PARAMETER with a message naming
// the key on bad input.
Result<Config> LoadConfig(const std::string& path);
Result<Config> ParseConfig(const std::string& toml_text, const std::string& source_name);

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
