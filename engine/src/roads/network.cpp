// Road network topology, lixels and bounded shortest paths.

#include <algorithm>
#include <cmath>
#include <limits>
#include <queue>
#include <unordered_map>

#include "hotspot/error.hpp"
#include "hotspot/road_network.hpp"

namespace hotspot {

namespace {

// Merges vertices closer than the tolerance. The first vertex seen keeps its coordinates, so
// results do not depend on hash order.
class VertexClusters {
public:
    explicit VertexClusters(double tolerance) : m_tolerance(tolerance), m_cell(std::max(tolerance, 1e-3)) {}

    uint32_t clusterOf(double x, double y) {
        const int64_t cx = static_cast<int64_t>(std::floor(x / m_cell)), cy = static_cast<int64_t>(std::floor(y / m_cell));
        uint32_t best = UINT32_MAX;
        double bestDistance = std::numeric_limits<double>::infinity();
        for (int64_t dy = -1; dy <= 1; ++dy)
            for (int64_t dx = -1; dx <= 1; ++dx) {
                auto it = m_cells.find(key(cx + dx, cy + dy));
                if (it == m_cells.end()) continue;
                for (uint32_t c : it->second) {
                    const double d = std::hypot(x - m_x[c], y - m_y[c]);
                    if (d <= m_tolerance && (d < bestDistance || (d == bestDistance && c < best))) {
                        best = c;
                        bestDistance = d;
                    }
                }
            }
        if (best != UINT32_MAX) return best;
        const auto id = static_cast<uint32_t>(m_x.size());
        m_x.push_back(x);
        m_y.push_back(y);
        m_cells[key(cx, cy)].push_back(id);
        return id;
    }
    double x(uint32_t c) const { return m_x[c]; }
    double y(uint32_t c) const { return m_y[c]; }
    size_t size() const { return m_x.size(); }

private:
    static uint64_t key(int64_t cx, int64_t cy) {
        return (static_cast<uint64_t>(cx) * 0x9E3779B97F4A7C15ull) ^ static_cast<uint64_t>(cy);
    }
    double m_tolerance, m_cell;
    std::vector<double> m_x, m_y;
    std::unordered_map<uint64_t, std::vector<uint32_t>> m_cells;
};

uint32_t internString(RoadNetwork& net, std::unordered_map<std::string, uint32_t>& index, const std::string& s) {
    if (s.empty()) return 0;
    auto [it, inserted] = index.emplace(s, static_cast<uint32_t>(net.strings.size()));
    if (inserted) net.strings.push_back(s);
    return it->second;
}

}  // namespace

void RoadNetwork::pointAt(uint32_t edge, double offset, double& x, double& y) const {
    const RoadEdge& e = edges[edge];
    const double* a = along.data() + e.firstVertex;
    const uint32_t n = e.vertexCount;
    offset = std::clamp(offset, 0.0, e.length);
    // The segment [i, i+1] with a[i] <= offset <= a[i+1].
    uint32_t i = static_cast<uint32_t>(std::upper_bound(a, a + n, offset) - a);
    i = i == 0 ? 0 : std::min(i - 1, n - 2);
    const double seg = a[i + 1] - a[i];
    const double t = seg > 0 ? (offset - a[i]) / seg : 0;
    const size_t v = e.firstVertex + i;
    x = vx[v] + t * (vx[v + 1] - vx[v]);
    y = vy[v] + t * (vy[v + 1] - vy[v]);
}

double RoadNetwork::totalLength() const {
    double total = 0;
    for (const auto& e : edges) total += e.length;
    return total;
}

namespace {

// Node -> edge ends, as CSR.
void linkNodes(RoadNetwork& net) {
    const size_t nodes = net.nodeX.size();
    net.linkStart.assign(nodes + 1, 0);
    for (const auto& e : net.edges) ++net.linkStart[e.from + 1], ++net.linkStart[e.to + 1];
    for (size_t n = 0; n < nodes; ++n) net.linkStart[n + 1] += net.linkStart[n];
    net.links.resize(net.linkStart[nodes]);
    std::vector<uint32_t> fill(net.linkStart.begin(), net.linkStart.end() - 1);
    for (uint32_t i = 0; i < net.edges.size(); ++i) {
        net.links[fill[net.edges[i].from]++] = NodeLink{i, 0};
        net.links[fill[net.edges[i].to]++] = NodeLink{i, 1};
    }
}

// Each line one edge, its ends the nodes its ids name (OS Open Roads road_link start_node/end_node).
RoadNetwork networkFromNodeIds(const std::vector<RoadLine>& lines) {
    RoadNetwork net;
    net.nodesFromIds = true;
    std::unordered_map<std::string, uint32_t> nodeOf, stringIndex;
    auto node = [&](const std::string& id, double x, double y) {
        auto [it, inserted] = nodeOf.emplace(id, static_cast<uint32_t>(net.nodeX.size()));
        if (inserted) net.nodeX.push_back(x), net.nodeY.push_back(y);
        return it->second;
    };
    for (const RoadLine& line : lines) {
        std::vector<std::pair<double, double>> points;
        for (size_t i = 0; i < line.x.size(); ++i)
            if (std::isfinite(line.x[i]) && std::isfinite(line.y[i]) && (points.empty() || points.back() != std::pair{line.x[i], line.y[i]}))
                points.emplace_back(line.x[i], line.y[i]);
        if (points.size() < 2) continue;
        RoadEdge e;
        e.from = node(line.startNode, points.front().first, points.front().second);
        e.to = node(line.endNode, points.back().first, points.back().second);
        e.firstVertex = static_cast<uint32_t>(net.vx.size());
        e.vertexCount = static_cast<uint32_t>(points.size());
        e.name = internString(net, stringIndex, line.name);
        e.roadClass = internString(net, stringIndex, line.roadClass);
        e.number = internString(net, stringIndex, line.number);
        e.feature = line.feature;
        double length = 0;
        for (size_t k = 0; k < points.size(); ++k) {
            if (k > 0) length += std::hypot(points[k].first - points[k - 1].first, points[k].second - points[k - 1].second);
            net.vx.push_back(points[k].first);
            net.vy.push_back(points[k].second);
            net.along.push_back(length);
        }
        e.length = length;
        net.edges.push_back(e);
    }
    linkNodes(net);
    return net;
}

}  // namespace

RoadNetwork buildRoadNetwork(const std::vector<RoadLine>& lines, double nodeTolerance) {
    if (!(nodeTolerance >= 0)) throwUsage("the node tolerance must be zero or positive", {"", 0, "node_tolerance"});
    const bool allIds = !lines.empty() && std::all_of(lines.begin(), lines.end(), [](const RoadLine& l) { return !l.startNode.empty() && !l.endNode.empty(); });
    if (allIds) return networkFromNodeIds(lines);
    RoadNetwork net;
    net.nodeTolerance = nodeTolerance;
    VertexClusters clusters(nodeTolerance);
    // Each line as a sequence of vertex clusters, consecutive repeats removed.
    std::vector<std::vector<uint32_t>> sequences(lines.size());
    for (size_t l = 0; l < lines.size(); ++l) {
        const RoadLine& line = lines[l];
        auto& seq = sequences[l];
        for (size_t i = 0; i < line.x.size(); ++i) {
            if (!std::isfinite(line.x[i]) || !std::isfinite(line.y[i])) continue;
            const uint32_t c = clusters.clusterOf(line.x[i], line.y[i]);
            if (seq.empty() || seq.back() != c) seq.push_back(c);
        }
        if (seq.size() < 2) seq.clear();  // a line that collapses to one point carries no road
    }
    // A cluster is a node if it ends a line or is visited more than once (by any lines).
    std::vector<uint32_t> uses(clusters.size(), 0);
    std::vector<uint8_t> isNode(clusters.size(), 0);
    for (const auto& seq : sequences) {
        if (seq.empty()) continue;
        for (uint32_t c : seq) ++uses[c];
        isNode[seq.front()] = isNode[seq.back()] = 1;
    }
    std::vector<uint32_t> nodeOf(clusters.size(), UINT32_MAX);
    auto nodeIndex = [&](uint32_t c) {
        if (nodeOf[c] == UINT32_MAX) {
            nodeOf[c] = static_cast<uint32_t>(net.nodeX.size());
            net.nodeX.push_back(clusters.x(c));
            net.nodeY.push_back(clusters.y(c));
        }
        return nodeOf[c];
    };
    std::unordered_map<std::string, uint32_t> stringIndex;
    for (size_t l = 0; l < lines.size(); ++l) {
        const auto& seq = sequences[l];
        if (seq.empty()) continue;
        const uint32_t name = internString(net, stringIndex, lines[l].name);
        const uint32_t roadClass = internString(net, stringIndex, lines[l].roadClass);
        const uint32_t number = internString(net, stringIndex, lines[l].number);
        size_t start = 0;
        for (size_t i = 1; i < seq.size(); ++i) {
            if (!(isNode[seq[i]] || uses[seq[i]] > 1)) continue;
            RoadEdge e;
            e.from = nodeIndex(seq[start]);
            e.to = nodeIndex(seq[i]);
            e.firstVertex = static_cast<uint32_t>(net.vx.size());
            e.vertexCount = static_cast<uint32_t>(i - start + 1);
            e.name = name;
            e.roadClass = roadClass;
            e.number = number;
            e.feature = lines[l].feature;
            double length = 0;
            for (size_t k = start; k <= i; ++k) {
                if (k > start) length += std::hypot(clusters.x(seq[k]) - clusters.x(seq[k - 1]), clusters.y(seq[k]) - clusters.y(seq[k - 1]));
                net.vx.push_back(clusters.x(seq[k]));
                net.vy.push_back(clusters.y(seq[k]));
                net.along.push_back(length);
            }
            e.length = length;
            net.edges.push_back(e);
            start = i;
        }
    }
    linkNodes(net);
    return net;
}

uint32_t Lixels::at(uint32_t e, double offset) const {
    const uint32_t first = edgeStart[e], last = edgeStart[e + 1] - 1;
    const uint32_t n = last - first + 1;
    const double length = end[last];
    if (length <= 0) return first;
    const auto k = static_cast<uint32_t>(std::clamp(offset / length * n, 0.0, static_cast<double>(n - 1)));
    return first + k;
}

Lixels makeLixels(const RoadNetwork& network, double targetLength) {
    if (!(targetLength > 0)) throwUsage("the lixel length must be positive", {"", 0, "lixel"});
    Lixels lx;
    lx.targetLength = targetLength;
    lx.edgeStart.reserve(network.edges.size() + 1);
    for (uint32_t e = 0; e < network.edges.size(); ++e) {
        lx.edgeStart.push_back(static_cast<uint32_t>(lx.edge.size()));
        const double length = network.edges[e].length;
        const auto n = std::max<int64_t>(1, std::llround(length / targetLength));
        for (int64_t k = 0; k < n; ++k) {
            lx.edge.push_back(e);
            lx.start.push_back(length * static_cast<double>(k) / static_cast<double>(n));
            lx.end.push_back(k + 1 == n ? length : length * static_cast<double>(k + 1) / static_cast<double>(n));
        }
    }
    lx.edgeStart.push_back(static_cast<uint32_t>(lx.edge.size()));
    return lx;
}

NetworkReach::NetworkReach(const RoadNetwork& network)
    : m_net(network), m_distance(network.nodeX.size(), std::numeric_limits<double>::infinity()) {}

const std::vector<uint32_t>& NetworkReach::run(uint32_t edge, double offset, double limit) {
    for (uint32_t n : m_reached) m_distance[n] = std::numeric_limits<double>::infinity();
    m_reached.clear();
    m_sourceEdge = edge;
    m_sourceOffset = offset;
    using Item = std::pair<double, uint32_t>;
    std::priority_queue<Item, std::vector<Item>, std::greater<>> queue;
    auto relax = [&](uint32_t node, double d) {
        if (d > limit || d >= m_distance[node]) return;
        if (std::isinf(m_distance[node])) m_reached.push_back(node);
        m_distance[node] = d;
        queue.emplace(d, node);
    };
    const RoadEdge& e = m_net.edges[edge];
    relax(e.from, offset);
    relax(e.to, e.length - offset);
    while (!queue.empty()) {
        auto [d, node] = queue.top();
        queue.pop();
        if (d > m_distance[node]) continue;
        for (uint32_t l = m_net.linkStart[node]; l < m_net.linkStart[node + 1]; ++l) {
            const RoadEdge& next = m_net.edges[m_net.links[l].edge];
            relax(m_net.links[l].atTo ? next.from : next.to, d + next.length);
        }
    }
    return m_reached;
}

double NetworkReach::distanceTo(uint32_t edge, double offset) const {
    const RoadEdge& e = m_net.edges[edge];
    double d = std::min(m_distance[e.from] + offset, m_distance[e.to] + (e.length - offset));
    if (edge == m_sourceEdge) d = std::min(d, std::abs(offset - m_sourceOffset));
    return d;
}

}  // namespace hotspot
