// Running shell commands from tests: one copy for every test folder
// (tests/unit, tests/api, tests/tgt, bench).
//
// ShellOutput and ShellStatus hand `cmd` to /bin/sh as it is; the caller
// quotes what needs quoting (ShellQuote). RunCommand quotes each argument
// itself and captures the exit code, stdout and stderr of one program.
#pragma once

#include <string>
#include <vector>

namespace openrsm::test_support {

// $name, or `fallback` when it is unset or empty.
std::string EnvOr(const char* name, const std::string& fallback);

// `s` as one single-quoted shell word.
std::string ShellQuote(const std::string& s);

// The stdout of `sh -c cmd` ("" when it could not run); its status is dropped.
std::string ShellOutput(const std::string& cmd);

// The exit code of `sh -c cmd`; -1 when it could not run or died of a signal.
int ShellStatus(const std::string& cmd);

struct CommandResult {
  int exit_code = -1;  // -1: did not run, or died of a signal
  std::string out;
  std::string err;
};

// Runs `argv` (each element quoted) with `env` (shell assignments such as
// "RSM_SOCKET='/x'", unquoted, may be empty) in front; waits for its end.
CommandResult RunCommand(const std::vector<std::string>& argv, const std::string& env = "");

}  // namespace openrsm::test_support
