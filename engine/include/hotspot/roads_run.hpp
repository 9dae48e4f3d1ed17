#pragma once
// The `hotspot roads` job: road problem localities for the Road Joint Action Group. Reads a road
// network and collisions (STATS19) and road complaints, snaps them to the network, computes network
// kernel density on lixels, finds cluster sites and density peaks, and writes a ranked register.

#include <string>
#include <vector>

#include "hotspot/analysis_run.hpp"
#include "hotspot/road_localities.hpp"
#include "hotspot/road_network.hpp"

namespace hotspot {

// Score of a locality: sum over its incidents of the weight of each collision's severity, plus
// `complaint` for each road complaint.
struct SeverityWeights {
    double fatal = 10, serious = 5, slight = 1, unknown = 1, complaint = 0.5;
    // "fatal=10,serious=5,slight=1,unknown=1,complaint=0.5" (any subset). Throws Error(Usage).
    static SeverityWeights parse(const std::string& spec);
};

struct RoadsOptions {
    RoadLayerOptions network;
    double nodeTolerance = 1.0;  // metres: vertices closer than this are one node
    std::vector<std::string> collisions;  // STATS19 CSVs (either schema), or mapped CSV / OGR points
    ColumnMapping collisionMapping;       // for collision files that are not STATS19
    std::vector<std::string> complaints;  // road complaints / police road incidents with an issue type
    ColumnMapping complaintMapping;
    std::string complaintLayer, collisionLayer;
    std::string analysisCrs = "EPSG:27700";
    const CategoryMap* categories = nullptr;  // required
    MonthRange months;            // analysis window (default: all months of the input)
    double snapTolerance = 30;    // metres
    double lixelLength = 20;      // metres
    NkdeOptions nkde;
    std::string clusterRule = "wales";  // wales | urban | rural | urban-rural
    int clusterMin = 0;                 // overrides of the rule (0 / negative: the preset's)
    double clusterRadius = 0;
    int clusterMonths = 0;
    double peakThreshold = -1;          // density per km; negative: mean + 3 SD of non-zero lixels
    SeverityWeights weights;
    int trendMonths = 12;               // trend: the last N months against the N before
    std::string previousRegister;       // an earlier register (our CSV or any OGR point layer)
    double matchDistance = 100;         // metres: a locality this close to a previous one is not new
    std::string outDir = "out";
};

RunReport runRoads(const RoadsOptions& options, Progress& progress);

}  // namespace hotspot
