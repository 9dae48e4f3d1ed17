#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "hotspot/grid.hpp"

using namespace hotspot;

TEST(Grid, CellEdgesAlignToMultiplesOfTheCellSizeAcrossRuns) {
    // Two periods with different extents: the shared area lines up cell for cell.
    Grid a = Grid::covering({475123.4, 260017.9, 478999.0, 262345.6}, 50, GridShape::Square, 10'000'000);
    Grid b = Grid::covering({474001.0, 259990.0, 477777.7, 263000.1}, 50, GridShape::Square, 10'000'000);
    EXPECT_DOUBLE_EQ(a.originX, 475100);
    EXPECT_DOUBLE_EQ(a.originY, 260000);
    EXPECT_DOUBLE_EQ(b.originX, 474000);
    EXPECT_DOUBLE_EQ(std::fmod(a.originX - b.originX, 50.0), 0.0);
    EXPECT_DOUBLE_EQ(std::fmod(a.extent().maxY - b.extent().maxY, 50.0), 0.0);
    // The same point falls in cells with the same centre in both grids.
    auto ca = a.cellOf(476010, 261020), cb = b.cellOf(476010, 261020);
    ASSERT_TRUE(ca && cb);
    EXPECT_DOUBLE_EQ(a.centreX(*ca / a.cols, *ca % a.cols), b.centreX(*cb / b.cols, *cb % b.cols));
    EXPECT_DOUBLE_EQ(a.centreY(*ca / a.cols), b.centreY(*cb / b.cols));
}

//   3 x 2 grid of 10 m cells, origin (0, 0):      row 0: y 10..20
//   +----+----+----+                              row 1: y  0..10
//   | 0  | 1  | 2  |
//   +----+----+----+
//   | 3  | 4  | 5  |
//   +----+----+----+
TEST(Grid, CellOfPointsOnEdgesIsUnique) {
    Grid g = Grid::covering({0, 0, 30, 20}, 10, GridShape::Square, 100);
    ASSERT_EQ(g.cols, 3);
    ASSERT_EQ(g.rows, 2);
    EXPECT_EQ(*g.cellOf(5, 15), 0);
    EXPECT_EQ(*g.cellOf(25, 5), 5);
    EXPECT_EQ(*g.cellOf(10, 5), 4);  // on the edge between 3 and 4: the east cell
    EXPECT_EQ(*g.cellOf(5, 10), 3);  // on the edge between 0 and 3: the south cell
    EXPECT_EQ(*g.cellOf(30, 0), 5);  // outer corner
    EXPECT_FALSE(g.cellOf(31, 5));
    EXPECT_FALSE(g.cellOf(NAN, 5));
}

TEST(Grid, HexagonCentresNeighboursAndCells) {
    Grid g = Grid::covering({0, 0, 1000, 1000}, 100, GridShape::Hexagon, 100000);
    std::vector<int64_t> nb;
    g.neighbours(5, 5, 1, nb);
    EXPECT_EQ(nb.size(), 6u);
    for (int64_t k : nb) EXPECT_NEAR(std::hypot(g.centreX(k / g.cols, k % g.cols) - g.centreX(5, 5), g.centreY(k / g.cols) - g.centreY(5)), 100, 1e-6);
    // A point at a centre is in that hexagon.
    EXPECT_EQ(*g.cellOf(g.centreX(5, 5), g.centreY(5)), 5 * g.cols + 5);
    EXPECT_EQ(*g.cellOf(g.centreX(5, 5) + 40, g.centreY(5) + 10), 5 * g.cols + 5);
}

TEST(RobustExtent, StrayPointsAreExcludedAndCounted) {
    std::vector<double> x, y;
    for (int i = 0; i < 1000; ++i) x.push_back(470000 + i * 10), y.push_back(260000 + i * 5);
    x.push_back(407000), y.push_back(287000);  // Birmingham
    x.push_back(NAN), y.push_back(NAN);
    StrayReport r = robustExtent(x, y);
    EXPECT_EQ(r.strayCount, 2u);
    EXPECT_EQ(r.stray[1000], 1);
    EXPECT_DOUBLE_EQ(r.extent.minX, 470000);
    EXPECT_DOUBLE_EQ(r.extent.maxX, 479990);
}

TEST(RobustExtent, ThePercentilesAreExactOnTiesClustersAndMissingValues) {
    // The percentiles are found from a sample and one pass; they must be the very values a full
    // selection gives, so every point is a stray or not exactly as before.
    auto reference = [](const std::vector<double>& x, const std::vector<double>& y) {
        std::vector<double> xs, ys;
        for (size_t i = 0; i < x.size(); ++i)
            if (std::isfinite(x[i]) && std::isfinite(y[i])) xs.push_back(x[i]), ys.push_back(y[i]);
        auto q = [](std::vector<double> v, double p) {
            const size_t k = static_cast<size_t>(p * static_cast<double>(v.size() - 1));
            std::nth_element(v.begin(), v.begin() + static_cast<long>(k), v.end());
            return v[k];
        };
        return std::vector<double>{q(xs, 0.01), q(ys, 0.01), q(xs, 0.99), q(ys, 0.99)};
    };
    uint64_t state = 99;
    auto next = [&] { return static_cast<double>((state = state * 6364136223846793005ULL + 1442695040888963407ULL) >> 11) / 9007199254740992.0; };
    for (size_t n : {1u, 2u, 3u, 150u, 4097u, 50000u, 300000u}) {
        for (int shape = 0; shape < 3; ++shape) {
            std::vector<double> x, y;
            for (size_t i = 0; i < n; ++i) {
                double px = 0, py = 0;
                if (shape == 0) px = 470000 + 8000 * next(), py = 255000 + 6000 * next();
                if (shape == 1) px = 470000 + std::round(20 * next()) * 100, py = 255000 + std::round(3 * next()) * 100;  // few distinct values
                if (shape == 2) {                                                                                         // most points in one spot, a long thin tail, strays and holes
                    const double u = next();
                    px = u < 0.9 ? 475000 : 470000 + 400000 * next() * next() * next();
                    py = u < 0.9 ? 260000 : 250000 + 100000 * next();
                    if (u > 0.995) px = NAN;
                }
                x.push_back(px), y.push_back(py);
            }
            const StrayReport r = robustExtent(x, y, 0);
            const std::vector<double> q = reference(x, y);
            // The core box grown by its larger side; strays are the points outside it.
            const double margin = std::max(q[2] - q[0], q[3] - q[1]);
            size_t strays = 0;
            for (size_t i = 0; i < n; ++i) {
                const bool out = !std::isfinite(x[i]) || !std::isfinite(y[i]) || x[i] < q[0] - margin || x[i] > q[2] + margin ||
                                 y[i] < q[1] - margin || y[i] > q[3] + margin;
                strays += out;
                ASSERT_EQ(r.stray[i], out ? 1 : 0) << "n " << n << " shape " << shape << " point " << i;
            }
            EXPECT_EQ(r.strayCount, strays) << "n " << n << " shape " << shape;
        }
    }
}

namespace {

// Point in a convex polygon (the hexagon's closed ring, counter-clockwise), with a tolerance for
// points on an edge.
bool insideConvex(const std::vector<std::pair<double, double>>& ring, double x, double y) {
    for (size_t k = 0; k + 1 < ring.size(); ++k) {
        const auto [x0, y0] = ring[k];
        const auto [x1, y1] = ring[k + 1];
        if ((x1 - x0) * (y - y0) - (y1 - y0) * (x - x0) < -1e-6) return false;
    }
    return true;
}

}  // namespace

// Hexagons used to leave the west half-cell of shifted rows and notches along the south edge of the
// grid's own extent uncovered: points there were counted in a hexagon that does not contain them,
// or dropped. Every point of the extent (random, on its edges and corners) must now be in a
// hexagon of the grid that contains it.
TEST(Grid, HexagonsCoverTheWholeExtentAndEachPointIsInTheHexagonThatHoldsIt) {
    for (double cell : {100.0, 37.5, 250.0}) {
        const Extent e{1000, 1000, 3130, 2470};
        const Grid g = Grid::covering(e, cell, GridShape::Hexagon, 10'000'000);
        uint64_t state = 12345;
        auto next = [&] {
            state = state * 6364136223846793005ULL + 1442695040888963407ULL;
            return static_cast<double>(state >> 11) / static_cast<double>(1ULL << 53);
        };
        std::vector<std::pair<double, double>> points = {{e.minX, e.minY}, {e.maxX, e.minY}, {e.minX, e.maxY}, {e.maxX, e.maxY}, {1005, 1144}, {1300, 1010}, {1500, 1500}, {1450, 1450}};
        for (int i = 0; i < 400; ++i) points.emplace_back(e.minX + next() * e.width(), e.minY + next() * e.height());
        for (int i = 0; i <= 100; ++i) {
            const double t = i / 100.0;
            points.emplace_back(e.minX + t * e.width(), e.minY);
            points.emplace_back(e.minX, e.minY + t * e.height());
        }
        for (const auto& [x, y] : points) {
            const auto c = g.cellOf(x, y);
            ASSERT_TRUE(c.has_value()) << "cell " << cell << ": (" << x << ", " << y << ") is in no hexagon";
            EXPECT_TRUE(insideConvex(g.cellRing(*c / g.cols, *c % g.cols), x, y)) << "cell " << cell << ": (" << x << ", " << y << ")";
        }
    }
}

// The lattice depends on the cell size alone: grids over different extents share their centres.
TEST(Grid, HexagonLatticesOfDifferentRunsLineUp) {
    const Grid a = Grid::covering({1000, 1000, 3000, 2000}, 100, GridShape::Hexagon, 10'000'000);
    const Grid b = Grid::covering({1733, 1411, 5000, 4000}, 100, GridShape::Hexagon, 10'000'000);
    int shared = 0;
    for (int64_t r = 0; r < a.rows; ++r)
        for (int64_t c = 0; c < a.cols; ++c) {
            const double x = a.centreX(r, c), y = a.centreY(r);
            const auto other = b.cellOf(x, y);
            if (!other) continue;
            EXPECT_NEAR(b.centreX(*other / b.cols, *other % b.cols), x, 1e-6);
            EXPECT_NEAR(b.centreY(*other / b.cols), y, 1e-6);
            ++shared;
        }
    EXPECT_GT(shared, 50);
}
