// tests/layers probe: must not compile: the generated protobuf code in the service layer.
#include "rpc/rsm.pb.h"
