// Goal 3: a catalogue with 100,000 media.
//
// Preparation (once per run, outside every measurement): start rsmd on an
// empty state dir (it creates the system pools), stop it, insert 100,000
// offline PhysicalMedia (library null) with one Partition each into the Free
// pool's "LTO Ultrium" child in one transaction through OpenSqliteStore, start
// rsmd again. RSM_BENCH_MEDIA overrides the count (for quick trials).
//
//   BM_EnumeratePool100k     EnumerateNtmsObject(pool, NTMS_PHYSICAL_MEDIA), buffer big enough
//   BM_StoreListPool100k     the catalogue query behind it, in this process (no RPC)
//   BM_SqliteIdsOfPool100k   an id-only query for the same list (what a leaner query would cost)
//   BM_GetMediaInfo100k      GetNtmsObjectInformationA of a random one of the 100k cartridges
//   BM_GetDriveInfo100k      GetNtmsObjectInformationA of drive 0 (compare BM_GetObjectInfo)
//   BM_GetPoolInfo100k       GetNtmsObjectInformationA of the pool holding the 100k
//   BM_OpenCloseSession/..   OpenNtmsSession + CloseNtmsSession, small vs 100k catalogue
//   BM_DaemonRestart/..      rsmd stop + start until it serves, small vs 100k catalogue
// p50/p90/p99 come from per-call timings (nearest rank).
#include <sqlite3.h>

#include <cstdlib>
#include <cstring>
#include <random>

#include "bench_util.h"
#include "catalog/ntms_values.h"
#include "catalog/store.h"

namespace rsmbench {

namespace ntms = openrsm::ntms;

namespace {

size_t MediaCount() {
  const char* s = std::getenv("RSM_BENCH_MEDIA");
  return s && *s ? size_t(std::strtoul(s, nullptr, 10)) : 100000;
}

void Must(const openrsm::Status& st, const char* what) {
  if (!st.ok()) throw std::runtime_error(std::string(what) + ": " + st.ToString());
}

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Inserts `n` offline cartridges into Free/LTO Ultrium; returns their ids and the pool.
std::vector<openrsm::Guid> InsertMedia(const std::string& db_path, size_t n, openrsm::Guid* pool_out) {
  openrsm::catalog::SqliteOptions o;
  o.path = db_path;
  auto store = openrsm::catalog::OpenSqliteStore(o);
  Must(store.status(), "OpenSqliteStore");
  auto txn = (*store)->Begin(true);
  Must(txn.status(), "Begin");
  auto& t = **txn;
  openrsm::Guid free_top, pool, media_type;
  auto tops = t.ListMediaPools(openrsm::Guid());
  Must(tops.status(), "ListMediaPools");
  for (const auto& p : *tops)
    if (p.h.name == "Free") free_top = p.h.id;
  auto kids = t.ListMediaPools(free_top);
  Must(kids.status(), "ListMediaPools(Free)");
  for (const auto& p : *kids)
    if (p.h.name == "LTO Ultrium") pool = p.h.id, media_type = p.media_type;
  if (pool.IsNull()) throw std::runtime_error("no Free/LTO Ultrium pool in the catalogue");
  int64_t now = NowMs();
  std::vector<openrsm::Guid> ids;
  ids.reserve(n);
  char barcode[32];
  for (size_t i = 0; i < n; ++i) {
    std::snprintf(barcode, sizeof barcode, "B%06zuL6", i);
    openrsm::catalog::PhysicalMedia m;
    m.h.id = openrsm::Guid::New();
    m.h.name = barcode;
    m.h.created_ms = m.h.modified_ms = now;
    m.pool = pool;
    m.media_type = media_type;
    m.barcode = barcode;
    m.barcode_state = ntms::kBarcodeOk;
    m.media_state = ntms::kMediaIdle;
    Must(t.PutPhysicalMedia(m), "PutPhysicalMedia");
    openrsm::catalog::Partition p;
    p.h.id = openrsm::Guid::New();
    p.h.name = std::string(barcode) + " side 1";
    p.h.created_ms = p.h.modified_ms = now;
    p.pmid = m.h.id;
    p.side = 0;
    p.state = ntms::kPartAvailable;
    p.capacity = 18000000000000ull;
    Must(t.PutPartition(p), "PutPartition");
    ids.push_back(m.h.id);
  }
  Must(t.Commit(), "Commit");
  *pool_out = pool;
  return ids;
}

}  // namespace

BigEnv& Big() {
  static BigEnv* env = [] {
    auto* e = new BigEnv;
    e->daemon = std::make_unique<Daemon>(MakeTempDir("/tmp", "100k"), SimSpec{});
    e->first_start_seconds = e->daemon->Start();
    e->daemon->Stop();
    auto t0 = Clock::now();
    openrsm::Guid pool;
    e->media = InsertMedia(e->daemon->catalog_path(), MediaCount(), &pool);
    e->insert_seconds = std::chrono::duration<double>(Clock::now() - t0).count();
    e->pool = ToNtms(pool);
    e->start_seconds = e->daemon->Start();
    e->session = OpenSessionOn(*e->daemon);
    for (const auto& id : List(e->session, nullptr, NTMS_LIBRARY))
      if (std::string(Info(e->session, id).szName) == "sim0") {
        for (const auto& d : List(e->session, &id, NTMS_DRIVE))
          if (Info(e->session, d).Info.Drive.Number == 0) e->drive = d;
      }
    std::fprintf(stderr, "100k catalogue: %zu media inserted in %.2f s; rsmd start %.3f s empty, %.3f s with them\n",
                 e->media.size(), e->insert_seconds, e->first_start_seconds, e->start_seconds);
    return e;
  }();
  return *env;
}

namespace {

void BM_EnumeratePool100k(benchmark::State& state) {
  auto& env = Big();
  std::vector<NTMS_GUID> buf(env.media.size() + 16);
  Latencies lat;
  DWORD n = 0;
  for (auto _ : state) {
    n = DWORD(buf.size());
    NTMS_GUID pool = env.pool;
    auto t0 = Clock::now();
    DWORD rc = EnumerateNtmsObject(env.session, &pool, buf.data(), &n, NTMS_PHYSICAL_MEDIA, 0);
    lat.Add(Clock::now() - t0);
    if (!Check(state, rc, "EnumerateNtmsObject")) break;
    if (n < env.media.size()) {  // the pool also holds the sim library's own cartridges
      state.SkipWithError("EnumerateNtmsObject returned too few objects");
      break;
    }
  }
  state.counters["objects"] = double(n);
  state.counters["setup_insert_s"] = env.insert_seconds;
  lat.Report(state);
}

// The catalogue part of that enumeration alone, in this process: the same
// Store query rsmd runs (ListPhysicalMedia(pool): every full row, decoded),
// on rsmd's own database file (WAL: readers of two processes coexist).
void BM_StoreListPool100k(benchmark::State& state) {
  auto& env = Big();
  openrsm::catalog::SqliteOptions o;
  o.path = env.daemon->catalog_path();
  auto store = openrsm::catalog::OpenSqliteStore(o);
  Must(store.status(), "OpenSqliteStore");
  openrsm::Guid pool = FromNtms(env.pool);
  Latencies lat;
  size_t n = 0;
  for (auto _ : state) {
    auto t0 = Clock::now();
    auto txn = (*store)->Begin(false);
    Must(txn.status(), "Begin");
    auto v = (*txn)->ListPhysicalMedia(openrsm::Guid(), pool);
    Must(v.status(), "ListPhysicalMedia");
    n = v->size();
    lat.Add(Clock::now() - t0);
  }
  state.counters["objects"] = double(n);
  lat.Report(state);
}

// What an id-only query would cost: the ids come from the pool index alone
// (WITHOUT ROWID: the index holds the primary key), no row is read.
void BM_SqliteIdsOfPool100k(benchmark::State& state) {
  auto& env = Big();
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(env.daemon->catalog_path().c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    state.SkipWithError("sqlite3_open_v2");
    sqlite3_close(db);
    return;
  }
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(db, "SELECT id FROM physical_media WHERE pool = ? ORDER BY id", -1, &st, nullptr);
  Latencies lat;
  std::vector<openrsm::Guid> ids;
  for (auto _ : state) {
    auto t0 = Clock::now();
    ids.clear();
    sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr);
    sqlite3_bind_blob(st, 1, &env.pool, 16, SQLITE_STATIC);
    while (sqlite3_step(st) == SQLITE_ROW) ids.push_back(openrsm::Guid::FromRaw(sqlite3_column_blob(st, 0)));
    sqlite3_reset(st);
    sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
    lat.Add(Clock::now() - t0);
  }
  sqlite3_finalize(st);
  sqlite3_close(db);
  state.counters["objects"] = double(ids.size());
  lat.Report(state);
}

void BM_GetMediaInfo100k(benchmark::State& state) {
  auto& env = Big();
  std::mt19937_64 rng(42);
  std::uniform_int_distribution<size_t> pick(0, env.media.size() - 1);
  NTMS_OBJECTINFORMATIONA info;
  Latencies lat;
  lat.Reserve(size_t(state.max_iterations));
  for (auto _ : state) {
    NTMS_GUID id = ToNtms(env.media[pick(rng)]);
    std::memset(&info, 0, sizeof info);
    info.dwSize = sizeof info;
    info.dwType = NTMS_PHYSICAL_MEDIA;
    auto t0 = Clock::now();
    DWORD rc = GetNtmsObjectInformationA(env.session, &id, &info);
    lat.Add(Clock::now() - t0);
    if (!Check(state, rc, "GetNtmsObjectInformationA")) break;
  }
  benchmark::DoNotOptimize(info);
  lat.Report(state);
}

void InfoLoop(benchmark::State& state, HANDLE h, NTMS_GUID id, DWORD type) {
  NTMS_OBJECTINFORMATIONA info;
  Latencies lat;
  for (auto _ : state) {
    std::memset(&info, 0, sizeof info);
    info.dwSize = sizeof info;
    info.dwType = type;
    auto t0 = Clock::now();
    DWORD rc = GetNtmsObjectInformationA(h, &id, &info);
    lat.Add(Clock::now() - t0);
    if (!Check(state, rc, "GetNtmsObjectInformationA")) break;
  }
  if (type == NTMS_MEDIA_POOL) state.counters["pool_media"] = double(info.Info.MediaPool.dwNumberOfPhysicalMedia);
  lat.Report(state);
}

void BM_GetDriveInfo100k(benchmark::State& state) { InfoLoop(state, Big().session, Big().drive, NTMS_DRIVE); }
void BM_GetPoolInfo100k(benchmark::State& state) { InfoLoop(state, Big().session, Big().pool, NTMS_MEDIA_POOL); }

void BM_OpenCloseSession(benchmark::State& state, bool big) {
  const Daemon& d = big ? *Big().daemon : *Small().daemon;
  Latencies open, close;
  for (auto _ : state) {
    auto t0 = Clock::now();
    HANDLE h = OpenSessionOn(d);
    auto t1 = Clock::now();
    DWORD rc = CloseNtmsSession(h);
    auto t2 = Clock::now();
    if (!Check(state, rc, "CloseNtmsSession")) break;
    open.Add(t1 - t0);
    close.Add(t2 - t1);
  }
  open.Report(state, "open_");
  close.Report(state, "close_");
}

// Stop + start of the daemon; only the start (until the socket serves) is timed.
void BM_DaemonRestart(benchmark::State& state, bool big) {
  Daemon& d = big ? *Big().daemon : *Small().daemon;
  HANDLE& session = big ? Big().session : Small().session;
  CloseNtmsSession(session);
  for (auto _ : state) {
    d.Stop();
    state.SetIterationTime(d.Start());
  }
  session = OpenSessionOn(d);  // the old server-side session died with the daemon
}

}  // namespace

void Register100kBenchmarks() {
  benchmark::RegisterBenchmark("BM_EnumeratePool100k", BM_EnumeratePool100k)->Iterations(30)->UseRealTime();
  benchmark::RegisterBenchmark("BM_StoreListPool100k", BM_StoreListPool100k)->Iterations(10)->UseRealTime();
  benchmark::RegisterBenchmark("BM_SqliteIdsOfPool100k", BM_SqliteIdsOfPool100k)->Iterations(10)->UseRealTime();
  benchmark::RegisterBenchmark("BM_GetMediaInfo100k", BM_GetMediaInfo100k)->Iterations(5000)->UseRealTime();
  benchmark::RegisterBenchmark("BM_GetDriveInfo100k", BM_GetDriveInfo100k)->UseRealTime();
  benchmark::RegisterBenchmark("BM_GetPoolInfo100k", BM_GetPoolInfo100k)->Iterations(10)->UseRealTime();
  benchmark::RegisterBenchmark("BM_OpenCloseSession/small", BM_OpenCloseSession, false)->Iterations(20)->UseRealTime();
  benchmark::RegisterBenchmark("BM_OpenCloseSession/100k", BM_OpenCloseSession, true)->Iterations(5)->UseRealTime();
  benchmark::RegisterBenchmark("BM_DaemonRestart/small", BM_DaemonRestart, false)->Iterations(3)->UseManualTime();
  benchmark::RegisterBenchmark("BM_DaemonRestart/100k", BM_DaemonRestart, true)->Iterations(2)->UseManualTime();
}

}  // namespace rsmbench
