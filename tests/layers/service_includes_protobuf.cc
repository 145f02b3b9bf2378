// tests/layers probe: must not compile: protobuf in the service layer.
#include <google/protobuf/message.h>
