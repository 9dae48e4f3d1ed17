// The hotspot executable's global operator new: large blocks (the columns of a million-row
// table, grids, index arrays) are advised onto transparent huge pages.
//
// Why: a whole command touches hundreds of MB of fresh memory once, and on the virtual machines
// analysts and CI run on, every 4 KB page fault costs a trap into the hypervisor. Profiles of
// `hotspot density` on 1M points spent about a third of their time in page faults; with 2 MB
// pages there are 512 times fewer (docs/benchmarks.md, "Page faults"). Debian's kernels default
// to THP "madvise", so memory gets huge pages only when asked for.
//
// Only the executable replaces operator new (the library, the Python module and the viewer keep
// the default). Builds with AddressSanitizer keep its own operator new. HOTSPOT_NO_HUGE_PAGES=1
// turns the advice off (for measuring it).

#include <cstdlib>
#include <new>

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HOTSPOT_NO_HUGE_PAGE_NEW
#endif
#endif

#if defined(__linux__) && !defined(__SANITIZE_ADDRESS__) && !defined(HOTSPOT_NO_HUGE_PAGE_NEW)
#include <sys/mman.h>

#include <cstdint>

namespace {

constexpr std::size_t kHugePage = std::size_t{2} << 20;
constexpr std::size_t kAdviseFrom = kHugePage;  // smaller blocks stay on malloc's ordinary pages

bool adviseHugePages() {
    static const bool enabled = [] {
        const char* off = std::getenv("HOTSPOT_NO_HUGE_PAGES");
        return !(off && *off && *off != '0');
    }();
    return enabled;
}

// A large block starts on a 2 MB boundary and its whole 2 MB pages are advised, so the kernel backs
// them with huge pages on first touch. It is rounded up to whole huge pages when that adds at most
// an eighth: measured, the rounding made density 10-15 % faster (its tails on huge pages too), and
// rounding every block cost geocode 40-50 MB of peak memory (over its 400 MB goal). Advice only:
// a refusal (THP "never", an old kernel) changes nothing. free() releases aligned_alloc's blocks
// like malloc's.
void* allocate(std::size_t n) {
    if (n >= kAdviseFrom && adviseHugePages()) {
        if (n > SIZE_MAX - kHugePage) return nullptr;  // rounding up would wrap around: no such block
        const std::size_t whole = (n + kHugePage - 1) & ~(kHugePage - 1);
        const std::size_t rounded = whole - n <= n / 8 ? whole : n;
        void* p = std::aligned_alloc(kHugePage, rounded);
        if (p) madvise(p, rounded & ~(kHugePage - 1), MADV_HUGEPAGE);
        return p;
    }
    return std::malloc(n);
}

}  // namespace

void* operator new(std::size_t n) {
    if (n == 0) n = 1;
    for (;;) {
        if (void* p = allocate(n)) return p;
        std::new_handler handler = std::get_new_handler();
        if (!handler) throw std::bad_alloc();
        handler();
    }
}

// Every other non-aligned form (nothrow, sized) calls these in libstdc++.
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void* operator new[](std::size_t n) { return ::operator new(n); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }

#endif
