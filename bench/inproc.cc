#include "inproc.h"

#include <unistd.h>

#include <map>
#include <stdexcept>

#include "bench_util.h"
#include "common/clock.h"
#include "common/config.h"
#include "daemon/graph.h"

namespace rsmbench {

namespace {
std::map<std::string, std::unique_ptr<InProc>>& All() {
  static auto* m = new std::map<std::string, std::unique_ptr<InProc>>();
  return *m;
}
void Must(const openrsm::Status& st, const char* what) {
  if (!st.ok()) throw std::runtime_error(std::string(what) + ": " + st.ToString());
}
}  // namespace

InProc& InProcOn(const std::string& base) {
  auto& slot = All()[base];
  if (slot) return *slot;
  auto p = std::make_unique<InProc>();
  p->dir = MakeTempDir(base, "inproc");
  openrsm::Config c;
  c.state_dir = p->dir + "/state";
  c.socket = p->dir + "/unused.sock";
  openrsm::LibraryConfig lc;
  lc.name = "sim0";
  lc.kind = "sim";
  lc.drives = 2;
  lc.slots = 20;
  lc.ieports = 2;
  lc.media = SimSpec{}.media;
  lc.time_scale = 0;
  c.libraries.push_back(lc);
  auto store = openrsm::daemon::OpenCatalogue(c, openrsm::RealClock(), {});
  Must(store.status(), "OpenCatalogue");
  auto libs = openrsm::daemon::OpenLibraries(c, openrsm::RealClock(), store->get(), {});
  Must(libs.status(), "OpenLibraries");
  auto svc = openrsm::service::Service::Create(c, openrsm::RealClock(), std::move(*store), std::move(*libs));
  Must(svc.status(), "Service::Create");
  p->svc = std::move(*svc);
  Must(p->svc->Start(), "Service::Start");
  p->peer.uid = 0;
  p->peer.gid = 0;
  p->peer.pid = int32_t(getpid());
  auto s = p->svc->OpenSession(p->peer, "", "rsm_bench", "bench", 0);
  Must(s.status(), "OpenSession");
  p->session = *s;
  auto txn = p->svc->store()->Begin(false);
  Must(txn.status(), "Begin");
  auto lib = (*txn)->FindLibraryByName("sim0");
  Must(lib.status(), "FindLibraryByName");
  p->library = (*lib)->h.id;
  auto drives = (*txn)->ListDrives(p->library);
  Must(drives.status(), "ListDrives");
  for (const auto& d : *drives) p->drives.push_back(d.h.id);
  auto m = (*txn)->FindPhysicalMediaByBarcode("A00001L6");
  Must(m.status(), "FindPhysicalMediaByBarcode");
  p->media = (*m)->h.id;
  slot = std::move(p);
  return *slot;
}

void StopInProc() {
  for (auto& [base, p] : All()) {
    if (!p) continue;
    p->svc->Stop();
    p->svc.reset();
    RemoveTree(p->dir);
  }
  All().clear();
}

}  // namespace rsmbench
