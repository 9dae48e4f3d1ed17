#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>

#include "hotspot/error.hpp"
#include "hotspot/kde.hpp"

using namespace hotspot;

namespace {
Grid squareGrid(double minX, double minY, double maxX, double maxY, double cell) {
    return Grid::covering({minX, minY, maxX, maxY}, cell, GridShape::Square, 50'000'000);
}
}  // namespace

TEST(Kernels, RawShapesAndScaledConstantsFromMethodsMd) {
    EXPECT_DOUBLE_EQ(kernelRaw(Kernel::Quartic, 0.5), 0.5625);  // (1 - 0.25)^2
    EXPECT_DOUBLE_EQ(kernelRaw(Kernel::Triweight, 0.5), 0.421875);
    EXPECT_DOUBLE_EQ(kernelRaw(Kernel::Epanechnikov, 0.5), 0.75);
    EXPECT_DOUBLE_EQ(kernelRaw(Kernel::Uniform, 0.99), 1.0);
    EXPECT_DOUBLE_EQ(kernelRaw(Kernel::Triangular, 0.5, 0.0), 0.5);
    EXPECT_DOUBLE_EQ(kernelRaw(Kernel::Triangular, 0.5, 0.5), 0.75);  // 1 - (1 - decay) u
    EXPECT_DOUBLE_EQ(kernelRaw(Kernel::Quartic, 1.0), 0.0);           // zero for d >= r
    const double r = 250, pr2 = M_PI * r * r;
    EXPECT_DOUBLE_EQ(kernelScale(Kernel::Uniform, r), 1 / pr2);
    EXPECT_DOUBLE_EQ(kernelScale(Kernel::Quartic, r), 3 / pr2);  // not QGIS < 3.40's 7.25x larger value
    EXPECT_DOUBLE_EQ(kernelScale(Kernel::Triweight, r), 4 / pr2);
    EXPECT_DOUBLE_EQ(kernelScale(Kernel::Epanechnikov, r), 2 / pr2);
    EXPECT_DOUBLE_EQ(kernelScale(Kernel::Triangular, r, 0.25), 3 / (1.5 * pr2));
}

// Each scaled kernel integrates to the number of incidents: on a fine grid the cell values times
// the cell area sum to n within 1 %.
TEST(KernelDensity, ScaledKernelsIntegrateToTheIncidentCount) {
    const std::vector<double> x = {1000, 1130, 1500.5, 2000}, y = {1000, 1040, 1700.25, 1200};
    Grid grid = squareGrid(0, 0, 3000, 3000, 5);
    for (Kernel k : {Kernel::Uniform, Kernel::Quartic, Kernel::Triweight, Kernel::Epanechnikov, Kernel::Triangular, Kernel::Gaussian}) {
        KdeOptions o;
        o.kernel = k;
        o.bandwidth = 200;
        o.decay = k == Kernel::Triangular ? 0.3 : 0;
        o.areaUnit = 1.0;  // per square metre
        auto d = kernelDensity(grid, x, y, {}, o);
        double mass = 0;
        for (double v : d) mass += v * 25.0;
        EXPECT_NEAR(mass, 4.0, 0.04) << toString(k);
    }
}

//   One incident at the centre of a 10 m grid, quartic, r = 100 m:
//   density at the incident = 3 / (pi r^2) per m^2 = 95.49 per km^2; 50 m east (u = 0.5) 0.5625 of it.
TEST(KernelDensity, HandComputedQuarticValuesPerSquareKilometre) {
    Grid grid = squareGrid(0, 0, 400, 400, 10);
    std::vector<double> x = {205}, y = {205};  // centre of cell (col 20, row from south 20)
    KdeOptions o;
    o.bandwidth = 100;
    auto d = kernelDensity(grid, x, y, {}, o);
    const int64_t rowOf205 = grid.rows - 1 - 20;
    const double peak = 3.0 / (M_PI * 100 * 100) * 1e6;
    EXPECT_NEAR(d[rowOf205 * grid.cols + 20], peak, 1e-9);
    EXPECT_NEAR(d[rowOf205 * grid.cols + 25], peak * 0.5625, 1e-9);
    EXPECT_EQ(d[rowOf205 * grid.cols + 30], 0.0);  // exactly r away: zero
    // Weights multiply; raw output is the unscaled kernel sum.
    auto weighted = kernelDensity(grid, x, y, {2.5}, o);
    EXPECT_NEAR(weighted[rowOf205 * grid.cols + 20], 2.5 * peak, 1e-9);
    o.output = KdeOutput::Raw;
    auto raw = kernelDensity(grid, x, y, {}, o);
    EXPECT_NEAR(raw[rowOf205 * grid.cols + 25], 0.5625, 1e-12);
}

// The AVX2 path (quartic, triweight, Epanechnikov on x86-64) and the portable path must give the
// same surface as a direct sum over every cell and point, including points near and beyond the
// grid's edges, weights, and radius/cell ratios on both sides of a half cell (r/cs = 4.5, 4.75, 5).
TEST(KernelDensity, VectorisedAndPortablePathsEqualTheDirectSum) {
    uint64_t state = 12345;
    auto uniform = [&state] {
        state = state * 6364136223846793005ull + 1442695040888963407ull;
        return static_cast<double>(state >> 11) * 0x1.0p-53;
    };
    std::vector<double> x, y, w;
    for (int i = 0; i < 400; ++i) {
        x.push_back(-300 + 2600 * uniform());  // the grid spans 0..2000 x 0..1500: some points outside
        y.push_back(-300 + 2100 * uniform());
        w.push_back(0.5 + uniform());
    }
    x.push_back(1000), y.push_back(NAN), w.push_back(1);  // skipped
    Grid grid = squareGrid(0, 0, 2000, 1500, 20);
    for (Kernel k : {Kernel::Quartic, Kernel::Triweight, Kernel::Epanechnikov}) {
        for (double bandwidth : {90.0, 95.0, 100.0, 251.0}) {
            KdeOptions o;
            o.kernel = k;
            o.bandwidth = bandwidth;
            o.output = KdeOutput::Raw;
            const auto fast = kernelDensity(grid, x, y, w, o);
            o.allowSimd = false;
            const auto portable = kernelDensity(grid, x, y, w, o);
            double worst = 0;
            for (int64_t r = 0; r < grid.rows; ++r)
                for (int64_t c = 0; c < grid.cols; ++c) {
                    const double cx = grid.originX + (static_cast<double>(c) + 0.5) * grid.cellSize;
                    const double cy = grid.originY + (static_cast<double>(grid.rows - r) - 0.5) * grid.cellSize;
                    double direct = 0;
                    for (size_t i = 0; i < w.size(); ++i)
                        if (std::isfinite(y[i])) direct += w[i] * kernelRaw(k, std::hypot(x[i] - cx, y[i] - cy) / bandwidth);
                    const size_t cell = static_cast<size_t>(r * grid.cols + c);
                    worst = std::max({worst, std::abs(fast[cell] - direct), std::abs(portable[cell] - direct)});
                }
            EXPECT_LT(worst, 1e-12) << toString(k) << " r=" << bandwidth;
        }
    }
}

TEST(KernelDensity, ArcgisDefaultBandwidthAndCell) {
    // Four points on a square of side 200 around (100, 100): SD = sqrt(2) * 100, Dm = sqrt(2) * 100,
    // min(SD, sqrt(1/ln 2) Dm) = SD; r = 0.9 * 141.42 * 4^-0.2
    std::vector<double> x = {0, 200, 0, 200}, y = {0, 0, 200, 200};
    EXPECT_NEAR(arcgisDefaultBandwidth(x, y, {}), 0.9 * std::sqrt(2.0) * 100 * std::pow(4.0, -0.2), 1e-9);
    // Median distance smaller than SD: one far point pulls SD up but not the median.
    std::vector<double> x2 = {0, 1, 2, 3, 1000}, y2 = {0, 0, 0, 0, 0};
    double mx = 201.2;
    double sd = std::sqrt((mx * mx + (mx - 1) * (mx - 1) + (mx - 2) * (mx - 2) + (mx - 3) * (mx - 3) + (1000 - mx) * (1000 - mx)) / 5);
    const double dm = 200.2;  // distances sorted: 198.2, 199.2, 200.2, 201.2, 798.8: the median is the 3rd
    double expected = 0.9 * std::min(sd, std::sqrt(1 / std::log(2.0)) * dm) * std::pow(5.0, -0.2);
    EXPECT_NEAR(arcgisDefaultBandwidth(x2, y2, {}), expected, 1e-9);
    EXPECT_DOUBLE_EQ(arcgisDefaultCellSize({0, 0, 10000, 5000}), 20.0);
}

TEST(KernelDensity, GuardRails) {
    EXPECT_THROW(Grid::covering({0, 0, 1000, 1000}, 0, GridShape::Square, 1000000), Error);
    EXPECT_THROW(Grid::covering({0, 0, 1000, 1000}, NAN, GridShape::Square, 1000000), Error);
    EXPECT_THROW(Grid::covering({0, 0, 1e6, 1e6}, 10, GridShape::Square, 1000000), Error);  // 1e10 cells
    Grid g = squareGrid(0, 0, 100, 100, 10);
    KdeOptions o;
    o.bandwidth = 0;
    EXPECT_THROW(kernelDensity(g, {50}, {50}, {}, o), Error);
}

TEST(DualKde, RatioLogRatioDifferenceWithZeroDenominators) {
    std::vector<double> a = {2, 0, 3, 0}, b = {4, 5, 0, 0};
    auto ratio = dualSurface(a, b, DualMode::Ratio);
    EXPECT_DOUBLE_EQ(ratio[0], 0.5);
    EXPECT_DOUBLE_EQ(ratio[1], 0.0);
    EXPECT_TRUE(std::isnan(ratio[2]));  // no population at risk: undefined, not 0 or infinity
    EXPECT_TRUE(std::isnan(ratio[3]));
    auto logRatio = dualSurface(a, b, DualMode::LogRatio);
    EXPECT_DOUBLE_EQ(logRatio[0], std::log(0.5));
    EXPECT_TRUE(std::isnan(logRatio[1]));
    auto diff = dualSurface(a, b, DualMode::Difference);
    EXPECT_DOUBLE_EQ(diff[2], 3.0);
    // A floor under the denominator: 0.5 households per km2 under a floor of 1 is nodata, not a
    // ratio of 4 (the 7.3e8-per-1,000 cells of the real data).
    std::vector<double> thin = {2, 2}, people = {0.5, 4};
    auto floored = dualSurface(thin, people, DualMode::Ratio, DualScale{1.0});
    EXPECT_TRUE(std::isnan(floored[0]));
    EXPECT_DOUBLE_EQ(floored[1], 0.5);
    EXPECT_TRUE(std::isnan(dualSurface(thin, people, DualMode::LogRatio, DualScale{1.0})[0]));
    // Difference of shares: each surface over its own total, so the units agree.
    auto shares = dualSurface({2, 6}, {30, 10}, DualMode::Difference, DualScale{0, 8, 40});
    EXPECT_DOUBLE_EQ(shares[0], 2.0 / 8 - 30.0 / 40);
    EXPECT_DOUBLE_EQ(shares[1], 6.0 / 8 - 10.0 / 40);
}
