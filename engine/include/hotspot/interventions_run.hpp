#pragma once
// The intervention jobs: `hotspot coverage` (CCTV and lighting coverage of incidents and hotspots),
// `hotspot evaluate-interventions` (before/after with buffer and control, WDQ) and `hotspot sites`
// (new CCTV or light sites by maximal covering).

#include <string>
#include <vector>

#include "hotspot/analysis_run.hpp"
#include "hotspot/interventions.hpp"

namespace hotspot {

struct CoverageOptions {
    AnalysisInput input;
    std::string cameras, lights;        // layers (at least one)
    double cameraRange = 100;           // metres, for cameras without a range
    double lightRadius = 25;            // metres, for lights without a radius or a known lamp type
    std::vector<AreaLayerSpec> areas;   // per-area tables (priority areas)
    GridChoice grid;                    // cell 0: 50 m
    KdeOptions kde;                     // bandwidth 0: 300 m
    double hotspotShare = 0.05;         // hotspot cells: the top share of cells with any density
    double darkDistance = 50;           // a hotspot cell farther than this from every light is dark
    std::string period = "year";        // year | month | all
    std::string outDir = "out/coverage";
};

struct InterventionEvaluationOptions {
    AnalysisInput input;
    std::string projects;               // intervention layer (points, lines, polygons)
    double treatedRadius = 100;         // treated area around point and line interventions
    double bufferWidth = 200;           // the displacement ring around the treated area
    std::vector<AreaLayerSpec> control; // the control area: the polygon holding the intervention (default: all else)
    int periodMonths = 12;              // before and after, shortened to what the data holds (equal)
    std::string outDir = "out/interventions";
};

struct SitesOptions {
    AnalysisInput input;
    GridChoice grid;                    // demand grid; cell 0: 25 m
    KdeOptions kde;                     // bandwidth 0: 200 m
    std::string demand = "kde";         // kde (expected incidents per cell) | counts
    std::string candidates;             // a point layer; else generated (grid or roads)
    std::string candidateRoads;         // generate candidates along these road lines
    double candidateSpacing = 50;       // metres between generated candidates
    std::string costField = "cost";     // candidate layer field; missing: costPerSite
    double costPerSite = 1;
    std::string existingCameras;        // their coverage is removed from the demand
    double existingRange = 100;
    SitingOptions siting;
    bool exact = false;                 // also solve exactly (small cases) and report the ratio
    std::string outDir = "out/sites";
};

RunReport runCoverage(const CoverageOptions& options, Progress& progress);
RunReport runInterventionEvaluation(const InterventionEvaluationOptions& options, Progress& progress);
RunReport runSites(const SitesOptions& options, Progress& progress);

}  // namespace hotspot
