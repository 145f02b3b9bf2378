// Small helpers the Service's API operations share (service.cc,
// ieports_api.cc): building an error Status, mapping "no such row" to a
// call's documented code, and a library's presence/online tests.
#pragma once

#include <string>
#include <utility>

#include "catalog/model.h"
#include "catalog/ntms_values.h"
#include "common/status.h"

namespace openrsm::service {

inline Status Err(uint32_t code, std::string msg) { return Status(code, std::move(msg)); }

// Maps "not in that table" (ERROR_OBJECT_NOT_FOUND) to the call's documented code.
inline Status NotFoundAs(const Status& st, uint32_t code) {
  return st.code() == err::kObjectNotFound ? Status(code, st.message()) : st;
}

inline bool LibraryPresent(const catalog::Library& lib) { return lib.h.op_state != ntms::kNotPresent; }
inline bool LibraryOnline(const catalog::Library& lib) { return lib.h.op_state == ntms::kReady; }

}  // namespace openrsm::service
