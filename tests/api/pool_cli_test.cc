// `rsm pool create|list|show|delete|move` (tools/rsm/pools.cc) against a
// private rsmd: the operator's sequence with --json and as tables, names by
// full hierarchy or GUID, API errors (exit 1) and unknown pools (exit 2).
#include <gtest/gtest.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/api/harness.h"

namespace openrsm::apitest {
namespace {

class PoolCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    DaemonOptions opts;
    opts.standalone_library = false;
    d_ = std::make_unique<Daemon>(opts);
    d_->Start();
  }
  CommandResult Rsm(const std::vector<std::string>& args) { return RunRsm(*d_, args); }
  nlohmann::json Json(const std::vector<std::string>& args) {
    std::vector<std::string> all = {"--json"};
    all.insert(all.end(), args.begin(), args.end());
    CommandResult r = Rsm(all);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return nlohmann::json::parse(r.out, nullptr, false);
  }
  // The row of `pool list --json` with this full name (null if none).
  nlohmann::json Row(const std::string& name) {
    for (const auto& row : Json({"pool", "list"}))
      if (row["name"] == name) return row;
    return nullptr;
  }
  std::unique_ptr<Daemon> d_;
};

TEST_F(PoolCliTest, CreateMoveShowDeleteAsAnOperatorDoes) {
  auto app = Json({"pool", "create", "App"});
  EXPECT_EQ(app["ok"], true);
  EXPECT_EQ(app["object"], "\\App");
  auto daily = Json({"pool", "create", "App\\Daily", "--media-type", "LTO Ultrium"});
  EXPECT_EQ(daily["object"], "\\App\\Daily");
  auto row = Row("\\App\\Daily");
  ASSERT_FALSE(row.is_null());
  EXPECT_EQ(row["type"], "application");
  EXPECT_EQ(row["media_type"], "LTO Ultrium");
  EXPECT_EQ(row["parent"], app["guid"]);
  EXPECT_FALSE(Row("\\Free\\LTO Ultrium").is_null());

  auto moved = Json({"pool", "move", "A00001L6", "App\\Daily"});
  EXPECT_EQ(moved["pool"], "\\App\\Daily");
  auto shown = Json({"pool", "show", "\\App\\Daily"});
  EXPECT_EQ(shown["media"], 1);
  EXPECT_EQ(shown["cartridges"], nlohmann::json::array({"A00001L6"}));
  EXPECT_EQ(Json({"pool", "show", daily["guid"].get<std::string>()})["name"], "\\App\\Daily");

  // Not empty: the API's code, exit 1, and nothing deleted.
  CommandResult r = Rsm({"--json", "pool", "delete", "App"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out, nullptr, false)["error"], "ERROR_NOT_EMPTY");
  EXPECT_NE(r.err.find("DeleteNtmsMediaPool"), std::string::npos) << r.err;
  EXPECT_FALSE(Row("\\App").is_null());

  Json({"pool", "move", "A00001L6", "Free\\LTO Ultrium"});
  EXPECT_EQ(Json({"pool", "delete", "App\\Daily"})["object"], "\\App\\Daily");
  EXPECT_EQ(Json({"pool", "delete", "App"})["ok"], true);
  EXPECT_TRUE(Row("\\App").is_null());
}

TEST_F(PoolCliTest, TablesAndErrors) {
  ASSERT_EQ(Rsm({"pool", "create", "App"}).exit_code, 0);
  CommandResult list = Rsm({"pool", "list"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_EQ(list.out.rfind("NAME", 0), 0u) << list.out;
  EXPECT_NE(list.out.find("\\App"), std::string::npos) << list.out;
  EXPECT_NE(list.out.find("\\Free\\LTO Ultrium"), std::string::npos) << list.out;
  CommandResult show = Rsm({"pool", "show", "App"});
  ASSERT_EQ(show.exit_code, 0) << show.err;
  EXPECT_NE(show.out.find("type: application"), std::string::npos) << show.out;
  // An existing pool: ERROR_ALREADY_EXISTS unless --exist-ok.
  CommandResult again = Rsm({"pool", "create", "App"});
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_NE(again.err.find("ERROR_ALREADY_EXISTS"), std::string::npos) << again.err;
  EXPECT_EQ(Rsm({"pool", "create", "App", "--exist-ok"}).exit_code, 0);
  // A missing parent is the API's ERROR_OBJECT_NOT_FOUND; a bad name ERROR_INVALID_NAME.
  EXPECT_NE(Rsm({"pool", "create", "Nope\\X"}).err.find("ERROR_OBJECT_NOT_FOUND"), std::string::npos);
  EXPECT_NE(Rsm({"pool", "create", "App\\"}).err.find("ERROR_INVALID_NAME"), std::string::npos);
  // Unknown pools and media types are usage errors (exit 2).
  EXPECT_EQ(Rsm({"pool", "show", "Nope"}).exit_code, 2);
  EXPECT_EQ(Rsm({"pool", "delete", "{00000000-0000-0000-0000-000000000001}"}).exit_code, 2);
  EXPECT_EQ(Rsm({"pool", "create", "App\\X", "--media-type", "DLT"}).exit_code, 2);
  EXPECT_EQ(Rsm({"pool", "move", "A00001L6", "Nope"}).exit_code, 2);
  // The system pools are rsmd's.
  CommandResult sys = Rsm({"--json", "pool", "delete", "Free"});
  EXPECT_EQ(sys.exit_code, 1);
  EXPECT_EQ(nlohmann::json::parse(sys.out, nullptr, false)["error"], "ERROR_INVALID_MEDIA_POOL");
}

}  // namespace
}  // namespace openrsm::apitest
