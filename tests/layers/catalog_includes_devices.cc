// tests/layers probe: must not compile: the catalogue does not know the devices.
#include "devices/device.h"
