// tests/layers probe: must not compile: gRPC's C core in the service layer.
#include <grpc/grpc.h>
