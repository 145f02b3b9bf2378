// tests/layers probe: libntmsapi may use the RPC client's interface, common and ntmsapi.h.
#include "client/session.h"
#include "common/object_info.h"
#include "ntmsapi.h"
#include "rpc/client/connection.h"

int LayersProbeClientOk() { return openrsm::rpc::kInfinite == INFINITE ? 0 : 1; }
