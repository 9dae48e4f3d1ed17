#include "hotspot/gistar.hpp"

#include <algorithm>
#include <cmath>

#include <boost/geometry.hpp>
#include <boost/geometry/index/rtree.hpp>

#include "core/random.hpp"
#include "core/thread_pool.hpp"
#include "hotspot/error.hpp"
#include "hotspot/stats.hpp"

namespace hotspot {

void Neighbours::add(const std::vector<uint32_t>& list) {
    index.insert(index.end(), list.begin(), list.end());
    offsets.push_back(index.size());
}

namespace {

struct Moments {
    double mean = 0, sd = 0;
    size_t n = 0;
};

// x_bar = sum(x)/n, s = sqrt(sum(x^2)/n - x_bar^2) (METHODS.md; spdep uses the same n denominator).
Moments moments(const std::vector<double>& x, const std::vector<uint8_t>* mask) {
    long double sum = 0, sum2 = 0;
    Moments m;
    for (size_t i = 0; i < x.size(); ++i) {
        if (mask && !(*mask)[i]) continue;
        sum += x[i];
        sum2 += static_cast<long double>(x[i]) * x[i];
        ++m.n;
    }
    if (m.n == 0) return m;
    const long double mean = sum / m.n;
    m.mean = static_cast<double>(mean);
    const long double var = sum2 / m.n - mean * mean;
    m.sd = var > 0 ? static_cast<double>(std::sqrt(var)) : 0.0;
    return m;
}

// z for one location from its local sum and its number of neighbours W (binary weights: S1 = W).
inline double zScore(double localSum, double w, const Moments& m) {
    const double n = static_cast<double>(m.n);
    const double denom = m.sd * std::sqrt((n * w - w * w) / (n - 1.0));
    if (!(denom > 0)) return NAN;
    return (localSum - m.mean * w) / denom;
}

// Conditional permutation: keep x_i, draw W_i - 1 of the other n - 1 values without replacement.
double permutationP(size_t i, double observedZ, size_t w, const std::vector<double>& values, const std::vector<uint32_t>& pool,
                    const Moments& m, const GiStarOptions& options, std::vector<uint32_t>& scratch) {
    if (!std::isfinite(observedZ)) return NAN;
    uint64_t state = taskSeed(options.seed, i);
    const size_t others = pool.size() - 1;
    int extreme = 0;
    for (int k = 0; k < options.permutations; ++k) {
        double sum = values[i];
        scratch.clear();
        while (scratch.size() + 1 < w) {
            uint32_t pick = pool[splitmix64(state) % pool.size()];
            if (pick == i || std::find(scratch.begin(), scratch.end(), pick) != scratch.end()) continue;
            scratch.push_back(pick);
            sum += values[pick];
        }
        (void)others;
        const double zs = zScore(sum, static_cast<double>(w), m);
        if (std::abs(zs) >= std::abs(observedZ)) ++extreme;
    }
    return (extreme + 1.0) / (options.permutations + 1.0);
}

void finish(GiStarResult& r, const GiStarOptions& options) {
    if (options.permutations == 0) {
        r.p.resize(r.z.size());
        for (size_t i = 0; i < r.z.size(); ++i) r.p[i] = twoSidedP(r.z[i]);
    }
    r.bin = fdrBins(r.z, r.p, options.fdr);
}

}  // namespace

GiStarResult giStar(const std::vector<double>& x, const Neighbours& nb, const GiStarOptions& options) {
    if (nb.size() != x.size()) throw Error(ErrorKind::Internal, "neighbour lists and values differ in length");
    GiStarResult r;
    Moments m = moments(x, nullptr);
    r.mean = m.mean, r.sd = m.sd, r.n = m.n;
    r.z.assign(x.size(), NAN);
    for (size_t i = 0; i < x.size(); ++i) {
        double sum = 0;
        for (uint64_t k = nb.offsets[i]; k < nb.offsets[i + 1]; ++k) sum += x[nb.index[k]];
        r.z[i] = zScore(sum, static_cast<double>(nb.offsets[i + 1] - nb.offsets[i]), m);
    }
    if (options.permutations > 0) {
        std::vector<uint32_t> pool(x.size());
        for (uint32_t i = 0; i < pool.size(); ++i) pool[i] = i;
        r.p.assign(x.size(), NAN);
        parallelFor((x.size() + 255) / 256, [&](size_t b, unsigned) {
            std::vector<uint32_t> scratch;
            for (size_t i = b * 256; i < std::min(x.size(), (b + 1) * 256); ++i)
                r.p[i] = permutationP(i, r.z[i], nb.offsets[i + 1] - nb.offsets[i], x, pool, m, options, scratch);
        });
    }
    finish(r, options);
    return r;
}

GiStarResult giStarGrid(const Grid& grid, const std::vector<double>& x, int rings, const std::vector<uint8_t>& mask,
                        const GiStarOptions& options) {
    const size_t cells = static_cast<size_t>(grid.cellCount());
    if (x.size() != cells) throw Error(ErrorKind::Internal, "grid values do not match the grid");
    if (rings < 1) throwUsage("the neighbourhood needs at least one ring", {"", 0, "rings"});
    const std::vector<uint8_t>* maskPtr = mask.empty() ? nullptr : &mask;
    GiStarResult r;
    Moments m = moments(x, maskPtr);
    r.mean = m.mean, r.sd = m.sd, r.n = m.n;
    r.z.assign(cells, NAN);
    std::vector<double> localSum(cells, 0.0);
    std::vector<uint32_t> localCount(cells, 0);
    auto valid = [&](size_t k) { return !maskPtr || mask[k]; };
    if (grid.shape == GridShape::Square) {
        // Window sums from summed-area tables: O(cells) whatever the ring count.
        const int64_t R = grid.rows, C = grid.cols;
        std::vector<double> sat(static_cast<size_t>((R + 1) * (C + 1)), 0.0);
        std::vector<uint32_t> cnt(sat.size(), 0);
        for (int64_t rr = 0; rr < R; ++rr) {
            double rowSum = 0;
            uint32_t rowCnt = 0;
            for (int64_t cc = 0; cc < C; ++cc) {
                const size_t k = static_cast<size_t>(rr * C + cc);
                if (valid(k)) rowSum += x[k], ++rowCnt;
                sat[(rr + 1) * (C + 1) + cc + 1] = sat[rr * (C + 1) + cc + 1] + rowSum;
                cnt[(rr + 1) * (C + 1) + cc + 1] = cnt[rr * (C + 1) + cc + 1] + rowCnt;
            }
        }
        parallelFor(static_cast<size_t>((R + 63) / 64), [&](size_t block, unsigned) {
            for (int64_t rr = static_cast<int64_t>(block) * 64; rr < std::min<int64_t>(R, (static_cast<int64_t>(block) + 1) * 64); ++rr) {
                const int64_t r0 = std::max<int64_t>(0, rr - rings), r1 = std::min<int64_t>(R, rr + rings + 1);
                for (int64_t cc = 0; cc < C; ++cc) {
                    const size_t k = static_cast<size_t>(rr * C + cc);
                    if (!valid(k)) continue;
                    const int64_t c0 = std::max<int64_t>(0, cc - rings), c1 = std::min<int64_t>(C, cc + rings + 1);
                    auto at = [&](int64_t a, int64_t b) { return static_cast<size_t>(a * (C + 1) + b); };
                    const double sum = sat[at(r1, c1)] - sat[at(r0, c1)] - sat[at(r1, c0)] + sat[at(r0, c0)];
                    const uint32_t w = cnt[at(r1, c1)] - cnt[at(r0, c1)] - cnt[at(r1, c0)] + cnt[at(r0, c0)];
                    r.z[k] = zScore(sum, w, m);
                    localSum[k] = sum;
                    localCount[k] = w;
                }
            }
        });
    } else {
        parallelFor(static_cast<size_t>(grid.rows), [&](size_t row, unsigned) {
            std::vector<int64_t> nb;
            for (int64_t col = 0; col < grid.cols; ++col) {
                const size_t k = static_cast<size_t>(static_cast<int64_t>(row) * grid.cols + col);
                if (!valid(k)) continue;
                grid.neighbours(static_cast<int64_t>(row), col, rings, nb);
                double sum = x[k];
                uint32_t w = 1;
                for (int64_t j : nb)
                    if (valid(static_cast<size_t>(j))) sum += x[static_cast<size_t>(j)], ++w;
                r.z[k] = zScore(sum, w, m);
            }
        });
    }
    if (options.permutations > 0) {
        // Permutations need explicit neighbour lists: build them (small grids only in practice).
        Neighbours nb;
        std::vector<int64_t> around;
        std::vector<uint32_t> list;
        std::vector<uint32_t> compact(cells, UINT32_MAX);
        std::vector<double> values;
        for (size_t k = 0; k < cells; ++k)
            if (valid(k)) compact[k] = static_cast<uint32_t>(values.size()), values.push_back(x[k]);
        for (int64_t row = 0; row < grid.rows; ++row)
            for (int64_t col = 0; col < grid.cols; ++col) {
                const size_t k = static_cast<size_t>(row * grid.cols + col);
                if (!valid(k)) continue;
                grid.neighbours(row, col, rings, around);
                list = {compact[k]};
                for (int64_t j : around)
                    if (valid(static_cast<size_t>(j))) list.push_back(compact[static_cast<size_t>(j)]);
                nb.add(list);
            }
        GiStarResult inner = giStar(values, nb, options);
        r.p.assign(cells, NAN);
        for (size_t k = 0; k < cells; ++k)
            if (compact[k] != UINT32_MAX) r.p[k] = inner.p[compact[k]];
    }
    finish(r, options);
    return r;
}

Neighbours distanceBandNeighbours(const std::vector<double>& x, const std::vector<double>& y, double band) {
    namespace bg = boost::geometry;
    namespace bgi = boost::geometry::index;
    using P = bg::model::point<double, 2, bg::cs::cartesian>;
    using B = bg::model::box<P>;
    std::vector<std::pair<P, uint32_t>> pts;
    for (uint32_t i = 0; i < x.size(); ++i) pts.emplace_back(P(x[i], y[i]), i);
    bgi::rtree<std::pair<P, uint32_t>, bgi::quadratic<16>> tree(pts.begin(), pts.end());
    Neighbours nb;
    std::vector<std::pair<P, uint32_t>> hits;
    std::vector<uint32_t> list;
    for (uint32_t i = 0; i < x.size(); ++i) {
        hits.clear();
        tree.query(bgi::intersects(B(P(x[i] - band, y[i] - band), P(x[i] + band, y[i] + band))), std::back_inserter(hits));
        list = {i};
        for (const auto& [p, j] : hits)
            if (j != i && std::hypot(x[j] - x[i], y[j] - y[i]) <= band) list.push_back(j);
        std::sort(list.begin() + 1, list.end());
        nb.add(list);
    }
    return nb;
}

}  // namespace hotspot
