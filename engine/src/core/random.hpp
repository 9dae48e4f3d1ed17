#pragma once
// SplitMix64 (Steele, Lea & Flood 2014): the engine's permutation draws. Each task seeds its own
// state from the run's seed and its index, so results do not depend on the number of threads.

#include <cstdint>

namespace hotspot {

inline uint64_t splitmix64(uint64_t& state) {
    uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

// The starting state of task `index` (a location, a permutation) of a run seeded with `seed`.
inline uint64_t taskSeed(uint64_t seed, uint64_t index) { return seed ^ (0xD1B54A32D192ED03ull * (index + 1)); }

}  // namespace hotspot
