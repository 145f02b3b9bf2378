// Names and meanings of the Win32 error codes the API returns (values from
// ntmsapi.h): the one table, used by rsmd's logs and the rsm CLI.
#include "common/status.h"

#include <fmt/format.h>

namespace openrsm {
namespace {
struct NamedCode {
  uint32_t code;
  const char* name;
  const char* meaning;  // a short English phrase, for people (rsm prints it)
};
constexpr NamedCode kNames[] = {
    {0, "ERROR_SUCCESS", "the operation succeeded"},
    {5, "ERROR_ACCESS_DENIED", "access denied (missing RSM access right)"},
    {6, "ERROR_INVALID_HANDLE", "the session handle is not valid"},
    {8, "ERROR_NOT_ENOUGH_MEMORY", "not enough memory"},
    {11, "ERROR_BAD_FORMAT", "bad format"},
    {15, "ERROR_INVALID_DRIVE", "the drive is not valid"},
    {19, "ERROR_WRITE_PROTECT", "the media is write protected"},
    {21, "ERROR_NOT_READY", "the server or device is not ready"},
    {32, "ERROR_SHARING_VIOLATION", "the object is in use"},
    {50, "ERROR_NOT_SUPPORTED", "the request is not supported"},
    {87, "ERROR_INVALID_PARAMETER", "a parameter is missing or not valid"},
    {120, "ERROR_CALL_NOT_IMPLEMENTED", "the function is not implemented"},
    {122, "ERROR_INSUFFICIENT_BUFFER", "the buffer is too small"},
    {123, "ERROR_INVALID_NAME", "the name is not valid"},
    {170, "ERROR_BUSY", "the media, drive or resource is busy"},
    {183, "ERROR_ALREADY_EXISTS", "the object already exists"},
    {232, "ERROR_NO_DATA", "no data"},
    {487, "ERROR_INVALID_ADDRESS", "invalid address"},
    {1165, "ERROR_DEVICE_REQUIRES_CLEANING", "the device needs cleaning"},
    {1201, "ERROR_CONNECTION_UNAVAIL", "the connection is unavailable"},
    {1210, "ERROR_INVALID_COMPUTERNAME", "the computer name is not valid"},
    {1222, "ERROR_NO_NETWORK", "the network is not present"},
    {1223, "ERROR_CANCELLED", "the request was cancelled"},
    {1350, "ERROR_NO_SECURITY_ON_OBJECT", "the object has no security descriptor"},
    {1460, "ERROR_TIMEOUT", "the operation timed out"},
    {1734, "RPC_S_INVALID_BOUND", "the array bounds are not valid"},
    {1785, "ERROR_UNRECOGNIZED_MEDIA", "the media is not recognized"},
    {2250, "ERROR_NOT_CONNECTED", "not connected to rsmd (is it running? see $RSM_SOCKET)"},
    {4300, "ERROR_INVALID_MEDIA", "the media identifier is not valid"},
    {4301, "ERROR_INVALID_LIBRARY", "the library identifier is not valid"},
    {4302, "ERROR_INVALID_MEDIA_POOL", "the media pool identifier is not valid"},
    {4303, "ERROR_DRIVE_MEDIA_MISMATCH", "the drive and media are incompatible or in different libraries"},
    {4304, "ERROR_MEDIA_OFFLINE", "the media is offline"},
    {4305, "ERROR_LIBRARY_OFFLINE", "the library is offline"},
    {4306, "ERROR_EMPTY", "the drive, slot or container is empty"},
    {4307, "ERROR_NOT_EMPTY", "the object is not empty"},
    {4308, "ERROR_MEDIA_UNAVAILABLE", "no media is available"},
    {4309, "ERROR_RESOURCE_DISABLED", "the drive, library or media is disabled"},
    {4310, "ERROR_INVALID_CLEANER", "the cleaner cartridge is not valid"},
    {4311, "ERROR_UNABLE_TO_CLEAN", "the drive could not be cleaned"},
    {4312, "ERROR_OBJECT_NOT_FOUND", "the object was not found"},
    {4313, "ERROR_DATABASE_FAILURE", "the database is inaccessible or damaged"},
    {4314, "ERROR_DATABASE_FULL", "the database is full"},
    {4315, "ERROR_MEDIA_INCOMPATIBLE", "the media type is incompatible"},
    {4316, "ERROR_RESOURCE_NOT_PRESENT", "the resource is not present"},
    {4317, "ERROR_INVALID_OPERATION", "the operation is not valid"},
    {4318, "ERROR_MEDIA_NOT_AVAILABLE", "the media is not available"},
    {4319, "ERROR_DEVICE_NOT_AVAILABLE", "the device is not available"},
    {4320, "ERROR_REQUEST_REFUSED", "the request was refused"},
    {4321, "ERROR_INVALID_DRIVE_OBJECT", "the drive object is not valid"},
    {4322, "ERROR_LIBRARY_FULL", "the library is full"},
    {4323, "ERROR_MEDIUM_NOT_ACCESSIBLE", "the medium is not accessible"},
    {4324, "ERROR_UNABLE_TO_LOAD_MEDIUM", "the medium could not be loaded"},
    {4325, "ERROR_UNABLE_TO_INVENTORY_DRIVE", "the drive could not be inventoried"},
    {4326, "ERROR_UNABLE_TO_INVENTORY_SLOT", "the slot could not be inventoried"},
    {4327, "ERROR_UNABLE_TO_INVENTORY_TRANSPORT", "the transport could not be inventoried"},
    {4328, "ERROR_TRANSPORT_FULL", "the transport already holds media"},
    {4329, "ERROR_CONTROLLING_IEPORT", "the insert/eject port could not be controlled"},
    {4330, "ERROR_UNABLE_TO_EJECT_MOUNTED_MEDIA", "mounted media cannot be ejected"},
    {4331, "ERROR_CLEANER_SLOT_SET", "a cleaner slot is already reserved"},
    {4332, "ERROR_CLEANER_SLOT_NOT_SET", "no cleaner slot is reserved"},
    {4333, "ERROR_CLEANER_CARTRIDGE_SPENT", "the cleaner cartridge is spent"},
    {4334, "ERROR_UNEXPECTED_OMID", "unexpected on-media identifier"},
    {4335, "ERROR_CANT_DELETE_LAST_ITEM", "the last item cannot be deleted"},
    {4336, "ERROR_MESSAGE_EXCEEDS_MAX_SIZE", "the message exceeds the maximum size"},
    {4337, "ERROR_VOLUME_CONTAINS_SYS_FILES", "the volume contains system files"},
    {4338, "ERROR_INDIGENOUS_TYPE", "the media type cannot be removed from the library"},
    {4339, "ERROR_NO_SUPPORTING_DRIVES", "no drive supports this media"},
    {4340, "ERROR_CLEANER_CARTRIDGE_INSTALLED", "a cleaner cartridge is installed"},
    {4341, "ERROR_IEPORT_FULL", "the insert/eject port is full"},
    {4350, "ERROR_FILE_OFFLINE", "the file is offline"},
    {4351, "ERROR_REMOTE_STORAGE_NOT_ACTIVE", "remote storage is not active"},
    {4352, "ERROR_REMOTE_STORAGE_MEDIA_ERROR", "remote storage media error"},
    {5006, "ERROR_RESOURCE_NOT_AVAILABLE", "the resource is not available"},
    {5023, "ERROR_INVALID_STATE", "the object is in the wrong state for the request"},
};
}  // namespace

std::string ErrorName(uint32_t code) {
  for (const auto& n : kNames)
    if (n.code == code) return n.name;
  return fmt::format("ERROR_{}", code);
}

std::string ErrorMeaning(uint32_t code) {
  for (const auto& n : kNames)
    if (n.code == code) return n.meaning;
  return "unknown error";
}

std::string Status::ToString() const {
  if (ok()) return "OK";
  return msg_.empty() ? ErrorName(code_) : fmt::format("{}: {}", ErrorName(code_), msg_);
}

}  // namespace openrsm
