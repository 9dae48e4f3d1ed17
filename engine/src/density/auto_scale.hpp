#pragma once
// The scale of a Gi* analysis chosen from the data (`hotspot gistar --auto`), in the manner of
// ArcGIS's Optimized Hot Spot Analysis: a cell size from the spacing of the incidents, then the
// global Moran's I of the cell counts over increasing distance bands (Incremental Spatial
// Autocorrelation); the first significant peak of its z-score is the neighbourhood distance.

#include <string>
#include <vector>

#include "hotspot/grid.hpp"
#include "hotspot/moran.hpp"

namespace hotspot {

// The mean distance from each distinct incident location to the nearest other one, rounded to
// 1, 2 or 5 x 10^k metres, then kept within [longer side / 1000, longer side / 30] of the extent.
// `rule` receives the figures behind the choice. Throws Error(Usage) with fewer than 2 locations.
double autoCellSize(const std::vector<double>& x, const std::vector<double>& y, const Extent& extent, std::string& rule);

struct ScaleStep {
    double distance = 0;  // metres between cell centres, inclusive
    GlobalMoran moran;    // row-standardised band weights
    double meanNeighbours = 0;
};

struct IncrementalMoran {
    std::vector<ScaleStep> steps;
    int chosen = -1;     // index into steps; -1: no significant clustering at any distance
    std::string reason;  // why this distance (first significant peak, largest z, none)
};

// Distances of 1, 2, ... `maxBands` cells (stopping where the band would pass half the grid's shorter
// side). First peak: the first step whose z is significant (> 1.96) and not below either neighbour
// step; else the step with the largest significant z. Throws Error(Usage) when the band lists would
// exceed `maxEntries` neighbour entries (a grid too fine for the search).
IncrementalMoran incrementalMoran(const Grid& grid, const std::vector<uint8_t>& mask, const std::vector<double>& counts, int maxBands = 15,
                                  size_t maxEntries = 80'000'000);

// The neighbour lists of a distance band over the cells in the mask, with each cell itself first
// (for Gi*), and the compact cell numbering (`cellOf`: grid cell of each list).
Neighbours bandNeighboursWithSelf(const Grid& grid, const std::vector<uint8_t>& mask, double distance, std::vector<int64_t>& cellOf);

// The z-score curve as an SVG line chart, the chosen distance marked.
std::string incrementalMoranSvg(const IncrementalMoran& scale, const std::string& title);

}  // namespace hotspot
