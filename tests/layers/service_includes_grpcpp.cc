// tests/layers probe: must not compile: gRPC C++ in the service layer.
#include <grpcpp/grpcpp.h>
