#include "tests/daemon/control.h"

#include <grpcpp/grpcpp.h>
#include <grpcpp/support/server_interceptor.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "devices/sim/sim_library.h"
#include "tests/daemon/crash_changer.h"
#include "tests/daemon/faulty_store.h"
#include "tests/daemon/rsm_test.grpc.pb.h"

namespace openrsm::testdaemon {

namespace {

namespace gx = grpc::experimental;

// The ntmsapi function each Rsm RPC serves (the names FailCall takes): the
// calls that use the catalogue on their handler thread (OpenNtmsSession does
// not: sessions live in memory, so no catalogue fault can reach it).
const std::map<std::string, std::string>& CallsByMethod() {
  static const std::map<std::string, std::string> m = {
      {"/openrsm.rpc.Rsm/CloseSession", "CloseNtmsSession"},
      {"/openrsm.rpc.Rsm/Enumerate", "EnumerateNtmsObject"},
      {"/openrsm.rpc.Rsm/GetObjectInfo", "GetNtmsObjectInformation"},
      {"/openrsm.rpc.Rsm/EnableObject", "EnableNtmsObject"},
      {"/openrsm.rpc.Rsm/DisableObject", "DisableNtmsObject"},
      {"/openrsm.rpc.Rsm/Mount", "MountNtmsMedia"},
      {"/openrsm.rpc.Rsm/DismountMedia", "DismountNtmsMedia"},
      {"/openrsm.rpc.Rsm/DismountDrive", "DismountNtmsDrive"},
      {"/openrsm.rpc.Rsm/Inventory", "InventoryNtmsLibrary"},
      {"/openrsm.rpc.Rsm/CancelLibRequest", "CancelNtmsLibraryRequest"},
      {"/openrsm.rpc.Rsm/EjectMedia", "EjectNtmsMedia"},
      {"/openrsm.rpc.Rsm/InjectMedia", "InjectNtmsMedia"},
      {"/openrsm.rpc.Rsm/DecommissionMedia", "DecommissionNtmsMedia"},
      {"/openrsm.rpc.Rsm/DeleteMedia", "DeleteNtmsMedia"},
      // media pools (branch pools)
      {"/openrsm.rpc.Rsm/CreatePool", "CreateNtmsMediaPool"},
      {"/openrsm.rpc.Rsm/DeletePool", "DeleteNtmsMediaPool"},
      {"/openrsm.rpc.Rsm/GetPoolName", "GetNtmsMediaPoolName"},
      {"/openrsm.rpc.Rsm/MoveToPool", "MoveToNtmsMediaPool"},
      {"/openrsm.rpc.Rsm/SetObjectInfo", "SetNtmsObjectInformation"},
  };
  return m;
}

bool KnownCall(const std::string& call) {
  for (const auto& [method, name] : CallsByMethod())
    if (name == call) return true;
  return false;
}

// What the decorators, the interceptor and the control service share.
class Faults {
 public:
  std::shared_ptr<std::atomic<bool>> crash_after_move = std::make_shared<std::atomic<bool>>(false);
  rpc::RpcServer* server = nullptr;  // set before the server starts

  std::shared_ptr<devices::sim::SimFaults> NewSim(const std::string& library) {
    auto f = std::make_shared<devices::sim::SimFaults>();
    std::lock_guard<std::mutex> lock(mu_);
    sims_[library] = f;
    return f;
  }
  std::shared_ptr<devices::sim::SimFaults> Sim(const std::string& library) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = sims_.find(library);
    return it == sims_.end() ? nullptr : it->second;
  }
  void Arm(const std::string& call, StoreFault fault, int count) {
    std::lock_guard<std::mutex> lock(mu_);
    if (count <= 0)
      calls_.erase(call);
    else
      calls_[call] = {fault, count};
  }
  bool Armed(const std::string& call) {
    std::lock_guard<std::mutex> lock(mu_);
    return calls_.count(call) != 0;
  }
  // Takes one armed fault of `call` (nullopt: none).
  std::optional<StoreFault> Take(const std::string& call) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = calls_.find(call);
    if (it == calls_.end()) return std::nullopt;
    StoreFault f = it->second.fault;
    if (--it->second.count == 0) calls_.erase(it);
    return f;
  }
  // Gives back a fault that Take handed out and that did not fire.
  void GiveBack(const std::string& call, StoreFault fault) {
    std::lock_guard<std::mutex> lock(mu_);
    ++calls_.try_emplace(call, ArmedCall{fault, 0}).first->second.count;
  }

 private:
  struct ArmedCall {
    StoreFault fault;
    int count = 0;
  };
  std::mutex mu_;
  std::map<std::string, std::shared_ptr<devices::sim::SimFaults>> sims_;
  std::map<std::string, ArmedCall> calls_;
};

// Arms one fault of `call` on the thread that runs the call's handler: on
// the callback API the handler runs inside Proceed() of the batch that
// received the request. If it did not fire, the fault goes back.
class CallFaultInterceptor final : public gx::Interceptor {
 public:
  CallFaultInterceptor(Faults* faults, std::string call) : faults_(faults), call_(std::move(call)) {}
  void Intercept(gx::InterceptorBatchMethods* methods) override {
    if (!methods->QueryInterceptionHookPoint(gx::InterceptionHookPoints::POST_RECV_MESSAGE)) {
      methods->Proceed();
      return;
    }
    std::optional<StoreFault> fault = faults_->Take(call_);
    if (!fault) {
      methods->Proceed();
      return;
    }
    bool fired = false;
    {
      FaultyStore::ThreadFault armed(*fault, call_);
      methods->Proceed();
      fired = armed.fired();
    }
    if (!fired) faults_->GiveBack(call_, *fault);
  }

 private:
  Faults* faults_;
  std::string call_;
};

class CallFaultFactory final : public gx::ServerInterceptorFactoryInterface {
 public:
  explicit CallFaultFactory(Faults* faults) : faults_(faults) {}
  gx::Interceptor* CreateServerInterceptor(gx::ServerRpcInfo* info) override {
    auto it = CallsByMethod().find(info->method());
    if (it == CallsByMethod().end() || !faults_->Armed(it->second)) return nullptr;
    return new CallFaultInterceptor(faults_, it->second);
  }

 private:
  Faults* faults_;
};

// Parses "slot:N", "ieport:N" or "drive:N" (0-based).
bool ParseElement(const std::string& text, devices::ElementRef* ref) {
  auto colon = text.find(':');
  if (colon == std::string::npos || colon + 1 == text.size()) return false;
  std::string kind = text.substr(0, colon);
  if (kind == "slot")
    ref->type = devices::ElementType::kStorage;
  else if (kind == "ieport")
    ref->type = devices::ElementType::kImportExport;
  else if (kind == "drive")
    ref->type = devices::ElementType::kDataTransfer;
  else
    return false;
  uint64_t index = 0;
  for (char c : text.substr(colon + 1)) {
    if (c < '0' || c > '9' || index > 1'000'000) return false;
    index = index * 10 + uint64_t(c - '0');
  }
  ref->index = uint32_t(index);
  return true;
}

class ControlService final : public test::RsmTestControl::CallbackService {
 public:
  explicit ControlService(Faults* faults) : faults_(faults) {}

  grpc::ServerUnaryReactor* SimFault(grpc::CallbackServerContext* ctx, const test::SimFaultRequest* req,
                                     test::Reply* rep) override {
    return Answer(ctx, rep, [&]() -> Status {
      auto f = faults_->Sim(req->library());
      if (!f) return Status(err::kInvalidLibrary, "no simulated library " + req->library());
      if (req->fault() == "clear") {
        f->ClearFaults();
        return Status::Ok();
      }
      return f->SetFault(req->fault(), req->drive_index(), req->count());
    });
  }
  grpc::ServerUnaryReactor* SimOperator(grpc::CallbackServerContext* ctx, const test::SimOperatorRequest* req,
                                        test::Reply* rep) override {
    return Answer(ctx, rep, [&]() -> Status {
      auto f = faults_->Sim(req->library());
      if (!f) return Status(err::kInvalidLibrary, "no simulated library " + req->library());
      devices::ElementRef ref;
      switch (req->action()) {
        case test::SimOperatorRequest::PLACE:
          if (!ParseElement(req->element(), &ref)) return Status(err::kInvalidParameter, "element: kind:index");
          return f->OperatorPlace(ref, req->barcode());
        case test::SimOperatorRequest::REMOVE:
          if (!ParseElement(req->element(), &ref)) return Status(err::kInvalidParameter, "element: kind:index");
          return f->OperatorRemove(ref);
        case test::SimOperatorRequest::STANDALONE_INSERT:
          return f->InsertIntoStandalone(req->barcode());
        case test::SimOperatorRequest::STANDALONE_REMOVE:
          return f->RemoveFromStandalone();
        default:
          return Status(err::kInvalidParameter, "unknown operator action");
      }
    });
  }
  grpc::ServerUnaryReactor* FailCall(grpc::CallbackServerContext* ctx, const test::FailCallRequest* req,
                                     test::Reply* rep) override {
    return Answer(ctx, rep, [&]() -> Status {
      if (!KnownCall(req->call()))
        return Status(err::kInvalidParameter, "no catalogue fault can be injected into " + req->call());
      StoreFault fault;
      if (!req->point().empty()) {
        auto point = ParsePoint(req->point());
        if (!point) return Status(err::kInvalidParameter, "point: begin, read, write or commit");
        fault.point = *point;
      }
      fault.error = req->error();
      faults_->Arm(req->call(), fault, req->count());
      return Status::Ok();
    });
  }
  grpc::ServerUnaryReactor* CrashAfterMove(grpc::CallbackServerContext* ctx, const test::CrashAfterMoveRequest*,
                                           test::Reply* rep) override {
    return Answer(ctx, rep, [&]() -> Status {
      faults_->crash_after_move->store(true);
      return Status::Ok();
    });
  }

 private:
  // Runs `fn` for root only and finishes the call with its outcome.
  template <typename Fn>
  grpc::ServerUnaryReactor* Answer(grpc::CallbackServerContext* ctx, test::Reply* rep, Fn&& fn) {
    service::Peer peer;
    Status st = !faults_->server->PeerOf(ctx->peer(), &peer) || peer.uid != 0
                    ? Status(err::kAccessDenied, "the test daemon's control service is root's")
                    : fn();
    rep->set_error(st.code());
    if (!st.ok()) rep->set_message(st.message());
    if (st.ok())
      spdlog::info("test daemon: control call done");
    else
      spdlog::warn("test daemon: control call refused: {}", st.ToString());
    auto* r = ctx->DefaultReactor();
    r->Finish(grpc::Status::OK);
    return r;
  }

  Faults* faults_;
};

// Owns what the wiring's functions refer to.
struct TestDaemonState {
  Faults faults;
  ControlService control{&faults};
};

}  // namespace

daemon::Wiring MakeTestWiring() {
  auto state = std::make_shared<TestDaemonState>();
  daemon::Wiring w;
  w.seams.wrap_store = [](std::unique_ptr<catalog::Store> store) -> std::unique_ptr<catalog::Store> {
    return std::make_unique<FaultyStore>(std::move(store));
  };
  w.seams.wrap_devices = [state](const LibraryConfig&, devices::LibraryDevices& devices) {
    if (devices.changer)
      devices.changer =
          std::make_unique<CrashAfterMoveChanger>(std::move(devices.changer), state->faults.crash_after_move);
  };
  w.seams.sim_faults = [state](const LibraryConfig& library) { return state->faults.NewSim(library.name); };
  w.server_extension = [state](rpc::RpcServer& server, grpc::ServerBuilder& builder) {
    state->faults.server = &server;
    builder.RegisterService(&state->control);
    std::vector<std::unique_ptr<gx::ServerInterceptorFactoryInterface>> interceptors;
    interceptors.push_back(std::make_unique<CallFaultFactory>(&state->faults));
    builder.experimental().SetInterceptorCreators(std::move(interceptors));
  };
  return w;
}

}  // namespace openrsm::testdaemon
