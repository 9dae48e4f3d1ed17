#pragma once
// Problem localities on the road network: cluster sites by the UK rule (N injury collisions within
// R metres of network distance over a period) and connected runs of lixels above a density threshold.

#include <cstdint>
#include <string>
#include <vector>

#include "hotspot/road_network.hpp"

namespace hotspot {

// Snapped points grouped by edge, to find those within a network distance of a place.
class PointsOnNetwork {
public:
    // Points with include[i] == 0 (or edge -1) are left out; include may be empty (all).
    PointsOnNetwork(const RoadNetwork& network, const std::vector<Snap>& points, const std::vector<uint8_t>& include);
    // Indexes of the points within `radius` metres (inclusive) of network distance from
    // (edge, offset), ascending. `reach` is the caller's (per-thread) Dijkstra state; `seen` a
    // per-thread scratch array of edges.size() entries, which must start all UINT32_MAX
    // and is stamped with `stamp` (use a different stamp for each call).
    void within(NetworkReach& reach, uint32_t edge, double offset, double radius, std::vector<uint32_t>& seen, uint32_t stamp,
                std::vector<uint32_t>& out) const;

private:
    const RoadNetwork& m_net;
    const std::vector<Snap>& m_points;
    std::vector<uint32_t> m_start, m_index;  // CSR over edges
};

struct ClusterRule {
    std::string name = "wales";
    int minCollisions = 4;  // at least this many injury collisions...
    double radius = 50;     // ...within this network distance of the site's centre collision (inclusive)...
    int months = 36;        // ...over this many months
};

// Presets: "wales" (4 within 50 m over 36 months, Welsh trunk roads), "urban" (7 / 50 m / 60),
// "rural" (7 / 100 m / 60). "urban-rural" is resolved by the caller per collision. Throws Error(Usage).
ClusterRule clusterRulePreset(const std::string& name);

struct ClusterSite {
    uint32_t centre = 0;            // index of the centre collision
    std::vector<uint32_t> members;  // collisions of the site (centre included), ascending
};

// Finds cluster sites among the eligible collisions. rules[ruleOf[i]] applies when collision i is
// a centre. Greedy: the centre with the most not-yet-assigned collisions within its radius wins
// (ties: higher `tieScore` sum, then lower index); its collisions are assigned; repeat while a
// centre still has at least its rule's minimum. Each collision belongs to at most one site.
std::vector<ClusterSite> findClusterSites(const RoadNetwork& network, const std::vector<Snap>& collisions,
                                          const std::vector<uint8_t>& eligible, const std::vector<ClusterRule>& rules,
                                          const std::vector<uint8_t>& ruleOf, const std::vector<double>& tieScore);

struct DensityPeak {
    std::vector<uint32_t> lixels;  // connected lixels at or above the threshold, ascending
    uint32_t top = 0;              // the lixel with the highest density
    double peak = 0;
};

// Connected components (along edges and through nodes) of lixels with density >= threshold,
// strongest peak first.
std::vector<DensityPeak> findDensityPeaks(const RoadNetwork& network, const Lixels& lixels, const std::vector<double>& density,
                                          double threshold);

}  // namespace hotspot
