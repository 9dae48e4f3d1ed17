#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <random>

#include <fmt/format.h>

#include "hotspot/error.hpp"
#include "io/output_files.hpp"

namespace fs = std::filesystem;

namespace hotspot {

namespace {
std::string nearestExistingFolder(const std::string& path) {
    fs::path probe = fs::path(path).parent_path();
    std::error_code ec;
    while (!probe.empty() && !fs::exists(probe, ec)) probe = probe.parent_path();
    return probe.empty() ? std::string(".") : probe.string();
}

// Free bytes on the file system holding `path` (or its nearest existing folder); -1 if unknown.
double freeBytesBeside(const std::string& path) {
    struct statvfs st {};
    if (::statvfs(nearestExistingFolder(path).c_str(), &st) != 0) return -1;
    return static_cast<double>(st.f_bavail) * static_cast<double>(st.f_frsize);
}
}  // namespace

int diskFullErrno(const std::string& path, int errnum) {
    if (errnum == ENOSPC || errnum == EDQUOT || errnum == EFBIG) return errnum;
    // Below 64 KiB nothing of ours fits (a GeoTIFF tile, a SQLite page batch): the disk is full.
    const double freeBytes = freeBytesBeside(path);
    return freeBytes >= 0 && freeBytes < 65536 ? ENOSPC : 0;
}

void throwWriteFailure(const std::string& path, const std::string& detail, int errnum) {
    if (diskFullErrno(path, errnum) != 0) {
        const double freeBytes = freeBytesBeside(path);
        throwOutput(fmt::format("the disk is full ({} bytes free on the file system holding {}); nothing was replaced: {}",
                                freeBytes >= 0 ? fmt::format("{:.0f}", freeBytes) : std::string("no"), nearestExistingFolder(path), detail),
                    {path});
    }
    throwOutput(detail, {path});
}

namespace {

constexpr const char* kStagingPrefix = ".staging-";
constexpr const char* kManifest = ".commit-manifest";  // present only while a commit is under way
void (*g_commitStepHook)(size_t) = nullptr;

std::mutex g_inputsMutex;
std::vector<std::string> g_inputs;  // files this process reads

bool processIsGone(long pid) { return pid > 0 && pid != ::getpid() && ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH; }

std::vector<std::string> readManifest(const fs::path& file) {
    std::vector<std::string> names;
    std::ifstream in(file);
    for (std::string line; std::getline(in, line);)
        if (!line.empty() && line.find('/') == std::string::npos && line != "." && line != "..") names.push_back(line);
    return names;
}

// Moves the files a manifest lists from a staging folder into the output folder (those still
// there: a replay after a kill finds some already moved).
size_t moveListed(const fs::path& staging, const fs::path& outDir, const std::vector<std::string>& names, bool callHook) {
    size_t moved = 0;
    for (const auto& name : names) {
        const fs::path from = staging / name, to = outDir / name;
        std::error_code ec;
        if (!fs::exists(from, ec)) continue;
        if (::rename(from.c_str(), to.c_str()) != 0)
            throwOutput(std::string("cannot move the finished file into place: ") + std::strerror(errno), {to.string()});
        ++moved;
        if (callHook && g_commitStepHook) g_commitStepHook(moved);
    }
    return moved;
}

}  // namespace

int finishInterruptedCommits(const std::string& folder) {
    int completed = 0;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(folder, ec)) {
        const std::string name = entry.path().filename().string();
        if (name.rfind(kStagingPrefix, 0) != 0) continue;
        if (!processIsGone(std::strtol(name.c_str() + std::strlen(kStagingPrefix), nullptr, 10))) continue;
        // A dead run's staging folder: with a manifest its commit had begun, so finish it; without
        // one the run died before committing and its files are dropped.
        const fs::path manifest = entry.path() / kManifest;
        try {
            if (fs::exists(manifest, ec)) {
                moveListed(entry.path(), folder, readManifest(manifest), false);
                ++completed;
            }
        } catch (const Error&) {
            continue;  // no write access here: leave it for a run that has
        }
        std::error_code rm;
        fs::remove_all(entry.path(), rm);
    }
    return completed;
}

void checkInputPath(const std::string& path, bool folderOk) {
    if (path.rfind("/vsi", 0) == 0 || path.rfind("PG:", 0) == 0 || path.find('|') != std::string::npos) return;
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
        const int err = errno;
        if (err == ELOOP) throwInput("a symbolic link loop (the link points back to itself)", {path});
        if (err == ENOENT || err == ENOTDIR) {
            struct stat link {};
            if (::lstat(path.c_str(), &link) == 0 && S_ISLNK(link.st_mode)) throwInput("a symbolic link to a file that does not exist", {path});
            throwInput("no such file", {path});
        }
        throwInput(std::string("cannot read: ") + std::strerror(err), {path});
    }
    if (S_ISREG(st.st_mode)) return;
    if (S_ISDIR(st.st_mode)) {
        if (folderOk) return;
        throwInput("is a folder, expected a file", {path});
    }
    if (S_ISFIFO(st.st_mode)) throwInput("is a FIFO (named pipe), not a file: write the data to a file first", {path});
    throwInput("is not a regular file (a device or socket)", {path});
}

void registerInputFile(const std::string& path) {
    std::lock_guard lock(g_inputsMutex);
    g_inputs.push_back(path);
}

void OutputStaging::setCommitStepHookForTests(void (*hook)(size_t)) { g_commitStepHook = hook; }

OutputStaging::OutputStaging(const std::string& outDir) : m_outDir(outDir) {
    std::error_code ec;
    fs::create_directories(outDir, ec);
    if (ec) throwOutput("cannot create output folder: " + ec.message(), {outDir});
    // One run per folder at a time: two runs writing the same files would mix their outputs.
    const std::string lockPath = (fs::path(outDir) / ".hotspot.lock").string();
    m_lockFd = ::open(lockPath.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (m_lockFd < 0) throwOutput(std::string("cannot write in the output folder: ") + std::strerror(errno), {outDir});
    if (::flock(m_lockFd, LOCK_EX | LOCK_NB) != 0) {
        char buffer[32] = {};
        const ssize_t n = ::pread(m_lockFd, buffer, sizeof buffer - 1, 0);
        const long holder = n > 0 ? std::strtol(buffer, nullptr, 10) : 0;
        ::close(m_lockFd);
        m_lockFd = -1;
        throwOutput(fmt::format("the output folder is in use by process {} (another hotspot run writing there); wait for it to finish "
                                "or choose another output folder",
                                holder > 0 ? std::to_string(holder) : std::string("unknown")),
                    {outDir});
    }
    const std::string pid = std::to_string(::getpid()) + "\n";
    if (::ftruncate(m_lockFd, 0) != 0 || ::pwrite(m_lockFd, pid.data(), pid.size(), 0) != static_cast<ssize_t>(pid.size())) {
        // The lock holds without the pid in the file; only the "in use by" message loses it.
    }
    // A run killed before it finished (SIGKILL, power loss) leaves its staging folder behind:
    // finish its commit if it had begun one, else remove it. Earlier finished outputs are untouched.
    finishInterruptedCommits(outDir);
    std::random_device rd;
    m_staging = (fs::path(outDir) / (kStagingPrefix + std::to_string(::getpid()) + "-" + std::to_string(rd() % 100000))).string();
    fs::create_directory(m_staging, ec);
    if (ec) throwOutput("cannot write in the output folder: " + ec.message(), {outDir});
}

OutputStaging::~OutputStaging() {
    std::error_code ec;
    fs::remove_all(m_staging, ec);
    if (m_lockFd >= 0) ::close(m_lockFd);  // releases the flock
}

std::string OutputStaging::stagedPath(const std::string& fileName) {
    const fs::path target = fs::path(m_outDir) / fileName;
    {
        std::lock_guard lock(g_inputsMutex);
        std::error_code ec;
        for (const auto& input : g_inputs)
            if (fs::exists(target, ec) && fs::equivalent(target, input, ec))
                throwUsage("the output " + target.string() + " would replace the input " + input +
                           " of this run; write the outputs to another folder");
    }
    if (std::find(m_files.begin(), m_files.end(), fileName) == m_files.end()) m_files.push_back(fileName);
    return (fs::path(m_staging) / fileName).string();
}

std::vector<std::string> OutputStaging::commit() {
    // The manifest names the files of this commit; it is written beside them and renamed into
    // place in one step, so it is either absent (nothing moved yet) or complete.
    std::vector<std::string> present;
    std::error_code ec;
    for (const auto& name : m_files)
        if (fs::exists(fs::path(m_staging) / name, ec)) present.push_back(name);
    std::string list;
    for (const auto& name : present) list += name + "\n";
    const std::string manifest = (fs::path(m_staging) / kManifest).string();
    writeTextFile(manifest + ".partial", list);
    if (::rename((manifest + ".partial").c_str(), manifest.c_str()) != 0)
        throwOutput(std::string("cannot start the commit: ") + std::strerror(errno), {m_outDir});
    moveListed(m_staging, m_outDir, present, true);
    std::vector<std::string> finals;
    for (const auto& name : present) finals.push_back((fs::path(m_outDir) / name).string());
    m_committed = true;
    fs::remove_all(m_staging, ec);
    return finals;
}

}  // namespace hotspot
