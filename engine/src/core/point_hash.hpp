#pragma once
// Hash of a point's exact coordinate bits, for the caches that handle each distinct point of a
// block once (police.uk locations are snap points shared by many crimes).

#include <cstdint>
#include <cstring>

namespace hotspot {

inline uint64_t pointBitsHash(double x, double y) {
    uint64_t bx, by;
    std::memcpy(&bx, &x, sizeof bx);
    std::memcpy(&by, &y, sizeof by);
    uint64_t h = (bx * 0x9E3779B97F4A7C15ull) ^ (by + 0x632BE59BD9B4E019ull + (bx << 6));
    return h ^ (h >> 29);
}

}  // namespace hotspot
