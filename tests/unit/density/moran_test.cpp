// Moran's I against R spdep 1.2-7 (tests/oracles, made by make_moran_oracles.R) and hand cases.

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <map>
#include <sstream>

#include "density/auto_scale.hpp"
#include "hotspot/error.hpp"
#include "hotspot/moran.hpp"
#include "test_support.hpp"

using namespace hotspot;

namespace {

// A CSV of numbers with a header, as columns by name.
std::map<std::string, std::vector<double>> readOracle(const std::string& name) {
    std::ifstream in(test::sourceDir() + "/tests/oracles/" + name);
    EXPECT_TRUE(in) << name;
    std::string line;
    std::getline(in, line);
    std::vector<std::string> header;
    std::stringstream hs(line);
    for (std::string h; std::getline(hs, h, ',');) header.push_back(h.substr(1, h.size() - 2));  // "quoted"
    std::map<std::string, std::vector<double>> cols;
    while (std::getline(in, line)) {
        std::stringstream ls(line);
        size_t c = 0;
        for (std::string v; std::getline(ls, v, ','); ++c)
            cols[header.at(c)].push_back(v == "NA" || v.front() == '"' ? NAN : std::stod(v));  // text columns: NaN
    }
    return cols;
}

Grid grid30x40() {
    Grid g;
    g.cellSize = 1;
    g.rows = 30;
    g.cols = 40;
    return g;
}

// Largest difference over the four statistics; NaN must meet NaN.
double worstDifference(const LocalMoranResult& r, std::map<std::string, std::vector<double>>& o) {
    double worst = 0;
    const std::vector<double>* ours[] = {&r.ii, &r.expected, &r.variance, &r.z};
    const char* names[] = {"Ii", "E_Ii", "Var_Ii", "Z_Ii"};
    for (int s = 0; s < 4; ++s) {
        const auto& theirs = o.at(names[s]);
        EXPECT_EQ(ours[s]->size(), theirs.size());
        for (size_t i = 0; i < theirs.size(); ++i) {
            if (std::isnan(theirs[i])) {
                EXPECT_TRUE(std::isnan((*ours[s])[i])) << names[s] << " " << i;
                continue;
            }
            worst = std::max(worst, std::abs((*ours[s])[i] - theirs[i]) / std::max(1.0, std::abs(theirs[i])));
        }
    }
    return worst;
}

}  // namespace

TEST(LocalMoran, EqualsSpdepOnAQueenGridRowStandardised) {
    auto o = readOracle("local_moran_grid_queen_W.csv");
    std::vector<int64_t> cellOf;
    const SpatialWeights w = gridWeights(grid30x40(), {}, 1, false, true, cellOf);
    const LocalMoranResult r = localMoran(o.at("x"), w);
    EXPECT_LT(worstDifference(r, o), 1e-9);
}

TEST(LocalMoran, EqualsSpdepOnARookGridWithBinaryWeights) {
    auto o = readOracle("local_moran_grid_rook_B.csv");
    std::vector<int64_t> cellOf;
    const SpatialWeights w = gridWeights(grid30x40(), {}, 1, true, false, cellOf);
    EXPECT_LT(worstDifference(localMoran(o.at("x"), w), o), 1e-9);
}

TEST(LocalMoran, EqualsSpdepTotalRandomisationMoments) {
    auto o = readOracle("local_moran_grid_queen_W_total.csv");
    std::vector<int64_t> cellOf;
    const SpatialWeights w = gridWeights(grid30x40(), {}, 1, false, true, cellOf);
    LocalMoranOptions options;
    options.conditional = false;
    EXPECT_LT(worstDifference(localMoran(o.at("x"), w, options), o), 1e-9);
}

TEST(LocalMoran, EqualsSpdepWithKNearestAndDistanceBandWeights) {
    auto knn = readOracle("local_moran_points_knn5_W.csv");
    EXPECT_LT(worstDifference(localMoran(knn.at("value"), nearestWeights(knn.at("x"), knn.at("y"), 5, true)), knn), 1e-9);
    auto band = readOracle("local_moran_points_band12_B.csv");
    const SpatialWeights w = distanceBandWeights(band.at("x"), band.at("y"), 12, false);
    const LocalMoranResult r = localMoran(band.at("value"), w);
    EXPECT_LT(worstDifference(r, band), 1e-9);
    // Points without a neighbour within 12 are classed so, not tested.
    for (size_t i = 0; i < w.size(); ++i)
        if (w.count(i) == 0) { EXPECT_EQ(r.cls[i], MoranClass::NoNeighbours); }
}

TEST(GlobalMoran, EqualsSpdepMoranTestUnderRandomisation) {
    auto g = readOracle("global_moran.csv");  // rows: grid queen W, grid rook B, points knn5 W, points band12 B
    std::vector<int64_t> cellOf;
    const auto grid = readOracle("local_moran_grid_queen_W.csv");
    const auto knn = readOracle("local_moran_points_knn5_W.csv");
    const GlobalMoran cases[] = {globalMoran(grid.at("x"), gridWeights(grid30x40(), {}, 1, false, true, cellOf)),
                                 globalMoran(grid.at("x"), gridWeights(grid30x40(), {}, 1, true, false, cellOf)),
                                 globalMoran(knn.at("value"), nearestWeights(knn.at("x"), knn.at("y"), 5, true)),
                                 globalMoran(knn.at("value"), distanceBandWeights(knn.at("x"), knn.at("y"), 12, false))};
    for (size_t c = 0; c < 4; ++c) {
        EXPECT_NEAR(cases[c].i, g.at("I")[c], 1e-12) << c;
        EXPECT_NEAR(cases[c].expected, g.at("E")[c], 1e-15) << c;
        EXPECT_NEAR(cases[c].variance, g.at("Var")[c], 1e-12) << c;
        EXPECT_NEAR(cases[c].z, g.at("Z")[c], 1e-9) << c;
    }
}

TEST(LocalMoran, ClassesFollowTheQuadrantAndAHandComputedCase) {
    // A line of 5 locations, each neighbour of the next (binary): x = 0 0 0 0 10.
    SpatialWeights w;
    w.rowStandardised = false;
    w.nb.add({1});
    w.nb.add({0, 2});
    w.nb.add({1, 3});
    w.nb.add({2, 4});
    w.nb.add({3});
    const std::vector<double> x = {0, 0, 0, 0, 10};
    LocalMoranOptions o;
    o.fdr = false;
    o.alpha = 1;  // classify every location, to see the quadrants
    const LocalMoranResult r = localMoran(x, w, o);
    // mean 2, z = -2 -2 -2 -2 8, m2 = (4 * 4 + 64) / 5 = 16.
    EXPECT_DOUBLE_EQ(r.m2, 16);
    EXPECT_DOUBLE_EQ(r.ii[0], -2.0 / 16 * -2);        // 0.25
    EXPECT_DOUBLE_EQ(r.ii[3], -2.0 / 16 * (-2 + 8));  // -0.75: a low value beside a high one
    EXPECT_DOUBLE_EQ(r.ii[4], 8.0 / 16 * -2);         // -1: a high value among low ones
    EXPECT_EQ(r.cls[0], MoranClass::LowLow);
    EXPECT_EQ(r.cls[3], MoranClass::LowHigh);
    // The high value at the end: its conditional variance vanishes (m2 = z_4^2 / (n - 1)), so it has
    // no z and is not classed, as spdep gives NaN there too.
    EXPECT_DOUBLE_EQ(r.variance[4], 0);
    EXPECT_TRUE(std::isnan(r.z[4]));
    EXPECT_EQ(r.cls[4], MoranClass::NotSignificant);
    // Conditional expectation: -(z_i^2 W_i) / ((n - 1) m2).
    EXPECT_DOUBLE_EQ(r.expected[4], -(64.0 * 1) / (4 * 16));
}

TEST(LocalMoran, PermutationPValuesAreReproducibleAndNearTheAnalyticalOnes) {
    auto o = readOracle("local_moran_grid_queen_W.csv");
    std::vector<int64_t> cellOf;
    const SpatialWeights w = gridWeights(grid30x40(), {}, 1, false, true, cellOf);
    LocalMoranOptions options;
    options.permutations = 999;
    const LocalMoranResult a = localMoran(o.at("x"), w, options), b = localMoran(o.at("x"), w, options);
    EXPECT_EQ(a.p, b.p);  // same seed, same answer, whatever the threads
    // The strongest clusters: pseudo p at its floor 1/1000 where the normal p is tiny.
    const LocalMoranResult normal = localMoran(o.at("x"), w);
    int compared = 0;
    for (size_t i = 0; i < a.p.size(); ++i) {
        EXPECT_GE(a.p[i], 1.0 / 1000);
        if (normal.p[i] < 1e-4) {
            EXPECT_LT(a.p[i], 0.01) << i;
            ++compared;
        }
    }
    EXPECT_GT(compared, 5);
}

TEST(AutoScale, TheCellSizeIsTheIncidentsSpacingRoundedAndBounded) {
    // Incidents on a 100 m lattice (each place twice): mean nearest distinct neighbour 100 m.
    std::vector<double> x, y;
    for (int i = 0; i < 40; ++i)
        for (int j = 0; j < 40; ++j)
            for (int k = 0; k < 2; ++k) x.push_back(1000 + 100 * i), y.push_back(5000 + 100 * j);
    std::string rule;
    EXPECT_DOUBLE_EQ(autoCellSize(x, y, Extent{1000, 5000, 4900, 8900}, rule), 100);
    EXPECT_NE(rule.find("100.0 m over 1600 locations"), std::string::npos) << rule;
    // A spacing of 130 m east-west and 100 m north-south: still 100.
    for (double& v : x) v = 1000 + (v - 1000) * 1.3;
    EXPECT_DOUBLE_EQ(autoCellSize(x, y, Extent{1000, 5000, 6070, 8900}, rule), 100);
    // Sparse data: the cell is kept to at least 30 across the extent.
    EXPECT_DOUBLE_EQ(autoCellSize({0, 0.5, 1e6}, {0, 0, 0}, Extent{0, 0, 1e6, 1e6}, rule), 1e6 / 30);
    EXPECT_THROW(autoCellSize({5, 5}, {5, 5}, Extent{0, 0, 10, 10}, rule), Error);
}

TEST(AutoScale, EachBandsMoranEqualsTheStatisticOnDistanceBandWeightsAndThePeakRuleHolds) {
    // Blobs of about 4 cells' radius on a 60 x 60 grid: clustering peaks at a few cells.
    Grid g;
    g.cellSize = 10, g.rows = 60, g.cols = 60;
    std::vector<double> counts(3600, 0.0);
    uint64_t state = 99;
    auto next = [&]() { return (state = state * 6364136223846793005ull + 1442695040888963407ull) >> 33; };
    for (int blob = 0; blob < 12; ++blob) {
        const int cr = static_cast<int>(next() % 50) + 5, cc = static_cast<int>(next() % 50) + 5;
        for (int r = cr - 4; r <= cr + 4; ++r)
            for (int c = cc - 4; c <= cc + 4; ++c)
                if (std::hypot(r - cr, c - cc) <= 4) counts[static_cast<size_t>(r * 60 + c)] += 3;
    }
    for (double& v : counts) v += static_cast<double>(next() % 2);
    const IncrementalMoran scale = incrementalMoran(g, {}, counts, 10);
    ASSERT_GE(scale.steps.size(), 3u);
    std::vector<double> cx, cy;
    for (int64_t k = 0; k < 3600; ++k) cx.push_back(g.centreX(k / 60, k % 60)), cy.push_back(g.centreY(k / 60));
    for (const auto& s : scale.steps) {
        const GlobalMoran direct = globalMoran(counts, distanceBandWeights(cx, cy, s.distance, true));
        EXPECT_NEAR(s.moran.i, direct.i, 1e-12) << s.distance;
        EXPECT_NEAR(s.moran.z, direct.z, 1e-9) << s.distance;
    }
    ASSERT_GE(scale.chosen, 0) << scale.reason;
    const auto k = static_cast<size_t>(scale.chosen);
    EXPECT_GT(scale.steps[k].moran.z, 1.96);
    if (k > 0) { EXPECT_GT(scale.steps[k].moran.z, scale.steps[k - 1].moran.z); }
    if (k + 1 < scale.steps.size()) { EXPECT_GE(scale.steps[k].moran.z, scale.steps[k + 1].moran.z); }
    for (size_t j = 0; j < k; ++j)  // no earlier significant peak
        EXPECT_FALSE(scale.steps[j].moran.z > 1.96 && (j == 0 || scale.steps[j].moran.z > scale.steps[j - 1].moran.z) &&
                     scale.steps[j].moran.z >= scale.steps[j + 1].moran.z);
    // No clustering at all: nothing is chosen.
    // Values without spatial structure (independent draws): nothing is significant, nothing chosen.
    std::vector<double> noise(3600);
    uint64_t mix = 2024;
    for (double& v : noise) {
        uint64_t z = (mix += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        v = static_cast<double>((z ^ (z >> 31)) % 5);
    }
    const IncrementalMoran none = incrementalMoran(g, {}, noise, 4);
    for (const auto& s : none.steps) EXPECT_LT(std::abs(s.moran.z), 1.96) << s.distance;
    EXPECT_EQ(none.chosen, -1) << none.reason;
    EXPECT_NE(incrementalMoranSvg(scale, "t").find("chosen:"), std::string::npos);
}
