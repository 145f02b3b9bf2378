#include "connect.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

namespace rsmcli {
namespace {

SocketDiagnosis Make(SocketProblem p, std::string message) {
  static const char* const kReasons[] = {"path_too_long",      "no_socket", "not_a_socket", "permission_denied",
                                         "connection_refused", "no_answer", "other"};
  return SocketDiagnosis{p, kReasons[static_cast<int>(p)], std::move(message)};
}

// "a regular file", "a directory", ...
std::string KindOf(mode_t mode) {
  if (S_ISREG(mode)) return "a regular file";
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  return "not a socket";
}

// The directories leading to `path`, outermost first ("/run", "/run/openrsm").
std::vector<std::string> Parents(const std::string& path) {
  std::vector<std::string> out;
  for (size_t i = path.find('/', 1); i != std::string::npos; i = path.find('/', i + 1))
    out.push_back(path.substr(0, i));
  return out;
}

// Why stat(path) failed with `err`, naming the directory at fault.
SocketDiagnosis StatFailure(const std::string& path, int err) {
  for (const std::string& dir : Parents(path)) {
    struct stat st {};
    if (::stat(dir.c_str(), &st) != 0) {
      if (errno == EACCES) break;  // reported below, at the directory that cannot be searched
      if (errno == ENOENT)
        return Make(SocketProblem::kNoSocket, "no socket at " + path + ": directory " + dir + " does not exist");
      continue;
    }
    if (!S_ISDIR(st.st_mode))
      return Make(SocketProblem::kNoSocket,
                  "no socket at " + path + ": " + dir + " is " + KindOf(st.st_mode) + ", not a directory");
    if (::access(dir.c_str(), X_OK) != 0 && errno == EACCES)
      return Make(SocketProblem::kPermissionDenied, "permission denied: uid " + std::to_string(getuid()) +
                                                        " cannot search directory " + dir + " (on the way to " + path +
                                                        ")");
  }
  if (err == ENOENT)
    return Make(SocketProblem::kNoSocket, "no socket at " + path +
                                              " (is rsmd running? --socket or $RSM_SOCKET name "
                                              "another one)");
  if (err == EACCES) return Make(SocketProblem::kPermissionDenied, "permission denied: cannot look at " + path);
  return Make(SocketProblem::kOther, "cannot look at " + path + ": " + std::strerror(err));
}

// Connects to the socket at `path` as the C API would.
SocketDiagnosis TryConnect(const std::string& path) {
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return Make(SocketProblem::kOther, std::string("cannot create a socket: ") + std::strerror(errno));
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  int rc = ::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr);
  int err = errno;
  ::close(fd);
  if (rc == 0)
    return Make(SocketProblem::kNoAnswer, "something at " + path +
                                              " accepted the connection but did not answer as "
                                              "rsmd (is it an rsmd socket? see rsmd's log)");
  if (err == ECONNREFUSED)
    return Make(SocketProblem::kConnectionRefused,
                "connection refused at " + path + ": the socket exists but no rsmd is listening (rsmd stopped?)");
  if (err == EACCES || err == EPERM)
    return Make(SocketProblem::kPermissionDenied,
                "permission denied: uid " + std::to_string(getuid()) + " may not write to the socket " + path);
  if (err == ENOENT) return StatFailure(path, err);  // removed in between
  return Make(SocketProblem::kOther, "cannot connect to " + path + ": " + std::strerror(err));
}

}  // namespace

SocketDiagnosis DiagnoseSocket(const std::string& path) {
  if (path.size() >= sizeof(sockaddr_un::sun_path))
    return Make(SocketProblem::kPathTooLong, "the socket path is " + std::to_string(path.size()) +
                                                 " bytes long; a Unix socket path has at most " +
                                                 std::to_string(sizeof(sockaddr_un::sun_path) - 1) + ": " + path);
  if (path.empty()) return Make(SocketProblem::kNoSocket, "no socket path ($RSM_SOCKET is empty)");
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return StatFailure(path, errno);
  if (!S_ISSOCK(st.st_mode))
    return Make(SocketProblem::kNotASocket, path + " is not a socket (it is " + KindOf(st.st_mode) + ")");
  return TryConnect(path);
}

}  // namespace rsmcli
