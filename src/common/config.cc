#include "common/config.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdlib>
#include <set>
#include <toml++/toml.h>

namespace openrsm {
namespace {

Status Bad(const std::string& src, const std::string& what) {
  return Status(err::kInvalidParameter, fmt::format("{}: {}", src, what));
}

template <typename T>
bool GetOpt(const toml::table& t, const char* key, T* out, std::string* err) {
  const toml::node* n = t.get(key);
  if (!n) return true;
  if constexpr (std::is_same_v<T, std::string>) {
    if (auto v = n->value<std::string>()) { *out = *v; return true; }
  } else if constexpr (std::is_same_v<T, bool>) {
    if (auto v = n->value<bool>()) { *out = *v; return true; }
  } else if constexpr (std::is_same_v<T, double>) {
    if (auto v = n->value<double>()) { *out = *v; return true; }
  } else {
    if (auto v = n->value<int64_t>(); v && *v >= 0 && *v <= int64_t(UINT32_MAX)) {
      *out = static_cast<T>(*v);
      return true;
    }
  }
  *err = fmt::format("key '{}' has the wrong type or range", key);
  return false;
}

bool GetStrings(const toml::table& t, const char* key, std::vector<std::string>* out, std::string* err) {
  const toml::node* n = t.get(key);
  if (!n) return true;
  const toml::array* a = n->as_array();
  if (!a) { *err = fmt::format("key '{}' must be an array of strings", key); return false; }
  out->clear();
  for (const auto& e : *a) {
    auto s = e.value<std::string>();
    if (!s) { *err = fmt::format("key '{}' must be an array of strings", key); return false; }
    out->push_back(*s);
  }
  return true;
}

bool GetTimeouts(const toml::table& t, std::map<std::string, int64_t>* out, std::string* err) {
  const toml::node* n = t.get("timeouts");
  if (!n) return true;
  const toml::table* tt = n->as_table();
  if (!tt) { *err = "key 'timeouts' must be a table of name = seconds"; return false; }
  for (const auto& [k, v] : *tt) {
    auto secs = v.value<int64_t>();
    if (!secs || *secs <= 0 || *secs > 365LL * 24 * 3600) {
      *err = fmt::format("timeouts.{} must be a whole number of seconds between 1 and 31536000", k.str());
      return false;
    }
    (*out)[std::string(k.str())] = *secs;
  }
  return true;
}

std::string EnvOr(const char* name, const std::string& fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::string(v) : fallback;
}

}  // namespace

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
    root = toml::parse(text, src);
  } catch (const toml::parse_error& e) {
    return Bad(src, fmt::format("line {}: {}", e.source().begin.line, e.description()));
  }
  Config c;
  c.state_dir = DefaultStateDir();
  c.socket = "";
  std::string e;
  if (!GetOpt(root, "state_dir", &c.state_dir, &e) || !GetOpt(root, "socket", &c.socket, &e) ||
      !GetOpt(root, "admin_group", &c.admin_group, &e))
    return Bad(src, e);
  if (c.socket.empty()) c.socket = DefaultSocketPath();
  if (const toml::table* cat = root["catalog"].as_table()) {
    if (!GetOpt(*cat, "backend", &c.catalog_backend, &e) || !GetOpt(*cat, "url", &c.catalog_url, &e) ||
        !GetOpt(*cat, "max_pages", &c.max_pages, &e) || !GetOpt(*cat, "reserve_bytes", &c.reserve_bytes, &e) ||
        !GetOpt(*cat, "backup_seconds", &c.backup.interval_seconds, &e) ||
        !GetOpt(*cat, "backup_keep", &c.backup.keep, &e) || !GetOpt(*cat, "backup_dir", &c.backup.dir, &e))
      return Bad(src, "[catalog] " + e);
    if (c.catalog_backend != "sqlite" && c.catalog_backend != "postgresql")
      return Bad(src, "[catalog] backend must be \"sqlite\" or \"postgresql\"");
  }
  if (const toml::table* t = root["limits"].as_table()) {
    if (!GetOpt(*t, "sessions_per_uid", &c.limits.sessions_per_uid, &e) ||
        !GetOpt(*t, "requests_per_uid", &c.limits.requests_per_uid, &e) ||
        !GetOpt(*t, "connections_per_uid", &c.limits.connections_per_uid, &e) ||
        !GetOpt(*t, "max_connections", &c.limits.max_connections, &e))
      return Bad(src, "[limits] " + e);
  }
  if (const toml::table* t = root["testing"].as_table()) {
    if (!GetOpt(*t, "hooks", &c.test_hooks, &e)) return Bad(src, "[testing] " + e);
  }
  std::set<std::string> names;
  if (const toml::node* libs = root.get("library")) {
    const toml::array* arr = libs->as_array();
    if (!arr) return Bad(src, "[[library]] must be an array of tables");
    for (const auto& n : *arr) {
      const toml::table* t = n.as_table();
      if (!t) return Bad(src, "[[library]] must be an array of tables");
      LibraryConfig l;
      if (!GetOpt(*t, "name", &l.name, &e) || !GetOpt(*t, "kind", &l.kind, &e) ||
          !GetOpt(*t, "standalone", &l.standalone, &e) || !GetOpt(*t, "time_scale", &l.time_scale, &e) ||
          !GetStrings(*t, "media", &l.media, &e) || !GetOpt(*t, "changer", &l.changer_url, &e) ||
          !GetOpt(*t, "changer_serial", &l.changer_serial, &e) ||
          !GetOpt(*t, "drive_serial", &l.drive_serial, &e) || !GetOpt(*t, "slots", &l.slots, &e) ||
          !GetOpt(*t, "ieports", &l.ieports, &e) || !GetOpt(*t, "ie_poll_seconds", &l.ie_poll_seconds, &e) ||
          !GetOpt(*t, "reopen_seconds", &l.reopen_seconds, &e) || !GetTimeouts(*t, &l.timeouts, &e))
        return Bad(src, fmt::format("library '{}': {}", l.name, e));
      if (l.kind == "sim") {
        if (!GetOpt(*t, "drives", &l.drives, &e)) return Bad(src, fmt::format("library '{}': {}", l.name, e));
      } else if (!GetStrings(*t, "drives", &l.drive_urls, &e)) {
        return Bad(src, fmt::format("library '{}': {}", l.name, e));
      }
      if (l.name.empty() || l.name.size() > 63) return Bad(src, "library name must be 1..63 characters");
      if (!names.insert(l.name).second) return Bad(src, fmt::format("duplicate library name '{}'", l.name));
      if (l.kind != "sim" && l.kind != "iscsi" && l.kind != "sg")
        return Bad(src, fmt::format("library '{}': kind must be sim, iscsi or sg", l.name));
      if (!l.timeouts.empty() && l.kind == "sim")
        return Bad(src, fmt::format("library '{}': timeouts apply to SCSI libraries (iscsi, sg)", l.name));
      if (t->contains("reopen_seconds") && l.kind == "sim")
        return Bad(src, fmt::format("library '{}': reopen_seconds applies to SCSI libraries (iscsi, sg)", l.name));
      if (l.time_scale < 0) return Bad(src, fmt::format("library '{}': time_scale must be >= 0", l.name));
      if (l.standalone && l.kind == "sim" && l.media.size() > 1)
        return Bad(src, fmt::format("library '{}': a stand-alone drive holds at most one cartridge", l.name));
      c.libraries.push_back(std::move(l));
    }
  }
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
