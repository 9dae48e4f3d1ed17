// Crime concentration measures against the published examples of Bernasco & Steenbeek's
// lorenzgini package (unbiased = FALSE) and hand computations.

#include <gtest/gtest.h>

#include <cmath>

#include "hotspot/concentration.hpp"
#include "hotspot/stats.hpp"

using namespace hotspot;

TEST(Concentration, GiniAndGeneralisedGiniEqualTheLorenzginiExamples) {
    const std::vector<double> a = {10, 8, 2, 0, 0, 0, 0, 0, 0, 0};  // 20 crimes, 10 places
    EXPECT_NEAR(giniCoefficient(a), 0.78, 1e-12);
    EXPECT_NEAR(generalisedGini(a), 0.78, 1e-12);                  // not sparse: the same
    const std::vector<double> b = {5, 2, 1, 0, 0, 0, 0, 0, 0, 0};  // 8 crimes, 10 places: sparse
    EXPECT_NEAR(giniCoefficient(b), 0.8, 1e-12);
    EXPECT_NEAR(generalisedGini(b), 0.75, 1e-12);  // 10/8 (0.8 - 1) + 1
    EXPECT_NEAR(giniCoefficient({10, 0, 0, 0, 0, 0, 0, 0, 0, 0}), 0.9, 1e-12);
    // The most equal spread of sparse crime (one a place) has generalised Gini 0.
    EXPECT_NEAR(generalisedGini({1, 1, 1, 0, 0, 0}), 0.0, 1e-12);
    EXPECT_TRUE(std::isnan(giniCoefficient({0, 0, 0})));
}

TEST(Concentration, TopSharesHalfAndTheLorenzCurveByHand) {
    // 20 places: one with 50 crimes, four with 10, fifteen with 0: 90 crimes.
    std::vector<double> c(20, 0.0);
    c[7] = 50, c[1] = c[2] = c[3] = c[4] = 10;
    const ConcentrationSummary s = summariseConcentration(c, {0.05, 0.25, 1.0});
    EXPECT_EQ(s.places, 20u);
    EXPECT_EQ(s.placesWithCrime, 5u);
    EXPECT_DOUBLE_EQ(s.crimes, 90);
    EXPECT_DOUBLE_EQ(s.topShares[0].second, 50.0 / 90);  // top 5 % = 1 place
    EXPECT_DOUBLE_EQ(s.topShares[1].second, 1.0);        // top 25 % = 5 places
    EXPECT_DOUBLE_EQ(s.topShares[2].second, 1.0);
    EXPECT_EQ(s.placesForHalf, 1u);  // 50 of 90 >= 45
    const auto curve = lorenzCurve(c);
    ASSERT_EQ(curve.size(), 21u);
    EXPECT_EQ(curve.front(), (std::pair<double, double>{0, 0}));
    EXPECT_DOUBLE_EQ(curve[1].second, 50.0 / 90);
    EXPECT_DOUBLE_EQ(curve.back().first, 1.0);
    EXPECT_DOUBLE_EQ(curve.back().second, 1.0);
    // Fewer points than places: the curve is thinned but keeps its ends.
    const auto thin = lorenzCurve(c, 4);
    EXPECT_LE(thin.size(), 6u);
    EXPECT_DOUBLE_EQ(thin.back().second, 1.0);
}
