// Nearest road segment within a tolerance, through a packed Boost.Geometry R-tree of segment boxes.

#include <cmath>
#include <limits>

#include <boost/geometry.hpp>
#include <boost/geometry/index/rtree.hpp>
#include <boost/iterator/function_output_iterator.hpp>

#include "core/thread_pool.hpp"
#include "hotspot/road_network.hpp"

namespace hotspot {

namespace bg = boost::geometry;
namespace bgi = boost::geometry::index;

namespace {
using BoostPoint = bg::model::point<double, 2, bg::cs::cartesian>;
using BoostBox = bg::model::box<BoostPoint>;
using SegmentEntry = std::pair<BoostBox, uint32_t>;  // box of the segment starting at vertex `second`

struct Projection {
    double t, x, y, distance, segmentLength;
};
// The closest point to (x, y) on the segment from vertex v to v + 1.
Projection project(const RoadNetwork& net, uint32_t v, double x, double y) {
    const double ax = net.vx[v], ay = net.vy[v], dx = net.vx[v + 1] - ax, dy = net.vy[v + 1] - ay;
    const double len2 = dx * dx + dy * dy;
    const double t = len2 > 0 ? std::clamp(((x - ax) * dx + (y - ay) * dy) / len2, 0.0, 1.0) : 0.0;
    const double px = ax + t * dx, py = ay + t * dy;
    return {t, px, py, std::hypot(x - px, y - py), std::sqrt(len2)};
}
}  // namespace

struct SnapIndex::Impl {
    bgi::rtree<SegmentEntry, bgi::rstar<16>> tree;
    std::vector<uint32_t> vertexEdge;  // edge of each vertex
};

SnapIndex::SnapIndex(const RoadNetwork& network) : m_network(network), m_impl(new Impl) {
    std::vector<SegmentEntry> entries;
    entries.reserve(network.vx.size());
    m_impl->vertexEdge.resize(network.vx.size());
    for (uint32_t e = 0; e < network.edges.size(); ++e) {
        const RoadEdge& edge = network.edges[e];
        for (uint32_t k = 0; k < edge.vertexCount; ++k) m_impl->vertexEdge[edge.firstVertex + k] = e;
        for (uint32_t k = 0; k + 1 < edge.vertexCount; ++k) {
            const uint32_t v = edge.firstVertex + k;
            const double x0 = std::min(network.vx[v], network.vx[v + 1]), x1 = std::max(network.vx[v], network.vx[v + 1]);
            const double y0 = std::min(network.vy[v], network.vy[v + 1]), y1 = std::max(network.vy[v], network.vy[v + 1]);
            entries.emplace_back(BoostBox(BoostPoint(x0, y0), BoostPoint(x1, y1)), v);
        }
    }
    m_impl->tree = bgi::rtree<SegmentEntry, bgi::rstar<16>>(entries.begin(), entries.end());  // bulk-loaded (packed)
}

SnapIndex::~SnapIndex() { delete m_impl; }

Snap SnapIndex::snap(double x, double y, double tolerance) const {
    Snap best;
    if (!std::isfinite(x) || !std::isfinite(y)) {
        best.distance = std::numeric_limits<double>::quiet_NaN();
        return best;
    }
    double bestDistance = std::numeric_limits<double>::infinity();
    const BoostBox window(BoostPoint(x - tolerance, y - tolerance), BoostPoint(x + tolerance, y + tolerance));
    const RoadNetwork& net = m_network;
    m_impl->tree.query(bgi::intersects(window), boost::make_function_output_iterator([&](const SegmentEntry& entry) {
                           const uint32_t v = entry.second;
                           const Projection p = project(net, v, x, y);
                           const uint32_t edge = m_impl->vertexEdge[v];
                           if (p.distance > tolerance) return;
                           if (p.distance < bestDistance || (p.distance == bestDistance && static_cast<int64_t>(edge) < best.edge)) {
                               bestDistance = p.distance;
                               best.edge = edge;
                               best.distance = p.distance;
                               best.x = p.x;
                               best.y = p.y;
                               best.offset = net.along[v] + p.t * p.segmentLength;
                           }
                       }));
    if (best.edge < 0) {
        // Beyond the tolerance: report how far the nearest road is (the nearest boxes bound it).
        double nearest = std::numeric_limits<double>::infinity();
        m_impl->tree.query(bgi::nearest(BoostPoint(x, y), 8), boost::make_function_output_iterator([&](const SegmentEntry& entry) {
                               nearest = std::min(nearest, project(net, entry.second, x, y).distance);
                           }));
        best.distance = nearest;
    }
    return best;
}

std::vector<Snap> snapPoints(const RoadNetwork& network, const SnapIndex& index, const std::vector<double>& x,
                             const std::vector<double>& y, double tolerance) {
    (void)network;
    std::vector<Snap> snaps(x.size());
    constexpr size_t kBlock = 4096;
    parallelFor((x.size() + kBlock - 1) / kBlock, [&](size_t b, unsigned) {
        for (size_t i = b * kBlock; i < std::min(x.size(), (b + 1) * kBlock); ++i) snaps[i] = index.snap(x[i], y[i], tolerance);
    });
    return snaps;
}

}  // namespace hotspot
