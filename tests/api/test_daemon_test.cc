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
  auto stub =
      test::RsmTestControl::NewStub(grpc::CreateChannel("unix:" + d.socket(), grpc::InsecureChannelCredentials()));
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  test::FailCallRequest req;
  req.set_call("MountNtmsMedia");
  req.set_count(0);
  return stub->FailCall(&ctx, req, rep);
}

// Arms a FailCall with a catalogue error code; the Reply's error.
uint32_t FailCallWith(const Daemon& d, const std::string& call, const std::string& point, uint32_t error) {
  auto stub =
      test::RsmTestControl::NewStub(grpc::CreateChannel("unix:" + d.socket(), grpc::InsecureChannelCredentials()));
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  test::FailCallRequest req;
  req.set_call(call);
  req.set_point(point);
  req.set_count(1);
  req.set_error(error);
  test::Reply rep;
  grpc::Status st = stub->FailCall(&ctx, req, &rep);
  EXPECT_TRUE(st.ok()) << st.error_message();
  return st.ok() ? rep.error() : ~0u;
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
  // Sessions live in memory: no catalogue fault could ever fire in it.
  EXPECT_EQ(d.Hook("", "oom", 0, 1, "OpenNtmsSession"), uint32_t(ERROR_INVALID_PARAMETER));
  EXPECT_EQ(d.Hook("", "oom", 0, 0, "MountNtmsMedia@commit"), 0u);
  if (!TgtBackend()) {
    EXPECT_EQ(d.Hook("sim0", "no_such_fault", 0, 1), uint32_t(ERROR_INVALID_PARAMETER));
    EXPECT_EQ(d.Hook("sim0", "remove", 0, 1, "shelf:1"), uint32_t(ERROR_INVALID_PARAMETER));
    EXPECT_EQ(d.Hook("nolib", "clear"), uint32_t(ERROR_INVALID_LIBRARY));
  }
}

// A catalogue that answers ERROR_DATABASE_FULL at the mount's commit: the
// caller gets that code, nothing is queued or moved, and the next mount works.
class TestDaemonFaultsTest : public DaemonTest {};

TEST_F(TestDaemonFaultsTest, DatabaseFullAtCommitLosesNothing) {
  NTMS_GUID media = MediaByBarcode(h_, "A00001L6"), drive = NullGuid();
  std::string before = Snapshot(h_, "sim0");
  ASSERT_EQ(FailCallWith(*d_, "MountNtmsMedia", "commit", ERROR_DATABASE_FULL), 0u);
  EXPECT_EQ(MountNtmsMedia(h_, &media, &drive, 1, NTMS_MOUNT_READ, 0, 10000, nullptr), DWORD(ERROR_DATABASE_FULL));
  WaitIdle(h_, "sim0");
  EXPECT_EQ(Snapshot(h_, "sim0"), before);
  EXPECT_EQ(CompareWithDevice(h_, *d_, "sim0"), "");
  EXPECT_NE(d_->log().find("injected failure 4314 in MountNtmsMedia"), std::string::npos) << d_->log();
  EXPECT_EQ(MountNtmsMedia(h_, &media, &drive, 1, NTMS_MOUNT_READ, 0, 10000, nullptr), DWORD(ERROR_SUCCESS))
      << "armed for one call only";
}

}  // namespace
}  // namespace openrsm::apitest
