// Maximal covering site selection: lazy greedy (CELF) and exhaustive search for small cases.

#include <algorithm>
#include <cmath>
#include <functional>
#include <queue>
#include <tuple>

#include <fmt/format.h>

#include "core/thread_pool.hpp"
#include "hotspot/error.hpp"
#include "hotspot/interventions.hpp"

namespace hotspot {

namespace {

// Calls span(row, firstCol, lastCol) for each grid row holding cells whose centre is within
// `radius` of (x, y): on a row the covered centres are one contiguous run.
template <typename Span>
void forEachRowSpan(const Grid& grid, double x, double y, double radius, Span span) {
    const double cs = grid.cellSize, top = grid.originY + static_cast<double>(grid.rows) * cs;
    const int64_t r0 = std::max<int64_t>(0, static_cast<int64_t>(std::ceil((top - (y + radius)) / cs - 0.5)));
    const int64_t r1 = std::min<int64_t>(grid.rows - 1, static_cast<int64_t>(std::floor((top - (y - radius)) / cs - 0.5)));
    for (int64_t r = r0; r <= r1; ++r) {
        const double dy = top - (static_cast<double>(r) + 0.5) * cs - y;
        const double h2 = radius * radius - dy * dy;
        if (h2 < 0) continue;
        const double half = std::sqrt(h2);
        const int64_t c0 = std::max<int64_t>(0, static_cast<int64_t>(std::ceil((x - half - grid.originX) / cs - 0.5)));
        const int64_t c1 = std::min<int64_t>(grid.cols - 1, static_cast<int64_t>(std::floor((x + half - grid.originX) / cs - 0.5)));
        if (c0 <= c1) span(r, c0, c1);
    }
}

}  // namespace

void cellsWithin(const Grid& grid, double x, double y, double radius, std::vector<int64_t>& out) {
    out.clear();
    forEachRowSpan(grid, x, y, radius, [&](int64_t r, int64_t c0, int64_t c1) {
        for (int64_t c = c0; c <= c1; ++c) out.push_back(r * grid.cols + c);
    });
}

namespace {

enum class GreedyKey { Gain,
                       GainPerCost };

std::vector<SitePick> lazyGreedy(const Grid& grid, const std::vector<double>& demand, const std::vector<SiteCandidate>& candidates,
                                 const SitingOptions& o, GreedyKey keyKind) {
    std::vector<uint8_t> covered(demand.size(), 0);
    std::vector<int64_t> cells;
    auto gainOf = [&](size_t c) {
        cellsWithin(grid, candidates[c].x, candidates[c].y, o.radius, cells);
        double g = 0;
        for (int64_t k : cells)
            if (!covered[static_cast<size_t>(k)]) g += demand[static_cast<size_t>(k)];
        return g;
    };
    auto keyOf = [&](size_t c, double gain) { return keyKind == GreedyKey::Gain ? gain : gain / std::max(candidates[c].cost, 1e-300); };
    // (key, -index, round computed): ties go to the lower index, so results are reproducible.
    using Entry = std::tuple<double, int64_t, size_t>;
    // First gains of every candidate (the bulk of the work) from row prefix sums, one subtraction
    // per row of the disc, on all cores; later gains lazily, cell by cell.
    const auto cols = static_cast<size_t>(grid.cols);
    std::vector<double> prefix(static_cast<size_t>(grid.rows) * (cols + 1), 0.0);
    parallelFor(static_cast<size_t>(grid.rows), [&](size_t r, unsigned) {
        double* p = prefix.data() + r * (cols + 1);
        for (size_t c = 0; c < cols; ++c) p[c + 1] = p[c] + demand[r * cols + c];
    });
    std::vector<double> first(candidates.size(), 0.0);
    constexpr size_t kBlock = 4096;
    parallelFor((candidates.size() + kBlock - 1) / kBlock, [&](size_t b, unsigned) {
        for (size_t c = b * kBlock; c < std::min(candidates.size(), (b + 1) * kBlock); ++c) {
            if (candidates[c].cost > o.budget) continue;
            double g = 0;
            forEachRowSpan(grid, candidates[c].x, candidates[c].y, o.radius, [&](int64_t r, int64_t c0, int64_t c1) {
                const double* p = prefix.data() + static_cast<size_t>(r) * (cols + 1);
                g += p[c1 + 1] - p[c0];
            });
            first[c] = g;
        }
    });
    std::vector<Entry> entries;
    for (size_t c = 0; c < candidates.size(); ++c)
        if (first[c] > 0) entries.emplace_back(keyOf(c, first[c]), -static_cast<int64_t>(c), 0);
    std::priority_queue<Entry> queue(std::less<Entry>(), std::move(entries));
    std::vector<SitePick> picks;
    double cumulative = 0, spent = 0;
    while (!queue.empty() && static_cast<int>(picks.size()) < o.maxSites) {
        auto [key, negIndex, round] = queue.top();
        queue.pop();
        const auto c = static_cast<size_t>(-negIndex);
        if (spent + candidates[c].cost > o.budget) continue;  // the budget only shrinks: never fits again
        if (round != picks.size()) {
            const double g = gainOf(c);
            if (g > 0) queue.emplace(keyOf(c, g), negIndex, picks.size());
            continue;
        }
        const double g = gainOf(c);
        for (int64_t k : cells) covered[static_cast<size_t>(k)] = 1;
        cumulative += g;
        spent += candidates[c].cost;
        picks.push_back({c, g, cumulative, candidates[c].cost, spent});
    }
    return picks;
}

}  // namespace

std::vector<SitePick> greedySites(const Grid& grid, const std::vector<double>& demand, const std::vector<SiteCandidate>& candidates,
                                  const SitingOptions& o) {
    if (!(o.radius > 0)) throwUsage("the coverage radius must be positive", {"", 0, "radius"});
    if (o.maxSites < 1) throwUsage("the number of sites must be at least 1", {"", 0, "sites"});
    for (const auto& c : candidates)
        if (!(c.cost >= 0)) throwInput("candidate '" + c.id + "' has a negative or missing cost", {"", 0, "cost"});
    bool equalCosts = true;
    for (const auto& c : candidates) equalCosts &= c.cost == candidates.front().cost;
    auto byGain = lazyGreedy(grid, demand, candidates, o, GreedyKey::Gain);
    if (equalCosts || !std::isfinite(o.budget)) return byGain;
    auto byRatio = lazyGreedy(grid, demand, candidates, o, GreedyKey::GainPerCost);
    const double a = byGain.empty() ? 0 : byGain.back().cumulative, b = byRatio.empty() ? 0 : byRatio.back().cumulative;
    return b > a ? byRatio : byGain;
}

double coveredDemand(const Grid& grid, const std::vector<double>& demand, const std::vector<SiteCandidate>& candidates,
                     const std::vector<size_t>& chosen, double radius) {
    std::vector<uint8_t> covered(demand.size(), 0);
    std::vector<int64_t> cells;
    double total = 0;
    for (size_t c : chosen) {
        cellsWithin(grid, candidates[c].x, candidates[c].y, radius, cells);
        for (int64_t k : cells)
            if (!covered[static_cast<size_t>(k)]) covered[static_cast<size_t>(k)] = 1, total += demand[static_cast<size_t>(k)];
    }
    return total;
}

std::vector<size_t> exactSites(const Grid& grid, const std::vector<double>& demand, const std::vector<SiteCandidate>& candidates,
                               const SitingOptions& o) {
    const size_t n = candidates.size();
    const size_t k = std::min(static_cast<size_t>(std::max(o.maxSites, 0)), n);
    // Number of sets of size <= k, capped.
    double sets = 0, term = 1;
    for (size_t s = 1; s <= k; ++s) {
        term = term * static_cast<double>(n - s + 1) / static_cast<double>(s);
        sets += term;
    }
    if (sets > 5e6) throwUsage("too many candidate sets for the exact solver (over 5 million)", {"", 0, "exact"});
    std::vector<std::vector<int64_t>> cellsOf(n);
    for (size_t c = 0; c < n; ++c) cellsWithin(grid, candidates[c].x, candidates[c].y, o.radius, cellsOf[c]);
    std::vector<uint32_t> coverCount(demand.size(), 0);
    std::vector<size_t> current, best;
    double bestValue = -1, value = 0;
    std::function<void(size_t, double)> search = [&](size_t from, double spent) {
        if (value > bestValue) bestValue = value, best = current;
        if (current.size() == k) return;
        for (size_t c = from; c < n; ++c) {
            if (spent + candidates[c].cost > o.budget) continue;
            for (int64_t cell : cellsOf[c])
                if (coverCount[static_cast<size_t>(cell)]++ == 0) value += demand[static_cast<size_t>(cell)];
            current.push_back(c);
            search(c + 1, spent + candidates[c].cost);
            current.pop_back();
            for (int64_t cell : cellsOf[c])
                if (--coverCount[static_cast<size_t>(cell)] == 0) value -= demand[static_cast<size_t>(cell)];
        }
    };
    search(0, 0);
    return best;
}

double removeCoveredDemand(const Grid& grid, std::vector<double>& demand, const std::vector<Camera>& cameras) {
    double removed = 0;
    std::vector<int64_t> cells;
    for (const auto& c : cameras) {
        cellsWithin(grid, c.view.x, c.view.y, c.view.range, cells);
        for (int64_t k : cells) {
            double& d = demand[static_cast<size_t>(k)];
            if (d != 0 && c.view.contains(grid.centreX(k / grid.cols, k % grid.cols), grid.centreY(k / grid.cols))) removed += d, d = 0;
        }
    }
    return removed;
}

std::vector<SiteCandidate> latticeCandidates(const Grid& grid, const std::vector<double>& demand, double spacing, double radius, double cost) {
    if (!(spacing > 0)) throwUsage("the candidate spacing must be positive", {"", 0, "spacing"});
    std::vector<SiteCandidate> out;
    const Extent e = grid.extent();
    std::vector<int64_t> cells;
    for (double y = e.minY + spacing / 2; y < e.maxY; y += spacing)
        for (double x = e.minX + spacing / 2; x < e.maxX; x += spacing) {
            cellsWithin(grid, x, y, radius, cells);
            if (std::any_of(cells.begin(), cells.end(), [&](int64_t k) { return demand[static_cast<size_t>(k)] > 0; }))
                out.push_back({x, y, cost, fmt::format("grid-{:.0f}-{:.0f}", x, y)});
        }
    return out;
}

}  // namespace hotspot
