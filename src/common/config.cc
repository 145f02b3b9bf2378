#include "common/config.h"

#include <fmt/format.h>
#include <toml++/toml.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <functional>
#include <set>
#include <string_view>

namespace openrsm {
namespace {

Status Bad(const std::string& what) { return Status(err::kInvalidParameter, what); }

// "SOURCE:LINE: " for a position in the file, "SOURCE: " when unknown.
std::string At(const std::string& src, const toml::source_region& r) {
  return r.begin.line ? fmt::format("{}:{}: ", src, r.begin.line) : src + ": ";
}

const char* TypeName(const toml::node& n) {
  switch (n.type()) {
    case toml::node_type::string:
      return "a string";
    case toml::node_type::integer:
      return "an integer";
    case toml::node_type::floating_point:
      return "a floating-point number";
    case toml::node_type::boolean:
      return "a boolean";
    case toml::node_type::array:
      return "an array";
    case toml::node_type::table:
      return "a table";
    default:
      return "a date or time";
  }
}

// Levenshtein distance, for "did you mean" hints.
size_t Distance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

// The candidate closest to `key` if it is at most 2 edits away, else "".
std::string_view Closest(std::string_view key, const std::vector<std::string_view>& candidates) {
  std::string_view best;
  size_t best_d = 3;
  for (std::string_view c : candidates) {
    size_t d = Distance(key, c);
    if (d < best_d) best = c, best_d = d;
  }
  return best;
}

// Reads one TOML table strictly: first CheckKeys() (every key known and
// applicable), then typed reads with ranges. The first problem is kept as
// status(); once there is one, every further call does nothing. Reads leave
// the output unchanged when the key is absent. One per table, on the stack.
class TableReader {
 public:
  // `where` names the table in messages ("" for the top level, "[catalog]",
  // "[[library]] \"sim0\""); `prefix` is put before key names ("timeouts.").
  TableReader(const std::string& src, const toml::table& table, std::string where, std::string prefix = "")
      : src_(src), table_(table), where_(std::move(where)), prefix_(std::move(prefix)) {}

  bool ok() const { return status_.ok(); }
  const Status& status() const { return status_; }
  const std::string& where() const { return where_; }

  // Records `what` as the problem, at `node` (the table itself when null).
  void Fail(const toml::node* node, const std::string& what) {
    if (ok()) status_ = Bad(At(src_, (node ? node : &table_)->source()) + what);
  }
  // "key 'drives' in [[library]] \"sim0\"".
  std::string Key(std::string_view key) const {
    return fmt::format("key '{}{}'{}", prefix_, key, where_.empty() ? std::string() : " in " + where_);
  }

  // Reports the first key, in file order, that is not in `known`, or for
  // which `why_not` returns a reason ("does not apply to ...").
  void CheckKeys(const std::vector<std::string_view>& known,
                 const std::function<std::string(std::string_view)>& why_not = nullptr) {
    const toml::key* first = nullptr;
    std::string problem;
    for (const auto& [k, v] : table_) {
      std::string p;
      if (std::find(known.begin(), known.end(), k.str()) == known.end())
        p = Unknown(k.str(), v, known);
      else if (why_not)
        if (std::string r = why_not(k.str()); !r.empty()) p = Key(k.str()) + " " + r;
      if (!p.empty() && (!first || k.source().begin.line < first->source().begin.line)) first = &k, problem = p;
    }
    if (first && ok()) status_ = Bad(At(src_, first->source()) + problem);
  }

  const toml::node* Get(std::string_view key) const { return ok() ? table_.get(key) : nullptr; }

  void String(std::string_view key, std::string* out) {
    const toml::node* n = Get(key);
    if (!n) return;
    if (auto v = n->as_string())
      *out = v->get();
    else
      Fail(n, fmt::format("{} must be a string, not {}", Key(key), TypeName(*n)));
  }

  void Bool(std::string_view key, bool* out) {
    const toml::node* n = Get(key);
    if (!n) return;
    if (auto v = n->as_boolean())
      *out = v->get();
    else
      Fail(n, fmt::format("{} must be true or false, not {}", Key(key), TypeName(*n)));
  }

  // An integer in [min, max], or 0 as well when `zero_too` (0 = off/none).
  template <typename T>
  void Integer(std::string_view key, T* out, int64_t min, int64_t max, bool zero_too = false) {
    const toml::node* n = Get(key);
    if (!n) return;
    std::string range = fmt::format("{}between {} and {}", zero_too ? "0 or " : "", min, max);
    auto v = n->as_integer();
    if (!v) return Fail(n, fmt::format("{} must be an integer {}, not {}", Key(key), range, TypeName(*n)));
    int64_t x = v->get();
    if ((x < min || x > max) && !(zero_too && x == 0))
      return Fail(n, fmt::format("{} must be {}, not {}", Key(key), range, x));
    *out = static_cast<T>(x);
  }

  // A finite number (integer or floating-point) in [min, max].
  void Number(std::string_view key, double* out, double min, double max) {
    const toml::node* n = Get(key);
    if (!n) return;
    if (!n->is_number()) return Fail(n, fmt::format("{} must be a number, not {}", Key(key), TypeName(*n)));
    double x = n->value<double>().value_or(NAN);
    if (!std::isfinite(x) || x < min || x > max)
      return Fail(n, fmt::format("{} must be a finite number between {} and {}, not {}", Key(key), min, max, x));
    *out = x;
  }

  // An array of strings (at most `max` of them).
  void Strings(std::string_view key, std::vector<std::string>* out, size_t max) {
    const toml::node* n = Get(key);
    if (!n) return;
    const toml::array* a = n->as_array();
    if (!a) return Fail(n, fmt::format("{} must be an array of strings, not {}", Key(key), TypeName(*n)));
    if (a->size() > max) return Fail(n, fmt::format("{} has {} entries; at most {}", Key(key), a->size(), max));
    std::vector<std::string> v;
    for (const toml::node& e : *a) {
      auto s = e.as_string();
      if (!s) return Fail(&e, fmt::format("{} must be an array of strings, not hold {}", Key(key), TypeName(e)));
      v.push_back(s->get());
    }
    *out = std::move(v);
  }

  // The table under `key`; null when absent or not a table (a problem then).
  const toml::table* Table(std::string_view key) {
    const toml::node* n = Get(key);
    if (!n) return nullptr;
    if (const toml::table* t = n->as_table()) return t;
    Fail(n, fmt::format("{} must be a table, not {}", Key(key), TypeName(*n)));
    return nullptr;
  }

 private:
  std::string Unknown(std::string_view key, const toml::node& v, const std::vector<std::string_view>& known) const {
    std::string_view hint = Closest(key, known);
    if (where_.empty() && prefix_.empty()) {  // the top level: tables are named as written
      std::string msg = v.is_table()             ? fmt::format("unknown table [{}]", key)
                        : v.is_array_of_tables() ? fmt::format("unknown table [[{}]]", key)
                                                 : fmt::format("unknown key '{}'", key);
      if (hint.empty()) return msg;
      bool array = hint == "library", table = hint == "catalog" || hint == "limits";
      return msg + fmt::format(" (did you mean {}?)", array   ? fmt::format("[[{}]]", hint)
                                                      : table ? fmt::format("[{}]", hint)
                                                              : fmt::format("'{}'", hint));
    }
    std::string msg = fmt::format("unknown key '{}{}' in {}", prefix_, key, where_);
    if (!hint.empty()) msg += fmt::format(" (did you mean '{}{}'?)", prefix_, hint);
    return msg;
  }

  const std::string& src_;
  const toml::table& table_;
  std::string where_, prefix_;
  Status status_;
};

// ---- value forms ------------------------------------------------------------------

bool HasControl(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
}

// Why `name` cannot name a library, or "".
std::string BadLibraryName(std::string_view name) {
  if (name.empty() || name.size() > kMaxLibraryNameLength)
    return fmt::format("must be 1 to {} bytes long, not {}", kMaxLibraryNameLength, name.size());
  if (HasControl(name) || name.find('/') != std::string_view::npos)
    return "must not hold '/' or control characters (it names the library's files)";
  if (name.front() == ' ' || name.back() == ' ') return "must not begin or end with a space";
  if (name == kOfflineLibraryName) return "is the offline library's name (the cartridges that are in no library)";
  return "";
}

// Why `bc` is not a barcode a simulated cartridge can carry, or "". An empty
// barcode is an unlabeled cartridge.
std::string BadBarcode(std::string_view bc) {
  if (bc.size() > kMaxBarcodeLength)
    return fmt::format("is {} characters long; at most {}", bc.size(), kMaxBarcodeLength);
  for (char c : bc)
    if (c <= ' ' || c > '~') return "must be printable ASCII without spaces";
  return "";
}

// Why `group` cannot be a group name, or "". Empty: no admin group. Names
// from a directory service may hold spaces and '@' ("tape admins@corp").
std::string BadGroup(std::string_view group) {
  if (group.size() > 256) return fmt::format("is {} bytes long; at most 256", group.size());
  if (HasControl(group) || group.find_first_of(":,") != std::string_view::npos)
    return "is not a group name (no ':', ',' or control characters)";
  return "";
}

// Why `text` is not a printable value such as a SCSI serial number, or "".
std::string BadSerial(std::string_view text) {
  if (text.empty() || text.size() > 255) return fmt::format("must be 1 to 255 characters long, not {}", text.size());
  if (HasControl(text)) return "must not hold control characters";
  return "";
}

// ---- sections ------------------------------------------------------------------------

void ReadTopLevel(TableReader& r, Config* c) {
  r.CheckKeys({"state_dir", "socket", "admin_group", "catalog", "limits", "library"});
  r.String("state_dir", &c->state_dir);
  if (r.ok() && c->state_dir.empty()) r.Fail(r.Get("state_dir"), r.Key("state_dir") + " must not be empty");
  r.String("socket", &c->socket);
  if (const toml::node* n = r.Get("socket")) {
    if (c->socket.empty()) r.Fail(n, r.Key("socket") + " must not be empty");
    if (c->socket.size() > kMaxSocketPathLength)
      r.Fail(n, fmt::format("{} is {} bytes long; a Unix socket path has at most {}", r.Key("socket"), c->socket.size(),
                            kMaxSocketPathLength));
  }
  r.String("admin_group", &c->admin_group);
  if (std::string why = BadGroup(c->admin_group); r.ok() && !why.empty())
    r.Fail(r.Get("admin_group"), fmt::format("{} \"{}\" {}", r.Key("admin_group"), c->admin_group, why));
}

Status ReadCatalog(const std::string& src, const toml::table& t, Config* c) {
  TableReader r(src, t, "[catalog]");
  std::string backend = c->catalog_backend;
  r.String("backend", &backend);
  if (r.ok() && backend != "sqlite" && backend != "postgresql")
    r.Fail(r.Get("backend"),
           fmt::format("{} must be \"sqlite\" or \"postgresql\", not \"{}\"", r.Key("backend"), backend));
  c->catalog_backend = backend;
  bool sqlite = backend == "sqlite";
  r.CheckKeys({"backend", "url", "max_pages", "reserve_bytes", "backup_seconds", "backup_keep", "backup_dir"},
              [&](std::string_view k) -> std::string {
                if (k == "url" && sqlite) return "applies to backend = \"postgresql\" only";
                if (k != "url" && k != "backend" && !sqlite) return "applies to backend = \"sqlite\" only";
                return "";
              });
  r.String("url", &c->catalog_url);
  if (r.ok() && !sqlite && c->catalog_url.empty())
    r.Fail(r.Get("url"), "[catalog] backend = \"postgresql\" needs url = \"postgresql://...\"");
  // 64 pages hold a new catalogue with a small library; SQLite's own cap is 4294967294.
  r.Integer("max_pages", &c->max_pages, 64, 4294967294, /*zero_too=*/true);
  r.Integer("reserve_bytes", &c->reserve_bytes, 0, int64_t(kMaxReserveBytes));
  r.Integer("backup_seconds", &c->backup.interval_seconds, 1, 365 * 24 * 3600, /*zero_too=*/true);
  r.Integer("backup_keep", &c->backup.keep, 1, 1000);
  r.String("backup_dir", &c->backup.dir);
  if (r.ok() && r.Get("backup_dir") && c->backup.dir.empty())
    r.Fail(r.Get("backup_dir"), r.Key("backup_dir") + " must not be empty (omit it for STATE_DIR/backup)");
  return r.status();
}

Status ReadLimits(const std::string& src, const toml::table& t, Limits* l) {
  TableReader r(src, t, "[limits]");
  r.CheckKeys({"sessions_per_uid", "requests_per_uid", "connections_per_uid", "max_connections"});
  r.Integer("sessions_per_uid", &l->sessions_per_uid, 1, 1'000'000);
  r.Integer("requests_per_uid", &l->requests_per_uid, 1, 1'000'000);
  r.Integer("connections_per_uid", &l->connections_per_uid, 1, 1'000'000);
  r.Integer("max_connections", &l->max_connections, 1, 1'000'000);
  return r.status();
}

// ---- [[library]] ---------------------------------------------------------------------

constexpr std::string_view kLibraryKeys[] = {"name",           "kind",           "standalone",   "drives",
                                             "slots",          "ieports",        "media",        "time_scale",
                                             "changer",        "changer_serial", "drive_serial", "ie_poll_seconds",
                                             "reopen_seconds", "timeouts",       "state_file",   "durable_state"};

// Why `key` does not apply to a library of `kind` (stand-alone or not), or "".
std::string NotApplicable(std::string_view key, const std::string& kind, bool standalone) {
  static const std::map<std::string_view, std::set<std::string>> kKinds = {
      {"drives", {"sim", "iscsi"}},  {"slots", {"sim"}},
      {"ieports", {"sim"}},          {"media", {"sim"}},
      {"time_scale", {"sim"}},       {"changer", {"iscsi"}},
      {"state_file", {"sim"}},       {"changer_serial", {"sg"}},
      {"drive_serial", {"sg"}},      {"reopen_seconds", {"iscsi", "sg"}},
      {"timeouts", {"iscsi", "sg"}}, {"durable_state", {"sim"}}};
  auto it = kKinds.find(key);
  if (it != kKinds.end() && !it->second.count(kind)) {
    std::string only;
    for (const std::string& k : it->second) only += (only.empty() ? "" : ", ") + k;
    return fmt::format("does not apply to kind \"{}\" (only to {})", kind, only);
  }
  // Changer-only keys, and the stand-alone drive's own.
  static const std::set<std::string_view> kChangerOnly = {"slots", "ieports", "changer", "changer_serial",
                                                          "ie_poll_seconds"};
  if (standalone && (kChangerOnly.count(key) || (key == "drives" && kind == "sim")))
    return "does not apply to a stand-alone drive (standalone = true)";
  if (!standalone && key == "drive_serial") return "applies to a stand-alone drive (standalone = true) only";
  return "";
}

void ReadSimKeys(TableReader& r, LibraryConfig* l) {
  r.Integer("drives", &l->drives, 1, kMaxLibraryElements);
  r.Integer("slots", &l->slots, 1, kMaxLibraryElements);
  r.Integer("ieports", &l->ieports, 0, kMaxLibraryElements);
  r.Number("time_scale", &l->time_scale, 0.0, 1000.0);
  r.String("state_file", &l->sim_state_file);
  r.Bool("durable_state", &l->sim_durable_state);
  r.Strings("media", &l->media, kMaxLibraryElements);
  const toml::node* media = r.Get("media");
  if (!media) return;
  std::set<std::string> seen;
  for (size_t i = 0; i < l->media.size() && r.ok(); ++i) {
    const std::string& bc = l->media[i];
    if (std::string why = BadBarcode(bc); !why.empty())
      r.Fail(media->as_array()->get(i), fmt::format("barcode \"{}\" in {} {}", bc, r.Key("media"), why));
    else if (!bc.empty() && !seen.insert(bc).second)
      r.Fail(media->as_array()->get(i), fmt::format("barcode \"{}\" appears twice in {}", bc, r.Key("media")));
  }
  if (l->standalone && l->media.size() > 1)
    r.Fail(media,
           fmt::format("{}: a stand-alone drive holds at most one cartridge, not {}", r.Key("media"), l->media.size()));
  if (!l->standalone && l->media.size() > l->slots)
    r.Fail(media, fmt::format("{}: {} cartridges do not fit in {} slots", r.Key("media"), l->media.size(), l->slots));
}

void ReadIscsiKeys(TableReader& r, LibraryConfig* l) {
  r.String("changer", &l->changer_url);
  r.Strings("drives", &l->drive_urls, kMaxLibraryElements);
  if (!r.ok()) return;
  auto bad_url = [](const std::string& u) {
    return u.rfind("iscsi://", 0) != 0 || u.size() <= 8 || u.find_first_of(" \t") != std::string::npos || HasControl(u);
  };
  if (const toml::node* n = r.Get("changer"); n && bad_url(l->changer_url))
    return r.Fail(
        n, fmt::format("{} must be an iscsi://HOST[:PORT]/IQN/LUN URL, not \"{}\"", r.Key("changer"), l->changer_url));
  const toml::node* drives = r.Get("drives");
  std::set<std::string> seen;
  for (size_t i = 0; i < l->drive_urls.size(); ++i) {
    const std::string& u = l->drive_urls[i];
    if (bad_url(u))
      return r.Fail(drives->as_array()->get(i),
                    fmt::format("{} must hold iscsi://HOST[:PORT]/IQN/LUN URLs, not \"{}\"", r.Key("drives"), u));
    if (!seen.insert(u).second || u == l->changer_url)
      return r.Fail(drives->as_array()->get(i), fmt::format("{} names \"{}\" twice", r.Key("drives"), u));
  }
  if (l->standalone && l->drive_urls.size() != 1)
    return r.Fail(drives, fmt::format("a stand-alone iscsi drive needs drives = [\"iscsi://...\"] with exactly one "
                                      "URL ({} has {})",
                                      r.where(), l->drive_urls.size()));
  if (!l->standalone && l->changer_url.empty())
    r.Fail(nullptr, fmt::format("{} needs changer = \"iscsi://...\" (or standalone = true)", r.where()));
}

void ReadSgKeys(TableReader& r, LibraryConfig* l) {
  for (auto [key, out] :
       {std::pair{"changer_serial", &l->changer_serial}, std::pair{"drive_serial", &l->drive_serial}}) {
    r.String(key, out);
    if (const toml::node* n = r.Get(key); n && r.ok())
      if (std::string why = BadSerial(*out); !why.empty()) r.Fail(n, fmt::format("{} {}", r.Key(key), why));
  }
}

// [library.timeouts]: SCSI command name = seconds.
Status ReadTimeouts(const std::string& src, TableReader& lib, LibraryConfig* l) {
  const toml::table* t = lib.Table("timeouts");
  if (!t) return lib.status();
  TableReader r(src, *t, lib.where(), "timeouts.");
  std::vector<std::string_view> names(ScsiTimeoutNames().begin(), ScsiTimeoutNames().end());
  r.CheckKeys(names);
  for (std::string_view name : names) {
    int64_t secs = 0;
    r.Integer(name, &secs, 1, 365LL * 24 * 3600);
    if (r.ok() && r.Get(name)) l->timeouts[std::string(name)] = secs;
  }
  return r.status();
}

Status ReadLibrary(const std::string& src, const toml::table& t, std::set<std::string>* names, LibraryConfig* l) {
  TableReader head(src, t, "[[library]]");
  head.String("name", &l->name);
  if (!head.ok()) return head.status();
  if (!t.get("name")) return Bad(At(src, t.source()) + "[[library]] without a name (name = \"...\")");
  if (std::string why = BadLibraryName(l->name); !why.empty())
    return Bad(At(src, t.get("name")->source()) + fmt::format("library name \"{}\" {}", l->name, why));
  const std::string where = fmt::format("[[library]] \"{}\"", l->name);
  TableReader r(src, t, where);
  if (!names->insert(l->name).second) r.Fail(t.get("name"), fmt::format("duplicate library name \"{}\"", l->name));
  r.String("kind", &l->kind);
  if (r.ok() && l->kind != "sim" && l->kind != "iscsi" && l->kind != "sg")
    r.Fail(t.get("kind"), fmt::format("{} needs kind = \"sim\", \"iscsi\" or \"sg\"{}", where,
                                      t.get("kind") ? fmt::format(", not \"{}\"", l->kind) : ""));
  r.Bool("standalone", &l->standalone);
  if (!r.ok()) return r.status();
  r.CheckKeys({std::begin(kLibraryKeys), std::end(kLibraryKeys)},
              [&](std::string_view k) { return NotApplicable(k, l->kind, l->standalone); });
  r.Integer("ie_poll_seconds", &l->ie_poll_seconds, 0, 86400);
  r.Integer("reopen_seconds", &l->reopen_seconds, 0, 86400);
  if (l->kind == "sim") ReadSimKeys(r, l);
  if (l->kind == "iscsi") ReadIscsiKeys(r, l);
  if (l->kind == "sg") ReadSgKeys(r, l);
  if (!r.ok()) return r.status();
  return ReadTimeouts(src, r, l);
}

Status ReadLibraries(const std::string& src, TableReader& top, Config* c) {
  const toml::node* n = top.Get("library");
  if (!n) return top.status();
  const toml::array* arr = n->as_array();
  if (!arr || !arr->is_array_of_tables())
    return Bad(At(src, n->source()) + "'library' must be an array of tables: write each library as [[library]]");
  std::set<std::string> names;
  for (const toml::node& e : *arr) {
    LibraryConfig l;
    RSM_RETURN_IF_ERROR(ReadLibrary(src, *e.as_table(), &names, &l));
    c->libraries.push_back(std::move(l));
  }
  return Status::Ok();
}

std::string EnvOr(const char* name, const std::string& fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::string(v) : fallback;
}

}  // namespace

const std::vector<std::string>& ScsiTimeoutNames() {
  static const std::vector<std::string> kNames = {"test_unit_ready",
                                                  "inquiry",
                                                  "request_sense",
                                                  "mode_sense",
                                                  "mode_select",
                                                  "read_element_status",
                                                  "initialize_element_status",
                                                  "move_medium",
                                                  "exchange_medium",
                                                  "position_to_element",
                                                  "open_close_import_export",
                                                  "prevent_allow_medium_removal",
                                                  "load",
                                                  "unload",
                                                  "rewind",
                                                  "read_position",
                                                  "locate",
                                                  "space",
                                                  "write_filemarks",
                                                  "read",
                                                  "write",
                                                  "erase",
                                                  "read_block_limits",
                                                  "becoming_ready",
                                                  "other"};
  return kNames;
}

std::string DefaultStateDir() {
  if (geteuid() == 0) return "/var/lib/openrsm";
  std::string home = EnvOr("HOME", "/tmp");
  return EnvOr("XDG_STATE_HOME", home + "/.local/state") + "/openrsm";
}

std::string DefaultSocketPath() {
  if (geteuid() == 0) return "/run/openrsm/rsmd.sock";
  const char* rt = std::getenv("XDG_RUNTIME_DIR");
  if (rt && *rt) return std::string(rt) + "/openrsm/rsmd.sock";
  return DefaultStateDir() + "/rsmd.sock";
}

std::string ClientSocketPath() {
  const char* s = std::getenv("RSM_SOCKET");
  if (s && *s) return s;
  // A daemon run by root serves every local user.
  if (access("/run/openrsm/rsmd.sock", F_OK) == 0) return "/run/openrsm/rsmd.sock";
  return DefaultSocketPath();
}

Config DefaultConfig() {
  Config c;
  c.state_dir = DefaultStateDir();
  c.socket = DefaultSocketPath();
  LibraryConfig lib;
  lib.name = "sim0";
  lib.kind = "sim";
  lib.drives = 2;
  lib.slots = 20;
  lib.ieports = 2;
  for (int i = 1; i <= 10; ++i) lib.media.push_back(fmt::format("A{:05d}L6", i));
  c.libraries.push_back(lib);
  return c;
}

Result<Config> ParseConfig(const std::string& text, const std::string& src) {
  toml::table root;
  try {
    root = toml::parse(text, std::string_view(src));
  } catch (const toml::parse_error& e) {
    return Bad(At(src, e.source()) + std::string(e.description()));
  }
  Config c;
  c.state_dir = DefaultStateDir();
  c.socket = "";
  TableReader top(src, root, "");
  ReadTopLevel(top, &c);
  if (!top.ok()) return top.status();
  if (c.socket.empty()) c.socket = DefaultSocketPath();
  if (const toml::table* t = top.Table("catalog")) RSM_RETURN_IF_ERROR(ReadCatalog(src, *t, &c));
  if (const toml::table* t = top.Table("limits")) RSM_RETURN_IF_ERROR(ReadLimits(src, *t, &c.limits));
  RSM_RETURN_IF_ERROR(top.status());
  RSM_RETURN_IF_ERROR(ReadLibraries(src, top, &c));
  return c;
}

Result<Config> LoadConfig(const std::string& path) {
  FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return Status(err::kInvalidParameter, fmt::format("cannot open config file {}", path));
  std::string text;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) text.append(buf, n);
  std::fclose(f);
  return ParseConfig(text, path);
}

}  // namespace openrsm
