#include <gtest/gtest.h>

#include <cmath>

#include "hotspot/emerging.hpp"
#include "hotspot/stats.hpp"

using namespace hotspot;

namespace {

// A series from a string: H = significant hot (z 3), C = significant cold (z -3), . = not significant
// (z 0.5). Optional trend: added to z so Mann-Kendall sees it.
struct Series {
    std::vector<double> z, p;
};
Series series(const std::string& pattern, double slope = 0.0) {
    Series s;
    for (size_t t = 0; t < pattern.size(); ++t) {
        double z = pattern[t] == 'H' ? 3.0 : pattern[t] == 'C' ? -3.0
                                                               : 0.5;
        z += slope * static_cast<double>(t);
        s.z.push_back(z);
        s.p.push_back(twoSidedP(z));
    }
    return s;
}
EmergingClass classify(const std::string& pattern, double slope = 0.0) {
    Series s = series(pattern, slope);
    return classifyEmerging(s.z, s.p);
}

}  // namespace

TEST(MannKendall, HandComputedStatistic) {
    // 1 2 3 5 4: S = 10 - 2*1 = 8 (one discordant pair); var = 5*4*15/18 = 16.667
    MannKendall mk = mannKendall({1, 2, 3, 5, 4});
    EXPECT_DOUBLE_EQ(mk.s, 8);
    EXPECT_NEAR(mk.variance, 5.0 * 4 * 15 / 18, 1e-12);
    EXPECT_NEAR(mk.z, 7 / std::sqrt(5.0 * 4 * 15 / 18), 1e-12);
    MannKendall up = mannKendall({1, 2, 3, 4, 5, 6, 7, 8, 9, 10});
    EXPECT_EQ(up.trend, 1);
    MannKendall flat = mannKendall({3, 3, 3, 3});
    EXPECT_EQ(flat.trend, 0);
}

TEST(Emerging, EachHotClassOnAConstructedSeries) {
    EXPECT_EQ(classify("..........H"), EmergingClass::NewHot);
    EXPECT_EQ(classify("........HHH"), EmergingClass::ConsecutiveHot);
    EXPECT_EQ(classify("HHHHHHHHHHH", 0.3), EmergingClass::IntensifyingHot);
    EXPECT_EQ(classify("HHHHHHHHHHH"), EmergingClass::PersistentHot);
    EXPECT_EQ(classify("HHHHHHHHHHH", -0.08), EmergingClass::DiminishingHot);
    EXPECT_EQ(classify("H..H...H..H"), EmergingClass::SporadicHot);
    EXPECT_EQ(classify("C..H...H..H"), EmergingClass::OscillatingHot);
    EXPECT_EQ(classify("HHHHHHHHHH."), EmergingClass::HistoricalHot);
    EXPECT_EQ(classify("..........."), EmergingClass::NoPattern);
    EXPECT_EQ(classify("..H.H......"), EmergingClass::NoPattern);  // hot before, not at the end, < 90 %
}

TEST(Emerging, ColdClassesMirrorTheHotOnes) {
    EXPECT_EQ(classify("..........C"), EmergingClass::NewCold);
    EXPECT_EQ(classify("........CCC"), EmergingClass::ConsecutiveCold);
    EXPECT_EQ(classify("CCCCCCCCCCC", -0.3), EmergingClass::IntensifyingCold);
    EXPECT_EQ(classify("CCCCCCCCCCC"), EmergingClass::PersistentCold);
    EXPECT_EQ(classify("CCCCCCCCCCC", 0.08), EmergingClass::DiminishingCold);
    EXPECT_EQ(classify("C..C...C..C"), EmergingClass::SporadicCold);
    EXPECT_EQ(classify("H..C...C..C"), EmergingClass::OscillatingCold);
    EXPECT_EQ(classify("CCCCCCCCCC."), EmergingClass::HistoricalCold);
}

TEST(PercentChange, ZeroBaselineRule) {
    EXPECT_DOUBLE_EQ(percentChange(200, 121), -39.5);
    EXPECT_DOUBLE_EQ(percentChange(0, 0), 0.0);
    EXPECT_TRUE(std::isnan(percentChange(0, 5)));
}

//   Fit period counts on 10 cells, test period counts; top 20 % = 2 cells.
//   cell:   0  1  2  3  4  5  6  7  8  9
//   fit:    9  7  1  0  0  1  0  2  0  0   (20)
//   test:   6  2  1  1  0  2  0  3  0  1   (16)
//   hit rate = (6 + 2) / 16 = 0.5; PAI = 0.5 / 0.2 = 2.5
//   fit PAI = (16 / 20) / 0.2 = 4; RRI = 2.5 / 4 = 0.625
TEST(HotspotAccuracy, HitRatePaiRriOnAConstructedCase) {
    std::vector<double> fit = {9, 7, 1, 0, 0, 1, 0, 2, 0, 0}, test = {6, 2, 1, 1, 0, 2, 0, 3, 0, 1};
    HotspotAccuracy a = hotspotAccuracy(fit, fit, test, 0.2);
    EXPECT_EQ(a.cellsChosen, 2);
    EXPECT_DOUBLE_EQ(a.hitRate, 0.5);
    EXPECT_DOUBLE_EQ(a.pai, 2.5);
    EXPECT_DOUBLE_EQ(a.paiFit, 4.0);
    EXPECT_DOUBLE_EQ(a.rri, 0.625);
}
