#include "catalog/sqlite/file_check.h"

#include <fmt/format.h>

#include <cstring>

namespace openrsm::catalog::sqlite {
namespace {

constexpr int kHeaderSize = 100;
constexpr char kMagic[16] = "SQLite format 3";  // with its terminating NUL: 16 bytes

Status Damaged(std::string_view why) {
  return Status(err::kDatabaseFailure, fmt::format("catalog failure: database file damaged: {}", why));
}

uint32_t Be16(const uint8_t* p) { return uint32_t(p[0]) << 8 | p[1]; }
uint32_t Be32(const uint8_t* p) { return uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | p[3]; }

// Page size field: 1 means 65536 (https://www.sqlite.org/fileformat.html#page_size).
uint32_t PageSize(const uint8_t* h) {
  uint32_t v = Be16(h + 16);
  return v == 1 ? 65536 : v;
}

Result<sqlite3_file*> MainFile(Db& db) {
  sqlite3_file* file = nullptr;
  int rc = sqlite3_file_control(db.raw(), "main", SQLITE_FCNTL_FILE_POINTER, &file);
  if (rc != SQLITE_OK || file == nullptr || file->pMethods == nullptr) return Damaged("database file is not open");
  return file;
}

// Only the first 100 bytes (one pread on SQLite's own descriptor).
Status ReadHeaderOnly(sqlite3_file* file, uint8_t (&header)[kHeaderSize]) {
  int rc = file->pMethods->xRead(file, header, kHeaderSize, 0);
  if (rc == SQLITE_IOERR_SHORT_READ) return Damaged("truncated (short header)");
  if (rc != SQLITE_OK) return Damaged(fmt::format("cannot read its header ({})", sqlite3_errstr(rc)));
  return Status::Ok();
}

// The connection's main-file handle, its size and its first 100 bytes.
Status ReadHeader(Db& db, uint8_t (&header)[kHeaderSize], sqlite3_int64* size) {
  RSM_ASSIGN_OR_RETURN(sqlite3_file * file, MainFile(db));
  int moved = 0;
  int rc = sqlite3_file_control(db.raw(), "main", SQLITE_FCNTL_HAS_MOVED, &moved);
  if (rc == SQLITE_OK && moved) return Damaged("the file was deleted, renamed or replaced");
  rc = file->pMethods->xFileSize(file, size);
  if (rc != SQLITE_OK) return Damaged(fmt::format("cannot read its size ({})", sqlite3_errstr(rc)));
  if (*size < kHeaderSize) return Damaged(fmt::format("truncated to {} bytes", *size));
  rc = file->pMethods->xRead(file, header, kHeaderSize, 0);
  if (rc != SQLITE_OK) return Damaged(fmt::format("cannot read its header ({})", sqlite3_errstr(rc)));
  return Status::Ok();
}

Status CheckHeaderShape(const uint8_t* h) {
  if (std::memcmp(h, kMagic, sizeof kMagic) != 0) return Damaged("bad header magic");
  if (h[18] != 2 || h[19] != 2) return Damaged(fmt::format("not in WAL mode (versions {}/{})", h[18], h[19]));
  if (h[21] != 64 || h[22] != 32 || h[23] != 32) return Damaged("bad payload fractions");
  if (Be32(h + 56) != SQLITE_UTF8) return Damaged("bad text encoding");
  return Status::Ok();
}

}  // namespace

Status ReadFileExpectation(Db& db, FileExpectation* out) {
  uint8_t h[kHeaderSize];
  sqlite3_int64 size = 0;
  RSM_RETURN_IF_ERROR(ReadHeader(db, h, &size));
  RSM_RETURN_IF_ERROR(CheckHeaderShape(h));
  out->page_size = PageSize(h);
  out->reserved_bytes = h[20];
  out->application_id = Be32(h + 68);
  return Status::Ok();
}

namespace {
Status CheckExpected(const uint8_t* h, const FileExpectation& expect) {
  RSM_RETURN_IF_ERROR(CheckHeaderShape(h));
  if (PageSize(h) != expect.page_size || h[20] != expect.reserved_bytes)
    return Damaged(fmt::format("page size {} (expected {})", PageSize(h), expect.page_size));
  if (Be32(h + 68) != expect.application_id) return Damaged("not an OpenRSM catalogue (application_id)");
  return Status::Ok();
}
}  // namespace

Status CheckDatabaseHeader(Db& db, const FileExpectation& expect) {
  uint8_t h[kHeaderSize];
  RSM_ASSIGN_OR_RETURN(sqlite3_file * file, MainFile(db));
  RSM_RETURN_IF_ERROR(ReadHeaderOnly(file, h));
  return CheckExpected(h, expect);
}

Status CheckDatabaseFile(Db& db, const FileExpectation& expect) {
  uint8_t h[kHeaderSize];
  sqlite3_int64 size = 0;
  RSM_RETURN_IF_ERROR(ReadHeader(db, h, &size));
  RSM_RETURN_IF_ERROR(CheckExpected(h, expect));
  if (size < sqlite3_int64(expect.page_size) || size % expect.page_size != 0)
    return Damaged(fmt::format("size {} is not a whole number of {}-byte pages", size, expect.page_size));
  return Status::Ok();
}

}  // namespace openrsm::catalog::sqlite
