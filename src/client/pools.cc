// libntmsapi: the media pool functions (CreateNtmsMediaPool,
// DeleteNtmsMediaPool, GetNtmsMediaPoolName, MoveToNtmsMediaPool) and
// SetNtmsObjectInformation, over the RPC client. The conventions of
// ntmsapi.cc hold: handle first (ERROR_INVALID_HANDLE), then the parameters
// this side can check, then rsmd's answer; out-parameters are written only on
// success (and GetNtmsMediaPoolName's size on ERROR_INSUFFICIENT_BUFFER).
// Choices where the SDK is silent: docs/compat.md "Media pools".
#include <cstring>
#include <optional>
#include <string>

#include "client/call.h"
#include "common/object_info.h"
#include "common/utf.h"
#include "ntmsapi.h"

using openrsm::Guid;
using openrsm::client::ClientSession;
using openrsm::client::GuidOf;
using openrsm::client::SetGuid;
using openrsm::client::WithSession;

namespace {

// A NUL-terminated UTF-16 string as UTF-8; nullopt on an unpaired surrogate.
std::optional<std::string> FromWide(LPCWSTR w) {
  const char16_t* p = reinterpret_cast<const char16_t*>(w);
  size_t n = 0;
  while (p[n]) ++n;
  return openrsm::Utf16ToUtf8(std::u16string_view(p, n));
}

// A fixed-size string field of an information structure: NUL-terminated
// within its array and valid text, else nullopt.
std::optional<std::string> Field(const CHAR* s, size_t cap) {
  size_t n = strnlen(s, cap);
  if (n == cap) return std::nullopt;
  std::string out(s, n);
  if (!openrsm::IsValidUtf8(out)) return std::nullopt;
  return out;
}
std::optional<std::string> Field(const WCHAR* s, size_t cap) {
  const char16_t* p = reinterpret_cast<const char16_t*>(s);
  size_t n = 0;
  while (n < cap && p[n]) ++n;
  if (n == cap) return std::nullopt;
  return openrsm::Utf16ToUtf8(std::u16string_view(p, n));
}
#define FIELD(arr) Field((arr), sizeof(arr) / sizeof((arr)[0]))

// lpSecurityAttributes: NULL is the default security; a structure with the
// wrong nLength is ERROR_INVALID_PARAMETER; a security descriptor cannot be
// honoured yet (docs/compat.md): ERROR_NOT_SUPPORTED.
DWORD CheckSecurityAttributes(const SECURITY_ATTRIBUTES* sa) {
  if (!sa) return ERROR_SUCCESS;
  if (sa->nLength != sizeof(SECURITY_ATTRIBUTES)) return ERROR_INVALID_PARAMETER;
  if (sa->lpSecurityDescriptor) return ERROR_NOT_SUPPORTED;
  return ERROR_SUCCESS;
}

DWORD CreatePool(ClientSession& s, const std::optional<std::string>& name, LPNTMS_GUID media_type, DWORD action,
                 LPSECURITY_ATTRIBUTES sa, LPNTMS_GUID id) {
  if (DWORD rc = CheckSecurityAttributes(sa); rc != ERROR_SUCCESS) return rc;
  if (!name) return ERROR_INVALID_NAME;  // not text
  auto r = s.rpc->CreatePool(*name, media_type ? GuidOf(media_type) : Guid(), action);
  if (!r.ok()) return r.status().code();
  SetGuid(*r, id);
  return ERROR_SUCCESS;
}

// *size: the buffer's size in characters on input; the name's length in
// characters with its NUL on output (success and ERROR_INSUFFICIENT_BUFFER).
template <typename Char>
DWORD GetPoolName(HANDLE h, LPNTMS_GUID pool, Char* buf, LPDWORD size) {
  return WithSession(h, [&](ClientSession& s) -> DWORD {
    if (!size) return ERROR_INVALID_PARAMETER;
    if (!pool) return ERROR_INVALID_MEDIA_POOL;  // "the media pool ID is missing" (SDK)
    if (!buf && *size != 0) return ERROR_INVALID_PARAMETER;
    auto name = s.rpc->GetPoolName(GuidOf(pool));
    if (!name.ok()) return name.status().code();
    std::basic_string<Char> text;
    if constexpr (sizeof(Char) == 1)
      text = *name;
    else
      text = openrsm::Utf8ToUtf16(*name);
    const DWORD need = DWORD(text.size() + 1);
    if (*size < need) {
      *size = need;
      return ERROR_INSUFFICIENT_BUFFER;
    }
    std::memcpy(buf, text.c_str(), need * sizeof(Char));
    *size = need;
    return ERROR_SUCCESS;
  });
}

template <typename Info>
DWORD SetInfo(HANDLE h, LPNTMS_GUID id, const Info* info) {
  return WithSession(h, [&](ClientSession& s) -> DWORD {
    if (!id || !info) return ERROR_INVALID_PARAMETER;
    if (info->dwSize != sizeof(Info) || info->dwType > NTMS_UI_DESTINATION) return ERROR_INVALID_PARAMETER;
    auto name = FIELD(info->szName);
    auto description = FIELD(info->szDescription);
    if (!name || !description) return ERROR_INVALID_PARAMETER;
    openrsm::ObjectInfo o;
    o.type = info->dwType;
    o.name = *name;
    o.description = *description;
    if (info->dwType == NTMS_MEDIA_POOL) {
      const auto& p = info->Info.MediaPool;
      openrsm::MediaPoolInfo i;
      i.media_type = GuidOf(&p.MediaType);
      i.allocation_policy = p.AllocationPolicy;
      i.deallocation_policy = p.DeallocationPolicy;
      i.max_allocates = p.dwMaxAllocates;
      o.info = i;
    }
    return s.rpc->SetObjectInfo(GuidOf(id), o).code();
  });
}

}  // namespace

extern "C" {

DWORD WINAPI CreateNtmsMediaPoolA(HANDLE hSession, LPCSTR lpPoolName, LPNTMS_GUID lpMediaType, DWORD dwAction,
                                  LPSECURITY_ATTRIBUTES lpSecurityAttributes, LPNTMS_GUID lpPoolId) {
  return WithSession(hSession, [&](ClientSession& s) -> DWORD {
    if (!lpPoolName || !lpPoolId) return ERROR_INVALID_PARAMETER;
    std::optional<std::string> name(lpPoolName);
    if (!openrsm::IsValidUtf8(*name)) name.reset();
    return CreatePool(s, name, lpMediaType, dwAction, lpSecurityAttributes, lpPoolId);
  });
}

DWORD WINAPI CreateNtmsMediaPoolW(HANDLE hSession, LPCWSTR lpPoolName, LPNTMS_GUID lpMediaType, DWORD dwAction,
                                  LPSECURITY_ATTRIBUTES lpSecurityAttributes, LPNTMS_GUID lpPoolId) {
  return WithSession(hSession, [&](ClientSession& s) -> DWORD {
    if (!lpPoolName || !lpPoolId) return ERROR_INVALID_PARAMETER;
    return CreatePool(s, FromWide(lpPoolName), lpMediaType, dwAction, lpSecurityAttributes, lpPoolId);
  });
}

DWORD WINAPI DeleteNtmsMediaPool(HANDLE hSession, LPNTMS_GUID lpPoolId) {
  return WithSession(hSession, [&](ClientSession& s) -> DWORD {
    if (!lpPoolId) return ERROR_INVALID_PARAMETER;
    return s.rpc->DeletePool(GuidOf(lpPoolId)).code();
  });
}

DWORD WINAPI GetNtmsMediaPoolNameA(HANDLE hSession, LPNTMS_GUID lpPoolId, LPSTR lpNameBuf, LPDWORD lpdwBufSize) {
  return GetPoolName(hSession, lpPoolId, lpNameBuf, lpdwBufSize);
}

DWORD WINAPI GetNtmsMediaPoolNameW(HANDLE hSession, LPNTMS_GUID lpPoolId, LPWSTR lpNameBuf, LPDWORD lpdwBufSize) {
  return GetPoolName(hSession, lpPoolId, reinterpret_cast<char16_t*>(lpNameBuf), lpdwBufSize);
}

DWORD WINAPI MoveToNtmsMediaPool(HANDLE hSession, LPNTMS_GUID lpMediaId, LPNTMS_GUID lpPoolId) {
  return WithSession(hSession, [&](ClientSession& s) -> DWORD {
    if (!lpMediaId || !lpPoolId) return ERROR_INVALID_PARAMETER;
    return s.rpc->MoveToPool(GuidOf(lpMediaId), GuidOf(lpPoolId)).code();
  });
}

DWORD WINAPI SetNtmsObjectInformationA(HANDLE hSession, LPNTMS_GUID lpObjectId, LPNTMS_OBJECTINFORMATIONA lpInfo) {
  return SetInfo(hSession, lpObjectId, lpInfo);
}

DWORD WINAPI SetNtmsObjectInformationW(HANDLE hSession, LPNTMS_GUID lpObjectId, LPNTMS_OBJECTINFORMATIONW lpInfo) {
  return SetInfo(hSession, lpObjectId, lpInfo);
}

}  // extern "C"
