#pragma once
// The intervention jobs: `hotspot coverage` (CCTV and lighting coverage of incidents and hotspots),
// `hotspot evaluate-interventions` (before/after with buffer and control, WDQ) and `hotspot sites`
// (new CCTV or light sites by maximal covering).

#include <limits>
#include <string>
#include <vector>

#include "hotspot/analysis_run.hpp"
#include "hotspot/area_layer.hpp"
#include "hotspot/interventions.hpp"

namespace hotspot {

// The periods coverage shares are given for: each year, each month, or the whole period.
enum class SharePeriod { Year,
                         Month,
                         All };
SharePeriod parseSharePeriod(const std::string& text, const OptionNaming& naming);  // "year" | "month" | "all"
const char* toString(SharePeriod period);

struct CoverageOptions {
    static constexpr NumberOption kCameraRange{.key = "camera_range", .unit = "m", .min = 0, .max = 10'000, .minIncluded = false};
    static constexpr NumberOption kLightRadius{.key = "light_radius", .unit = "m", .min = 0, .max = 1'000, .minIncluded = false};
    static constexpr NumberOption kHotspotShare{.key = "hotspot_share", .min = 0, .max = 1, .minIncluded = false};
    static constexpr NumberOption kDarkDistance{.key = "dark_distance", .unit = "m", .min = 0, .max = 10'000, .minIncluded = false};
    static constexpr ChoiceOption kPeriod{"period", "year|month|all"};

    AnalysisInput input;
    std::string cameras, lights;       // layers (at least one)
    double cameraRange = 100;          // metres, for cameras without a range
    double lightRadius = 25;           // metres, for lights without a radius or a known lamp type
    std::vector<AreaLayerSpec> areas;  // per-area tables (priority areas)
    GridChoice grid;                   // cell 0: 50 m
    KdeOptions kde;                    // bandwidth 0: 300 m
    double hotspotShare = 0.05;        // hotspot cells: the top share of cells with any density
    double darkDistance = 50;          // a hotspot cell farther than this from every light is dark
    SharePeriod period = SharePeriod::Year;
    std::string outDir = "out/coverage";

    void validate(const OptionNaming& naming) const;
};

struct InterventionEvaluationOptions {
    static constexpr NumberOption kTreatedRadius{.key = "treated_radius", .unit = "m", .min = 0, .max = 10'000, .minIncluded = false};
    static constexpr NumberOption kBuffer{.key = "buffer", .unit = "m", .min = 0, .max = 10'000};
    static constexpr NumberOption kPeriodMonths{.key = "period_months", .unit = "months", .min = 1, .max = 120, .integer = true};

    AnalysisInput input;
    std::string projects;                // intervention layer (points, lines, polygons)
    double treatedRadius = 100;          // treated area around point and line interventions
    double bufferWidth = 200;            // the displacement ring around the treated area
    std::vector<AreaLayerSpec> control;  // the control area: the polygon holding the intervention (default: all else)
    int periodMonths = 12;               // before and after, shortened to what the data holds (equal)
    std::string outDir = "out/interventions";

    void validate(const OptionNaming& naming) const;
};

struct SitesOptions {
    static constexpr NumberOption kSites{.key = "sites", .min = 1, .max = 100'000, .integer = true};
    static constexpr NumberOption kRadius{.key = "radius", .unit = "m", .min = 0, .max = 10'000, .minIncluded = false};
    static constexpr ChoiceOption kDemand{"demand", "kde|counts"};
    // Under 1 m apart, generated candidates would outnumber any demand grid.
    static constexpr NumberOption kSpacing{.key = "spacing", .unit = "m", .min = 1, .max = 100'000};
    static constexpr NumberOption kCost{.key = "cost", .min = 0, .max = 1e15, .minIncluded = false};
    static constexpr NumberOption kBudget{.key = "budget", .min = 0, .max = 1e15, .unset = std::numeric_limits<double>::infinity()};
    static constexpr NumberOption kExistingRange{.key = "existing_range", .unit = "m", .min = 0, .max = 10'000, .minIncluded = false};

    AnalysisInput input;
    GridChoice grid;                 // demand grid; cell 0: 25 m
    KdeOptions kde;                  // bandwidth 0: 200 m
    std::string demand = "kde";      // kde (expected incidents per cell) | counts
    std::string candidates;          // a point layer; else generated (grid or roads)
    std::string candidateRoads;      // generate candidates along these road lines
    double candidateSpacing = 50;    // metres between generated candidates
    std::string costField = "cost";  // candidate layer field; missing: costPerSite
    double costPerSite = 1;
    std::string existingCameras;  // their coverage is removed from the demand
    double existingRange = 100;
    SitingOptions siting;
    bool exact = false;  // also solve exactly (small cases) and report the ratio
    // Where each site is, in a planner's words: the nearest named street from a gazetteer (CSV or
    // any point layer) or a road network's lines (name and ref; .pbf: its lines), and the areas
    // (priority areas, wards) each site falls in. Empty: not given.
    std::string streets;
    std::vector<AreaLayerSpec> areas;
    std::string outDir = "out/sites";

    void validate(const OptionNaming& naming) const;
};

RunReport runCoverage(const CoverageOptions& options, Progress& progress);
RunReport runInterventionEvaluation(const InterventionEvaluationOptions& options, Progress& progress);
RunReport runSites(const SitesOptions& options, Progress& progress);

}  // namespace hotspot
