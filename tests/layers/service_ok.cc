// tests/layers probe: the service layer may use the catalogue, the devices and common.
#include "catalog/store.h"
#include "common/object_info.h"
#include "devices/device.h"
#include "service/service.h"

int LayersProbeServiceOk() { return openrsm::ObjectInfo().type == 0 ? 0 : 1; }
