// The `hotspot` command as users run it: a launcher that starts the engine program
// (`hotspot-engine`, beside it in the build tree, in libexec/hotspot once installed) with glibc's
// allocator told to use transparent huge pages (GLIBC_TUNABLES=glibc.malloc.hugetlb=1).
//
// Why a separate program: a whole command touches hundreds of MB of fresh memory once, and on the
// virtual machines analysts and CI run on every 4 KB page fault traps into the hypervisor. The
// engine's own operator new (huge_page_new.cpp) reaches only C++ blocks of 2 MB and more; the
// tunable also reaches the many smaller blocks (a chunk's columns while reading) and GDAL's C
// allocations (raster overviews), and measured 0.95 -> 0.66 s for density on 1M points
// (docs/benchmarks.md, "Page faults"). glibc reads tunables only when a process starts, and the
// engine loads 115 shared libraries through GDAL before main(); this launcher links only libc, so
// setting the tunable here costs about a millisecond where re-executing the engine would cost 65 ms.
//
// Nothing else changes: the same argv (argv[0] included), the same process id (exec), every exit
// code and signal the engine's. A tunable the user set is kept; HOTSPOT_NO_HUGE_PAGES=1 adds none.

#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>

// Plain C buffers, no C++ library: the launcher loads libc alone (linked --as-needed).

#ifndef HOTSPOT_ENGINE_INSTALLED
#define HOTSPOT_ENGINE_INSTALLED "../libexec/hotspot/hotspot-engine"  // relative to the launcher's folder
#endif

namespace {

// The folder this program was started from: /proc/self/exe, else argv[0] when it names a path.
void ownFolder(const char* argv0, char (&folder)[PATH_MAX]) {
    ssize_t n = readlink("/proc/self/exe", folder, sizeof folder - 1);
    if (n <= 0) n = static_cast<ssize_t>(std::snprintf(folder, sizeof folder, "%s", argv0 ? argv0 : ""));
    folder[static_cast<size_t>(n) < sizeof folder ? static_cast<size_t>(n) : sizeof folder - 1] = '\0';
    char* slash = std::strrchr(folder, '/');
    if (slash) *slash = '\0';
    else std::snprintf(folder, sizeof folder, ".");
}

void askForHugePages() {
    const char* off = std::getenv("HOTSPOT_NO_HUGE_PAGES");
    if (off && *off && std::strcmp(off, "0") != 0) return;
    const char* current = std::getenv("GLIBC_TUNABLES");
    if (current && std::strstr(current, "glibc.malloc.hugetlb")) return;  // the user's choice stands
    static char tunables[4096];
    const int n = current && *current ? std::snprintf(tunables, sizeof tunables, "%s:glibc.malloc.hugetlb=1", current)
                                      : std::snprintf(tunables, sizeof tunables, "glibc.malloc.hugetlb=1");
    if (n > 0 && static_cast<size_t>(n) < sizeof tunables) setenv("GLIBC_TUNABLES", tunables, 1);
}

}  // namespace

int main(int argc, char** argv) {
    (void)argc;
    askForHugePages();
    char folder[PATH_MAX];
    ownFolder(argv[0], folder);
    static char candidates[2][PATH_MAX + 64];
    std::snprintf(candidates[0], sizeof candidates[0], "%s/hotspot-engine", folder);
    std::snprintf(candidates[1], sizeof candidates[1], "%s/%s", folder, HOTSPOT_ENGINE_INSTALLED);
    int lastError = ENOENT;
    for (const char* engine : candidates) {
        if (access(engine, X_OK) != 0) continue;
        execv(engine, argv);
        lastError = errno;  // exec returned: it failed
    }
    std::fprintf(stderr, "hotspot: error: cannot start the engine program (%s or %s): %s\n", candidates[0], candidates[1],
                 std::strerror(lastError));
    return 1;
}
