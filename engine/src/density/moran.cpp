#include "hotspot/moran.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include <boost/geometry.hpp>
#include <boost/geometry/index/rtree.hpp>

#include "core/random.hpp"
#include "core/thread_pool.hpp"
#include "hotspot/error.hpp"
#include "hotspot/stats.hpp"

namespace hotspot {

namespace bg = boost::geometry;
namespace bgi = boost::geometry::index;

const char* toString(MoranClass c) {
    switch (c) {
        case MoranClass::HighHigh: return "HH";
        case MoranClass::LowLow: return "LL";
        case MoranClass::HighLow: return "HL";
        case MoranClass::LowHigh: return "LH";
        case MoranClass::NoNeighbours: return "no neighbours";
        default: return "not significant";
    }
}

SpatialWeights gridWeights(const Grid& grid, const std::vector<uint8_t>& mask, int rings, bool rook, bool rowStandardised,
                           std::vector<int64_t>& cellOf) {
    if (rings < 1) throwUsage("the neighbourhood needs at least one ring", {"", 0, "rings"});
    if (rook && rings != 1) throwUsage("rook contiguity has one ring (the 4 cells sharing an edge)", {"", 0, "rings"});
    const size_t cells = static_cast<size_t>(grid.cellCount());
    auto valid = [&](size_t k) { return mask.empty() || mask[k]; };
    std::vector<uint32_t> compact(cells, UINT32_MAX);
    cellOf.clear();
    for (size_t k = 0; k < cells; ++k)
        if (valid(k)) compact[k] = static_cast<uint32_t>(cellOf.size()), cellOf.push_back(static_cast<int64_t>(k));
    SpatialWeights w;
    w.rowStandardised = rowStandardised;
    w.nb.offsets.reserve(cellOf.size() + 1);
    w.nb.index.reserve(cellOf.size() * (rook ? 4 : (grid.shape == GridShape::Square ? 8 : 6)));
    std::vector<int64_t> around;
    std::vector<uint32_t> list;
    for (int64_t k : cellOf) {
        const int64_t row = k / grid.cols, col = k % grid.cols;
        list.clear();
        if (rook && grid.shape == GridShape::Square) {
            const int64_t rr[] = {row - 1, row, row, row + 1}, cc[] = {col, col - 1, col + 1, col};
            for (int d = 0; d < 4; ++d)
                if (rr[d] >= 0 && rr[d] < grid.rows && cc[d] >= 0 && cc[d] < grid.cols) {
                    const size_t j = static_cast<size_t>(rr[d] * grid.cols + cc[d]);
                    if (valid(j)) list.push_back(compact[j]);
                }
        } else {
            grid.neighbours(row, col, rings, around);  // hexagons share an edge with all 6: rook = queen
            for (int64_t j : around)
                if (valid(static_cast<size_t>(j))) list.push_back(compact[static_cast<size_t>(j)]);
        }
        std::sort(list.begin(), list.end());
        w.nb.add(list);
    }
    return w;
}

namespace {

using Point = bg::model::point<double, 2, bg::cs::cartesian>;
using Entry = std::pair<Point, uint32_t>;

bgi::rtree<Entry, bgi::quadratic<16>> pointTree(const std::vector<double>& x, const std::vector<double>& y) {
    std::vector<Entry> entries;
    entries.reserve(x.size());
    for (uint32_t i = 0; i < x.size(); ++i) entries.emplace_back(Point(x[i], y[i]), i);
    return bgi::rtree<Entry, bgi::quadratic<16>>(entries.begin(), entries.end());
}

}  // namespace

SpatialWeights distanceBandWeights(const std::vector<double>& x, const std::vector<double>& y, double band, bool rowStandardised) {
    const auto tree = pointTree(x, y);
    SpatialWeights w;
    w.rowStandardised = rowStandardised;
    std::vector<Entry> found;
    std::vector<uint32_t> list;
    for (uint32_t i = 0; i < x.size(); ++i) {
        found.clear();
        const bg::model::box<Point> box(Point(x[i] - band, y[i] - band), Point(x[i] + band, y[i] + band));
        tree.query(bgi::intersects(box), std::back_inserter(found));
        list.clear();
        for (const auto& [p, j] : found)
            if (j != i && std::hypot(x[j] - x[i], y[j] - y[i]) <= band) list.push_back(j);
        std::sort(list.begin(), list.end());
        w.nb.add(list);
    }
    return w;
}

SpatialWeights nearestWeights(const std::vector<double>& x, const std::vector<double>& y, int k, bool rowStandardised) {
    if (k < 1) throwUsage("k nearest neighbours needs k >= 1", {"", 0, "weights"});
    const auto tree = pointTree(x, y);
    SpatialWeights w;
    w.rowStandardised = rowStandardised;
    std::vector<Entry> found;
    std::vector<std::pair<double, uint32_t>> byDistance;
    std::vector<uint32_t> list;
    const size_t want = std::min<size_t>(static_cast<size_t>(k), x.empty() ? 0 : x.size() - 1);
    for (uint32_t i = 0; i < x.size(); ++i) {
        // A few more than k, so ties at the k-th distance are decided by index, not by the tree.
        found.clear();
        tree.query(bgi::nearest(Point(x[i], y[i]), static_cast<unsigned>(std::min(x.size(), want + 1 + 8))), std::back_inserter(found));
        byDistance.clear();
        for (const auto& [p, j] : found)
            if (j != i) byDistance.emplace_back(std::hypot(x[j] - x[i], y[j] - y[i]), j);
        std::sort(byDistance.begin(), byDistance.end());
        list.clear();
        for (size_t m = 0; m < want && m < byDistance.size(); ++m) list.push_back(byDistance[m].second);
        std::sort(list.begin(), list.end());
        w.nb.add(list);
    }
    return w;
}

LocalMoranResult localMoran(const std::vector<double>& x, const SpatialWeights& w, const LocalMoranOptions& o) {
    const size_t n = x.size();
    if (w.size() != n) throw Error(ErrorKind::Internal, "weights and values differ in length");
    LocalMoranResult r;
    if (n < 3) throwUsage("Moran's I needs at least 3 locations");
    long double sum = 0;
    for (double v : x) sum += v;
    r.mean = static_cast<double>(sum / static_cast<long double>(n));
    std::vector<double> z(n);
    long double z2 = 0, z4 = 0;
    for (size_t i = 0; i < n; ++i) {
        z[i] = x[i] - r.mean;
        z2 += static_cast<long double>(z[i]) * z[i];
        z4 += static_cast<long double>(z[i]) * z[i] * z[i] * z[i];
    }
    const double nd = static_cast<double>(n);
    r.m2 = static_cast<double>(z2 / nd);  // spdep mlvar = TRUE: divide by n
    const double m2 = r.m2;
    const double b2 = static_cast<double>(z4 / nd) / (m2 * m2);
    r.ii.assign(n, NAN), r.expected.assign(n, NAN), r.variance.assign(n, NAN), r.z.assign(n, NAN), r.p.assign(n, NAN), r.lag.assign(n, 0.0);
    r.cls.assign(n, MoranClass::NotSignificant);
    parallelFor((n + 1023) / 1024, [&](size_t block, unsigned) {
        for (size_t i = block * 1024; i < std::min(n, (block + 1) * 1024); ++i) {
            const size_t count = w.count(i);
            if (count == 0) {
                r.cls[i] = MoranClass::NoNeighbours;
                continue;
            }
            const double wij = w.weight(i);
            double lag = 0;
            for (uint64_t k = w.nb.offsets[i]; k < w.nb.offsets[i + 1]; ++k) lag += z[w.nb.index[k]];
            lag *= wij;
            r.lag[i] = lag;
            const double wi = wij * static_cast<double>(count), wi2 = wij * wij * static_cast<double>(count);
            const double ii = z[i] / m2 * lag;
            double e = 0, var = 0;
            if (o.conditional) {
                e = -(z[i] * z[i] * wi) / ((nd - 1) * m2);
                var = (z[i] / m2) * (z[i] / m2) * (nd / (nd - 2)) * (wi2 - wi * wi / (nd - 1)) * (m2 - z[i] * z[i] / (nd - 1));
            } else {
                e = -wi / (nd - 1);
                const double a = (nd - b2) / (nd - 1), b = (2 * b2 - nd) / ((nd - 1) * (nd - 2));
                var = a * wi2 + b * (wi * wi - wi2) - e * e;
            }
            r.ii[i] = ii, r.expected[i] = e, r.variance[i] = var;
            r.z[i] = var > 0 ? (ii - e) / std::sqrt(var) : NAN;
            r.p[i] = twoSidedP(r.z[i]);
        }
    });
    if (o.permutations > 0) {
        // Conditional randomisation: x_i stays, |N_i| of the other n - 1 values are drawn without
        // replacement; p = (extreme + 1) / (R + 1), extreme when |I - E_i| is at least the observed.
        parallelFor((n + 255) / 256, [&](size_t block, unsigned) {
            std::vector<uint32_t> picked;
            for (size_t i = block * 256; i < std::min(n, (block + 1) * 256); ++i) {
                const size_t count = w.count(i);
                if (count == 0 || !std::isfinite(r.ii[i])) continue;
                const double wij = w.weight(i), observed = std::abs(r.ii[i] - r.expected[i]);
                uint64_t state = taskSeed(o.seed, i);
                int extreme = 0;
                for (int k = 0; k < o.permutations; ++k) {
                    picked.clear();
                    double lag = 0;
                    while (picked.size() < count) {
                        const auto j = static_cast<uint32_t>(splitmix64(state) % n);
                        if (j == i || std::find(picked.begin(), picked.end(), j) != picked.end()) continue;
                        picked.push_back(j);
                        lag += z[j];
                    }
                    const double ii = z[i] / m2 * lag * wij;
                    if (std::abs(ii - r.expected[i]) >= observed) ++extreme;
                }
                r.p[i] = (extreme + 1.0) / (o.permutations + 1.0);
            }
        });
    }
    r.pThreshold = o.fdr ? bhThreshold(r.p, o.alpha) : o.alpha;
    for (size_t i = 0; i < n; ++i) {
        if (r.cls[i] == MoranClass::NoNeighbours) continue;
        if (!(r.p[i] <= r.pThreshold) || !(r.p[i] <= o.alpha)) {
            ++r.counts[0];
            continue;
        }
        // The quadrant of (z_i, lag_i): the sign of x_i against the mean and of its neighbours'.
        const bool high = z[i] > 0, highAround = r.lag[i] > 0;
        r.cls[i] = high ? (highAround ? MoranClass::HighHigh : MoranClass::HighLow) : (highAround ? MoranClass::LowHigh : MoranClass::LowLow);
        ++r.counts[static_cast<int>(r.cls[i])];
    }
    return r;
}

GlobalMoran globalMoran(const std::vector<double>& x, const SpatialWeights& w) {
    const size_t total = x.size();
    if (w.size() != total) throw Error(ErrorKind::Internal, "weights and values differ in length");
    GlobalMoran g;
    long double sum = 0;
    for (double v : x) sum += v;
    const double mean = static_cast<double>(sum / static_cast<long double>(total));
    std::vector<double> z(total);
    long double zz = 0, z4 = 0, cross = 0;
    for (size_t i = 0; i < total; ++i) z[i] = x[i] - mean, zz += static_cast<long double>(z[i]) * z[i], z4 += std::pow(static_cast<long double>(z[i]), 4);
    // Weight constants (spdep spweights.constants, adjust.n = TRUE: n counts locations with neighbours).
    double s0 = 0, s1 = 0;
    std::vector<double> rowSum(total, 0.0), colSum(total, 0.0);
    size_t withNeighbours = 0;
    for (size_t i = 0; i < total; ++i) {
        const size_t count = w.count(i);
        if (count == 0) continue;
        ++withNeighbours;
        const double wij = w.weight(i);
        double lag = 0;
        for (uint64_t k = w.nb.offsets[i]; k < w.nb.offsets[i + 1]; ++k) {
            const uint32_t j = w.nb.index[k];
            lag += z[j];
            colSum[j] += wij;
            // w_ji: j's weight on i, if i is among j's neighbours (lists are sorted).
            const auto first = w.nb.index.begin() + static_cast<std::ptrdiff_t>(w.nb.offsets[j]);
            const auto last = w.nb.index.begin() + static_cast<std::ptrdiff_t>(w.nb.offsets[j + 1]);
            const double wji = std::binary_search(first, last, static_cast<uint32_t>(i)) ? w.weight(j) : 0.0;
            s1 += wij * wij + wij * wji;
        }
        rowSum[i] = wij * static_cast<double>(count);
        s0 += rowSum[i];
        cross += static_cast<long double>(z[i]) * lag * wij;
    }
    double s2 = 0;
    for (size_t i = 0; i < total; ++i) s2 += (rowSum[i] + colSum[i]) * (rowSum[i] + colSum[i]);
    const double n = static_cast<double>(withNeighbours);
    g.n = withNeighbours;
    if (n < 4 || !(zz > 0) || !(s0 > 0)) {
        g.i = g.expected = g.variance = g.z = g.p = NAN;
        return g;
    }
    const double k = static_cast<double>(static_cast<long double>(total) * z4 / (zz * zz));
    g.i = (n / s0) * static_cast<double>(cross / zz);
    g.expected = -1.0 / (n - 1);
    const double s02 = s0 * s0, nn = n * n;
    double vi = n * (s1 * (nn - 3 * n + 3) - n * s2 + 3 * s02);
    vi -= k * (s1 * (nn - n) - 2 * n * s2 + 6 * s02);
    vi /= (n - 1) * (n - 2) * (n - 3) * s02;
    g.variance = vi - g.expected * g.expected;
    g.z = g.variance > 0 ? (g.i - g.expected) / std::sqrt(g.variance) : NAN;
    g.p = twoSidedP(g.z);
    return g;
}

}  // namespace hotspot
