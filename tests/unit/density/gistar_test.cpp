#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <sstream>

#include "hotspot/gistar.hpp"
#include "hotspot/stats.hpp"
#include "test_support.hpp"

using namespace hotspot;

namespace {

std::vector<double> parseGrid(const char* ascii) {
    std::vector<double> v;
    std::istringstream in(ascii);
    double d;
    while (in >> d) v.push_back(d);
    return v;
}

// z from the METHODS.md formula, written out for one location.
double handZ(const std::vector<double>& x, const std::vector<size_t>& nb) {
    const double n = static_cast<double>(x.size());
    double sum = 0, sum2 = 0;
    for (double v : x) sum += v, sum2 += v * v;
    const double mean = sum / n, s = std::sqrt(sum2 / n - mean * mean);
    double local = 0;
    for (size_t j : nb) local += x[j];
    const double w = static_cast<double>(nb.size());
    return (local - mean * w) / (s * std::sqrt((n * w - w * w) / (n - 1)));
}

}  // namespace

//   A 4 x 4 grid of counts with a hot corner:
//     9 8 1 0
//     7 9 0 1
//     1 0 0 0
//     0 1 0 0
TEST(GiStar, SquareGridMatchesTheFormulaByHand) {
    auto x = parseGrid("9 8 1 0  7 9 0 1  1 0 0 0  0 1 0 0");
    Grid g;
    g.cellSize = 1;
    g.cols = 4;
    g.rows = 4;
    GiStarResult r = giStarGrid(g, x, 1, {});
    // Corner (0,0): itself and 3 neighbours.
    EXPECT_NEAR(r.z[0], handZ(x, {0, 1, 4, 5}), 1e-12);
    // Interior (1,1): 3 x 3 window.
    EXPECT_NEAR(r.z[5], handZ(x, {0, 1, 2, 4, 5, 6, 8, 9, 10}), 1e-12);
    // Edge (3,2)
    EXPECT_NEAR(r.z[14], handZ(x, {9, 10, 11, 13, 14, 15}), 1e-12);
    EXPECT_GT(r.z[0], 2.0);
    EXPECT_NEAR(r.p[0], 2 * normalCdf(-std::abs(r.z[0])), 1e-15);
    // The general neighbour-list path gives the same numbers.
    Neighbours nb;
    nb.add({0, 1, 4, 5});
    for (int i = 1; i < 16; ++i) nb.add({static_cast<uint32_t>(i)});
    EXPECT_NEAR(giStar(x, nb).z[0], r.z[0], 1e-12);
}

TEST(GiStar, MaskedCellsAreOutsideTheAnalysis) {
    auto x = parseGrid("9 8 1 0  7 9 0 1  1 0 0 0  0 1 0 0");
    Grid g;
    g.cellSize = 1;
    g.cols = 4;
    g.rows = 4;
    std::vector<uint8_t> mask(16, 1);
    mask[15] = 0;
    GiStarResult r = giStarGrid(g, x, 1, mask);
    EXPECT_EQ(r.n, 15u);
    EXPECT_TRUE(std::isnan(r.z[15]));
    std::vector<double> x15(x.begin(), x.begin() + 15);
    EXPECT_NEAR(r.z[10], handZ(x15, {5, 6, 7, 9, 10, 11, 13, 14}), 1e-12);
    // All values equal: s = 0, z undefined (NaN), never a division by zero.
    GiStarResult flat = giStarGrid(g, std::vector<double>(16, 3.0), 1, {});
    EXPECT_TRUE(std::isnan(flat.z[5]));
    EXPECT_EQ(flat.bin[5], 0);
}

// R spdep 1.2-7 localG on a 40 x 55 queen grid with self included (../shared/oracles).
TEST(GiStar, EqualsSpdepLocalGOnTheOracleGrid) {
    auto shared = test::sharedDir();
    if (!shared) GTEST_SKIP() << "../shared not present";
    std::ifstream in(*shared + "/oracles/gistar_spdep_40x55.csv");
    ASSERT_TRUE(in) << "oracle missing";
    std::string line;
    std::getline(in, line);
    std::vector<double> x, g;
    while (std::getline(in, line)) {
        auto comma = line.find(',');
        x.push_back(std::stod(line.substr(0, comma)));
        g.push_back(std::stod(line.substr(comma + 1)));
    }
    ASSERT_EQ(x.size(), 40u * 55u);
    Grid grid;
    grid.cellSize = 1;
    grid.rows = 40;
    grid.cols = 55;
    GiStarResult r = giStarGrid(grid, x, 1, {});
    double worst = 0;
    for (size_t i = 0; i < x.size(); ++i) worst = std::max(worst, std::abs(r.z[i] - g[i]));
    EXPECT_LT(worst, 1e-9);
    std::printf("largest |z - spdep| over 2200 cells: %.3g\n", worst);
}

TEST(GiStar, PermutationPValuesAreReproducibleAndAgreeWithTheNormalOnes) {
    std::vector<double> x(400, 0.0);
    for (int i = 0; i < 400; ++i) x[i] = (i * 37 % 11) + (i % 20 < 5 && i / 20 < 5 ? 12 : 0);
    Grid g;
    g.cellSize = 1;
    g.rows = 20;
    g.cols = 20;
    GiStarOptions o;
    o.permutations = 999;
    o.seed = 7;
    GiStarResult a = giStarGrid(g, x, 1, {}, o), b = giStarGrid(g, x, 1, {}, o);
    EXPECT_EQ(a.p, b.p);
    GiStarResult normal = giStarGrid(g, x, 1, {});
    EXPECT_EQ(a.z, normal.z);  // permutations change p, not z
    // In the planted hot corner both agree that the cell is significant; pseudo p >= 1/1000.
    EXPECT_LE(a.p[2 * 20 + 2], 0.01);
    EXPECT_GE(a.p[2 * 20 + 2], 1.0 / 1000);
    EXPECT_LE(normal.p[2 * 20 + 2], 0.01);
}

TEST(Fdr, BenjaminiHochbergOnAHandWorkedList) {
    // m = 10 sorted p-values; BH at 0.05 compares p_(k) with k * 0.005:
    // 0.001<=0.005 yes, 0.008<=0.010 yes, 0.012<=0.015 yes, 0.030>0.020, 0.031>0.025, 0.04>0.03 ...
    // the largest k passing is 3, so the threshold is 0.012.
    std::vector<double> p = {0.04, 0.001, 0.5, 0.012, 0.031, 0.008, 0.2, 0.03, 0.9, 0.06};
    EXPECT_DOUBLE_EQ(bhThreshold(p, 0.05), 0.012);
    // At 0.10: k * 0.01: 0.001, 0.008, 0.012<=0.03, 0.03<=0.04, 0.031<=0.05, 0.04<=0.06, 0.06<=0.07 -> 0.06
    EXPECT_DOUBLE_EQ(bhThreshold(p, 0.10), 0.06);
    // At 0.01: 0.001<=0.001 yes, 0.008>0.002 -> 0.001
    EXPECT_DOUBLE_EQ(bhThreshold(p, 0.01), 0.001);
    std::vector<double> z(10, 2.0);
    z[2] = -1.0;
    auto bins = fdrBins(z, p, true);
    EXPECT_EQ(bins[1], 3);            // p 0.001: 99 %
    EXPECT_EQ(bins[5], 2);            // 0.008: 95 %
    EXPECT_EQ(bins[3], 2);            // 0.012: 95 %
    EXPECT_EQ(bins[7], 1);            // 0.03: 90 % only
    EXPECT_EQ(bins[9], 1);            // 0.06: 90 %
    EXPECT_EQ(bins[6], 0);            // 0.2
    auto raw = fdrBins(z, p, false);  // without correction: plain alpha cuts
    EXPECT_EQ(raw[7], 2);
    EXPECT_EQ(raw[9], 1);
}
