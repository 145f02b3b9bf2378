// The private tgtd of tests/tgt/vtl.sh, seen from tests: one copy for the tgt
// device tests, the API suites against tgt (tests/api, RSM_API_BACKEND=tgt)
// and the tgt benchmarks.
//
// VTL_DIR and VTL_PORT name the tgtd; unset, they default to this build's
// VTL, the one the ctest fixture `vtl` (vtl_start/vtl_stop) runs
// (tests/support/CMakeLists.txt: <build>/vtl and a port derived from the
// build directory), so a test binary run by hand finds ctest's tgtd.
#pragma once

#include <string>
#include <vector>

namespace openrsm::test_support {

inline constexpr const char* kVtlIqn = "iqn.2024-01.test.rsm:vtl";    // changer LUN 3, drives LUN 1, 2
inline constexpr const char* kSoloIqn = "iqn.2024-01.test.rsm:solo";  // a stand-alone drive, LUN 1

std::string VtlDir();   // $VTL_DIR or this build's
std::string VtlPort();  // $VTL_PORT or this build's
std::string VtlSh();    // tests/tgt/vtl.sh
// iscsi://127.0.0.1:PORT/IQN/LUN
std::string VtlUrl(const std::string& iqn, int lun);

// `vtl.sh args` with this VTL_DIR/VTL_PORT and VTL_MEDIA = `media` joined
// by spaces (empty: vtl.sh's default media), output dropped; its exit code.
int RunVtl(const std::string& args, const std::vector<std::string>& media = {});
// `vtl.sh args`'s stdout and stderr.
std::string VtlOutput(const std::string& args);

// `tgtadm --lld iscsi args` against this tgtd (10 s bound), output dropped;
// its exit code.
int Tgtadm(const std::string& args);
// `tgtadm --lld iscsi --op show --mode target`.
std::string TgtadmShow();

}  // namespace openrsm::test_support
