#pragma once
// What the analysis jobs (analysis_run.cpp, moran_run.cpp) share: reading and selecting the
// incidents, the study area, the analysis grid and the metadata every raster carries. Internal to
// the engine.

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "hotspot/analysis_run.hpp"
#include "hotspot/area_layer.hpp"
#include "hotspot/incidents.hpp"

namespace hotspot::analysis {

// "a,b,c", or "all" for an empty list.
std::string joined(const std::vector<std::string>& v);

// All located incidents of the input, with their group and month; filters are applied by callers.
struct LoadedIncidents {
    IncidentTable table;
    std::vector<uint8_t> located;
    int64_t read = 0, rejected = 0;  // rows read; rows rejected or superseded while reading
    std::vector<std::string> notes;
};
LoadedIncidents loadAll(const AnalysisInput& input, Progress& progress);

// The incidents of the months (and groups, when filterGroups), inside the study area when one is
// given; every other one is counted under its reason.
SelectedIncidents select(const LoadedIncidents& all, const AnalysisInput& input, const MonthRange& months, const AreaLayer* studyArea,
                         bool filterGroups);
// The same for a caller done with `all` (left empty): when every row is kept, the table's columns
// become the selection's instead of being copied.
SelectedIncidents select(LoadedIncidents&& all, const AnalysisInput& input, const MonthRange& months, const AreaLayer* studyArea,
                         bool filterGroups);

std::shared_ptr<const AreaLayer> loadStudyArea(const AnalysisInput& input);

// The analysis grid: the study area's extent, or the incidents' extent grown by `margin` (the
// kernel's reach, so density tails are not cut off), aligned to multiples of the cell size.
struct GridSetup {
    Grid grid;
    std::vector<uint8_t> mask;  // empty: every cell is in the analysis
    bool autoCell = false;
};
// `maskAlways`: cells outside the study area leave the analysis even without --clip.
GridSetup makeGrid(const Extent& dataExtent, const AreaLayer* studyArea, const GridChoice& choice, double margin, bool maskAlways = false);

// The incidents a job works on: read, then selected by months, groups and study area, the
// selection line added to `report`; throws (requireSome) when nothing is left.
struct AnalysisSelection {
    std::shared_ptr<const AreaLayer> studyArea;
    SelectedIncidents incidents;
};
AnalysisSelection loadSelection(const AnalysisInput& input, Progress& progress, RunReport& report);

void applyMask(std::vector<double>& values, const std::vector<uint8_t>& mask);  // NaN outside the mask
std::vector<std::pair<std::string, std::string>> baseMetadata(const AnalysisInput& input, const Grid& grid, const MonthRange& months);
std::string formatNumber(double v, int precision = 3);

}  // namespace hotspot::analysis
