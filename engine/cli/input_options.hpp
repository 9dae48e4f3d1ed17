#pragma once
// Options shared by the commands that read incidents (density, gistar, change, emerging, evaluate,
// coverage, evaluate-interventions, sites): where the incidents come from and which ones to use.

#include <cstdint>
#include <string>
#include <vector>

#include "commands.hpp"
#include "hotspot/analysis_run.hpp"
#include "hotspot/category_map.hpp"

namespace hotspot::cli {

// Options every analysis command shares: where the incidents come from and which ones to use.
struct InputArgs {
    std::vector<std::string> inputs;
    std::string categories, categoryField, columns, srs, layer, crs = "EPSG:27700";
    std::vector<std::string> groups;
    std::string months;
    std::vector<std::string> studyArea;
    double cell = 0;
    std::string shape = "square";
    int64_t maxCells = 25'000'000;
    bool clip = false;
    std::string out = "out";
    CategoryMap categoryMap;  // filled by build()
};

void addInputOptions(CLI::App& app, InputArgs& a, bool withMonths = true);
AnalysisInput build(InputArgs& a);
GridChoice gridChoice(const InputArgs& a);
// Prints the run report unless quiet; returns exit code 0.
int finish(const RunReport& report, const GlobalOptions& global);

}  // namespace hotspot::cli
