// Cluster sites at the rule's thresholds, and density peaks.

#include <gtest/gtest.h>

#include "hotspot/error.hpp"
#include "hotspot/road_localities.hpp"

using namespace hotspot;

namespace {

RoadNetwork straightRoad(double length) {
    RoadLine l;
    l.x = {0, length};
    l.y = {0, 0};
    return buildRoadNetwork({l}, 0.5);
}

std::vector<Snap> at(const std::vector<double>& offsets) {
    std::vector<Snap> out;
    for (double o : offsets) {
        Snap s;
        s.edge = 0;
        s.offset = o;
        s.x = o;
        out.push_back(s);
    }
    return out;
}

std::vector<ClusterSite> sites(const RoadNetwork& net, const std::vector<Snap>& c, ClusterRule rule = clusterRulePreset("wales")) {
    return findClusterSites(net, c, std::vector<uint8_t>(c.size(), 1), {rule}, std::vector<uint8_t>(c.size(), 0), {});
}

}  // namespace

TEST(ClusterSites, FourCollisionsWithin49MetresMakeASiteAnd51MetresDoNot) {
    const RoadNetwork net = straightRoad(2000);
    auto found = sites(net, at({1000, 1049, 1049, 1049}));
    ASSERT_EQ(found.size(), 1u);
    EXPECT_EQ(found[0].members.size(), 4u);
    EXPECT_TRUE(sites(net, at({1000, 1051, 1051, 1051})).empty());
    // Exactly 50 m is within ("within 50 m" is inclusive).
    EXPECT_EQ(sites(net, at({1000, 1050, 1050, 1050})).size(), 1u);
}

TEST(ClusterSites, ThreeCollisionsAreNotASiteAndFourAre) {
    const RoadNetwork net = straightRoad(2000);
    EXPECT_TRUE(sites(net, at({500, 510, 520})).empty());
    EXPECT_EQ(sites(net, at({500, 510, 520, 530})).size(), 1u);
}

TEST(ClusterSites, DistanceIsMeasuredAlongTheNetworkNotInThePlane) {
    // Two parallel roads 10 m apart joined 1 km away: 2 + 2 collisions face each other.
    RoadLine a, link, b;
    a.x = {0, 1000}, a.y = {0, 0};
    link.x = {1000, 1000}, link.y = {0, 10};
    b.x = {1000, 0}, b.y = {10, 10};
    const RoadNetwork net = buildRoadNetwork({a, link, b}, 0.5);
    std::vector<Snap> c(4);
    c[0].edge = c[1].edge = 0;
    c[0].offset = 100, c[1].offset = 110;
    c[2].edge = c[3].edge = 2;  // road b runs from x = 1000 back to 0: x = 100 is 900 m along
    c[2].offset = 900, c[3].offset = 890;
    EXPECT_TRUE(sites(net, c).empty());
}

TEST(ClusterSites, EachCollisionBelongsToOneSiteAndTheBiggestCentreWins) {
    const RoadNetwork net = straightRoad(3000);
    // Neighbour counts within 50 m: the collision at 1040 reaches 1000..1040 and 1090 (6), the one
    // at 1090 reaches 1040..1120 (5). 1040 wins; 1100, 1110, 1120 are left with 3: no second site.
    auto found = sites(net, at({1000, 1010, 1020, 1030, 1040, 1090, 1100, 1110, 1120}));
    ASSERT_EQ(found.size(), 1u);
    EXPECT_EQ(found[0].centre, 4u);
    EXPECT_EQ(found[0].members, (std::vector<uint32_t>{0, 1, 2, 3, 4, 5}));
    // Two more at 1130 and 1140: now 1090 reaches 1040..1140 (7) and wins, taking 1040; the four
    // left at 1000..1030 still make a site.
    found = sites(net, at({1000, 1010, 1020, 1030, 1040, 1090, 1100, 1110, 1120, 1130, 1140}));
    ASSERT_EQ(found.size(), 2u);
    EXPECT_EQ(found[0].centre, 5u);
    EXPECT_EQ(found[0].members, (std::vector<uint32_t>{4, 5, 6, 7, 8, 9, 10}));
    EXPECT_EQ(found[1].members, (std::vector<uint32_t>{0, 1, 2, 3}));
}

TEST(ClusterSites, OnlyEligibleCollisionsCountAndPresetsMatchTheDocumentedRules) {
    const RoadNetwork net = straightRoad(2000);
    const auto c = at({500, 510, 520, 530});
    std::vector<uint8_t> eligible = {1, 1, 1, 0};  // one is outside the period
    EXPECT_TRUE(findClusterSites(net, c, eligible, {clusterRulePreset("wales")}, std::vector<uint8_t>(4, 0), {}).empty());
    const ClusterRule urban = clusterRulePreset("urban"), rural = clusterRulePreset("rural");
    EXPECT_EQ(urban.minCollisions, 7);
    EXPECT_EQ(urban.radius, 50);
    EXPECT_EQ(rural.radius, 100);
    EXPECT_EQ(rural.months, 60);
    EXPECT_THROW(clusterRulePreset("scotland"), Error);
}

TEST(DensityPeaks, LixelsAboveTheThresholdJoinAlongEdgesAndThroughNodes) {
    RoadLine a, b;
    a.x = {0, 100}, a.y = {0, 0};
    b.x = {100, 200}, b.y = {0, 0};
    const RoadNetwork net = buildRoadNetwork({a, b}, 0.5);
    const Lixels lx = makeLixels(net, 20);  // 5 lixels per edge
    ASSERT_EQ(lx.size(), 10u);
    std::vector<double> d(10, 0.0);
    d[lx.edgeStart[0] + 4] = 5;  // last lixel of edge 0
    d[lx.edgeStart[1] + 0] = 7;  // first of edge 1: touches through the node
    d[lx.edgeStart[1] + 3] = 6;  // separate
    const auto peaks = findDensityPeaks(net, lx, d, 4.0);
    ASSERT_EQ(peaks.size(), 2u);
    EXPECT_EQ(peaks[0].lixels.size(), 2u);
    EXPECT_EQ(peaks[0].peak, 7);
    EXPECT_EQ(peaks[1].lixels.size(), 1u);
}
