// The Knox test against a brute-force computation on a small set, and on a planted near-repeat pattern.

#include <gtest/gtest.h>

#include <cmath>

#include "hotspot/near_repeat.hpp"

using namespace hotspot;

namespace {

struct Events {
    std::vector<double> x, y;
    std::vector<int32_t> t;
};

Events randomEvents(size_t n, uint64_t seed) {
    Events e;
    uint64_t s = seed;
    auto next = [&]() {
        uint64_t z = (s += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    };
    for (size_t i = 0; i < n; ++i) {
        // Some events share a place exactly (snap points).
        const double px = static_cast<double>(next() % 40) * 25, py = static_cast<double>(next() % 40) * 25;
        e.x.push_back(px), e.y.push_back(py), e.t.push_back(static_cast<int32_t>(next() % 200));
    }
    return e;
}

KnoxBands bands() {
    KnoxBands b;
    b.distanceEdges = {50, 100, 200};
    b.timeEdges = {7, 14, 28};
    return b;
}

size_t distanceBand(const KnoxBands& b, double d) {
    if (b.sameLocation && d == 0) return 0;
    size_t k = 0;
    while (b.distanceEdges[k] < d) ++k;
    return k + (b.sameLocation ? 1 : 0);
}

}  // namespace

TEST(Knox, ObservedAndExactExpectedCountsEqualABruteForceComputation) {
    const Events e = randomEvents(300, 5);
    const KnoxBands b = bands();
    const KnoxResult r = knoxTest(e.x, e.y, e.t, b, 999, 7);
    const size_t dB = b.distanceBands(), tB = b.timeEdges.size();
    std::vector<int64_t> observed(dB * tB, 0), spatial(dB, 0);
    std::vector<double> timePairs(tB, 0);
    const size_t n = e.x.size();
    auto timeBand = [&](int dt) -> int {
        for (size_t k = 0; k < tB; ++k)
            if (dt <= b.timeEdges[k]) return static_cast<int>(k);
        return -1;
    };
    for (size_t i = 0; i < n; ++i)
        for (size_t j = i + 1; j < n; ++j) {
            const int tb = timeBand(std::abs(e.t[i] - e.t[j]));
            if (tb >= 0) timePairs[static_cast<size_t>(tb)] += 1;
            const double d = std::hypot(e.x[i] - e.x[j], e.y[i] - e.y[j]);
            if (d > b.distanceEdges.back()) continue;
            const size_t db = distanceBand(b, d);
            ++spatial[db];
            if (tb >= 0) ++observed[db * tB + static_cast<size_t>(tb)];
        }
    const double allPairs = static_cast<double>(n) * static_cast<double>(n - 1) / 2;
    int64_t close = 0;
    for (int64_t s : spatial) close += s;
    EXPECT_EQ(r.closePairs, close);
    for (size_t d = 0; d < dB; ++d)
        for (size_t t = 0; t < tB; ++t) {
            const KnoxCell& c = r.at(d, t);
            EXPECT_EQ(c.observed, observed[d * tB + t]) << d << "," << t;
            const double exact = static_cast<double>(spatial[d]) * timePairs[t] / allPairs;
            EXPECT_NEAR(c.expectedExact, exact, 1e-9 * std::max(1.0, exact));
            // The permutation mean estimates the exact expectation.
            EXPECT_NEAR(c.expectedSimulated, exact, 0.06 * exact + 1.0) << d << "," << t;
            EXPECT_GE(c.p, 1.0 / 1000);
        }
    // Same seed, same answer.
    const KnoxResult again = knoxTest(e.x, e.y, e.t, b, 999, 7);
    for (size_t c = 0; c < r.cells.size(); ++c) EXPECT_EQ(r.cells[c].p, again.cells[c].p);
}

TEST(Knox, APlantedNearRepeatPatternIsSignificantCloseInSpaceAndTime) {
    // Background events, plus a follower 20-40 m away within 5 days of a third of them.
    Events e = randomEvents(400, 11);
    const size_t base = e.x.size();
    for (size_t i = 0; i < base; i += 3) {
        e.x.push_back(e.x[i] + 20 + static_cast<double>(i % 20)), e.y.push_back(e.y[i]);
        e.t.push_back(e.t[i] + static_cast<int32_t>(i % 5));
    }
    const KnoxBands b = bands();
    const KnoxResult r = knoxTest(e.x, e.y, e.t, b, 499, 3);
    const KnoxCell& near = r.at(1, 0);  // 1-50 m, 0-7 days
    EXPECT_TRUE(near.significant) << near.ratio << " p " << near.p;
    EXPECT_GT(near.ratio, 2);
    const KnoxCell& far = r.at(3, 2);  // 101-200 m, 15-28 days
    EXPECT_FALSE(far.significant && far.ratio > 1.5);
}
