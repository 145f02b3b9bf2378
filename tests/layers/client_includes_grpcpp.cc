// tests/layers probe: must not compile: gRPC C++ in libntmsapi's C API layer.
#include <grpcpp/grpcpp.h>
