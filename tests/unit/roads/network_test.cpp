// Road network topology, snapping, network distance, lixels and network kernel density.

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <numeric>

#include "hotspot/error.hpp"
#include "hotspot/road_network.hpp"

using namespace hotspot;

namespace {

RoadLine line(std::vector<std::pair<double, double>> pts, const std::string& name = "") {
    RoadLine l;
    for (auto [x, y] : pts) l.x.push_back(x), l.y.push_back(y);
    l.name = name;
    return l;
}

// Integral over [0, a] of the 1-D quartic kernel with bandwidth h: (15/16)(u - 2u^3/3 + u^5/5), u = a/h.
double quarticMass(double a, double h) {
    const double u = std::min(a / h, 1.0);
    return 15.0 / 16.0 * (u - 2 * u * u * u / 3 + u * u * u * u * u / 5);
}

double integral(const Lixels& lx, const std::vector<double>& density) {
    double total = 0;
    for (size_t k = 0; k < lx.size(); ++k) total += density[k] * (lx.end[k] - lx.start[k]);
    return total;
}

// A square grid of straight streets: k + 1 running east and k + 1 running north, `spacing` apart.
RoadNetwork streetGrid(int k, double spacing) {
    std::vector<RoadLine> lines;
    for (int i = 0; i <= k; ++i) {
        lines.push_back(line({{0, i * spacing}, {k * spacing, i * spacing}}));
        lines.push_back(line({{i * spacing, 0}, {i * spacing, k * spacing}}));
    }
    return buildRoadNetwork(lines, 0.5);
}

// Reproducible uniform numbers in [0, 1) (a 64-bit LCG), the same on every platform.
struct Uniform {
    uint64_t state;
    double operator()() { return static_cast<double>((state = state * 6364136223846793005ULL + 1442695040888963407ULL) >> 11) / 9007199254740992.0; }
};

}  // namespace

TEST(RoadNetworkTopology, SharedVerticesBecomeNodesAndCrossingsWithoutOneDoNot) {
    // A cross sharing its middle vertex, and a bridge crossing the east arm with no shared vertex.
    const RoadNetwork net = buildRoadNetwork({line({{0, 0}, {100, 0}, {200, 0}}, "East West"), line({{100, -100}, {100, 0}, {100, 100}}, "North South"),
                                              line({{150, -50}, {150, 50}}, "Bridge")},
                                             0.5);
    EXPECT_EQ(net.edges.size(), 5u);  // two arms of each street + the bridge
    EXPECT_EQ(net.nodeX.size(), 7u);  // 4 arm ends + the junction + 2 bridge ends
    size_t degree4 = 0;
    for (uint32_t n = 0; n < net.nodeX.size(); ++n) degree4 += net.degree(n) == 4;
    EXPECT_EQ(degree4, 1u);
    EXPECT_NEAR(net.totalLength(), 200 + 200 + 100, 1e-9);
}

TEST(RoadNetworkTopology, NodeIdsDecideWhereLinesMeetSoABridgeOverARoadIsNotAJunction) {
    // Two roads through the same point (100, 0): by coordinates they meet there; by OS Open Roads
    // node ids (a bridge) they do not.
    RoadLine a = line({{0, 0}, {100, 0}, {200, 0}}), b = line({{100, -100}, {100, 0}, {100, 100}});
    const RoadNetwork byCoordinates = buildRoadNetwork({a, b}, 1.0);
    EXPECT_FALSE(byCoordinates.nodesFromIds);
    EXPECT_EQ(byCoordinates.edges.size(), 4u);
    EXPECT_EQ(byCoordinates.nodeX.size(), 5u);
    a.startNode = "n1", a.endNode = "n2", b.startNode = "n3", b.endNode = "n4";
    RoadLine c = line({{200, 0}, {300, 0}});
    c.startNode = "n2", c.endNode = "n5";
    const RoadNetwork byIds = buildRoadNetwork({a, b, c}, 1.0);
    EXPECT_TRUE(byIds.nodesFromIds);
    ASSERT_EQ(byIds.edges.size(), 3u);
    EXPECT_EQ(byIds.nodeX.size(), 5u);
    EXPECT_DOUBLE_EQ(byIds.edges[0].length, 200);
    EXPECT_EQ(byIds.edges[0].to, byIds.edges[2].from);  // joined at n2
    EXPECT_EQ(byIds.degree(byIds.edges[0].to), 2u);
    EXPECT_EQ(byIds.degree(byIds.edges[1].from), 1u);  // the bridge's ends touch nothing else
    // One line without ids: the whole layer falls back to coordinates.
    c.endNode.clear();
    EXPECT_FALSE(buildRoadNetwork({a, b, c}, 1.0).nodesFromIds);
}

TEST(RoadNetworkTopology, EndsWithinTheNodeToleranceJoinAndOthersStayApart) {
    const auto a = line({{0, 0}, {100, 0}}), b = line({{100.4, 0.2}, {200, 0}});
    const RoadNetwork joined = buildRoadNetwork({a, b}, 0.5);
    EXPECT_EQ(joined.nodeX.size(), 3u);
    const RoadNetwork apart = buildRoadNetwork({a, b}, 0.3);
    EXPECT_EQ(apart.nodeX.size(), 4u);
}

TEST(Snapping, TheToleranceIsInclusiveAndFartherPointsReportTheirDistance) {
    const RoadNetwork net = buildRoadNetwork({line({{0, 0}, {1000, 0}})}, 0.5);
    const SnapIndex index(net);
    const Snap in = index.snap(400, 29.9, 30);
    ASSERT_EQ(in.edge, 0);
    EXPECT_NEAR(in.offset, 400, 1e-9);
    EXPECT_NEAR(in.distance, 29.9, 1e-9);
    EXPECT_NEAR(in.y, 0, 1e-12);
    const Snap out = index.snap(400, 30.1, 30);
    EXPECT_EQ(out.edge, -1);
    EXPECT_NEAR(out.distance, 30.1, 1e-9);       // the nearest road, for the unsnapped report
    EXPECT_EQ(index.snap(1030, 0, 30).edge, 0);  // beyond the end, within tolerance of the end point
}

TEST(NetworkDistance, TwoRoadsCloseInThePlaneAreFarApartOnTheNetwork) {
    // Two parallel roads 20 m apart, joined only 1 km away: a U.
    const RoadNetwork net = buildRoadNetwork({line({{0, 0}, {1000, 0}}), line({{1000, 0}, {1000, 20}}), line({{1000, 20}, {0, 20}})}, 0.5);
    const SnapIndex index(net);
    const Snap a = index.snap(100, -1, 5), b = index.snap(100, 21, 5);
    ASSERT_GE(a.edge, 0);
    ASSERT_GE(b.edge, 0);
    EXPECT_NE(a.edge, b.edge);
    NetworkReach reach(net);
    reach.run(static_cast<uint32_t>(a.edge), a.offset, 5000);
    EXPECT_NEAR(reach.distanceTo(static_cast<uint32_t>(b.edge), b.offset), 900 + 20 + 900, 1e-9);
    // With a 300 m bandwidth the density of an event on one road is zero on the other.
    const Lixels lx = makeLixels(net, 20);
    const auto density = networkKernelDensity(net, lx, {a}, {}, NkdeOptions{});
    EXPECT_GT(density[lx.at(static_cast<uint32_t>(a.edge), a.offset)], 0);
    EXPECT_EQ(density[lx.at(static_cast<uint32_t>(b.edge), b.offset)], 0);
}

TEST(Lixels, EdgesAreCutIntoEqualPiecesNearTheTargetLength) {
    const RoadNetwork net = buildRoadNetwork({line({{0, 0}, {105, 0}}), line({{0, 50}, {7, 50}})}, 0.5);
    const Lixels lx = makeLixels(net, 20);
    EXPECT_EQ(lx.edgeStart[1] - lx.edgeStart[0], 5u);  // round(105 / 20) = 5 lixels of 21 m
    EXPECT_NEAR(lx.end[0] - lx.start[0], 21, 1e-9);
    EXPECT_EQ(lx.edgeStart[2] - lx.edgeStart[1], 1u);  // a short edge is one lixel
    EXPECT_EQ(lx.at(0, 104.9), 4u);
    EXPECT_EQ(lx.at(0, 0), 0u);
}

TEST(NetworkKde, OnALongRoadTheDensityIntegratesToTheEventWeight) {
    const RoadNetwork net = buildRoadNetwork({line({{0, 0}, {5000, 0}})}, 0.5);
    const Lixels lx = makeLixels(net, 5);
    Snap s;
    s.edge = 0;
    s.offset = 2500;
    for (auto kernel : {NetworkKernel::Quartic, NetworkKernel::Triweight, NetworkKernel::Epanechnikov, NetworkKernel::Triangular}) {
        NkdeOptions o;
        o.kernel = kernel;
        const auto density = networkKernelDensity(net, lx, {s, s}, {1.0, 2.5}, o);
        EXPECT_NEAR(integral(lx, density), 3.5, 3.5e-3) << toString(kernel);
    }
    // The centre value is the kernel's peak: 15/16 / h for the quartic.
    const auto density = networkKernelDensity(net, lx, {s}, {}, NkdeOptions{});
    EXPECT_NEAR(density[lx.at(0, 2502.5)], networkKernel(NetworkKernel::Quartic, 2.5, 300), 1e-12);
    EXPECT_NEAR(networkKernel(NetworkKernel::Quartic, 0, 300), 15.0 / 16.0 / 300, 1e-15);
}

TEST(NetworkKde, AtAJunctionTheDiscontinuousMethodConservesMassAndTheSimpleOneDoesNot) {
    // A star of three 2 km arms; the event 100 m from the centre on one arm; bandwidth 300 m.
    const RoadNetwork net = buildRoadNetwork({line({{0, 0}, {2000, 0}}), line({{0, 0}, {-1000, 1732.0508}}), line({{0, 0}, {-1000, -1732.0508}})}, 0.5);
    ASSERT_EQ(net.edges.size(), 3u);
    const Lixels lx = makeLixels(net, 1);
    Snap s;
    s.edge = 0;
    s.offset = 100;
    NkdeOptions o;
    o.method = NkdeMethod::Discontinuous;
    EXPECT_NEAR(integral(lx, networkKernelDensity(net, lx, {s}, {}, o)), 1.0, 1e-4);
    // Simple: the mass beyond the junction (distances 100..300 m) is copied into both other arms.
    o.method = NkdeMethod::Simple;
    const double beyond = quarticMass(300, 300) - quarticMass(100, 300);
    EXPECT_NEAR(integral(lx, networkKernelDensity(net, lx, {s}, {}, o)), 1.0 + beyond, 1e-4);
    // On a through road (degree 2 everywhere) both methods agree.
    const RoadNetwork straight = buildRoadNetwork({line({{0, 0}, {1000, 0}}), line({{1000, 0}, {2000, 0}})}, 0.5);
    const Lixels sl = makeLixels(straight, 10);
    s.offset = 900;
    o.method = NkdeMethod::Simple;
    const auto simple = networkKernelDensity(straight, sl, {s}, {}, o);
    o.method = NkdeMethod::Discontinuous;
    const auto disc = networkKernelDensity(straight, sl, {s}, {}, o);
    for (size_t k = 0; k < sl.size(); ++k) EXPECT_NEAR(simple[k], disc[k], 1e-15);
}

TEST(NetworkKde, RejectsTheGaussianAndBandwidthsBelowOneLixel) {
    EXPECT_THROW(parseNetworkKernel("gaussian"), Error);
    EXPECT_THROW(parseNkdeMethod("continuous-ish"), Error);
    const RoadNetwork net = buildRoadNetwork({line({{0, 0}, {100, 0}})}, 0.5);
    const Lixels lx = makeLixels(net, 20);
    NkdeOptions o;
    o.bandwidth = 10;
    EXPECT_THROW(networkKernelDensity(net, lx, {}, {}, o), Error);
}

TEST(NetworkKde, TheDensityIsTheSameToTheLastBitWhateverTheNumberOfThreads) {
    // A grid of streets with a few thousand events: with per-thread partial sums taken in
    // whatever order the threads ran, the last bits of the sums changed from run to run.
    const RoadNetwork net = streetGrid(10, 100);
    const Lixels lx = makeLixels(net, 10);
    const SnapIndex index(net);
    std::vector<Snap> events;
    std::vector<double> weights;
    Uniform next{12345};
    while (events.size() < 40000) {
        const Snap s = index.snap(next() * 1000, next() * 1000, 60);
        if (s.edge < 0) continue;
        events.push_back(s);
        weights.push_back(0.1 + next());
    }
    auto densityWithThreads = [&](const char* threads) {
        setenv("HOTSPOT_THREADS", threads, 1);
        auto d = networkKernelDensity(net, lx, events, weights, NkdeOptions{});
        unsetenv("HOTSPOT_THREADS");
        return d;
    };
    const auto one = densityWithThreads("1");
    for (int repeat = 0; repeat < 4; ++repeat) {
        const auto three = densityWithThreads("3");
        ASSERT_EQ(one.size(), three.size());
        size_t differing = 0;
        for (size_t k = 0; k < one.size(); ++k) differing += one[k] != three[k];
        EXPECT_EQ(differing, 0u);
    }
    // Mass is lost only past the grid's dead ends (within a bandwidth of its edge).
    const double total = std::accumulate(weights.begin(), weights.end(), 0.0);
    EXPECT_LT(integral(lx, one), total);
    EXPECT_GT(integral(lx, one), 0.8 * total);
}

TEST(NetworkKde, TwoDensitiesInOneWalkEqualTwoSeparateOnes) {
    // A 5 x 5 street grid; events with a weight in one density and zero in the other (complaints
    // are not collisions), repeated positions (merged), and an unsnapped event (skipped).
    const RoadNetwork net = streetGrid(5, 120);
    const Lixels lx = makeLixels(net, 10);
    const SnapIndex index(net);
    std::vector<Snap> events;
    std::vector<double> first, second;
    Uniform next{777};
    while (events.size() < 3000) {
        const Snap s = index.snap(next() * 600, next() * 600, 40);
        if (s.edge < 0) continue;
        const int kind = static_cast<int>(events.size() % 3);
        for (int copy = 0; copy < (events.size() % 7 == 0 ? 2 : 1); ++copy) {
            events.push_back(s);
            first.push_back(kind == 0 ? 0.0 : 1.0);
            second.push_back(kind == 2 ? 0.0 : 0.5 + next());
        }
    }
    events.push_back(Snap{});  // edge -1
    first.push_back(1.0);
    second.push_back(1.0);
    for (NkdeMethod method : {NkdeMethod::Discontinuous, NkdeMethod::Simple}) {
        NkdeOptions o;
        o.method = method;
        const auto both = networkKernelDensities(net, lx, events, first, second, o);
        const auto a = networkKernelDensity(net, lx, events, first, o), b = networkKernelDensity(net, lx, events, second, o);
        ASSERT_EQ(both[0].size(), lx.size());
        ASSERT_EQ(both[1].size(), lx.size());
        size_t differing = 0, nonZero = 0;
        for (size_t k = 0; k < lx.size(); ++k) {
            differing += std::abs(both[0][k] - a[k]) > 1e-12 * (1 + a[k]) || std::abs(both[1][k] - b[k]) > 1e-12 * (1 + b[k]);
            nonZero += a[k] != b[k];
        }
        EXPECT_EQ(differing, 0u) << toString(method);
        EXPECT_GT(nonZero, lx.size() / 2) << "the two weightings must give different densities";
    }
}
