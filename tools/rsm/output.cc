#include "output.h"

#include <algorithm>
#include <iostream>

#include "names.h"

namespace rsmcli {
namespace {

// Display width of UTF-8 text: one column per code point.
size_t Width(const std::string& s) {
  return size_t(
      std::count_if(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

}  // namespace

std::string CellText(const Json& value) {
  if (value.is_null()) return "-";
  if (value.is_string()) {
    const auto& s = value.get_ref<const std::string&>();
    return s.empty() ? "-" : s;
  }
  if (value.is_boolean()) return value.get<bool>() ? "yes" : "no";
  return value.dump();
}

void PrintList(std::ostream& out, const Json& rows, const std::vector<Column>& columns, bool json) {
  if (json) {
    out << rows.dump(2) << "\n";
    return;
  }
  std::vector<std::vector<std::string>> cells;
  std::vector<size_t> widths;
  std::vector<std::string> header;
  for (const Column& c : columns) {
    header.push_back(c.header);
    widths.push_back(Width(c.header));
  }
  cells.push_back(header);
  for (const Json& row : rows) {
    std::vector<std::string> line;
    for (size_t i = 0; i < columns.size(); ++i) {
      auto it = row.find(columns[i].key);
      line.push_back(CellText(it == row.end() ? Json() : *it));
      widths[i] = std::max(widths[i], Width(line.back()));
    }
    cells.push_back(std::move(line));
  }
  for (const auto& line : cells) {
    std::string text;
    for (size_t i = 0; i < line.size(); ++i) {
      text += line[i];
      if (i + 1 < line.size()) text.append(widths[i] - Width(line[i]) + 2, ' ');
    }
    out << text << "\n";
  }
}

void PrintResult(std::ostream& out, const Json& result, const std::string& text, bool json) {
  if (json)
    out << result.dump(2) << "\n";
  else if (!text.empty())
    out << text << "\n";
}

void PrintApiError(const ApiError& e, bool json) {
  std::cerr << "rsm: " << e.operation << ": " << ErrorName(e.code) << " (" << e.code << "): " << ErrorMeaning(e.code)
            << "\n";
  if (json) {
    Json j;
    j["error"] = ErrorName(e.code);
    j["code"] = e.code;
    j["operation"] = e.operation;
    j["message"] = ErrorMeaning(e.code);
    std::cout << j.dump(2) << "\n";
  }
}

void PrintUsageError(const std::string& message, bool json, const std::string& hint) {
  std::cerr << "rsm: " << message << "\n";
  if (!hint.empty()) std::cerr << hint << "\n";
  if (json) {
    Json j;
    j["error"] = "USAGE";
    j["message"] = message;
    std::cout << j.dump(2) << "\n";
  }
}

void PrintConnectError(const ApiError& e, const SocketDiagnosis& d, const std::string& socket, bool json) {
  std::cerr << "rsm: cannot reach rsmd: " << d.message << " (" << e.operation << ": " << ErrorName(e.code) << " ("
            << e.code << "))\n";
  if (json) {
    Json j;
    j["error"] = ErrorName(e.code);
    j["code"] = e.code;
    j["operation"] = e.operation;
    j["message"] = d.message;
    j["reason"] = d.reason;
    j["socket"] = socket;
    std::cout << j.dump(2) << "\n";
  }
}

Json GuidJson(const NTMS_GUID& g) { return IsNullGuid(g) ? Json() : Json(FormatGuid(g)); }

Json StringOrNull(const std::string& s) { return s.empty() ? Json() : Json(s); }

}  // namespace rsmcli
