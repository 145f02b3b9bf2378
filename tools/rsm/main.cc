// rsm: the OpenRSM command line. An ordinary client of the public C API
// (ntmsapi.h), like any other application.
//
//   rsm [--json] [--socket PATH] <noun> <verb> [args]
//
// Exit codes (docs/cli.md): 0 success; 1 an API call failed (rsm: OP:
// ERROR_NAME (code): meaning); 2 usage error (bad arguments, unknown command
// or option, unknown object name); 3 rsmd cannot be reached (which of: no
// socket, not a socket, path too long, permission denied, connection
// refused, no answer).
#include <CLI/CLI.hpp>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <iostream>
#include <map>
#include <optional>

#include "commands.h"
#include "common/config.h"
#include "connect.h"
#include "output.h"

namespace {

using rsmcli::Context;
using Command = std::function<int(Context&)>;

constexpr int kExitApiError = 1;
constexpr int kExitUsage = 2;
constexpr int kExitNotConnected = 3;

// Adds a verb under `noun` that runs `command` once parsing is done.
CLI::App* Verb(CLI::App* noun, const char* name, const char* help, Command* slot, Command command) {
  CLI::App* verb = noun->add_subcommand(name, help);
  verb->fallthrough();
  verb->callback([slot, command] { *slot = command; });
  return verb;
}

CLI::App* Noun(CLI::App& app, const char* name, const char* help) {
  CLI::App* noun = app.add_subcommand(name, help);
  noun->require_subcommand(1);
  noun->fallthrough();
  return noun;
}

// Whether the command line asks for JSON: known before parsing, so that a
// usage error is reported in JSON too.
bool WantsJson(int argc, char** argv) {
  for (int i = 1; i < argc && std::strcmp(argv[i], "--") != 0; ++i)
    if (std::strcmp(argv[i], "--json") == 0) return true;
  return false;
}

// "list, mount, dismount" (in the order they were added).
std::string Names(const CLI::App& parent) {
  std::string out;
  for (const CLI::App* sub : parent.get_subcommands([](const CLI::App*) { return true; }))
    out += (out.empty() ? "" : ", ") + sub->get_name();
  return out;
}

// For a command line CLI11 refused: the message naming the unknown or missing
// noun or verb, or "" when both are known (the error is elsewhere). The
// words are the first two arguments that are neither options nor the value
// of --socket.
std::string CommandProblem(const CLI::App& app, int argc, char** argv) {
  std::vector<std::string> words;
  for (int i = 1; i < argc && words.size() < 2; ++i) {
    std::string a = argv[i];
    if (a == "--") break;
    if (a == "--socket") ++i;
    if (a.empty() || a[0] == '-') continue;
    words.push_back(a);
  }
  if (words.empty()) return "missing command for 'rsm'; valid: " + Names(app);
  const CLI::App* noun = nullptr;
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; }))
    if (sub->get_name() == words[0]) noun = sub;
  if (!noun) return "unknown command '" + words[0] + "' for 'rsm'; valid: " + Names(app);
  std::string where = "'rsm " + noun->get_name() + "'";
  if (words.size() < 2) return "missing command for " + where + "; valid: " + Names(*noun);
  for (const CLI::App* sub : noun->get_subcommands([](const CLI::App*) { return true; }))
    if (sub->get_name() == words[1]) return "";
  return "unknown command '" + words[1] + "' for " + where + "; valid: " + Names(*noun);
}

// The CLI11 error's message, without trailing newlines or spaces.
std::string ParseErrorText(const CLI::ParseError& e) {
  std::string m = e.what();
  while (!m.empty() && (m.back() == '\n' || m.back() == ' ')) m.pop_back();
  return m;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"rsm: manage OpenRSM libraries, drives, media and requests through rsmd"};
  app.require_subcommand(1);
  bool json = false;
  std::string socket;
  app.add_flag("--json", json, "Print machine-readable JSON instead of tables");
  app.add_option("--socket", socket, "rsmd's socket (default: $RSM_SOCKET, else the configured path)");

  Command run;
  std::string library_filter;
  auto add_library_filter = [&](CLI::App* verb) {
    verb->add_option("--library,-l", library_filter, "Only objects of this library (name or GUID)");
  };

  // library
  CLI::App* library = Noun(app, "library", "Libraries");
  Verb(library, "list", "List libraries", &run, [](Context& c) { return rsmcli::ListLibraries(c); });
  std::string library_spec;
  for (bool enable : {true, false}) {
    CLI::App* v =
        Verb(library, enable ? "enable" : "disable", enable ? "Enable a library" : "Disable a library", &run,
             [&library_spec, enable](Context& c) { return rsmcli::SetEnabled(c, NTMS_LIBRARY, library_spec, enable); });
    v->add_option("library", library_spec, "Library name or GUID")->required();
  }
  std::string method = "default";
  const std::map<std::string, DWORD> methods = {{"none", NTMS_INVENTORY_NONE}, {"fast", NTMS_INVENTORY_FAST},
                                                {"omid", NTMS_INVENTORY_OMID}, {"default", NTMS_INVENTORY_DEFAULT},
                                                {"slot", NTMS_INVENTORY_SLOT}, {"stop", NTMS_INVENTORY_STOP}};
  CLI::App* inventory = Verb(library, "inventory", "Inventory a library (waits until done)", &run,
                             [&](Context& c) { return rsmcli::InventoryLibrary(c, library_spec, methods.at(method)); });
  inventory->add_option("library", library_spec, "Library name or GUID")->required();
  inventory->add_option("--method", method, "Inventory method: none, fast, omid, default, slot, stop")
      ->check(CLI::IsMember({"none", "fast", "omid", "default", "slot", "stop"}));
  bool inject_no_wait = false;
  CLI::App* inject = Verb(library, "inject", "Move the cartridges in the IE ports into free slots (waits until done)",
                          &run, [&](Context& c) { return rsmcli::InjectLibrary(c, library_spec, !inject_no_wait); });
  inject->add_option("library", library_spec, "Library name or GUID")->required();
  inject->add_flag("--no-wait", inject_no_wait, "Return once the inject is queued");

  // drive
  CLI::App* drive = Noun(app, "drive", "Drives");
  add_library_filter(
      Verb(drive, "list", "List drives", &run, [&](Context& c) { return rsmcli::ListDrives(c, library_filter); }));
  std::string drive_spec;
  CLI::App* ddismount = Verb(drive, "dismount", "Move the cartridge in a drive back to its slot", &run,
                             [&](Context& c) { return rsmcli::DismountDrive(c, drive_spec); });
  ddismount->add_option("drive", drive_spec, "Drive name, GUID or LIBRARY:NUMBER")->required();
  for (bool enable : {true, false}) {
    CLI::App* v =
        Verb(drive, enable ? "enable" : "disable", enable ? "Enable a drive" : "Disable a drive", &run,
             [&drive_spec, enable](Context& c) { return rsmcli::SetEnabled(c, NTMS_DRIVE, drive_spec, enable); });
    v->add_option("drive", drive_spec, "Drive name, GUID or LIBRARY:NUMBER")->required();
  }

  // media
  CLI::App* media = Noun(app, "media", "Cartridges (physical media)");
  add_library_filter(
      Verb(media, "list", "List cartridges", &run, [&](Context& c) { return rsmcli::ListMedia(c, library_filter); }));
  rsmcli::MountArgs mount;
  double timeout_s = 0;
  CLI::App* mnt = Verb(media, "mount", "Mount a cartridge in a drive; prints the drive's name", &run,
                       [&](Context& c) { return rsmcli::MountMedia(c, mount); });
  mnt->add_option("media", mount.media, "Media name, barcode or GUID")->required();
  mnt->add_option("--drive,-d", mount.drive, "Mount in this drive (name, GUID or LIBRARY:NUMBER)");
  CLI::Option* timeout_opt = mnt->add_option("--timeout,-t", timeout_s, "Seconds to wait (default: forever)");
  mnt->add_flag("--read-only", mount.read_only, "Mount for reading only");
  mnt->add_option("--priority", mount.priority, "Priority, -15 (lowest) to 15 (highest); default 0")
      ->check(CLI::Range(-15, 15));
  std::string media_spec;
  bool deferred = false, no_wait = false;
  CLI::App* mdismount = Verb(media, "dismount", "Dismount a cartridge (waits until it is back in its slot)", &run,
                             [&](Context& c) { return rsmcli::DismountMedia(c, media_spec, deferred, !no_wait); });
  mdismount->add_option("media", media_spec, "Media name, barcode or GUID")->required();
  mdismount->add_flag("--deferred", deferred, "Leave it in the drive until the drive is needed");
  mdismount->add_flag("--no-wait", no_wait, "Return once the dismount is queued");
  bool eject_no_wait = false;
  CLI::App* eject = Verb(media, "eject", "Move a cartridge to a free IE port (waits until it is there)", &run,
                         [&](Context& c) { return rsmcli::EjectMedia(c, media_spec, !eject_no_wait); });
  eject->add_option("media", media_spec, "Media name, barcode or GUID")->required();
  eject->add_flag("--no-wait", eject_no_wait, "Return once the eject is queued");
  CLI::App* decommission = Verb(media, "decommission", "Retire a cartridge's sides for good (they must be Available)",
                                &run, [&](Context& c) { return rsmcli::DecommissionMedia(c, media_spec); });
  decommission->add_option("media", media_spec, "Cartridge or side: name, barcode or GUID")->required();
  CLI::App* mdelete = Verb(media, "delete", "Remove an offline cartridge (lost or destroyed) from the catalogue", &run,
                           [&](Context& c) { return rsmcli::DeleteMedia(c, media_spec); });
  mdelete->add_option("media", media_spec, "Media name, barcode or GUID")->required();
  for (bool enable : {true, false}) {
    CLI::App* v = Verb(
        media, enable ? "enable" : "disable", enable ? "Enable a cartridge" : "Disable a cartridge", &run,
        [&media_spec, enable](Context& c) { return rsmcli::SetEnabled(c, NTMS_PHYSICAL_MEDIA, media_spec, enable); });
    v->add_option("media", media_spec, "Media name, barcode or GUID")->required();
  }

  // slot
  CLI::App* slot = Noun(app, "slot", "Storage slots");
  add_library_filter(
      Verb(slot, "list", "List storage slots", &run, [&](Context& c) { return rsmcli::ListSlots(c, library_filter); }));

  // request
  CLI::App* request = Noun(app, "request", "Library requests");
  rsmcli::RequestPage page;
  CLI::App* rlist = Verb(request, "list", "List library requests: every unfinished one and the newest finished ones",
                         &run, [&](Context& c) { return rsmcli::ListRequests(c, library_filter, page); });
  add_library_filter(rlist);
  rlist->add_option("--limit,-n", page.limit, "Show the newest N finished requests (default 50)")
      ->check(CLI::Validator(
          [](std::string& v) -> std::string {
            bool digits = !v.empty() && v.size() <= 9 && v.find_first_not_of("0123456789") == std::string::npos;
            return digits ? "" : "must be a whole number from 0 to 999999999, not '" + v + "'";
          },
          ""))
      ->type_name("N");
  rlist->add_flag("--all,-a", page.all, "Show every request (slow with many finished ones)");
  std::string request_spec;
  CLI::App* cancel = Verb(request, "cancel", "Cancel a queued library request", &run,
                          [&](Context& c) { return rsmcli::CancelRequest(c, request_spec); });
  cancel->add_option("request", request_spec, "Request GUID")->required();

  // pool
  CLI::App* pool = Noun(app, "pool", "Media pools");
  std::string pool_spec, pool_media_type, pool_media;
  bool exist_ok = false;
  CLI::App* pcreate = Verb(pool, "create", "Create a media pool (its parent must exist)", &run,
                           [&](Context& c) { return rsmcli::CreatePool(c, pool_spec, pool_media_type, exist_ok); });
  pcreate->add_option("name", pool_spec, "Full name, levels separated by backslashes (App\\Daily)")->required();
  pcreate->add_option("--media-type,-m", pool_media_type, "Media type (name or GUID); none: a pool of pools");
  pcreate->add_flag("--exist-ok", exist_ok, "Open the pool if it exists");
  Verb(pool, "list", "List media pools", &run, [](Context& c) { return rsmcli::ListPools(c); });
  CLI::App* pshow = Verb(pool, "show", "Show a media pool and its cartridges", &run,
                         [&](Context& c) { return rsmcli::ShowPool(c, pool_spec); });
  pshow->add_option("pool", pool_spec, "Pool full name or GUID")->required();
  CLI::App* pdelete = Verb(pool, "delete", "Delete an empty application pool", &run,
                           [&](Context& c) { return rsmcli::DeletePool(c, pool_spec); });
  pdelete->add_option("pool", pool_spec, "Pool full name or GUID")->required();
  CLI::App* pmove = Verb(pool, "move", "Move a cartridge into a media pool", &run,
                         [&](Context& c) { return rsmcli::MoveToPool(c, pool_media, pool_spec); });
  pmove->add_option("media", pool_media, "Media name, barcode or GUID")->required();
  pmove->add_option("pool", pool_spec, "Pool full name or GUID")->required();

  const bool json_requested = WantsJson(argc, argv);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help
    std::string problem = CommandProblem(app, argc, argv);
    rsmcli::PrintUsageError(problem.empty() ? ParseErrorText(e) : problem, json_requested,
                            "run 'rsm --help' (or 'rsm NOUN --help', 'rsm NOUN VERB --help') for the usage");
    return kExitUsage;
  }
  if (timeout_opt->count()) mount.timeout_s = timeout_s;
  if (!socket.empty()) setenv("RSM_SOCKET", socket.c_str(), 1);
  // rsm says itself what went wrong; gRPC's own log lines (e.g. about a
  // socket path too long) would only precede that on stderr. Set
  // GRPC_VERBOSITY to see them.
  setenv("GRPC_VERBOSITY", "NONE", /*overwrite=*/0);
  if (!run) return kExitUsage;  // unreachable: a verb is required

  std::optional<rsmcli::Catalog> catalog;
  try {
    catalog.emplace("rsm");
  } catch (const rsmcli::ApiError& e) {
    if (e.code != ERROR_NOT_CONNECTED) {
      rsmcli::PrintApiError(e, json);
      return kExitApiError;
    }
    std::string path = openrsm::ClientSocketPath();
    rsmcli::PrintConnectError(e, rsmcli::DiagnoseSocket(path), path, json);
    return kExitNotConnected;
  }
  try {
    Context ctx{*catalog, json};
    return run(ctx);
  } catch (const rsmcli::ApiError& e) {
    rsmcli::PrintApiError(e, json);
    return kExitApiError;
  } catch (const rsmcli::UsageError& e) {
    rsmcli::PrintUsageError(e.message, json);
    return kExitUsage;
  } catch (const std::exception& e) {
    std::cerr << "rsm: " << e.what() << "\n";
    return kExitApiError;
  }
}
