// tests/layers probe: must not compile: the devices do not know the catalogue.
#include "catalog/store.h"
