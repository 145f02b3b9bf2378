// api_status_test.cc - the API status table in README.md, the functions
// declared in include/ntmsapi.h and kImplementedFunctions (api_status.h)
// must agree.
//
// README.md holds the table between the lines
//   <!-- api-status:begin -->  and  <!-- api-status:end -->
// with one row per declared function:
//   | FunctionName | implemented |   or   | FunctionName | not supported |
// (a "| Function | Status |" header row and a |---| separator are allowed).
//
// Needs the compile definition OPENRSM_SOURCE_DIR (the source tree root).
#include "client/api_status.h"

#include <gtest/gtest.h>

#include <cstddef>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#ifndef OPENRSM_SOURCE_DIR
#error "OPENRSM_SOURCE_DIR must name the source tree root"
#endif

namespace {

constexpr const char* kBeginMarker = "<!-- api-status:begin -->";
constexpr const char* kEndMarker = "<!-- api-status:end -->";
constexpr const char* kImplemented = "implemented";
constexpr const char* kNotSupported = "not supported";

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return {};
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string SourcePath(const char* relative) { return std::string(OPENRSM_SOURCE_DIR) + "/" + relative; }

std::string Trim(const std::string& s) {
  const auto first = s.find_first_not_of(" \t\r");
  if (first == std::string::npos) return {};
  const auto last = s.find_last_not_of(" \t\r");
  return s.substr(first, last - first + 1);
}

// Names of the functions the header declares ("<type> WINAPI Name(").
std::set<std::string> DeclaredFunctions(const std::string& header) {
  std::set<std::string> names;
  const std::regex decl(R"(\bWINAPI\s+(\w+)\s*\()");
  for (auto it = std::sregex_iterator(header.begin(), header.end(), decl); it != std::sregex_iterator(); ++it) {
    names.insert((*it)[1].str());
  }
  return names;
}

struct StatusTable {
  std::map<std::string, std::string> status;  // function -> status text
  std::vector<std::string> errors;            // malformed content
};

// Parses the marked table out of a README text.
StatusTable ParseStatusTable(const std::string& readme) {
  StatusTable table;
  const auto begin = readme.find(kBeginMarker);
  const auto end = readme.find(kEndMarker);
  if (begin == std::string::npos || end == std::string::npos || end < begin) {
    table.errors.push_back("api-status begin/end markers missing or out of order");
    return table;
  }
  if (readme.find(kBeginMarker, begin + 1) != std::string::npos ||
      readme.find(kEndMarker, end + 1) != std::string::npos) {
    table.errors.push_back("api-status markers appear more than once");
  }

  const std::regex row(R"(^\|\s*([^|]*?)\s*\|\s*([^|]*?)\s*\|$)");
  const std::regex separator(R"(^\|[\s|:-]*\|$)");
  const std::regex identifier(R"(^[A-Za-z_]\w*$)");
  std::istringstream lines(
      readme.substr(begin + std::string(kBeginMarker).size(), end - begin - std::string(kBeginMarker).size()));
  std::string line;
  while (std::getline(lines, line)) {
    line = Trim(line);
    if (line.empty() || std::regex_match(line, separator)) continue;
    std::smatch m;
    if (!std::regex_match(line, m, row)) {
      table.errors.push_back("not a two-column table row: " + line);
      continue;
    }
    const std::string name = m[1].str();
    const std::string status = m[2].str();
    if (name == "Function" && status == "Status") continue;  // header row
    if (!std::regex_match(name, identifier)) {
      table.errors.push_back("bad function name in row: " + line);
    } else if (status != kImplemented && status != kNotSupported) {
      table.errors.push_back("unknown status in row: " + line);
    } else if (!table.status.emplace(name, status).second) {
      table.errors.push_back("duplicate row for " + name);
    }
  }
  return table;
}

std::set<std::string> ImplementedList() {
  return std::set<std::string>(std::begin(kImplementedFunctions), std::end(kImplementedFunctions));
}

TEST(ApiStatusParser, ReadsRowsBetweenMarkers) {
  const StatusTable t = ParseStatusTable(
      "| Outside | implemented |\n"
      "<!-- api-status:begin -->\n"
      "| Function | Status |\n"
      "|---|---|\n"
      "| OpenNtmsSessionA | implemented |\n"
      "|  SwapNtmsMedia  |  not supported  |\n"
      "<!-- api-status:end -->\n");
  EXPECT_TRUE(t.errors.empty());
  const std::map<std::string, std::string> want = {{"OpenNtmsSessionA", "implemented"},
                                                   {"SwapNtmsMedia", "not supported"}};
  EXPECT_EQ(want, t.status);
}

TEST(ApiStatusParser, RejectsMalformedTables) {
  EXPECT_FALSE(ParseStatusTable("| A | implemented |\n").errors.empty());
  EXPECT_FALSE(ParseStatusTable("<!-- api-status:begin -->\n| A | done |\n"
                                "<!-- api-status:end -->\n")
                   .errors.empty());
  EXPECT_FALSE(ParseStatusTable("<!-- api-status:begin -->\n| A | implemented |\n"
                                "| A | implemented |\n<!-- api-status:end -->\n")
                   .errors.empty());
}

TEST(ApiStatusParser, FindsDeclarations) {
  const std::set<std::string> want = {"CloseNtmsSession", "OpenNtmsSessionW"};
  EXPECT_EQ(want, DeclaredFunctions("HANDLE WINAPI OpenNtmsSessionW(LPCWSTR a);\n"
                                    "DWORD WINAPI CloseNtmsSession (HANDLE h);\n"
                                    "#define OpenNtmsSession OpenNtmsSessionW\n"));
}

class ApiStatus : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string header = ReadFile(SourcePath("include/ntmsapi.h"));
    ASSERT_FALSE(header.empty()) << "cannot read include/ntmsapi.h";
    declared_ = DeclaredFunctions(header);
    ASSERT_FALSE(declared_.empty()) << "no declarations found in ntmsapi.h";

    const std::string readme = ReadFile(SourcePath("README.md"));
    ASSERT_FALSE(readme.empty()) << "cannot read README.md";
    table_ = ParseStatusTable(readme);
  }

  std::set<std::string> declared_;
  StatusTable table_;
};

TEST_F(ApiStatus, ReadmeTableIsWellFormed) {
  for (const std::string& e : table_.errors) ADD_FAILURE() << e;
}

TEST_F(ApiStatus, ReadmeTableListsExactlyTheDeclaredFunctions) {
  std::set<std::string> listed;
  for (const auto& [name, status] : table_.status) listed.insert(name);
  for (const std::string& name : declared_) {
    EXPECT_TRUE(listed.count(name)) << name << " is declared but missing from README.md";
  }
  for (const std::string& name : listed) {
    EXPECT_TRUE(declared_.count(name)) << name << " is in README.md but not declared";
  }
}

TEST_F(ApiStatus, ReadmeImplementedRowsMatchImplementedList) {
  std::set<std::string> readme_implemented;
  for (const auto& [name, status] : table_.status) {
    if (status == kImplemented) readme_implemented.insert(name);
  }
  EXPECT_EQ(ImplementedList(), readme_implemented);
}

TEST_F(ApiStatus, ImplementedListNamesDeclaredFunctionsOnce) {
  const std::set<std::string> implemented = ImplementedList();
  EXPECT_EQ(std::size(kImplementedFunctions), implemented.size()) << "duplicate name in kImplementedFunctions";
  for (const std::string& name : implemented) {
    EXPECT_TRUE(declared_.count(name)) << name << " is not declared in ntmsapi.h";
  }
}

}  // namespace
