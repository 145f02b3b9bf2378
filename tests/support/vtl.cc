#include "tests/support/vtl.h"

#include "tests/support/shell.h"

namespace openrsm::test_support {

namespace {

std::string VtlPrefix() { return "VTL_DIR=" + ShellQuote(VtlDir()) + " VTL_PORT=" + ShellQuote(VtlPort()); }
std::string TgtadmPrefix() {
  return "TGT_IPC_SOCKET=" + ShellQuote(VtlDir() + "/tgtsock") + " timeout 10 tgtadm --lld iscsi ";
}

}  // namespace

std::string VtlDir() { return EnvOr("VTL_DIR", VTL_DEFAULT_DIR); }
std::string VtlPort() { return EnvOr("VTL_PORT", VTL_DEFAULT_PORT); }
std::string VtlSh() { return VTL_SH; }

std::string VtlUrl(const std::string& iqn, int lun) {
  return "iscsi://127.0.0.1:" + VtlPort() + "/" + iqn + "/" + std::to_string(lun);
}

int RunVtl(const std::string& args, const std::vector<std::string>& media) {
  std::string m;
  for (const auto& b : media) m += (m.empty() ? "" : " ") + b;
  std::string cmd =
      VtlPrefix() + " VTL_MEDIA=" + ShellQuote(m) + " bash " + ShellQuote(VtlSh()) + " " + args + " >/dev/null";
  return ShellStatus(cmd);
}

std::string VtlOutput(const std::string& args) {
  return ShellOutput(VtlPrefix() + " bash " + ShellQuote(VtlSh()) + " " + args + " 2>&1");
}

int Tgtadm(const std::string& args) { return ShellStatus(TgtadmPrefix() + args + " >/dev/null 2>&1"); }

std::string TgtadmShow() { return ShellOutput(TgtadmPrefix() + "--op show --mode target"); }

}  // namespace openrsm::test_support
