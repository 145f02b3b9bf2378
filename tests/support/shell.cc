#include "tests/support/shell.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace openrsm::test_support {

namespace {

// Reads `f` to its end; the status pclose gives.
int ReadAndClose(FILE* f, std::string* out) {
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, f)) > 0) out->append(buf, n);
  return pclose(f);
}

int ExitCode(int status) { return status != -1 && WIFEXITED(status) ? WEXITSTATUS(status) : -1; }

}  // namespace

std::string EnvOr(const char* name, const std::string& fallback) {
  const char* v = std::getenv(name);
  return v && *v ? v : fallback;
}

std::string ShellQuote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

std::string ShellOutput(const std::string& cmd) {
  std::string out;
  if (FILE* f = popen(cmd.c_str(), "r")) ReadAndClose(f, &out);
  return out;
}

int ShellStatus(const std::string& cmd) { return ExitCode(std::system(cmd.c_str())); }

CommandResult RunCommand(const std::vector<std::string>& argv, const std::string& env) {
  CommandResult r;
  char tmpl[] = "/tmp/rsmtest-stderr.XXXXXX";
  int fd = mkstemp(tmpl);
  if (fd < 0) return r;
  close(fd);
  std::string cmd = env;
  for (const auto& a : argv) cmd += " " + ShellQuote(a);
  cmd += " 2>" + ShellQuote(tmpl);
  if (FILE* p = popen(cmd.c_str(), "r")) r.exit_code = ExitCode(ReadAndClose(p, &r.out));
  std::ifstream f(tmpl);
  std::stringstream ss;
  ss << f.rdbuf();
  r.err = ss.str();
  unlink(tmpl);
  return r;
}

}  // namespace openrsm::test_support
