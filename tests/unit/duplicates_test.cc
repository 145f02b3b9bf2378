// Duplicate bar codes in Reconcile and ReconcileIePorts (service/duplicates.h)
// against a real SQLite catalogue, for the cases the API suite cannot set up
// through rsmd: a library that is no longer present, catalogues written by
// the old inventory (two ordinary records with one bar code), and the order
// of FindPhysicalMediaByBarcode. tests/api/duplicate_barcode_test.cc covers
// the rest through the C API.
#include "service/duplicates.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "catalog/ntms_values.h"
#include "catalog/store.h"
#include "service/ieports.h"
#include "service/worker.h"

namespace openrsm::service {
namespace {

using catalog::PhysicalMedia;
using devices::ElementStatus;
using devices::ElementType;

class DuplicatesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/duplicates_test.XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    auto s = catalog::OpenSqliteStore({dir_ + "/catalog.db"});
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
    auto t = Write();
    catalog::MediaType type;
    type.h.id = Guid::New();
    type.h.name = "LTO";
    ASSERT_TRUE(t->PutMediaType(type).ok());
    sys_.media_type = type.h.id;
    for (auto [pool, kind] :
         {std::pair{&sys_.free_pool, ntms::kPoolScratch}, std::pair{&sys_.import_pool, ntms::kPoolImport},
          std::pair{&sys_.unrecognized_pool, ntms::kPoolForeign}}) {
      catalog::MediaPool p;
      p.h.id = *pool = Guid::New();
      p.h.name = "pool";
      p.pool_type = kind;
      p.media_type = type.h.id;
      ASSERT_TRUE(t->PutMediaPool(p).ok());
    }
    a_ = AddLibrary(*t, "A");
    b_ = AddLibrary(*t, "B");
    ASSERT_TRUE(t->Commit().ok());
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  std::unique_ptr<catalog::Txn> Write() {
    auto t = store_->Begin(true);
    EXPECT_TRUE(t.ok());
    return std::move(t).value();
  }
  // A library with 4 slots and 1 IE port.
  Guid AddLibrary(catalog::Txn& t, const std::string& name) {
    catalog::Library l;
    l.h.id = Guid::New();
    l.h.name = name;
    EXPECT_TRUE(t.PutLibrary(l).ok());
    for (uint32_t i = 0; i < 4; ++i) {
      catalog::Slot s;
      s.h.id = Guid::New();
      s.h.name = name + " slot " + std::to_string(i + 1);
      s.library = l.h.id;
      s.number = i;
      s.state = ntms::kSlotEmpty;
      EXPECT_TRUE(t.PutSlot(s).ok());
    }
    catalog::IePort p;
    p.h.id = Guid::New();
    p.h.name = name + " ieport 1";
    p.library = l.h.id;
    EXPECT_TRUE(t.PutIePort(p).ok());
    return l.h.id;
  }
  // Reconciles `library` with slots holding `slots` ("" = empty) and an empty port.
  void Inventory(const Guid& library, const std::vector<std::string>& slots) {
    std::vector<ElementStatus> e;
    for (uint32_t i = 0; i < slots.size(); ++i)
      e.push_back({{ElementType::kStorage, i}, !slots[i].empty(), false, slots[i], std::nullopt, std::nullopt});
    e.push_back({{ElementType::kImportExport, 0}, false, false, "", std::nullopt, std::nullopt});
    auto t = Write();
    Status st = Reconcile(*t, library, e, sys_, ++now_);
    ASSERT_TRUE(st.ok()) << st.ToString();
    ASSERT_TRUE(t->Commit().ok());
  }
  std::vector<PhysicalMedia> WithBarcode(const std::string& barcode) {
    auto t = store_->Begin(false);
    auto all = (*t)->ListPhysicalMedia(Guid(), Guid());
    std::vector<PhysicalMedia> out;
    for (auto& m : *all)
      if (m.barcode == barcode) out.push_back(m);
    return out;
  }
  // "A slot 1", "offline": where the catalogue has `m`, checked against the slot's own record.
  std::string Where(const Guid& media) {
    auto t = std::move(store_->Begin(false)).value();
    auto m = t->GetPhysicalMedia(media);
    if (!m.ok()) return "deleted";
    if (m->library.IsNull()) return "offline";
    if (m->location_type != ntms::kStorageSlot) return "elsewhere";
    auto s = t->GetSlot(m->location);
    if (!s.ok() || s->media != media || s->state != ntms::kSlotFull) return "slot does not agree";
    return s->h.name;
  }
  Status SetOpState(const Guid& library, uint32_t state) {
    auto t = Write();
    auto l = t->GetLibrary(library);
    if (!l.ok()) return l.status();
    l->h.op_state = state;
    RSM_RETURN_IF_ERROR(t->PutLibrary(*l));
    return t->Commit();
  }

  std::string dir_;
  std::unique_ptr<catalog::Store> store_;
  SystemObjects sys_;
  Guid a_, b_;
  int64_t now_ = 1000;
};

TEST_F(DuplicatesTest, SecondLibraryGetsAQuarantinedRecord) {
  Inventory(a_, {"X1", "", "", ""});
  Inventory(b_, {"", "X1", "", ""});
  auto v = WithBarcode("X1");
  ASSERT_EQ(v.size(), 2u);
  const PhysicalMedia& orig = IsQuarantined(v[0]) ? v[1] : v[0];
  const PhysicalMedia& q = IsQuarantined(v[0]) ? v[0] : v[1];
  EXPECT_FALSE(IsQuarantined(orig));
  EXPECT_TRUE(IsQuarantined(q));
  EXPECT_EQ(Where(orig.h.id), "A slot 1");
  EXPECT_EQ(Where(q.h.id), "B slot 2");
  EXPECT_FALSE(q.h.enabled);
  EXPECT_EQ(q.pool, sys_.unrecognized_pool);
  EXPECT_EQ(q.h.description, "bar code X1 is also in library A, slot 1");
  // The lookup that means "the cartridge" returns the original, whatever the ids.
  auto t = std::move(store_->Begin(false)).value();
  auto found = t->FindPhysicalMediaByBarcode("X1");
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->h.id, orig.h.id);
}

TEST_F(DuplicatesTest, LibraryNoLongerPresentGivesUpItsCartridge) {
  Inventory(a_, {"X1", "", "", ""});
  Inventory(b_, {"X1", "", "", ""});
  Guid orig;
  for (const auto& m : WithBarcode("X1"))
    if (!IsQuarantined(m)) orig = m.h.id;
  ASSERT_EQ(Where(orig), "A slot 1");
  // A offline (needs service): still present, keeps it.
  ASSERT_TRUE(SetOpState(a_, ntms::kNeedsService).ok());
  Inventory(b_, {"X1", "", "", ""});
  ASSERT_EQ(WithBarcode("X1").size(), 2u);
  // A removed from the configuration: B adopts the original, A's slot is cleared.
  ASSERT_TRUE(SetOpState(a_, ntms::kNotPresent).ok());
  Inventory(b_, {"X1", "", "", ""});
  auto v = WithBarcode("X1");
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].h.id, orig);
  EXPECT_EQ(Where(orig), "B slot 1");
  auto t = std::move(store_->Begin(false)).value();
  auto a_slots = t->ListSlots(a_);
  ASSERT_TRUE(a_slots.ok());
  EXPECT_TRUE((*a_slots)[0].media.IsNull());
  EXPECT_EQ((*a_slots)[0].state, ntms::kSlotEmpty);
}

TEST_F(DuplicatesTest, DuplicateInALowerSlotNeverTakesTheOriginalsPlace) {
  Inventory(a_, {"", "", "X1", ""});
  const Guid orig = WithBarcode("X1")[0].h.id;
  Inventory(a_, {"X1", "", "X1", ""});
  EXPECT_EQ(Where(orig), "A slot 3");
  auto v = WithBarcode("X1");
  ASSERT_EQ(v.size(), 2u);
  for (const auto& m : v)
    if (m.h.id != orig) {
      EXPECT_TRUE(IsQuarantined(m));
      EXPECT_EQ(Where(m.h.id), "A slot 1");
      EXPECT_EQ(m.h.description, "bar code X1 is also in library A, slot 3");
    }
  // The original taken out: its twin's slot gets the original's record.
  Inventory(a_, {"X1", "", "", ""});
  v = WithBarcode("X1");
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].h.id, orig);
  EXPECT_EQ(Where(orig), "A slot 1");
}

TEST_F(DuplicatesTest, OldCataloguesWithTwoOrdinaryRecordsAreKept) {
  // What the old inventory wrote for one bar code in two slots: two ordinary records.
  Inventory(a_, {"X1", "", "", ""});
  {
    auto t = Write();
    auto m = NewMedia(*t, a_, "X1", sys_, ++now_);
    ASSERT_TRUE(m.ok());
    auto slots = t->ListSlots(a_);
    m->location = (*slots)[1].h.id;
    m->location_type = ntms::kStorageSlot;
    ASSERT_TRUE(t->PutPhysicalMedia(*m).ok());
    (*slots)[1].media = m->h.id;
    (*slots)[1].state = ntms::kSlotFull;
    ASSERT_TRUE(t->PutSlot((*slots)[1]).ok());
    ASSERT_TRUE(t->Commit().ok());
  }
  auto before = WithBarcode("X1");
  Inventory(a_, {"X1", "X1", "", ""});
  auto after = WithBarcode("X1");
  ASSERT_EQ(after.size(), 2u);
  for (size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(after[i].h.id, before[i].h.id);
    EXPECT_FALSE(IsQuarantined(after[i]));
    EXPECT_EQ(after[i].location, before[i].location);
    EXPECT_NE(Where(after[i].h.id).find("A slot"), std::string::npos);
  }
}

TEST_F(DuplicatesTest, PollQuarantinesACartridgeTheLibraryHasInASlot) {
  Inventory(a_, {"X1", "", "", ""});
  const Guid orig = WithBarcode("X1")[0].h.id;
  // The operator puts a second X1 into A's own mail slot: the poll cannot see the slot.
  auto t = Write();
  bool changed = false;
  std::vector<ElementStatus> ports = {{{ElementType::kImportExport, 0}, true, false, "X1", std::nullopt, std::nullopt}};
  ASSERT_TRUE(ReconcileIePorts(*t, a_, ports, sys_, ++now_, &changed).ok());
  ASSERT_TRUE(t->Commit().ok());
  EXPECT_TRUE(changed);
  EXPECT_EQ(Where(orig), "A slot 1");
  auto v = WithBarcode("X1");
  ASSERT_EQ(v.size(), 2u);
  for (const auto& m : v)
    if (m.h.id != orig) {
      EXPECT_TRUE(IsQuarantined(m));
      EXPECT_EQ(m.location_type, ntms::kIePort);
    }
  // Taken out again: the quarantine record goes, the original stays.
  t.reset();
  t = Write();
  ports[0].full = false;
  ports[0].barcode.clear();
  ASSERT_TRUE(ReconcileIePorts(*t, a_, ports, sys_, ++now_, &changed).ok());
  ASSERT_TRUE(t->Commit().ok());
  v = WithBarcode("X1");
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].h.id, orig);
  EXPECT_EQ(Where(orig), "A slot 1");
}

// Bar codes are not unique: the lookup that means "the cartridge" ranks a
// quarantined record last, then the oldest, whatever the ids.
TEST_F(DuplicatesTest, FindByBarcodeRanksQuarantinedLastThenOldest) {
  auto make = [&](uint8_t id_byte, int64_t created, bool quarantined) {
    PhysicalMedia m;
    m.h.id.bytes.fill(id_byte);
    m.h.name = "m" + std::to_string(id_byte);
    m.h.created_ms = created;
    m.h.op_state = quarantined ? ntms::kNeedsService : ntms::kReady;
    m.h.enabled = !quarantined;
    m.pool = quarantined ? sys_.unrecognized_pool : sys_.free_pool;
    m.media_type = sys_.media_type;
    m.barcode = "X1";
    return m;
  };
  auto find = [&]() -> Guid {
    auto t = std::move(store_->Begin(false)).value();
    auto r = t->FindPhysicalMediaByBarcode("X1");
    return r.ok() && r->has_value() ? (*r)->h.id : Guid();
  };
  {
    auto t = Write();
    ASSERT_TRUE(t->PutPhysicalMedia(make(0x01, 10, true)).ok());   // lowest id, oldest, quarantined
    ASSERT_TRUE(t->PutPhysicalMedia(make(0xf0, 30, false)).ok());  // newer original
    ASSERT_TRUE(t->Commit().ok());
  }
  EXPECT_EQ(find(), make(0xf0, 0, false).h.id);
  {
    auto t = Write();
    ASSERT_TRUE(t->PutPhysicalMedia(make(0xe0, 20, false)).ok());  // older original, lower id
    ASSERT_TRUE(t->PutPhysicalMedia(make(0x02, 40, false)).ok());  // lowest id of the originals, newest
    ASSERT_TRUE(t->Commit().ok());
  }
  EXPECT_EQ(find(), make(0xe0, 0, false).h.id);
}

}  // namespace
}  // namespace openrsm::service
