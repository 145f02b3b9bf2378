// Output of the rsm CLI: every command builds its result as JSON values
// (objects with stable snake_case keys), printed either as JSON (--json) or
// as an aligned text table / plain text for people.
#pragma once

#include <iosfwd>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "connect.h"
#include "objects.h"

namespace rsmcli {

using Json = nlohmann::ordered_json;

// One column of a human table: its header and the row key it shows.
struct Column {
  std::string header;
  std::string key;
};

// The text of a JSON value in a table cell: strings as is, booleans as
// yes/no, numbers in decimal, null and "" as "-".
std::string CellText(const Json& value);

// Prints `rows` (a JSON array of objects): as JSON when `json`, else as a
// table of `columns` (header line, then one line per row, columns separated
// by two spaces and padded to their widest cell).
void PrintList(std::ostream& out, const Json& rows, const std::vector<Column>& columns, bool json);

// Prints the result of an action: `result` as JSON when `json`, else `text`
// (followed by a newline unless empty).
void PrintResult(std::ostream& out, const Json& result, const std::string& text, bool json);

// Reports a failed API call: "rsm: OP: ERROR_NAME (code): meaning" on
// stderr and, in JSON mode, {"error": "ERROR_NAME", "code": N, ...} on stdout.
void PrintApiError(const ApiError& e, bool json);

// Reports a usage error (bad argument, unknown command or object): "rsm:
// MESSAGE" on stderr, then `hint` on a line of its own when not empty, and,
// in JSON mode, {"error": "USAGE", "message": MESSAGE} on stdout.
void PrintUsageError(const std::string& message, bool json, const std::string& hint = "");

// Reports that the session could not be opened because rsmd cannot be
// reached at `socket`: "rsm: cannot reach rsmd: DIAGNOSIS (OP: ERROR_NAME
// (code))" on stderr and, in JSON mode, the PrintApiError object plus
// "reason" (SocketDiagnosis::reason) and "socket" on stdout.
void PrintConnectError(const ApiError& e, const SocketDiagnosis& d, const std::string& socket, bool json);

// A GUID as a JSON string, or null for the null GUID.
Json GuidJson(const NTMS_GUID& g);
// A string as JSON, or null when empty.
Json StringOrNull(const std::string& s);

}  // namespace rsmcli
