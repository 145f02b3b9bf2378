// Goal 1: GetNtmsObjectInformation round trip vs a bare gRPC unary round trip
// (the Ping RPC) on the same Unix socket of the same rsmd, in the same run.
//
//   BM_BarePing            raw openrsm::rpc::Rsm::Stub, Ping (no session check, no catalogue)
//   BM_GetObjectInfo       GetNtmsObjectInformationA of drive 0 through libntmsapi
//   BM_GetObjectInfoW      the same, UTF-16 variant
//   BM_BareGetObjectInfo   the GetObjectInfo RPC through a raw stub (no C API layer)
//   BM_ServiceGetObjectInfo  Service::GetObjectInfo in this process (no RPC at all)
//
// C API - bare RPC = client-library overhead; bare RPC - Ping = server work
// for the call; the in-process number is that server work without gRPC.
#include <grpcpp/grpcpp.h>

#include <cstring>

#include "bench_util.h"
#include "inproc.h"
#include "rpc/rsm.grpc.pb.h"

namespace rsmbench {
namespace {

namespace rpc = openrsm::rpc;

struct RawClient {
  std::shared_ptr<grpc::Channel> channel;
  std::unique_ptr<rpc::Rsm::Stub> stub;
  std::string token;  // a session opened through the raw stub
};

RawClient& Raw() {
  static RawClient* c = [] {
    auto* r = new RawClient;
    r->channel = grpc::CreateChannel("unix:" + Small().daemon->socket(), grpc::InsecureChannelCredentials());
    r->stub = rpc::Rsm::NewStub(r->channel);
    rpc::OpenSessionRequest req;
    req.set_application("rsm_bench raw");
    req.set_computer("bench");
    rpc::OpenSessionReply rep;
    grpc::ClientContext ctx;
    grpc::Status st = r->stub->OpenSession(&ctx, req, &rep);
    if (!st.ok() || rep.result().error() != 0) throw std::runtime_error("raw OpenSession failed");
    r->token = rep.session();
    return r;
  }();
  return *c;
}

constexpr int kWarmup = 50;

void BM_BarePing(benchmark::State& state) {
  auto& raw = Raw();
  rpc::SessionRequest req;
  req.set_session(raw.token);  // same 16-byte token the real calls carry; Ping ignores it
  rpc::Result rep;
  for (int i = 0; i < kWarmup; ++i) {
    grpc::ClientContext ctx;
    (void)raw.stub->Ping(&ctx, req, &rep);
  }
  Latencies lat;
  for (auto _ : state) {
    auto t0 = Clock::now();
    grpc::ClientContext ctx;
    grpc::Status st = raw.stub->Ping(&ctx, req, &rep);
    lat.Add(Clock::now() - t0);
    if (!st.ok() || rep.error() != 0) {
      state.SkipWithError("Ping failed");
      break;
    }
  }
  lat.Report(state);
}

template <typename Info, typename Fn>
void GetInfoLoop(benchmark::State& state, Fn fn) {
  auto& env = Small();
  NTMS_GUID id = env.drives.at(0);
  Info info;
  std::memset(&info, 0, sizeof info);
  for (int i = 0; i < kWarmup; ++i) {
    info.dwSize = sizeof info;
    info.dwType = NTMS_DRIVE;
    (void)fn(env.session, &id, &info);
  }
  Latencies lat;
  for (auto _ : state) {
    info.dwSize = sizeof info;
    info.dwType = NTMS_DRIVE;
    auto t0 = Clock::now();
    DWORD rc = fn(env.session, &id, &info);
    lat.Add(Clock::now() - t0);
    if (!Check(state, rc, "GetNtmsObjectInformation")) break;
  }
  benchmark::DoNotOptimize(info);
  lat.Report(state);
}

void BM_GetObjectInfo(benchmark::State& state) {
  GetInfoLoop<NTMS_OBJECTINFORMATIONA>(state, GetNtmsObjectInformationA);
}
void BM_GetObjectInfoW(benchmark::State& state) {
  GetInfoLoop<NTMS_OBJECTINFORMATIONW>(state, GetNtmsObjectInformationW);
}

void BM_BareGetObjectInfo(benchmark::State& state) {
  auto& raw = Raw();
  auto& env = Small();
  rpc::ObjectRequest req;
  req.set_session(raw.token);
  req.set_id(std::string(reinterpret_cast<const char*>(&env.drives.at(0)), 16));
  rpc::ObjectInfoReply rep;
  for (int i = 0; i < kWarmup; ++i) {
    grpc::ClientContext ctx;
    (void)raw.stub->GetObjectInfo(&ctx, req, &rep);
  }
  Latencies lat;
  for (auto _ : state) {
    auto t0 = Clock::now();
    grpc::ClientContext ctx;
    grpc::Status st = raw.stub->GetObjectInfo(&ctx, req, &rep);
    lat.Add(Clock::now() - t0);
    if (!st.ok() || rep.result().error() != 0) {
      state.SkipWithError("GetObjectInfo RPC failed");
      break;
    }
  }
  state.counters["reply_bytes"] = double(rep.ByteSizeLong());
  lat.Report(state);
}

// Ping and GetNtmsObjectInformationA alternately in one loop, so both see the
// same machine load (the box is shared); reports both p50s and their ratio.
void BM_InterleavedInfoVsPing(benchmark::State& state) {
  auto& raw = Raw();
  auto& env = Small();
  rpc::SessionRequest preq;
  preq.set_session(raw.token);
  rpc::Result prep;
  NTMS_GUID id = env.drives.at(0);
  NTMS_OBJECTINFORMATIONA info;
  std::memset(&info, 0, sizeof info);
  // The GetObjectInfo RPC with an unknown session token: the daemon answers
  // ERROR_INVALID_HANDLE before it touches the catalogue.
  rpc::ObjectRequest breq;
  breq.set_session(std::string(16, '\x5a'));
  breq.set_id(std::string(reinterpret_cast<const char*>(&id), 16));
  rpc::ObjectInfoReply brep;
  Latencies ping, get, bad;
  for (auto _ : state) {
    auto t0 = Clock::now();
    grpc::ClientContext ctx;
    grpc::Status st = raw.stub->Ping(&ctx, preq, &prep);
    auto t1 = Clock::now();
    info.dwSize = sizeof info;
    info.dwType = NTMS_DRIVE;
    DWORD rc = GetNtmsObjectInformationA(env.session, &id, &info);
    auto t2 = Clock::now();
    grpc::ClientContext bctx;
    grpc::Status bst = raw.stub->GetObjectInfo(&bctx, breq, &brep);
    auto t3 = Clock::now();
    if (!st.ok() || prep.error() != 0 || !bst.ok() || !Check(state, rc, "GetNtmsObjectInformationA")) break;
    ping.Add(t1 - t0);
    get.Add(t2 - t1);
    bad.Add(t3 - t2);
  }
  double p50_ping = ping.PercentileUs(50), p50_get = get.PercentileUs(50);
  ping.Report(state, "ping_");
  get.Report(state, "info_");
  bad.Report(state, "nosession_");
  state.counters["ratio_p50"] = p50_ping > 0 ? p50_get / p50_ping : 0;
}

// Ping (raw channel) and GetNtmsObjectInformationA (the session's channel)
// alternately: each call follows a call on the other channel, so both pay the
// same switch. In BM_InterleavedInfoVsPing only Ping follows a call on its own
// channel, which favours it by ~15 us (see BM_InterleavedPingVsNoSession).
void BM_AlternatingInfoVsPing(benchmark::State& state) {
  auto& raw = Raw();
  auto& env = Small();
  rpc::SessionRequest preq;
  preq.set_session(raw.token);
  rpc::Result prep;
  NTMS_GUID id = env.drives.at(0);
  NTMS_OBJECTINFORMATIONA info;
  std::memset(&info, 0, sizeof info);
  Latencies ping, get;
  for (auto _ : state) {
    auto t0 = Clock::now();
    grpc::ClientContext ctx;
    grpc::Status st = raw.stub->Ping(&ctx, preq, &prep);
    auto t1 = Clock::now();
    info.dwSize = sizeof info;
    info.dwType = NTMS_DRIVE;
    DWORD rc = GetNtmsObjectInformationA(env.session, &id, &info);
    auto t2 = Clock::now();
    if (!st.ok() || prep.error() != 0 || !Check(state, rc, "GetNtmsObjectInformationA")) break;
    ping.Add(t1 - t0);
    get.Add(t2 - t1);
  }
  double p50_ping = ping.PercentileUs(50), p50_get = get.PercentileUs(50);
  ping.Report(state, "ping_");
  get.Report(state, "info_");
  state.counters["ratio_p50"] = p50_ping > 0 ? p50_get / p50_ping : 0;
}

// Ping and the GetObjectInfo RPC with an unknown session, alternately on the
// same raw channel: what the GetObjectInfo RPC costs beyond Ping before any
// catalogue work (request/reply size, handler, error reply), free of the
// ordering effects of the three-call loop above.
void BM_InterleavedPingVsNoSession(benchmark::State& state) {
  auto& raw = Raw();
  auto& env = Small();
  rpc::SessionRequest preq;
  preq.set_session(raw.token);
  rpc::Result prep;
  NTMS_GUID id = env.drives.at(0);
  rpc::ObjectRequest breq;
  breq.set_session(std::string(16, '\x5a'));
  breq.set_id(std::string(reinterpret_cast<const char*>(&id), 16));
  rpc::ObjectInfoReply brep;
  Latencies ping, bad;
  for (auto _ : state) {
    auto t0 = Clock::now();
    grpc::ClientContext ctx;
    grpc::Status st = raw.stub->Ping(&ctx, preq, &prep);
    auto t1 = Clock::now();
    grpc::ClientContext bctx;
    grpc::Status bst = raw.stub->GetObjectInfo(&bctx, breq, &brep);
    auto t2 = Clock::now();
    if (!st.ok() || !bst.ok()) {
      state.SkipWithError("RPC failed");
      break;
    }
    ping.Add(t1 - t0);
    bad.Add(t2 - t1);
  }
  ping.Report(state, "ping_");
  bad.Report(state, "nosession_");
  state.counters["nosession_bytes"] = double(brep.ByteSizeLong());
}

void BM_ServiceGetObjectInfo(benchmark::State& state) {
  auto& p = InProcOn("/tmp");
  openrsm::Guid drive = p.drives.at(0);
  openrsm::ObjectInfo info;  // the service's domain value (docs/layers.md)
  Latencies lat;
  for (auto _ : state) {
    info = openrsm::ObjectInfo();
    auto t0 = Clock::now();
    openrsm::Status st = p.svc->GetObjectInfo(p.peer, p.session, drive, &info);
    lat.Add(Clock::now() - t0);
    if (!Check(state, st.code(), "Service::GetObjectInfo")) break;
  }
  lat.Report(state);
}

}  // namespace

void RegisterApiBenchmarks() {
  benchmark::RegisterBenchmark("BM_BarePing", BM_BarePing)->UseRealTime();
  benchmark::RegisterBenchmark("BM_GetObjectInfo", BM_GetObjectInfo)->UseRealTime();
  benchmark::RegisterBenchmark("BM_GetObjectInfoW", BM_GetObjectInfoW)->UseRealTime();
  benchmark::RegisterBenchmark("BM_BareGetObjectInfo", BM_BareGetObjectInfo)->UseRealTime();
  benchmark::RegisterBenchmark("BM_InterleavedInfoVsPing", BM_InterleavedInfoVsPing)->UseRealTime();
  benchmark::RegisterBenchmark("BM_AlternatingInfoVsPing", BM_AlternatingInfoVsPing)->UseRealTime();
  benchmark::RegisterBenchmark("BM_InterleavedPingVsNoSession", BM_InterleavedPingVsNoSession)->UseRealTime();
  benchmark::RegisterBenchmark("BM_ServiceGetObjectInfo", BM_ServiceGetObjectInfo)->UseRealTime();
  // Ping again at the end of the group: drift on a shared machine shows up as a difference.
  benchmark::RegisterBenchmark("BM_BarePing/again", BM_BarePing)->UseRealTime();
}

}  // namespace rsmbench
