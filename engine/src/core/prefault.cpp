#include "core/prefault.hpp"

#include <cstdint>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace hotspot {

void prefaultForWriting(void* begin, void* end) {
#if defined(__linux__) && defined(MADV_POPULATE_WRITE)
    constexpr uintptr_t kPage = 4096;
    const uintptr_t first = (reinterpret_cast<uintptr_t>(begin) + kPage - 1) & ~(kPage - 1);
    const uintptr_t last = reinterpret_cast<uintptr_t>(end) & ~(kPage - 1);
    // Only whole pages: the partial ones at either end may hold other live data (already faulted).
    if (last > first) (void)madvise(reinterpret_cast<void*>(first), last - first, MADV_POPULATE_WRITE);
#else
    (void)begin, (void)end;
#endif
}

}  // namespace hotspot
