// libFuzzer target: READ ELEMENT STATUS data, plus the other data-in parsers
// of the SCSI layer (INQUIRY, VPD 0x80/0x83, MODE SENSE page 0x1D, READ
// POSITION) on the same bytes. Any crash, out-of-bounds read (ASan), UB
// (UBSan) or broken invariant (abort) is a finding.
#include <cstdint>
#include <cstdlib>
#include <span>

#include "devices/scsi/parse.h"

using namespace openrsm::devices::scsi;

namespace {
void Check(bool ok) {
  if (!ok) std::abort();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const ByteSpan in(data, size);

  auto es = ParseElementStatus(in);
  Check(es.ok() == (size >= 8) || es.status().code() == openrsm::err::kBadFormat);
  if (es.ok()) {
    Check(es->elements.size() <= size / 3);
    for (const ElementDescriptor& e : es->elements) {
      const auto t = static_cast<uint8_t>(e.type);
      Check(t >= 1 && t <= 4);
      if (e.device_id && !e.device_id->complete) Check(e.serial.empty());
      if (!e.full) Check(e.volume_tag.empty());
      Check(e.volume_tag.size() <= 32);
    }
  }

  (void)ParseInquiry(in);
  (void)ParseUnitSerialNumber(in);
  if (auto ids = ParseDeviceIdentification(in); ids.ok()) {
    for (const Designator& d : *ids) (void)d.Text();
  }
  (void)ParseElementAddressAssignment(in, ModeSenseFormat::k6);
  (void)ParseElementAddressAssignment(in, ModeSenseFormat::k10);
  Check(ParseReadPositionShort(in).ok() == (size >= kReadPositionShortLength));
  return 0;
}
