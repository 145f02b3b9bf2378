// libFuzzer target: sense data (fixed and descriptor format), the sense
// table and the log text built from it.
#include <cstdint>
#include <cstdlib>
#include <span>

#include "devices/scsi/sense.h"

using namespace openrsm::devices::scsi;

namespace {
void Check(bool ok) {
  if (!ok) std::abort();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto s = ParseSense(ByteSpan(data, size));
  if (!s.ok()) {
    Check(s.status().code() == openrsm::err::kBadFormat);
    return 0;
  }
  Check(s->response_code >= 0x70 && s->response_code <= 0x73);
  Check(static_cast<uint8_t>(s->key) <= 0x0F);
  const SenseVerdict v = ClassifySense(*s);
  Check((v.error == openrsm::err::kSuccess) == (v.action == SenseAction::kNone));
  Check(!v.text.empty());
  const std::string text = DescribeSense(*s);
  Check(!text.empty());
  const openrsm::Status st = SenseStatus(*s, "FUZZ");
  Check(st.ok() == (v.action == SenseAction::kNone));
  (void)s->Residual();
  return 0;
}
