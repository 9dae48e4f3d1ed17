// Forecast scoring (hit rate, PAI, PEI, RRI, shared ties) on hand-computed cases, and the
// prospective surface against the published weights computed by hand and by a brute-force sum.

#include <gtest/gtest.h>

#include <cmath>

#include "hotspot/forecast.hpp"

using namespace hotspot;

namespace {

Grid squareGrid(int64_t cols, int64_t rows, double cell) {
    Grid g;
    g.cellSize = cell;
    g.cols = cols;
    g.rows = rows;
    return g;
}

}  // namespace

TEST(ScoreCoverage, HandComputedWithoutTies) {
    // 10 cells; the map ranks cells 0..9 from high to low. Target crimes: 5 in cell 0, 3 in cell 4,
    // 2 in cell 9 (N = 10). Previous month: 4 in cell 1, 4 in cell 8 (N = 8).
    const std::vector<double> score{10, 9, 8, 7, 6, 5, 4, 3, 2, 1};
    const std::vector<double> target{5, 0, 0, 0, 3, 0, 0, 0, 0, 2};
    const std::vector<double> previous{0, 4, 0, 0, 0, 0, 0, 0, 4, 0};
    // Top 2 cells (20 % of the area): cells 0 and 1 hold 5 of 10 -> hit rate 0.5, PAI 0.5 / 0.2 = 2.5;
    // the best two cells hold 5 + 3 = 8 -> PEI 5/8; previous month: 4 of 8 in the chosen cells ->
    // PAI 2.5 -> RRI 1.
    const CoverageScore s = scoreCoverage(score, target, previous, 2);
    EXPECT_EQ(s.cellsChosen, 2);
    EXPECT_EQ(s.cellsTotal, 10);
    EXPECT_DOUBLE_EQ(s.crimes, 10);
    EXPECT_DOUBLE_EQ(s.hits, 5);
    EXPECT_DOUBLE_EQ(s.bestHits, 8);
    EXPECT_DOUBLE_EQ(s.hitRate, 0.5);
    EXPECT_DOUBLE_EQ(s.pai, 2.5);
    EXPECT_DOUBLE_EQ(s.pei, 5.0 / 8.0);
    EXPECT_DOUBLE_EQ(s.rri, 1.0);
    // Top 5: cells 0-4 hold 8 of 10 -> PAI 0.8 / 0.5 = 1.6; the best 5 cells hold all 10 -> PEI
    // 0.8; previous 4 of 8 -> PAI 1 -> RRI 1.6.
    const CoverageScore t = scoreCoverage(score, target, previous, 5);
    EXPECT_DOUBLE_EQ(t.pai, 1.6);
    EXPECT_DOUBLE_EQ(t.pei, 0.8);
    EXPECT_DOUBLE_EQ(t.rri, 1.6);
}

TEST(ScoreCoverage, TiesAtTheCutOffAreSharedNotBrokenByCellOrder) {
    // Cell 0 ranks first; cells 1-4 tie; 2 more places are left for the 4 tied cells: each counts
    // half. Crimes: cell 0: 1, cell 3: 4, cell 4: 2 -> hits = 1 + (4 + 2) / 2 = 4 of 7.
    const std::vector<double> score{5, 1, 1, 1, 1, 0};
    const std::vector<double> target{1, 0, 0, 4, 2, 0};
    const std::vector<double> previous(6, 0.0);
    const CoverageScore s = scoreCoverage(score, target, previous, 3);
    EXPECT_DOUBLE_EQ(s.hits, 4);
    EXPECT_DOUBLE_EQ(s.hitRate, 4.0 / 7.0);
    EXPECT_DOUBLE_EQ(s.pai, (4.0 / 7.0) / 0.5);
    EXPECT_DOUBLE_EQ(s.bestHits, 7);
    EXPECT_TRUE(std::isnan(s.rri));  // no crimes in the previous month
    // The same cells in another order score the same.
    const std::vector<double> score2{5, 1, 1, 1, 1, 0};
    const std::vector<double> target2{1, 4, 2, 0, 0, 0};
    EXPECT_DOUBLE_EQ(scoreCoverage(score2, target2, previous, 3).hits, 4);
    // A map that cannot tell cells apart scores what a random pick does: PAI 1.
    const std::vector<double> flat(6, 0.0);
    EXPECT_DOUBLE_EQ(scoreCoverage(flat, target, previous, 2).pai, 1.0);
    // NaN ranks below every number.
    const std::vector<double> withNan{NAN, 1, NAN, NAN, NAN, NAN};
    EXPECT_DOUBLE_EQ(scoreCoverage(withNan, target2, previous, 1).hits, 4);
}

TEST(ScoreCoverage, OnlyValidCellsFormTheStudyArea) {
    const std::vector<double> score{3, 2, 1, 0};
    const std::vector<double> target{2, 1, 1, 0};
    const std::vector<uint8_t> valid{0, 1, 1, 1};  // cell 0 is outside: its crimes and area do not count
    const CoverageScore s = scoreCoverage(score, target, target, 1, valid);
    EXPECT_EQ(s.cellsTotal, 3);
    EXPECT_DOUBLE_EQ(s.crimes, 2);
    EXPECT_DOUBLE_EQ(s.hits, 1);  // cell 1
    EXPECT_DOUBLE_EQ(s.pai, 0.5 / (1.0 / 3.0));
}

TEST(ProspectiveSurface, PublishedWeightsByHand) {
    // 100 m cells, so d counts whole 50 m steps. One event at the centre of cell (row 2, col 2),
    // 10 days before the origin (t = 1 whole week): its own cell gets 1/(1+0) x 1/(1+1) = 0.5;
    // the cell east (100 m: d = 2) gets 1/3 x 1/2; the diagonal (141.4 m: d = 2) 1/6 too; a cell
    // 300 m away (d = 6) 1/7 x 1/2; 400 m (d = 8) 1/9 x 1/2; 500 m is beyond the 400 m radius.
    const Grid g = squareGrid(10, 10, 100);
    const double ex = g.centreX(2, 2), ey = g.centreY(2);
    ProspectiveOptions o;  // 400 m, 8 weeks
    const auto risk = prospectiveSurface(g, {ex}, {ey}, {}, {10}, o);
    auto at = [&](int64_t row, int64_t col) { return risk[static_cast<size_t>(row * g.cols + col)]; };
    EXPECT_DOUBLE_EQ(at(2, 2), 0.5);
    EXPECT_DOUBLE_EQ(at(2, 3), 1.0 / 6.0);
    EXPECT_DOUBLE_EQ(at(3, 3), 1.0 / 6.0);
    EXPECT_DOUBLE_EQ(at(2, 5), 1.0 / 14.0);
    EXPECT_DOUBLE_EQ(at(2, 6), 1.0 / 18.0);
    EXPECT_DOUBLE_EQ(at(2, 7), 0.0);
    // A second event 9 weeks (63 days) before the origin is outside the 8-week bandwidth; one
    // 56 days before (t = 8) is in: 1/(1+8).
    const auto two = prospectiveSurface(g, {ex, ex}, {ey, ey}, {}, {63, 56}, o);
    EXPECT_DOUBLE_EQ(two[static_cast<size_t>(2 * g.cols + 2)], 1.0 / 9.0);
    // Events after the origin (negative elapsed days) are not used; weights multiply.
    const auto weighted = prospectiveSurface(g, {ex, ex}, {ey, ey}, {2.0, 5.0}, {0, -1}, o);
    EXPECT_DOUBLE_EQ(weighted[static_cast<size_t>(2 * g.cols + 2)], 2.0);
}

TEST(ProspectiveSurface, EqualsABruteForceSum) {
    const Grid g = squareGrid(30, 20, 50);
    std::vector<double> x, y;
    std::vector<int32_t> days;
    uint64_t s = 7;
    auto next = [&]() { return (s = s * 6364136223846793005ull + 1442695040888963407ull) >> 33; };
    for (int i = 0; i < 200; ++i) {
        x.push_back(static_cast<double>(next() % 1500));
        y.push_back(static_cast<double>(next() % 1000));
        days.push_back(static_cast<int32_t>(next() % 80) - 5);
    }
    ProspectiveOptions o;
    o.radius = 230;
    o.maxWeeks = 6;
    const auto risk = prospectiveSurface(g, x, y, {}, days, o);
    for (int64_t row = 0; row < g.rows; ++row)
        for (int64_t col = 0; col < g.cols; ++col) {
            double expected = 0;
            for (size_t i = 0; i < x.size(); ++i) {
                const double d = std::hypot(g.centreX(row, col) - x[i], g.centreY(row) - y[i]);
                const int weeks = days[i] / 7;
                if (days[i] < 0 || weeks > o.maxWeeks || d > o.radius) continue;
                expected += 1.0 / (1.0 + std::floor(d / 25.0)) / (1.0 + weeks);
            }
            ASSERT_NEAR(risk[static_cast<size_t>(row * g.cols + col)], expected, 1e-12) << row << "," << col;
        }
}

TEST(CellsNearPoints, MarksCentresWithinTheDistanceAndTheHoldingCell) {
    const Grid g = squareGrid(10, 10, 100);
    const double px = g.centreX(5, 5) + 20, py = g.centreY(5);  // 20 m east of a centre
    const auto near = cellsNearPoints(g, {px, px}, {py, py}, 90);
    // Centres within 90 m: own cell (20 m) and the cell east (80 m); west is 120 m away.
    EXPECT_EQ(near[5 * 10 + 5], 1);
    EXPECT_EQ(near[5 * 10 + 6], 1);
    EXPECT_EQ(near[5 * 10 + 4], 0);
    EXPECT_EQ(near[4 * 10 + 5], 0);
    int total = 0;
    for (uint8_t v : near) total += v;
    EXPECT_EQ(total, 2);
    // A buffer under half a cell still keeps the cell holding the point.
    const auto tiny = cellsNearPoints(g, {g.centreX(1, 1) + 45}, {g.centreY(1)}, 1);
    EXPECT_EQ(tiny[1 * 10 + 1], 1);
}
