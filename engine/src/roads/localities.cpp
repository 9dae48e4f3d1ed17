// Cluster sites (greedy, network distance) and density peaks (connected lixels above a threshold).

#include <algorithm>
#include <memory>
#include <numeric>
#include <queue>
#include <tuple>

#include "core/thread_pool.hpp"
#include "hotspot/error.hpp"
#include "hotspot/road_localities.hpp"

namespace hotspot {

ClusterRule clusterRulePreset(const std::string& name) {
    if (name == "wales") return {"wales", 4, 50, 36};
    if (name == "urban") return {"urban", 7, 50, 60};
    if (name == "rural") return {"rural", 7, 100, 60};
    throwUsage("unknown cluster rule '" + name + "' (wales, urban, rural, urban-rural)", {"", 0, "cluster_rule"});
}

PointsOnNetwork::PointsOnNetwork(const RoadNetwork& network, const std::vector<Snap>& points, const std::vector<uint8_t>& include)
    : m_net(network), m_points(points), m_start(network.edges.size() + 1, 0) {
    auto used = [&](size_t i) { return (include.empty() || include[i]) && points[i].edge >= 0; };
    for (size_t i = 0; i < points.size(); ++i)
        if (used(i)) ++m_start[static_cast<size_t>(points[i].edge) + 1];
    for (size_t e = 0; e + 1 < m_start.size(); ++e) m_start[e + 1] += m_start[e];
    m_index.resize(m_start.back());
    std::vector<uint32_t> fill(m_start.begin(), m_start.end() - 1);
    for (size_t i = 0; i < points.size(); ++i)
        if (used(i)) m_index[fill[static_cast<size_t>(points[i].edge)]++] = static_cast<uint32_t>(i);
}

void PointsOnNetwork::within(NetworkReach& reach, uint32_t edge, double offset, double radius, std::vector<uint32_t>& seen, uint32_t stamp,
                             std::vector<uint32_t>& out) const {
    out.clear();
    const auto& reached = reach.run(edge, offset, radius);
    auto visit = [&](uint32_t e) {
        if (seen[e] == stamp) return;
        seen[e] = stamp;
        for (uint32_t k = m_start[e]; k < m_start[e + 1]; ++k) {
            const uint32_t j = m_index[k];
            if (reach.distanceTo(e, m_points[j].offset) <= radius) out.push_back(j);
        }
    };
    visit(edge);
    for (uint32_t node : reached)
        for (uint32_t l = m_net.linkStart[node]; l < m_net.linkStart[node + 1]; ++l) visit(m_net.links[l].edge);
    std::sort(out.begin(), out.end());
}

std::vector<ClusterSite> findClusterSites(const RoadNetwork& network, const std::vector<Snap>& collisions,
                                          const std::vector<uint8_t>& eligible, const std::vector<ClusterRule>& rules,
                                          const std::vector<uint8_t>& ruleOf, const std::vector<double>& tieScore) {
    const size_t n = collisions.size();
    const PointsOnNetwork eligibleCollisions(network, collisions, eligible);
    // Neighbours of every eligible collision within its rule's radius (itself included).
    std::vector<std::vector<uint32_t>> neighbours(n);
    std::vector<std::unique_ptr<NetworkReach>> reach(workerCount());
    std::vector<std::vector<uint32_t>> seen(workerCount());
    constexpr size_t kBlock = 512;
    parallelFor((n + kBlock - 1) / kBlock, [&](size_t b, unsigned worker) {
        if (!reach[worker]) reach[worker] = std::make_unique<NetworkReach>(network);
        if (seen[worker].empty()) seen[worker].assign(network.edges.size(), UINT32_MAX);
        for (size_t i = b * kBlock; i < std::min(n, (b + 1) * kBlock); ++i) {
            if (!eligible[i] || collisions[i].edge < 0) continue;
            eligibleCollisions.within(*reach[worker], static_cast<uint32_t>(collisions[i].edge), collisions[i].offset,
                                      rules[ruleOf[i]].radius, seen[worker], static_cast<uint32_t>(i), neighbours[i]);
        }
    });
    // Greedy with lazy re-evaluation: counts only fall as collisions are assigned.
    std::vector<uint8_t> used(n, 0);
    using Key = std::tuple<size_t, double, int64_t>;  // count, tie score, -index
    auto keyOf = [&](uint32_t i) {
        size_t count = 0;
        double score = 0;
        for (uint32_t j : neighbours[i])
            if (!used[j]) ++count, score += tieScore.empty() ? 0.0 : tieScore[j];
        return Key{count, score, -static_cast<int64_t>(i)};
    };
    std::priority_queue<std::pair<Key, uint32_t>> queue;
    for (uint32_t i = 0; i < n; ++i)
        if (!neighbours[i].empty() && neighbours[i].size() >= static_cast<size_t>(rules[ruleOf[i]].minCollisions))
            queue.emplace(keyOf(i), i);
    std::vector<ClusterSite> sites;
    while (!queue.empty()) {
        auto [key, i] = queue.top();
        queue.pop();
        if (used[i]) continue;  // a centre must itself be unassigned
        const Key current = keyOf(i);
        if (std::get<0>(current) < static_cast<size_t>(rules[ruleOf[i]].minCollisions)) continue;
        if (current != key) {
            queue.emplace(current, i);
            continue;
        }
        ClusterSite site;
        site.centre = i;
        for (uint32_t j : neighbours[i])
            if (!used[j]) site.members.push_back(j), used[j] = 1;
        sites.push_back(std::move(site));
    }
    return sites;
}

std::vector<DensityPeak> findDensityPeaks(const RoadNetwork& network, const Lixels& lixels, const std::vector<double>& density,
                                          double threshold) {
    const size_t n = lixels.size();
    std::vector<uint32_t> parent(n);
    std::iota(parent.begin(), parent.end(), 0u);
    auto find = [&](uint32_t a) {
        while (parent[a] != a) a = parent[a] = parent[parent[a]];
        return a;
    };
    auto unite = [&](uint32_t a, uint32_t b) {
        if (density[a] < threshold || density[b] < threshold) return;
        a = find(a), b = find(b);
        if (a != b) parent[std::max(a, b)] = std::min(a, b);
    };
    for (uint32_t e = 0; e < network.edges.size(); ++e)
        for (uint32_t k = lixels.edgeStart[e] + 1; k < lixels.edgeStart[e + 1]; ++k) unite(k - 1, k);
    // Through nodes: the end lixels of all edges meeting at a node touch.
    for (uint32_t node = 0; node + 1 < network.linkStart.size(); ++node) {
        uint32_t firstLixel = UINT32_MAX;
        for (uint32_t l = network.linkStart[node]; l < network.linkStart[node + 1]; ++l) {
            const NodeLink link = network.links[l];
            const uint32_t lixel = link.atTo ? lixels.edgeStart[link.edge + 1] - 1 : lixels.edgeStart[link.edge];
            if (!(density[lixel] >= threshold)) continue;
            if (firstLixel == UINT32_MAX) firstLixel = lixel;
            else unite(firstLixel, lixel);
        }
    }
    std::vector<DensityPeak> peaks;
    std::vector<uint32_t> peakOfRoot(n, UINT32_MAX);
    for (uint32_t k = 0; k < n; ++k) {
        if (!(density[k] >= threshold)) continue;
        const uint32_t root = find(k);
        if (peakOfRoot[root] == UINT32_MAX) {
            peakOfRoot[root] = static_cast<uint32_t>(peaks.size());
            peaks.push_back({{}, k, density[k]});
        }
        DensityPeak& p = peaks[peakOfRoot[root]];
        p.lixels.push_back(k);
        if (density[k] > p.peak) p.peak = density[k], p.top = k;
    }
    std::stable_sort(peaks.begin(), peaks.end(), [](const DensityPeak& a, const DensityPeak& b) { return a.peak > b.peak; });
    return peaks;
}

}  // namespace hotspot
