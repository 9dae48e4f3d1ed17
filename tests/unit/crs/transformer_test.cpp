#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "hotspot/crs.hpp"
#include "hotspot/error.hpp"

using namespace hotspot;

TEST(CoordinateTransformer, KnownNorthamptonPointInTraditionalAxisOrder) {
    // METHODS.md: lon -0.8926, lat 52.2405 (Northampton) is about E 475714, N 260834.
    CoordinateTransformer t("EPSG:4326", "EPSG:27700");
    double x = -0.8926, y = 52.2405;  // longitude first, although EPSG:4326 is latitude-first
    ASSERT_TRUE(t.transformPoint(x, y));
    EXPECT_NEAR(x, 475714, 5.0);
    EXPECT_NEAR(y, 260834, 5.0);
}

TEST(CoordinateTransformer, BulkTransformMatchesSinglePointsAndFlagsFailures) {
    CoordinateTransformer t("EPSG:4326", "EPSG:27700");
    std::vector<double> xs, ys;
    for (int i = 0; i < 200000; ++i) {
        xs.push_back(-1.2 + 0.000002 * i);
        ys.push_back(52.0 + 0.000001 * i);
    }
    xs.push_back(NAN);
    ys.push_back(52.0);
    std::vector<double> bx = xs, by = ys;
    size_t failures = t.transform(bx.data(), by.data(), bx.size());
    EXPECT_EQ(failures, 1u);
    for (int i : {0, 77777, 199999}) {
        double x = xs[i], y = ys[i];
        ASSERT_TRUE(t.transformPoint(x, y));
        EXPECT_DOUBLE_EQ(bx[i], x);
        EXPECT_DOUBLE_EQ(by[i], y);
    }
}

TEST(CoordinateTransformer, ReportsWhichOperationRan) {
    CoordinateTransformer t("EPSG:4326", "EPSG:27700");
    TransformReport r = t.report(-0.8926, 52.2405);
    EXPECT_FALSE(r.operation.empty());
    // Debian's proj-data has no OSTN15 grid: PROJ falls back to the Helmert fit, and we say so.
    if (!r.usesGrid) {
        EXPECT_NE(r.summary().find("Helmert"), std::string::npos) << r.summary();
    } else {
        EXPECT_NE(r.summary().find("grid"), std::string::npos);
    }
}

TEST(CoordinateTransformer, UnknownCrsIsAUsageErrorNamingIt) {
    try {
        CoordinateTransformer t("EPSG:999999", "EPSG:27700");
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::Usage);
        EXPECT_NE(std::string(e.what()).find("EPSG:999999"), std::string::npos);
    }
    EXPECT_FALSE(isKnownCrs("EPSG:999999"));
    EXPECT_TRUE(isKnownCrs("EPSG:27700"));
}

TEST(CoordinateTransformer, SameCrsIsIdentity) {
    CoordinateTransformer t("EPSG:27700", "EPSG:27700");
    double x[] = {475714.0}, y[] = {260834.0};
    t.transform(x, y, 1);
    EXPECT_EQ(x[0], 475714.0);
    EXPECT_TRUE(t.isIdentity());
}
