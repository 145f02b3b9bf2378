// Why rsm cannot reach rsmd: when OpenNtmsSession fails with
// ERROR_NOT_CONNECTED, rsm looks at the socket path itself (the one the C
// API used: $RSM_SOCKET, else the default, common/config.h
// ClientSocketPath()) and says which of these it is.
#pragma once

#include <string>

namespace rsmcli {

enum class SocketProblem {
  kPathTooLong,        // longer than sockaddr_un::sun_path can hold
  kNoSocket,           // nothing at the path (ENOENT, or a parent is missing or not a directory)
  kNotASocket,         // something else is there (a regular file, a directory, ...)
  kPermissionDenied,   // a directory on the way cannot be searched, or the socket cannot be written
  kConnectionRefused,  // a socket file, but nobody listens on it (a stale socket of a stopped rsmd)
  kNoAnswer,           // something accepted the connection but did not answer as rsmd
  kOther,              // any other errno from stat(2) or connect(2)
};

struct SocketDiagnosis {
  SocketProblem problem = SocketProblem::kOther;
  std::string reason;   // stable snake_case name of `problem` ("no_socket", ...), for JSON
  std::string message;  // one line for people, naming the path (and the directory at fault)
};

// Looks at `path` (stat, then a connect(2) of its own when it is a socket)
// and describes what stands between the caller and a daemon there. Blocks
// for at most one local connect. Never throws.
SocketDiagnosis DiagnoseSocket(const std::string& path);

}  // namespace rsmcli
