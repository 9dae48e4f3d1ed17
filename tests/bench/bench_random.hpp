#pragma once
// Deterministic random numbers for the benchmark inputs: a 64-bit LCG, so every run and machine
// builds the same instance (no <random> distributions, whose output varies between libraries).

#include <cstdint>

class BenchRandom {
public:
    explicit BenchRandom(uint64_t seed) : m_state(seed) {}
    uint64_t bits() {
        m_state = m_state * 6364136223846793005ull + 1442695040888963407ull;
        return m_state;
    }
    double operator()() { return static_cast<double>(bits() >> 11) * 0x1.0p-53; }  // uniform in [0, 1)

private:
    uint64_t m_state;
};
