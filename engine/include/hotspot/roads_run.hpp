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
    static constexpr NumberOption kWeight{.key = "weights", .min = 0, .max = 1e6};
    double fatal = 10, serious = 5, slight = 1, unknown = 1, complaint = 0.5;
    // "fatal=10,serious=5,slight=1,unknown=1,complaint=0.5" (any subset). Throws Error(Usage).
    static SeverityWeights parse(const std::string& spec);
};

struct RoadsOptions {
    static constexpr NumberOption kNodeTolerance{.key = "node_tolerance", .unit = "m", .min = 0, .max = 100};
    static constexpr NumberOption kSnapTolerance{.key = "snap_tolerance", .unit = "m", .min = 0, .max = 10'000, .minIncluded = false};
    static constexpr NumberOption kLixel{.key = "lixel", .unit = "m", .min = 1, .max = 10'000};
    static constexpr NumberOption kBandwidth{.key = "bandwidth", .unit = "m", .min = 1, .max = 100'000};
    static constexpr ChoiceOption kKernel{"kernel", "quartic|triweight|epanechnikov|triangular|uniform"};
    static constexpr ChoiceOption kMethod{"method", "discontinuous|simple"};
    static constexpr ChoiceOption kClusterRule{"cluster_rule", "wales|urban|rural|urban-rural"};
    static constexpr NumberOption kClusterMin{.key = "cluster_min", .min = 1, .max = 100'000, .integer = true, .unset = 0};
    static constexpr NumberOption kClusterRadius{.key = "cluster_radius", .unit = "m", .min = 0, .max = 100'000, .minIncluded = false, .unset = 0};
    static constexpr NumberOption kClusterMonths{.key = "cluster_months", .unit = "months", .min = 1, .max = 1'200, .integer = true, .unset = 0};
    static constexpr NumberOption kPeakThreshold{.key = "peak_threshold", .min = 0, .max = 1e12, .unset = -1};
    static constexpr NumberOption kTrendMonths{.key = "trend_months", .unit = "months", .min = 1, .max = 120, .integer = true};
    static constexpr ChoiceOption kRankBy{"rank_by", "score|cost|ksi"};
    static constexpr NumberOption kMatchDistance{.key = "match_distance", .unit = "m", .min = 0, .max = 100'000, .minIncluded = false};

    RoadLayerOptions network;
    double nodeTolerance = 1.0;           // metres: vertices closer than this are one node
    std::vector<std::string> collisions;  // STATS19 CSVs (either schema), or mapped CSV / OGR points
    ColumnMapping collisionMapping;       // for collision files that are not STATS19
    // STATS19 casualty and vehicle tables, joined on the collision index. Empty: the files DfT
    // publishes beside each collision file, when they are there (findLinkedTables).
    std::vector<std::string> casualties, vehicles;
    bool findLinkedTables = true;
    std::string costsFile;                // value of prevention per collision (default: DfT RAS60001, 2014 prices)
    std::string issueRulesFile;           // the issue-pattern rule table (default: data/roads/issue_patterns.csv, built in)
    std::string rankBy = "score";         // score | cost | ksi
    std::vector<std::string> complaints;  // road complaints / police road incidents with an issue type
    ColumnMapping complaintMapping;
    std::string complaintLayer, collisionLayer;
    std::string analysisCrs = "EPSG:27700";
    const CategoryMap* categories = nullptr;  // required
    MonthRange months;                        // analysis window (default: all months of the input)
    double snapTolerance = 30;                // metres
    double lixelLength = 20;                  // metres
    NkdeOptions nkde;
    std::string clusterRule = "wales";  // wales | urban | rural | urban-rural
    int clusterMin = 0;                 // overrides of the rule (0 / negative: the preset's)
    double clusterRadius = 0;
    int clusterMonths = 0;
    double peakThreshold = -1;  // density per km; negative: mean + 3 SD of non-zero lixels
    SeverityWeights weights;
    int trendMonths = 12;          // trend: the last N months against the N before
    std::string previousRegister;  // an earlier register (our CSV or any OGR point layer)
    double matchDistance = 100;    // metres: a locality this close to a previous one is not new
    std::string outDir = "out";

    void validate(const OptionNaming& naming) const;
};

RunReport runRoads(const RoadsOptions& options, Progress& progress);

}  // namespace hotspot
