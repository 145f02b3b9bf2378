// tests/layers probe: must not compile: rsmd's service in libntmsapi.
#include "service/service.h"
