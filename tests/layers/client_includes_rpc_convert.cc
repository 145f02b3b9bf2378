// tests/layers probe: must not compile: the RPC client's protobuf conversions in libntmsapi.
#include "rpc/client/convert.h"
