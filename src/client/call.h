// Helpers the C API files of libntmsapi share (pools.cc; ntmsapi.cc keeps
// its own copies for now): running a call on a live session, and GUIDs
// between the C structure and the domain value.
#pragma once

#include <new>

#include "client/session.h"
#include "common/guid.h"
#include "ntmsapi.h"

namespace openrsm::client {

inline Guid GuidOf(const NTMS_GUID* g) { return Guid::FromRaw(g); }
inline void SetGuid(const Guid& g, NTMS_GUID* out) { g.ToRaw(out); }

// Runs `fn` on the live session behind `h` (ERROR_INVALID_HANDLE when there
// is none); no exception leaves it: an allocation failure is
// ERROR_NOT_ENOUGH_MEMORY.
template <typename Fn>
DWORD WithSession(HANDLE h, Fn&& fn) {
  try {
    auto s = Lookup(h);
    if (!s) return ERROR_INVALID_HANDLE;
    return fn(*s);
  } catch (const std::bad_alloc&) {
    return ERROR_NOT_ENOUGH_MEMORY;
  } catch (...) {
    return ERROR_NOT_CONNECTED;
  }
}

}  // namespace openrsm::client
