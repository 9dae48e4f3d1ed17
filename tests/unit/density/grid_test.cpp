#include <gtest/gtest.h>

#include <cmath>

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
    EXPECT_EQ(*g.cellOf(10, 5), 4);   // on the edge between 3 and 4: the east cell
    EXPECT_EQ(*g.cellOf(5, 10), 3);   // on the edge between 0 and 3: the south cell
    EXPECT_EQ(*g.cellOf(30, 0), 5);   // outer corner
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
