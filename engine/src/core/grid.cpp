#include "hotspot/grid.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "core/thread_pool.hpp"
#include "hotspot/error.hpp"

namespace hotspot {

namespace {
constexpr double kSqrt3 = 1.7320508075688772;
}

double Grid::rowSpacing() const { return shape == GridShape::Square ? cellSize : cellSize * kSqrt3 / 2; }

Extent Grid::extent() const {
    if (shape == GridShape::Square) return {originX, originY, originX + cols * cellSize, originY + rows * cellSize};
    // Hexagons reach half a cell beyond the centres, plus the half-cell shift of odd rows.
    const double hexRadius = cellSize / kSqrt3;
    return {originX, originY, originX + (cols + 0.5) * cellSize, originY + (rows - 1) * rowSpacing() + 2 * hexRadius};
}

double Grid::centreX(int64_t row, int64_t col) const {
    if (shape == GridShape::Square) return originX + (static_cast<double>(col) + 0.5) * cellSize;
    // Row 0 is the northern row; rows are counted from the top like rasters.
    const int64_t fromSouth = rows - 1 - row;
    return originX + (static_cast<double>(col) + 0.5 + (fromSouth % 2 ? 0.5 : 0.0)) * cellSize;
}

double Grid::centreY(int64_t row) const {
    if (shape == GridShape::Square) return originY + (static_cast<double>(rows - 1 - row) + 0.5) * cellSize;
    const double hexRadius = cellSize / kSqrt3;
    return originY + hexRadius + static_cast<double>(rows - 1 - row) * rowSpacing();
}

std::optional<int64_t> Grid::cellOf(double x, double y) const {
    if (!std::isfinite(x) || !std::isfinite(y)) return std::nullopt;
    if (shape == GridShape::Square) {
        const double fx = (x - originX) / cellSize, fy = (originY + rows * cellSize - y) / cellSize;
        if (fx < 0 || fy < 0) return std::nullopt;
        auto col = static_cast<int64_t>(std::floor(fx)), row = static_cast<int64_t>(std::floor(fy));
        // The outer east and south edges belong to the last cells.
        if (col == cols && fx == static_cast<double>(cols)) --col;
        if (row == rows && fy == static_cast<double>(rows)) --row;
        if (col >= cols || row >= rows) return std::nullopt;
        return row * cols + col;
    }
    // Hexagons: nearest centre among the candidate rows (exact Voronoi of the centres).
    const double hexRadius = cellSize / kSqrt3;
    const double fromSouth = (y - originY - hexRadius) / rowSpacing();
    const auto r0 = static_cast<int64_t>(std::floor(fromSouth));
    double best = 1e300;
    int64_t bestCell = -1;
    for (int64_t rs = r0 - 1; rs <= r0 + 2; ++rs) {
        if (rs < 0 || rs >= rows) continue;
        const int64_t row = rows - 1 - rs;
        const double shift = rs % 2 ? 0.5 : 0.0;
        const auto c0 = static_cast<int64_t>(std::floor((x - originX) / cellSize - shift));
        for (int64_t col = c0 - 1; col <= c0 + 1; ++col) {
            if (col < 0 || col >= cols) continue;
            const double dx = x - centreX(row, col), dy = y - centreY(row);
            const double d = dx * dx + dy * dy;
            // Ties (points on a shared edge) go to the lower cell index: deterministic, counted once.
            if (d < best - 1e-9 || (std::abs(d - best) <= 1e-9 && row * cols + col < bestCell)) {
                best = d;
                bestCell = row * cols + col;
            }
        }
    }
    if (bestCell < 0 || best > hexRadius * hexRadius * (1 + 1e-9)) return std::nullopt;
    return bestCell;
}

std::vector<std::pair<double, double>> Grid::cellRing(int64_t row, int64_t col) const {
    std::vector<std::pair<double, double>> ring;
    const double cx = centreX(row, col), cy = centreY(row);
    if (shape == GridShape::Square) {
        const double h = cellSize / 2;
        ring = {{cx - h, cy - h}, {cx + h, cy - h}, {cx + h, cy + h}, {cx - h, cy + h}, {cx - h, cy - h}};
        return ring;
    }
    const double r = cellSize / kSqrt3;
    for (int k = 0; k < 6; ++k) {
        const double a = M_PI / 180.0 * (60.0 * k - 30.0);  // pointy-top: vertices at -30, 30, 90 ...
        ring.emplace_back(cx + r * std::cos(a), cy + r * std::sin(a));
    }
    ring.push_back(ring.front());
    return ring;
}

void Grid::neighbours(int64_t row, int64_t col, int rings, std::vector<int64_t>& out) const {
    out.clear();
    if (shape == GridShape::Square) {
        for (int64_t dr = -rings; dr <= rings; ++dr)
            for (int64_t dc = -rings; dc <= rings; ++dc) {
                if (dr == 0 && dc == 0) continue;
                const int64_t r = row + dr, c = col + dc;
                if (r >= 0 && r < rows && c >= 0 && c < cols) out.push_back(r * cols + c);
            }
        return;
    }
    // Hexagons: cells whose centres are within rings * cellSize (plus rounding slack).
    const double cx = centreX(row, col), cy = centreY(row), limit = rings * cellSize * 1.0001;
    for (int64_t r = std::max<int64_t>(0, row - rings); r <= std::min(rows - 1, row + rings); ++r)
        for (int64_t c = std::max<int64_t>(0, col - rings - 1); c <= std::min(cols - 1, col + rings + 1); ++c) {
            if (r == row && c == col) continue;
            if (std::hypot(centreX(r, c) - cx, centreY(r) - cy) <= limit) out.push_back(r * cols + c);
        }
}

Grid Grid::covering(const Extent& extent, double cellSize, GridShape shape, int64_t maxCells) {
    if (!(cellSize > 0) || !std::isfinite(cellSize))
        throwUsage(fmt::format("cell size must be a positive number of metres, not {}", cellSize), {"", 0, "cell"});
    if (!(extent.width() >= 0) || !(extent.height() >= 0)) throwUsage("empty extent: no incidents to grid");
    Grid g;
    g.shape = shape;
    g.cellSize = cellSize;
    g.originX = std::floor(extent.minX / cellSize) * cellSize;
    g.originY = std::floor(extent.minY / cellSize) * cellSize;
    if (shape == GridShape::Hexagon) {
        // The lattice is a function of the cell size alone (centres at multiples of the cell size
        // across, rows at multiples of the row pitch with the parity of the absolute row), so
        // lattices of different runs line up; and it reaches one cell beyond the extent on every
        // side, so every point of the extent lies in a hexagon of the grid (the hexagons are the
        // Voronoi cells of the centres: a point's nearest centre is then always in the grid).
        const double twoRows = cellSize * kSqrt3;  // two row pitches: the lattice repeats
        g.originX = std::floor(extent.minX / cellSize) * cellSize - cellSize;
        g.originY = std::floor((extent.minY - cellSize / kSqrt3) / twoRows) * twoRows - twoRows;
    }
    const double cols = std::ceil((extent.maxX - g.originX) / cellSize);
    const double rows = std::ceil((extent.maxY - g.originY) / g.rowSpacing());
    // Counted in floating point first: a tiny cell over a real extent has more cells than an
    // int64 holds, and converting such a count is undefined (it once came out as a 2 x 2 grid).
    const double estimate = (std::max(cols, 1.0) + 1) * (std::max(rows, 1.0) + 1);
    if (!std::isfinite(cols) || !std::isfinite(rows) || !(estimate <= static_cast<double>(maxCells) * 4 + 16))
        throwUsage(fmt::format("a {} m grid over {:.1f} x {:.1f} km has about {:.3g} cells, more than the limit of {}; "
                               "use a larger cell, a study area, or raise the cell limit",
                               cellSize, extent.width() / 1000, extent.height() / 1000, estimate, maxCells),
                   {"", 0, "cell"});
    g.cols = std::max<int64_t>(1, static_cast<int64_t>(cols));
    g.rows = std::max<int64_t>(1, static_cast<int64_t>(rows));
    if (shape == GridShape::Square) {
        // A point exactly on the maximum edge still needs its cell.
        if (g.originX + g.cols * cellSize < extent.maxX) ++g.cols;
        if (g.originY + g.rows * cellSize < extent.maxY) ++g.rows;
    } else {
        g.rows += 2;
        g.cols += 2;
    }
    const double cells = static_cast<double>(g.cols) * static_cast<double>(g.rows);
    if (cells > static_cast<double>(maxCells))
        throwUsage(fmt::format("a {:.0f} m grid over {:.1f} x {:.1f} km has {:.0f} cells, more than the limit of {} (`max_cells`); "
                               "use a larger cell, a study area, or raise the limit",
                               cellSize, extent.width() / 1000, extent.height() / 1000, cells, maxCells),
                   {"", 0, "cell"});
    return g;
}

namespace {

// The k-th smallest (0-based) of the values v[i] at the rows where both v[i] and other[i] are
// finite, for each k in ks, exactly: the value std::nth_element would give, without copying or
// reordering a million values. A sample brackets each k; one pass counts the values below each
// bracket and keeps those inside it, and the answer is selected among those few. A bracket the
// sample misjudged (the count says k is outside it) falls back to selecting over all the values.
std::vector<double> orderStatistics(const std::vector<double>& v, const std::vector<double>& other, size_t n, const std::vector<size_t>& ks) {
    auto usable = [&](size_t i) { return std::isfinite(v[i]) && std::isfinite(other[i]); };
    const size_t stride = std::max<size_t>(1, n / 4096);
    std::vector<double> sample;
    for (size_t i = 0, seen = 0; i < v.size(); ++i)
        if (usable(i) && seen++ % stride == 0) sample.push_back(v[i]);
    std::sort(sample.begin(), sample.end());
    const double s = static_cast<double>(sample.size());
    struct Bracket {
        double lo, hi;
        size_t below = 0;
        std::vector<double> inside;
    };
    std::vector<Bracket> brackets;
    for (size_t k : ks) {
        const double p = n > 1 ? static_cast<double>(k) / static_cast<double>(n - 1) : 0.5;
        const double rank = p * (s - 1);
        const double spread = 4 * std::sqrt(s * p * (1 - p)) + 16;  // the rank's sampling error, many times over
        const auto at = [&](double r) { return sample[static_cast<size_t>(std::clamp(r, 0.0, s - 1))]; };
        brackets.push_back({at(std::floor(rank - spread)), at(std::ceil(rank + spread)), 0, {}});
    }
    for (size_t i = 0; i < v.size(); ++i) {
        if (!usable(i)) continue;
        for (auto& b : brackets) {
            if (v[i] < b.lo) ++b.below;
            else if (v[i] <= b.hi) b.inside.push_back(v[i]);
        }
    }
    std::vector<double> out;
    for (size_t j = 0; j < ks.size(); ++j) {
        Bracket& b = brackets[j];
        const size_t k = ks[j];
        if (k >= b.below && k - b.below < b.inside.size()) {
            std::nth_element(b.inside.begin(), b.inside.begin() + static_cast<std::ptrdiff_t>(k - b.below), b.inside.end());
            out.push_back(b.inside[k - b.below]);
        } else {
            std::vector<double> all;
            for (size_t i = 0; i < v.size(); ++i)
                if (usable(i)) all.push_back(v[i]);
            std::nth_element(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(k), all.end());
            out.push_back(all[k]);
        }
    }
    return out;
}

}  // namespace

StrayReport robustExtent(const std::vector<double>& x, const std::vector<double>& y, double strayMetres) {
    StrayReport r;
    r.stray.assign(x.size(), 0);
    size_t n = 0;
    for (size_t i = 0; i < x.size(); ++i) n += std::isfinite(x[i]) && std::isfinite(y[i]);
    if (n == 0) {
        r.extent = {0, 0, -1, -1};
        return r;
    }
    // The 1st and 99th percentiles as the element at floor(q (n - 1)) of the sorted values.
    const std::vector<size_t> ks = {static_cast<size_t>(0.01 * static_cast<double>(n - 1)), static_cast<size_t>(0.99 * static_cast<double>(n - 1))};
    // x and y on two threads: each is a pass over every point.
    const std::vector<double>* axes[2] = {&x, &y};
    std::vector<double> q[2];
    parallelFor(2, [&](size_t axis, unsigned) { q[axis] = orderStatistics(*axes[axis], *axes[1 - axis], n, ks); });
    Extent core{q[0][0], q[1][0], q[0][1], q[1][1]};
    const double margin = std::max(strayMetres, std::max(core.width(), core.height()));
    const Extent allowed = core.expanded(margin);
    bool first = true;
    for (size_t i = 0; i < x.size(); ++i) {
        if (!std::isfinite(x[i]) || !std::isfinite(y[i]) || !allowed.contains(x[i], y[i])) {
            r.stray[i] = 1;
            ++r.strayCount;
            continue;
        }
        if (first) {
            r.extent = {x[i], y[i], x[i], y[i]};
            first = false;
        } else {
            r.extent.minX = std::min(r.extent.minX, x[i]);
            r.extent.minY = std::min(r.extent.minY, y[i]);
            r.extent.maxX = std::max(r.extent.maxX, x[i]);
            r.extent.maxY = std::max(r.extent.maxY, y[i]);
        }
    }
    return r;
}

std::vector<double> surfaceClassBreaks(const std::vector<double>& values) {
    auto usable = [](double v) { return v > 0 && std::isfinite(v); };
    std::vector<double> positive;
    positive.reserve(static_cast<size_t>(std::count_if(values.begin(), values.end(), usable)));  // one block, not a doubling series
    for (double v : values)
        if (usable(v)) positive.push_back(v);
    if (positive.empty()) return {};
    // Order statistics by selection, each in the part above the last (a sort of a million cells
    // took more time than the rest of the styling).
    std::vector<double> breaks;
    auto from = positive.begin();
    for (double f : {0.5, 0.75, 0.9, 0.975}) {
        const auto at = positive.begin() + static_cast<std::ptrdiff_t>(std::min(positive.size() - 1, static_cast<size_t>(f * static_cast<double>(positive.size()))));
        std::nth_element(from, at, positive.end());
        breaks.push_back(*at);
        from = at;
    }
    breaks.push_back(*std::max_element(from, positive.end()));
    return breaks;
}

}  // namespace hotspot
