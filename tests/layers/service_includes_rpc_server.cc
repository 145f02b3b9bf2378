// tests/layers probe: must not compile: the RPC server in the service layer.
#include "rpc/server/server.h"
