#include "io/archive.hpp"

#include <cpl_vsi.h>

#include <algorithm>
#include <filesystem>
#include <list>
#include <map>
#include <mutex>

#include <cpl_error.h>
#include <cpl_string.h>
#include <fmt/format.h>

#include "hotspot/error.hpp"
#include "hotspot/strings.hpp"

namespace hotspot {

namespace {

constexpr std::string_view kZipPrefix = "/vsizip/";
constexpr size_t kCacheBytes = size_t{1} << 30;

struct MemberCache {
    std::mutex mutex;
    std::list<std::pair<std::string, std::shared_ptr<const std::string>>> recent;  // most recent first
    size_t bytes = 0;
};

MemberCache& cache() {
    static MemberCache c;
    return c;
}

}  // namespace

bool isZipFile(std::string_view path) {
    return path.size() > 4 && iequals(path.substr(path.size() - 4), ".zip") && path.rfind("/vsi", 0) != 0;
}

bool isArchiveMember(std::string_view path) { return path.rfind(kZipPrefix, 0) == 0; }

std::string archiveOf(std::string_view memberPath) {
    if (!isArchiveMember(memberPath)) return std::string(memberPath);
    std::string_view rest = memberPath.substr(kZipPrefix.size());
    // The archive ends at the first ".zip/" (case-insensitive).
    for (size_t i = 0; i + 5 <= rest.size(); ++i)
        if (iequals(rest.substr(i, 5), ".zip/")) return std::string(rest.substr(0, i + 4));
    return std::string(rest);
}

std::vector<std::string> listZipMembers(const std::string& zipPath) {
    std::error_code ec;
    const std::string absolute = std::filesystem::absolute(zipPath, ec).lexically_normal().string();
    const std::string root = std::string(kZipPrefix) + absolute;
    // A zip of one file stats as that file, of several as a folder: both list their members.
    VSIStatBufL st;
    char** names = VSIStatL(root.c_str(), &st) == 0 ? VSIReadDirRecursive(root.c_str()) : nullptr;
    if (!names) throwInput("cannot be opened as a zip archive (corrupt, truncated, or not a zip file)", {zipPath});
    std::vector<std::string> out;
    for (char** p = names; p && *p; ++p) {
        const std::string member = *p;
        if (member.empty() || member.back() == '/') continue;
        const std::string full = root + "/" + member;
        if (VSIStatL(full.c_str(), &st) == 0 && VSI_ISREG(st.st_mode)) out.push_back(full);
    }
    CSLDestroy(names);
    std::sort(out.begin(), out.end());
    return out;
}

std::shared_ptr<const std::string> archiveMemberBytes(const std::string& memberPath) {
    MemberCache& c = cache();
    std::lock_guard lock(c.mutex);  // one decompression at a time; readers of a cached member wait briefly
    for (auto it = c.recent.begin(); it != c.recent.end(); ++it)
        if (it->first == memberPath) {
            c.recent.splice(c.recent.begin(), c.recent, it);
            return it->second;
        }
    VSIStatBufL st;
    const bool sized = VSIStatL(memberPath.c_str(), &st) == 0;
    CPLErrorReset();
    VSILFILE* f = VSIFOpenL(memberPath.c_str(), "rb");
    if (!f) throwInput("cannot open this member of the archive (corrupt zip?)", {memberPath});
    auto bytes = std::make_shared<std::string>();
    char buffer[1 << 16];
    size_t n = 0;
    while ((n = VSIFReadL(buffer, 1, sizeof buffer, f)) > 0) bytes->append(buffer, n);
    VSIFCloseL(f);
    // A damaged deflate stream ends early with a GDAL error; the size in the zip's directory tells.
    if (CPLGetLastErrorType() == CE_Failure || (sized && static_cast<int64_t>(bytes->size()) != static_cast<int64_t>(st.st_size)))
        throwInput(fmt::format("reading this member of the archive failed after {} of {} bytes (corrupt or truncated zip)", bytes->size(),
                               sized ? std::to_string(st.st_size) : std::string("?")),
                   {memberPath});
    c.recent.emplace_front(memberPath, bytes);
    c.bytes += bytes->size();
    while (c.bytes > kCacheBytes && c.recent.size() > 1) {
        c.bytes -= c.recent.back().second->size();
        c.recent.pop_back();
    }
    return bytes;
}

}  // namespace hotspot
