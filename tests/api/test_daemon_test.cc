// The test daemon and the installed daemon (docs/testing.md):
// rsmd_test serves its control service (tests/daemon/rsm_test.proto) beside
// the RSM API; the installed rsmd, built from the same libraries, serves the
// same RSM API and no control service at all.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <chrono>

#include "tests/api/harness.h"
#include "tests/daemon/rsm_test.grpc.pb.h"

namespace openrsm::apitest {
namespace {

// A harmless control call (it disarms what is not armed); the gRPC status.
grpc::Status DisarmCall(const Daemon& d, test::Reply* rep) {
  auto stub = test::RsmTestControl::NewStub(grpc::CreateChannel("unix:" + d.socket(), grpc::InsecureChannelCredentials()));
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  test::FailCallRequest req;
  req.set_call("MountNtmsMedia");
  req.set_count(0);
  return stub->FailCall(&ctx, req, rep);
}

TEST(TestDaemonTest, InstalledRsmdServesNoControlService) {
  for (bool installed : {true, false}) {
    SCOPED_TRACE(installed ? "rsmd" : "rsmd_test");
    DaemonOptions opts;
    opts.installed_rsmd = installed;
    Daemon d(opts);
    d.Start();
    HANDLE h = Open();
    ASSERT_NE(h, INVALID_HANDLE_VALUE);
    EXPECT_EQ(Drives(h, "sim0").size(), 2u) << "the same RSM API";
    test::Reply rep;
    grpc::Status st = DisarmCall(d, &rep);
    if (installed) {
      EXPECT_EQ(st.error_code(), grpc::StatusCode::UNIMPLEMENTED) << st.error_message();
    } else {
      EXPECT_TRUE(st.ok()) << st.error_message();
      EXPECT_EQ(rep.error(), 0u) << rep.message();
    }
    CloseNtmsSession(h);
    d.Stop();
  }
}

// The control service checks what it is asked to do.
TEST(TestDaemonTest, ControlServiceRefusesUnknownCallsAndPoints) {
  Daemon d;
  d.Start();
  EXPECT_EQ(d.Hook("", "oom", 0, 1, "MountNtmsMediaW"), uint32_t(ERROR_INVALID_PARAMETER));
  EXPECT_EQ(d.Hook("", "oom", 0, 1, "MountNtmsMedia@later"), uint32_t(ERROR_INVALID_PARAMETER));
  EXPECT_EQ(d.Hook("", "oom", 0, 0, "MountNtmsMedia@commit"), 0u);
  if (!TgtBackend()) {
    EXPECT_EQ(d.Hook("sim0", "no_such_fault", 0, 1), uint32_t(ERROR_INVALID_PARAMETER));
    EXPECT_EQ(d.Hook("sim0", "remove", 0, 1, "shelf:1"), uint32_t(ERROR_INVALID_PARAMETER));
    EXPECT_EQ(d.Hook("nolib", "clear"), uint32_t(ERROR_INVALID_LIBRARY));
  }
}

}  // namespace
}  // namespace openrsm::apitest
