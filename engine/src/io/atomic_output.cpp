#include <signal.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <random>

#include <fmt/format.h>

#include "hotspot/error.hpp"
#include "io/output_files.hpp"

namespace fs = std::filesystem;

namespace hotspot {

void throwWriteFailure(const std::string& path, const std::string& detail, int errnum) {
    // Free space on the file system that holds the file (or its nearest existing folder).
    fs::path probe = fs::path(path).parent_path();
    std::error_code ec;
    while (!probe.empty() && !fs::exists(probe, ec)) probe = probe.parent_path();
    struct statvfs st {};
    const bool known = ::statvfs(probe.empty() ? "." : probe.c_str(), &st) == 0;
    const double freeBytes = known ? static_cast<double>(st.f_bavail) * static_cast<double>(st.f_frsize) : -1;
    // Below 64 KiB nothing of ours fits (a GeoTIFF tile, a SQLite page batch): the disk is full.
    const bool full = errnum == ENOSPC || errnum == EDQUOT || errnum == EFBIG || (known && freeBytes < 65536);
    if (full)
        throwOutput(fmt::format("the disk is full ({} bytes free on the file system holding {}); nothing was replaced: {}",
                                known ? fmt::format("{:.0f}", freeBytes) : std::string("no"), probe.string(), detail),
                    {path});
    throwOutput(detail, {path});
}

OutputStaging::OutputStaging(const std::string& outDir) : m_outDir(outDir) {
    std::error_code ec;
    fs::create_directories(outDir, ec);
    if (ec) throwOutput("cannot create output folder: " + ec.message(), {outDir});
    // A run killed before it finished (SIGKILL, power loss) leaves its staging folder behind: remove
    // those whose process is gone. The finished outputs of earlier runs were never touched.
    for (const auto& entry : fs::directory_iterator(outDir, ec)) {
        const std::string name = entry.path().filename().string();
        if (name.rfind(".staging-", 0) != 0) continue;
        const long pid = std::strtol(name.c_str() + 9, nullptr, 10);
        if (pid > 0 && pid != ::getpid() && ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH) fs::remove_all(entry.path(), ec);
    }
    ec.clear();
    std::random_device rd;
    m_staging = (fs::path(outDir) / (".staging-" + std::to_string(::getpid()) + "-" + std::to_string(rd() % 100000))).string();
    fs::create_directory(m_staging, ec);
    if (ec) throwOutput("cannot write in the output folder: " + ec.message(), {outDir});
}

OutputStaging::~OutputStaging() {
    std::error_code ec;
    fs::remove_all(m_staging, ec);
}

std::string OutputStaging::stagedPath(const std::string& fileName) {
    if (std::find(m_files.begin(), m_files.end(), fileName) == m_files.end()) m_files.push_back(fileName);
    return (fs::path(m_staging) / fileName).string();
}

std::vector<std::string> OutputStaging::commit() {
    std::vector<std::string> finals;
    for (const auto& name : m_files) {
        fs::path from = fs::path(m_staging) / name, to = fs::path(m_outDir) / name;
        if (!fs::exists(from)) continue;
        if (::rename(from.c_str(), to.c_str()) != 0)
            throwOutput(std::string("cannot move the finished file into place: ") + std::strerror(errno), {to.string()});
        finals.push_back(to.string());
    }
    m_committed = true;
    return finals;
}

}  // namespace hotspot
