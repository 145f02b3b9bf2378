// Forced into every translation unit of the layers that must not use gRPC
// or protobuf (common, catalog, devices, service, the C API in src/client):
// CMakeLists.txt adds `-include cmake/no_rpc.h` to those targets only.
//
// Their include paths do not have the generated rpc/*.pb.h headers (build/gen),
// but gRPC's and protobuf's own headers are installed under /usr/include,
// which every target sees. Poisoning names that each of those headers uses
// makes including one of them (directly or through another header) a
// compile error in these layers: `google` (protobuf's namespace), `grpc`
// (gRPC C++'s namespace) and `GRPCAPI` (tested by every gRPC C header,
// through grpc/support/port_platform.h). tests/layers checks that it works.
#pragma GCC poison google grpc GRPCAPI
