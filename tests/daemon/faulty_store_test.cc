// Unit tests of the test daemon's catalogue decorator (faulty_store.h): a
// fault fires once, at its point, on the thread that armed it only, and the
// failed transaction leaves nothing behind. Part of unit_tests.
#include "tests/daemon/faulty_store.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <new>
#include <thread>

namespace openrsm::testdaemon {
namespace {

using Point = StoreFault::Point;

class FaultyStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/faulty_store_test.XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    catalog::SqliteOptions opts;
    opts.path = dir_ + "/catalog.db";
    opts.reserve_bytes = 0;
    auto s = catalog::OpenSqliteStore(opts);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::make_unique<FaultyStore>(std::move(s).value());
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  // Writes a library named `name` in one transaction; its outcome.
  Status AddLibrary(const std::string& name) {
    RSM_ASSIGN_OR_RETURN(auto txn, store_->Begin(true));
    catalog::Library lib;
    lib.h.id = Guid::New();
    lib.h.name = name;
    RSM_RETURN_IF_ERROR(txn->PutLibrary(lib));
    return txn->Commit();
  }
  bool HasLibrary(const std::string& name) {
    auto txn = store_->Begin(false);
    EXPECT_TRUE(txn.ok());
    if (!txn.ok()) return false;
    auto found = (*txn)->FindLibraryByName(name);
    EXPECT_TRUE(found.ok());
    return found.ok() && found->has_value();
  }

  std::string dir_;
  std::unique_ptr<FaultyStore> store_;
};

TEST_F(FaultyStoreTest, NothingFiresWithoutAnArmedFault) {
  EXPECT_TRUE(AddLibrary("a").ok());
  EXPECT_TRUE(HasLibrary("a"));
}

TEST_F(FaultyStoreTest, AllocationFailureAtTheFirstWriteOnceAndRolledBack) {
  {
    FaultyStore::ThreadFault armed({Point::kWrite, 0}, "test");
    EXPECT_FALSE(HasLibrary("none"));  // reads pass the write fault
    EXPECT_FALSE(armed.fired());
    EXPECT_THROW((void)AddLibrary("a"), std::bad_alloc);
    EXPECT_TRUE(armed.fired());
    EXPECT_TRUE(AddLibrary("b").ok()) << "a fault fires once";
  }
  EXPECT_FALSE(HasLibrary("a")) << "the failed transaction was rolled back";
  EXPECT_TRUE(HasLibrary("b"));
}

TEST_F(FaultyStoreTest, ConfiguredFailureAtCommitCommitsNothing) {
  FaultyStore::ThreadFault armed({Point::kCommit, err::kDatabaseFailure}, "test");
  Status st = AddLibrary("a");
  EXPECT_EQ(st.code(), err::kDatabaseFailure) << st.ToString();
  EXPECT_TRUE(armed.fired());
  EXPECT_FALSE(HasLibrary("a"));
}

TEST_F(FaultyStoreTest, BeginAndReadPoints) {
  {
    FaultyStore::ThreadFault armed({Point::kBegin, 0}, "test");
    EXPECT_THROW((void)store_->Begin(false), std::bad_alloc);
  }
  FaultyStore::ThreadFault armed({Point::kRead, err::kDatabaseFailure}, "test");
  auto txn = store_->Begin(false);
  ASSERT_TRUE(txn.ok()) << "a read fault does not fire at Begin";
  EXPECT_EQ((*txn)->ListLibraries().status().code(), err::kDatabaseFailure);
  EXPECT_TRUE((*txn)->ListLibraries().ok());
}

// The property the test daemon relies on: a fault armed for one call (its
// RPC thread) is never used up by another thread's transactions, such as a
// library worker's periodic ones.
TEST_F(FaultyStoreTest, OtherThreadsNeverSeeTheFault) {
  FaultyStore::ThreadFault armed({Point::kWrite, 0}, "test");
  Status other;
  std::thread t([&] { other = AddLibrary("worker"); });
  t.join();
  EXPECT_TRUE(other.ok()) << other.ToString();
  EXPECT_FALSE(armed.fired());
  EXPECT_THROW((void)AddLibrary("caller"), std::bad_alloc);
  EXPECT_TRUE(HasLibrary("worker"));
  EXPECT_FALSE(HasLibrary("caller"));
}

TEST(FaultyStorePoints, Names) {
  for (Point p : {Point::kBegin, Point::kRead, Point::kWrite, Point::kCommit}) EXPECT_EQ(ParsePoint(PointName(p)), p);
  EXPECT_EQ(ParsePoint("Write"), std::nullopt);
  EXPECT_EQ(ParsePoint(""), std::nullopt);
}

}  // namespace
}  // namespace openrsm::testdaemon
