// Strict rsmd.toml: every key and table known, applicable to where it is,
// typed and in range; errors name the file, the line and the key. Also: the
// DESIGN.md example and every config the tests, scripts and docs write load.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "common/config.h"
#include "devices/scsi/timeouts.h"

namespace openrsm {
namespace {

// The message of ParseConfig(text, "rsmd.toml"), or "OK".
std::string Error(const std::string& text) {
  auto c = ParseConfig(text, "rsmd.toml");
  if (c.ok()) return "OK";
  EXPECT_EQ(c.status().code(), err::kInvalidParameter);
  return c.status().message();
}

constexpr const char* kSim = R"([[library]]
name = "sim0"
kind = "sim"
)";
constexpr const char* kIscsi = R"([[library]]
name = "vtl"
kind = "iscsi"
changer = "iscsi://127.0.0.1:3260/iqn.x:vtl/3"
drives = ["iscsi://127.0.0.1:3260/iqn.x:vtl/1"]
)";
constexpr const char* kSg = R"([[library]]
name = "lib1"
kind = "sg"
)";

// ---- unknown keys and tables ----------------------------------------------------------

TEST(ConfigStrict, UnknownKeyInALibraryNamesFileLineKeyAndLibrary) {
  std::string text = "state_dir = \"/tmp/s\"\n\n[[library]]\nname = \"sim0\"\nkind = \"sim\"\ndrvies = 2\n";
  EXPECT_EQ(Error(text), "rsmd.toml:6: unknown key 'drvies' in [[library]] \"sim0\" (did you mean 'drives'?)");
  EXPECT_EQ(Error(std::string(kSim) + "doors = 1\n"), "rsmd.toml:4: unknown key 'doors' in [[library]] \"sim0\"");
}

TEST(ConfigStrict, UnknownTablesAndKeysEverywhere) {
  EXPECT_EQ(Error("[limit]\nsessions_per_uid = 3\n"), "rsmd.toml:1: unknown table [limit] (did you mean [limits]?)");
  EXPECT_EQ(Error("[[libary]]\nname = \"x\"\n"), "rsmd.toml:1: unknown table [[libary]] (did you mean [[library]]?)");
  EXPECT_EQ(Error("sockett = \"/tmp/x\"\n"), "rsmd.toml:1: unknown key 'sockett' (did you mean 'socket'?)");
  EXPECT_EQ(Error("[web]\nlisten = \"127.0.0.1:8080\"\n"), "rsmd.toml:1: unknown table [web]");
  EXPECT_EQ(Error("[catalog]\nmax_page = 64\n"),
            "rsmd.toml:2: unknown key 'max_page' in [catalog] (did you mean 'max_pages'?)");
  EXPECT_EQ(Error("[limits]\nsessions = 3\n"), "rsmd.toml:2: unknown key 'sessions' in [limits]");
  // Fault injection is the test daemon's (tests/daemon), not a setting of rsmd.
  EXPECT_EQ(Error("[testing]\nhooks = true\n"), "rsmd.toml:1: unknown table [testing]");
  EXPECT_EQ(Error("[catalog.extra]\nx = 1\n"), "rsmd.toml:1: unknown key 'extra' in [catalog]");
  EXPECT_EQ(Error(std::string(kIscsi) + "[library.timeouts]\nmove_meduim = 900\n"),
            "rsmd.toml:7: unknown key 'timeouts.move_meduim' in [[library]] \"vtl\" (did you mean "
            "'timeouts.move_medium'?)");
  EXPECT_EQ(Error(std::string(kSim) + "[library.extra]\nx = 1\n"),
            "rsmd.toml:4: unknown key 'extra' in [[library]] \"sim0\"");
}

TEST(ConfigStrict, TheFirstProblemInFileOrderIsReported) {
  EXPECT_EQ(Error(std::string(kSim) + "zzz = 1\naaa = 2\n"), "rsmd.toml:4: unknown key 'zzz' in [[library]] \"sim0\"");
}

// ---- keys that do not apply where they are ----------------------------------------------

TEST(ConfigStrict, KeysOfAnotherKindAreErrors) {
  EXPECT_EQ(Error(std::string(kIscsi) + "slots = 20\n"),
            "rsmd.toml:6: key 'slots' in [[library]] \"vtl\" does not apply to kind \"iscsi\" (only to sim)");
  EXPECT_EQ(Error(std::string(kIscsi) + "media = [\"A00001L6\"]\n"),
            "rsmd.toml:6: key 'media' in [[library]] \"vtl\" does not apply to kind \"iscsi\" (only to sim)");
  EXPECT_EQ(Error(std::string(kIscsi) + "time_scale = 0\n"),
            "rsmd.toml:6: key 'time_scale' in [[library]] \"vtl\" does not apply to kind \"iscsi\" (only to sim)");
  EXPECT_EQ(Error(std::string(kIscsi) + "durable_state = false\n"),
            "rsmd.toml:6: key 'durable_state' in [[library]] \"vtl\" does not apply to kind \"iscsi\" (only to sim)");
  EXPECT_EQ(Error(std::string(kIscsi) + "changer_serial = \"X\"\n"),
            "rsmd.toml:6: key 'changer_serial' in [[library]] \"vtl\" does not apply to kind \"iscsi\" (only to sg)");
  EXPECT_EQ(Error(std::string(kSim) + "changer = \"iscsi://h/iqn/3\"\n"),
            "rsmd.toml:4: key 'changer' in [[library]] \"sim0\" does not apply to kind \"sim\" (only to iscsi)");
  EXPECT_EQ(Error(std::string(kSim) + "reopen_seconds = 5\n"),
            "rsmd.toml:4: key 'reopen_seconds' in [[library]] \"sim0\" does not apply to kind \"sim\" (only to iscsi, "
            "sg)");
  EXPECT_EQ(Error(std::string(kSg) + "drives = [\"iscsi://h/iqn/1\"]\n"),
            "rsmd.toml:4: key 'drives' in [[library]] \"lib1\" does not apply to kind \"sg\" (only to iscsi, sim)");
  EXPECT_EQ(Error(std::string(kSg) + "drive_serial = \"D1\"\n"),
            "rsmd.toml:4: key 'drive_serial' in [[library]] \"lib1\" applies to a stand-alone drive (standalone = "
            "true) only");
}

TEST(ConfigStrict, ChangerKeysInAStandaloneDriveAreErrors) {
  std::string solo = "[[library]]\nname = \"tape0\"\nkind = \"sim\"\nstandalone = true\n";
  for (const char* key : {"slots = 5", "ieports = 1", "drives = 1", "ie_poll_seconds = 5"}) {
    std::string name = std::string(key).substr(0, std::string(key).find(' '));
    EXPECT_EQ(Error(solo + key + "\n"), "rsmd.toml:5: key '" + name +
                                            "' in [[library]] \"tape0\" does not apply to a stand-alone drive "
                                            "(standalone = true)")
        << key;
  }
  EXPECT_EQ(Error("[[library]]\nname = \"s\"\nkind = \"sg\"\nstandalone = true\nchanger_serial = \"C\"\n"),
            "rsmd.toml:5: key 'changer_serial' in [[library]] \"s\" does not apply to a stand-alone drive (standalone "
            "= true)");
}

TEST(ConfigStrict, CatalogKeysOfTheOtherBackendAreErrors) {
  EXPECT_EQ(Error("[catalog]\nbackend = \"sqlite\"\nurl = \"postgresql://h/db\"\n"),
            "rsmd.toml:3: key 'url' in [catalog] applies to backend = \"postgresql\" only");
  EXPECT_EQ(Error("[catalog]\nbackend = \"postgresql\"\nurl = \"postgresql://h/db\"\nmax_pages = 100\n"),
            "rsmd.toml:4: key 'max_pages' in [catalog] applies to backend = \"sqlite\" only");
  EXPECT_EQ(Error("[catalog]\nbackend = \"postgresql\"\n"),
            "rsmd.toml:1: [catalog] backend = \"postgresql\" needs url = \"postgresql://...\"");
  EXPECT_EQ(Error("[catalog]\nbackend = \"mysql\"\n"),
            "rsmd.toml:2: key 'backend' in [catalog] must be \"sqlite\" or \"postgresql\", not \"mysql\"");
}

// ---- types and ranges ---------------------------------------------------------------------

struct RangeCase {
  std::string text;  // appended to `base`
  std::string base;
  std::string message;  // expected, whole
};

TEST(ConfigStrict, OutOfRangeValuesNameFileLineKeyAndRange) {
  const std::string sim = kSim;  // 3 lines
  const std::string lib = " in [[library]] \"sim0\" must be ";
  std::vector<RangeCase> cases = {
      {"drives = 0\n", sim, "rsmd.toml:4: key 'drives'" + lib + "between 1 and 10000, not 0"},
      {"drives = 10001\n", sim, "rsmd.toml:4: key 'drives'" + lib + "between 1 and 10000, not 10001"},
      {"slots = 0\n", sim, "rsmd.toml:4: key 'slots'" + lib + "between 1 and 10000, not 0"},
      {"slots = 4294967296\n", sim, "rsmd.toml:4: key 'slots'" + lib + "between 1 and 10000, not 4294967296"},
      {"ieports = -1\n", sim, "rsmd.toml:4: key 'ieports'" + lib + "between 0 and 10000, not -1"},
      {"time_scale = -0.5\n", sim,
       "rsmd.toml:4: key 'time_scale'" + lib + "a finite number between 0 and 1000, not -0.5"},
      {"time_scale = inf\n", sim,
       "rsmd.toml:4: key 'time_scale'" + lib + "a finite number between 0 and 1000, not inf"},
      {"time_scale = nan\n", sim,
       "rsmd.toml:4: key 'time_scale'" + lib + "a finite number between 0 and 1000, not nan"},
      {"ie_poll_seconds = 86401\n", sim, "rsmd.toml:4: key 'ie_poll_seconds'" + lib + "between 0 and 86400, not 86401"},
      {"reopen_seconds = -1\n", kIscsi,
       "rsmd.toml:6: key 'reopen_seconds' in [[library]] \"vtl\" must be between 0 and 86400, not -1"},
      {"[library.timeouts]\nload = 0\n", kIscsi,
       "rsmd.toml:7: key 'timeouts.load' in [[library]] \"vtl\" must be between 1 and 31536000, not 0"},
      {"[limits]\nsessions_per_uid = 0\n", "",
       "rsmd.toml:2: key 'sessions_per_uid' in [limits] must be between 1 and 1000000, not 0"},
      {"[limits]\nrequests_per_uid = 0\n", "",
       "rsmd.toml:2: key 'requests_per_uid' in [limits] must be between 1 and 1000000, not 0"},
      {"[limits]\nconnections_per_uid = -3\n", "",
       "rsmd.toml:2: key 'connections_per_uid' in [limits] must be between 1 and 1000000, not -3"},
      {"[limits]\nmax_connections = 1000001\n", "",
       "rsmd.toml:2: key 'max_connections' in [limits] must be between 1 and 1000000, not 1000001"},
      {"[catalog]\nmax_pages = 10\n", "",
       "rsmd.toml:2: key 'max_pages' in [catalog] must be 0 or between 64 and 4294967294, not 10"},
      {"[catalog]\nreserve_bytes = 1073741825\n", "",
       "rsmd.toml:2: key 'reserve_bytes' in [catalog] must be between 0 and 1073741824, not 1073741825"},
      {"[catalog]\nbackup_seconds = -1\n", "",
       "rsmd.toml:2: key 'backup_seconds' in [catalog] must be 0 or between 1 and 31536000, not -1"},
      {"[catalog]\nbackup_keep = 0\n", "",
       "rsmd.toml:2: key 'backup_keep' in [catalog] must be between 1 and 1000, not 0"},
  };
  for (const RangeCase& c : cases) EXPECT_EQ(Error(c.base + c.text), c.message) << c.text;
}

TEST(ConfigStrict, WrongTypesNameTheKey) {
  EXPECT_EQ(Error(std::string(kSim) + "drives = \"2\"\n"),
            "rsmd.toml:4: key 'drives' in [[library]] \"sim0\" must be an integer between 1 and 10000, not a string");
  EXPECT_EQ(Error(std::string(kSim) + "slots = 2.0\n"),
            "rsmd.toml:4: key 'slots' in [[library]] \"sim0\" must be an integer between 1 and 10000, not a "
            "floating-point number");
  EXPECT_EQ(Error(std::string(kSim) + "standalone = \"yes\"\n"),
            "rsmd.toml:4: key 'standalone' in [[library]] \"sim0\" must be true or false, not a string");
  EXPECT_EQ(Error(std::string(kSim) + "durable_state = 0\n"),
            "rsmd.toml:4: key 'durable_state' in [[library]] \"sim0\" must be true or false, not an integer");
  EXPECT_EQ(Error(std::string(kSim) + "time_scale = \"0\"\n"),
            "rsmd.toml:4: key 'time_scale' in [[library]] \"sim0\" must be a number, not a string");
  EXPECT_EQ(Error(std::string(kSim) + "media = \"A00001L6\"\n"),
            "rsmd.toml:4: key 'media' in [[library]] \"sim0\" must be an array of strings, not a string");
  EXPECT_EQ(Error("state_dir = 5\n"), "rsmd.toml:1: key 'state_dir' must be a string, not an integer");
  EXPECT_EQ(Error("catalog = 5\n"), "rsmd.toml:1: key 'catalog' must be a table, not an integer");
  EXPECT_EQ(Error("[library]\nname = \"x\"\n"),
            "rsmd.toml:1: 'library' must be an array of tables: write each library as [[library]]");
  EXPECT_EQ(Error(std::string(kIscsi) + "timeouts = 5\n"),
            "rsmd.toml:6: key 'timeouts' in [[library]] \"vtl\" must be a table, not an integer");
}

TEST(ConfigStrict, NamesBarcodesPathsAndGroups) {
  std::string long_name(51, 'n');
  EXPECT_EQ(Error("[[library]]\nname = \"" + long_name + "\"\nkind = \"sim\"\n"),
            "rsmd.toml:2: library name \"" + long_name + "\" must be 1 to 50 bytes long, not 51");
  EXPECT_EQ(Error("[[library]]\nname = \"\"\nkind = \"sim\"\n"),
            "rsmd.toml:2: library name \"\" must be 1 to 50 bytes long, not 0");
  EXPECT_EQ(Error("[[library]]\nname = \"a/b\"\nkind = \"sim\"\n"),
            "rsmd.toml:2: library name \"a/b\" must not hold '/' or control characters (it names the library's files)");
  EXPECT_EQ(Error("[[library]]\nname = \"Offline Media\"\nkind = \"sim\"\n"),
            "rsmd.toml:2: library name \"Offline Media\" is the offline library's name (the cartridges that are in no "
            "library)");
  EXPECT_EQ(Error("[[library]]\nkind = \"sim\"\n"), "rsmd.toml:1: [[library]] without a name (name = \"...\")");
  EXPECT_EQ(Error("[[library]]\nname = \"x\"\n"),
            "rsmd.toml:1: [[library]] \"x\" needs kind = \"sim\", \"iscsi\" or \"sg\"");
  EXPECT_EQ(Error("[[library]]\nname = \"x\"\nkind = \"scsi\"\n"),
            "rsmd.toml:3: [[library]] \"x\" needs kind = \"sim\", \"iscsi\" or \"sg\", not \"scsi\"");
  EXPECT_EQ(Error(std::string(kSim) + kSim), "rsmd.toml:5: duplicate library name \"sim0\"");

  const std::string bad_bc = std::string(kSim) + "media = [\"A00001L6\",\n  \"A 0002\"]\n";
  EXPECT_EQ(
      Error(bad_bc),
      "rsmd.toml:5: barcode \"A 0002\" in key 'media' in [[library]] \"sim0\" must be printable ASCII without spaces");
  std::string bc33(33, 'B');
  EXPECT_EQ(
      Error(std::string(kSim) + "media = [\"" + bc33 + "\"]\n"),
      "rsmd.toml:4: barcode \"" + bc33 + "\" in key 'media' in [[library]] \"sim0\" is 33 characters long; at most 32");
  EXPECT_EQ(Error(std::string(kSim) + "media = [\"A1\", \"A1\"]\n"),
            "rsmd.toml:4: barcode \"A1\" appears twice in key 'media' in [[library]] \"sim0\"");
  EXPECT_EQ(Error(std::string(kSim) + "slots = 1\nmedia = [\"A1\", \"A2\"]\n"),
            "rsmd.toml:5: key 'media' in [[library]] \"sim0\": 2 cartridges do not fit in 1 slots");
  EXPECT_EQ(Error("[[library]]\nname = \"t\"\nkind = \"sim\"\nstandalone = true\nmedia = [\"A1\", \"A2\"]\n"),
            "rsmd.toml:5: key 'media' in [[library]] \"t\": a stand-alone drive holds at most one cartridge, not 2");

  std::string sock = "/tmp/" + std::string(103, 's');  // 108 bytes: no room for the NUL in sun_path
  EXPECT_EQ(Error("socket = \"" + sock + "\"\n"),
            "rsmd.toml:1: key 'socket' is 108 bytes long; a Unix socket path has at most 107");
  EXPECT_EQ(Error("socket = \"" + sock.substr(1) + "\"\n"), "OK");
  EXPECT_EQ(Error("state_dir = \"\"\n"), "rsmd.toml:1: key 'state_dir' must not be empty");
  EXPECT_EQ(Error("admin_group = \"rsm:admins\"\n"),
            "rsmd.toml:1: key 'admin_group' \"rsm:admins\" is not a group name (no ':', ',' or control characters)");
  EXPECT_EQ(Error("admin_group = \"tape admins@corp.example\"\n"), "OK");  // sssd/winbind names
  EXPECT_EQ(Error("admin_group = \"\"\n"), "OK");                          // no admin group: root only
}

TEST(ConfigStrict, ScsiLibrariesNeedTheirDevices) {
  EXPECT_EQ(Error("[[library]]\nname = \"v\"\nkind = \"iscsi\"\ndrives = []\n"),
            "rsmd.toml:1: [[library]] \"v\" needs changer = \"iscsi://...\" (or standalone = true)");
  EXPECT_EQ(Error("[[library]]\nname = \"v\"\nkind = \"iscsi\"\nstandalone = true\ndrives = [\"iscsi://h/i/1\", "
                  "\"iscsi://h/i/2\"]\n"),
            "rsmd.toml:5: a stand-alone iscsi drive needs drives = [\"iscsi://...\"] with exactly one URL ([[library]] "
            "\"v\" has 2)");
  EXPECT_EQ(
      Error("[[library]]\nname = \"v\"\nkind = \"iscsi\"\nchanger = \"/dev/sg3\"\n"),
      "rsmd.toml:4: key 'changer' in [[library]] \"v\" must be an iscsi://HOST[:PORT]/IQN/LUN URL, not \"/dev/sg3\"");
  EXPECT_EQ(Error(std::string(kIscsi) + "[[library]]\nname = \"w\"\nkind = \"iscsi\"\nchanger = \"iscsi://h/i/3\"\n"
                                        "drives = [\"iscsi://h/i/1\", \"iscsi://h/i/1\"]\n"),
            "rsmd.toml:10: key 'drives' in [[library]] \"w\" names \"iscsi://h/i/1\" twice");
}

TEST(ConfigStrict, SyntaxErrorsNameTheLine) {
  std::string m = Error("state_dir = \"/tmp\"\n[catalog\n");
  EXPECT_EQ(m.rfind("rsmd.toml:2: ", 0), 0u) << m;
  m = Error(std::string(kSim) + "drives = 2\ndrives = 3\n");  // a key twice
  EXPECT_EQ(m.rfind("rsmd.toml:5: ", 0), 0u) << m;
}

TEST(ConfigStrict, LoadConfigNamesThePath) {
  auto dir = std::filesystem::temp_directory_path() / ("config_strict_" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  std::string path = (dir / "rsmd.toml").string();
  std::ofstream(path) << "[limits]\nmax_connections = 0\n";
  auto c = LoadConfig(path);
  std::filesystem::remove_all(dir);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().message(), path + ":2: key 'max_connections' in [limits] must be between 1 and 1000000, not 0");
}

// ---- what must keep loading ----------------------------------------------------------------

// Every key with a valid value reaches Config; a config that only has them loads.
TEST(ConfigStrict, EveryKeyIsRead) {
  auto c = ParseConfig(R"(state_dir = "/var/lib/x"
socket = "/run/x.sock"
admin_group = "tape"
[catalog]
backend = "sqlite"
max_pages = 100000
reserve_bytes = 1048576
backup_seconds = 600
backup_keep = 5
backup_dir = "/srv/backup"
[limits]
sessions_per_uid = 2
requests_per_uid = 3
connections_per_uid = 4
max_connections = 5
[[library]]
name = "sim0"
kind = "sim"
drives = 3
slots = 30
ieports = 0
media = ["A1", ""]
time_scale = 0.5
ie_poll_seconds = 0
durable_state = false
[[library]]
name = "vtl"
kind = "iscsi"
changer = "iscsi://h:3260/iqn.x:vtl/3"
drives = ["iscsi://h:3260/iqn.x:vtl/1"]
reopen_seconds = 0
[library.timeouts]
load = 7200
[[library]]
name = "lib1"
kind = "sg"
changer_serial = "CHG1"
[[library]]
name = "solo"
kind = "sg"
standalone = true
drive_serial = "DRV1"
)",
                       "t");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->state_dir, "/var/lib/x");
  EXPECT_EQ(c->socket, "/run/x.sock");
  EXPECT_EQ(c->admin_group, "tape");
  EXPECT_EQ(c->max_pages, 100000u);
  EXPECT_EQ(c->reserve_bytes, 1048576u);
  EXPECT_EQ(c->backup.interval_seconds, 600u);
  EXPECT_EQ(c->backup.keep, 5u);
  EXPECT_EQ(c->backup.dir, "/srv/backup");
  EXPECT_EQ(c->limits.sessions_per_uid, 2u);
  EXPECT_EQ(c->limits.requests_per_uid, 3u);
  EXPECT_EQ(c->limits.connections_per_uid, 4u);
  EXPECT_EQ(c->limits.max_connections, 5u);
  ASSERT_EQ(c->libraries.size(), 4u);
  const LibraryConfig& s = c->libraries[0];
  EXPECT_EQ(s.drives, 3u);
  EXPECT_EQ(s.slots, 30u);
  EXPECT_EQ(s.ieports, 0u);
  EXPECT_EQ(s.media, (std::vector<std::string>{"A1", ""}));
  EXPECT_EQ(s.time_scale, 0.5);
  EXPECT_EQ(s.ie_poll_seconds, 0u);
  EXPECT_FALSE(s.sim_durable_state);
  EXPECT_EQ(c->libraries[1].changer_url, "iscsi://h:3260/iqn.x:vtl/3");
  EXPECT_EQ(c->libraries[1].drive_urls.size(), 1u);
  EXPECT_EQ(c->libraries[1].reopen_seconds, 0u);
  EXPECT_EQ(c->libraries[1].timeouts.at("load"), 7200);
  EXPECT_EQ(c->libraries[2].changer_serial, "CHG1");
  EXPECT_EQ(c->libraries[3].drive_serial, "DRV1");
  EXPECT_TRUE(c->libraries[3].standalone);
}

TEST(ConfigStrict, DefaultsAreUnchanged) {
  auto c = ParseConfig("", "t");
  ASSERT_TRUE(c.ok());
  Config d;
  EXPECT_EQ(c->admin_group, d.admin_group);
  EXPECT_EQ(c->catalog_backend, "sqlite");
  EXPECT_EQ(c->max_pages, 0u);
  EXPECT_EQ(c->reserve_bytes, uint64_t(4 << 20));
  EXPECT_EQ(c->backup.interval_seconds, 3600u);
  EXPECT_EQ(c->backup.keep, 3u);
  EXPECT_EQ(c->limits.sessions_per_uid, 64u);
  EXPECT_EQ(c->limits.max_connections, 4096u);
  EXPECT_TRUE(c->libraries.empty());
  // A library's own defaults, as a minimal sim library gets them.
  auto sim = ParseConfig("[[library]]\nname = \"s\"\nkind = \"sim\"\n", "t");
  ASSERT_TRUE(sim.ok()) << sim.status().ToString();
  ASSERT_EQ(sim->libraries.size(), 1u);
  const LibraryConfig& l = sim->libraries[0];
  EXPECT_TRUE(l.sim_durable_state);  // the sim's state file is synced unless a benchmark says not
  EXPECT_EQ(l.time_scale, 0.0);
  EXPECT_EQ(l.ie_poll_seconds, 10u);
}

// DESIGN.md "Contracts", verbatim.
constexpr const char* kDesignExample = R"(state_dir   = "/var/lib/openrsm"     # the SQLite catalogue lives here
socket      = "/run/openrsm/rsmd.sock"
admin_group = "rsmadmin"             # root and this group: Use+Modify+Control on every object
                                     # everybody else: Use only, unless the catalogue grants more
[catalog]
backend   = "sqlite"                 # or "postgresql" (with `url = "postgresql://..."`)
max_pages = 0                        # SQLite page cap; 0 = none (makes ERROR_DATABASE_FULL testable)

[[library]]                          # a simulated changer library
name = "sim0"
kind = "sim"
drives = 2
slots = 20
ieports = 2
media = ["A00001L6", "A00002L6"]     # barcodes placed in the first slots
time_scale = 0.0                     # 0 = no robot delay; 1 = realistic seconds

[[library]]                          # a stand-alone drive (no changer)
name = "tape0"
kind = "sim"
standalone = true
media = ["S00001L6"]                 # at most one: the cartridge in the drive at start

[[library]]                          # a real SCSI library over iSCSI
name = "vtl"
kind = "iscsi"
changer = "iscsi://127.0.0.1:3260/iqn.2024-01.test.rsm:vtl/3"
drives = ["iscsi://127.0.0.1:3260/iqn.2024-01.test.rsm:vtl/1",
          "iscsi://127.0.0.1:3260/iqn.2024-01.test.rsm:vtl/2"]

[[library]]                          # a stand-alone SCSI tape drive (no changer)
name = "solo"
kind = "iscsi"
standalone = true
drives = ["iscsi://127.0.0.1:3260/iqn.2024-01.test.rsm:solo/1"]

[[library]]                          # a library on the host's SCSI stack (/dev/sg*), found via sysfs
name = "lib1"
kind = "sg"
changer_serial = "CHG0000001"        # optional: which changer; omitted = the only one present
                                     # its drives are found by the serials it reports (DVCID)
[[library]]                          # a stand-alone drive on the host's SCSI stack
name = "solo2"
kind = "sg"
standalone = true
drive_serial = "DRV0000009"          # which tape drive
)";

void ExpectDesignExample(const Config& c) {
  EXPECT_EQ(c.state_dir, "/var/lib/openrsm");
  EXPECT_EQ(c.socket, "/run/openrsm/rsmd.sock");
  ASSERT_EQ(c.libraries.size(), 6u);
  EXPECT_EQ(c.libraries[0].media.size(), 2u);
  EXPECT_TRUE(c.libraries[1].standalone);
  EXPECT_EQ(c.libraries[2].drive_urls.size(), 2u);
  EXPECT_EQ(c.libraries[3].drive_urls.size(), 1u);
  EXPECT_EQ(c.libraries[4].changer_serial, "CHG0000001");
  EXPECT_EQ(c.libraries[5].drive_serial, "DRV0000009");
}

TEST(ConfigStrict, TheDesignExampleLoads) {
  auto c = ParseConfig(kDesignExample, "design");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  ExpectDesignExample(*c);
}

std::string ReadFile(const std::string& path) {
  std::ifstream f(path);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

// The ```toml blocks of a Markdown file (those without an elided "..." line).
std::vector<std::string> TomlBlocks(const std::string& markdown) {
  std::vector<std::string> out;
  std::istringstream in(markdown);
  std::string line, block;
  bool inside = false, elided = false;
  while (std::getline(in, line)) {
    std::string trimmed = line.substr(std::min(line.find_first_not_of(' '), line.size()));
    if (!inside && trimmed == "```toml") {
      inside = true, elided = false, block.clear();
    } else if (inside && trimmed == "```") {
      inside = false;
      if (!elided) out.push_back(block);
    } else if (inside) {
      elided = elided || trimmed == "...";
      block += line.substr(std::min(line.find_first_not_of(' '), line.size())) + "\n";
    }
  }
  return out;
}

TEST(ConfigStrict, TheDesignFileExampleLoadsWhenPresent) {
  std::string design = ReadFile(std::string(OPENRSM_SOURCE_DIR) + "/../shared/DESIGN.md");
  if (design.empty()) GTEST_SKIP() << "no ../shared/DESIGN.md beside the source tree";
  auto blocks = TomlBlocks(design);
  ASSERT_FALSE(blocks.empty());
  auto c = ParseConfig(blocks[0], "DESIGN.md");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  ExpectDesignExample(*c);
}

TEST(ConfigStrict, TheDocsExamplesLoad) {
  int n = 0;
  for (const char* doc : {"README.md", "docs/qemu.md", "docs/scsi.md", "docs/service.md", "docs/devices-sim.md",
                          "docs/catalog.md", "docs/cli.md", "docs/transports.md"}) {
    for (const std::string& block : TomlBlocks(ReadFile(std::string(OPENRSM_SOURCE_DIR) + "/" + doc))) {
      auto c = ParseConfig(block, doc);
      EXPECT_TRUE(c.ok()) << c.status().ToString() << "\n" << block;
      ++n;
    }
  }
  EXPECT_GE(n, 1);
}

// The configs the shell scripts write (cat >.../rsmd.toml <<EOF ... EOF), with
// their variables replaced by plausible values.
std::vector<std::string> ScriptConfigs(const std::string& script) {
  std::vector<std::string> out;
  std::istringstream in(script);
  std::string line;
  std::regex start(R"(cat >"?[^ ]*rsmd\.toml"? <<'?([A-Z]+)'?)");
  std::smatch m;
  while (std::getline(in, line)) {
    if (!std::regex_search(line, m, start)) continue;
    std::string end = m[1], block;
    while (std::getline(in, line) && line != end) block += line + "\n";
    block = std::regex_replace(block, std::regex(R"(\$URL\b)"), "iscsi://127.0.0.1:3260");
    block = std::regex_replace(block, std::regex(R"(\$\{?([A-Z_]+)\}?)"), "/tmp/$1");
    out.push_back(block);
  }
  return out;
}

TEST(ConfigStrict, TheConfigsOfTheTestScriptsLoad) {
  for (const char* script :
       {"tests/api/c_pkgconfig_test.sh", "tests/qemu/guest/sg-conformance.sh", "tests/tgt/rsmd_e2e.sh"}) {
    auto configs = ScriptConfigs(ReadFile(std::string(OPENRSM_SOURCE_DIR) + "/" + script));
    ASSERT_EQ(configs.size(), 1u) << script;
    auto c = ParseConfig(configs[0], script);
    EXPECT_TRUE(c.ok()) << c.status().ToString() << "\n" << configs[0];
    EXPECT_FALSE(c->libraries.empty()) << script;
  }
}

// What tests/api/harness.cc (Daemon::WriteConfig, both backends, with the
// extra_config of the suites) and bench/bench_util.cc, bench/tgt_bench.cc write.
TEST(ConfigStrict, TheGeneratedConfigsOfHarnessAndBenchLoad) {
  const std::string head =
      "state_dir = \"/tmp/d/state\"\nsocket = \"/tmp/d/rsmd.sock\"\nadmin_group = \"rsmadmin\"\n"
      "[catalog]\nbackend = \"sqlite\"\nmax_pages = 0\n";
  const std::string sim0 =
      "[[library]]\nname = \"sim0\"\nkind = \"sim\"\ndrives = 2\nslots = 20\nieports = 2\n"
      "media = [\"A00001L6\", \"A00002L6\", \"A00003L6\", \"A00004L6\"]\ntime_scale = 0\n";
  const std::string tape0 =
      "[[library]]\nname = \"tape0\"\nkind = \"sim\"\nstandalone = true\nmedia = [\"S00001L6\"]\n";
  const std::string url = "iscsi://127.0.0.1:3260/iqn.2024-01.test.rsm:";
  const std::string vtl = "[[library]]\nname = \"sim0\"\nkind = \"iscsi\"\nchanger = \"" + url +
                          "vtl/3\"\ndrives = [\"" + url + "vtl/1\", \"" + url + "vtl/2\"]\n";
  const std::string solo =
      "[[library]]\nname = \"tape0\"\nkind = \"iscsi\"\nstandalone = true\ndrives = [\"" + url + "solo/1\"]\n";
  const std::string harness_max_pages = "[catalog]\nbackend = \"sqlite\"\nmax_pages = 64\n";
  std::vector<std::string> configs = {
      head + sim0 + tape0,
      head + sim0,
      head + sim0 + "ie_poll_seconds = 1\n",  // ieport_test
      head + vtl + solo,
      head + vtl + "reopen_seconds = 2\n",         // reopen_test, sim0 only
      head + vtl + solo + "reopen_seconds = 2\n",  // reopen_test, in tape0
      head + sim0,                                 // bench_util
      head + "[[library]]\nname = \"vtl0\"\nkind = \"iscsi\"\nchanger = \"" + url + "vtl/3\"\ndrives = [\"" + url +
          "vtl/1\", \"" + url + "vtl/2\"]\n",  // tgt_bench
      "state_dir = \"/tmp/d/state\"\n" + harness_max_pages + sim0,
  };
  for (const std::string& text : configs) {
    auto c = ParseConfig(text, "generated");
    EXPECT_TRUE(c.ok()) << c.status().ToString() << "\n" << text;
  }
}

// The config's list of [library.timeouts] names is the SCSI layer's.
TEST(ConfigStrict, TimeoutNamesAreTheScsiLayers) {
  using devices::scsi::Command;
  std::vector<std::string> scsi;
  for (int i = 0; i < int(Command::kCount_); ++i) scsi.emplace_back(devices::scsi::CommandName(Command(i)));
  EXPECT_EQ(ScsiTimeoutNames(), scsi);
}

}  // namespace
}  // namespace openrsm
