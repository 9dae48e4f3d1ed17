#pragma once
// Analysis from the viewer: the incidents held in memory, filtered by group and months, turned into
// a surface (KDE, Gi* or counts) by the engine; and site recommendation on the current surface.

#include <memory>
#include <string>
#include <vector>

#include "hotspot/analysis_run.hpp"
#include "hotspot/category_map.hpp"
#include "hotspot/grid.hpp"
#include "hotspot/interventions.hpp"
#include "hotspot/options.hpp"
#include "hotspot/progress.hpp"

namespace hotspot::viewer {

class RasterLayer;

struct IncidentSet {
    std::vector<double> x, y;
    std::vector<uint16_t> group;
    std::vector<int32_t> month;
    std::vector<std::string> groups;  // the category map's groups
    int32_t firstMonth = 0, lastMonth = 0;
    Extent extent{0, 0, -1, -1};
    SelectedIncidents reading;  // where the rows read went (counts only; x/y/month/group moved out above)
};

// Reads incidents (police.uk CSVs, mapped CSVs, OGR layers, or an incidents.gpkg from geocode).
IncidentSet loadIncidentSet(const std::vector<std::string>& inputs, const std::string& columns, const std::string& analysisCrs,
                            const CategoryMap& categories, Progress& progress);

enum class SurfaceMethod { Kde,
                           GiStar,
                           Counts };
SurfaceMethod parseSurfaceMethod(const std::string& name);
const char* toString(SurfaceMethod method);

struct AnalysisRequest {
    int group = -1;  // index into IncidentSet::groups; -1 all
    int32_t from = 0, to = 0;
    SurfaceMethod method = SurfaceMethod::Kde;
    double cell = 50, bandwidth = 300;

    // The engine's option declarations and validate() (GridChoice, KdeOptions), with the names the
    // caller uses: "analysis.cell" for a project file. Throws Error(Usage).
    void validate(const OptionNaming& naming) const;
};

struct Surface {
    AnalysisRequest request;
    Grid grid;
    std::vector<double> values;  // KDE: per km^2; counts; Gi*: z
    std::vector<int8_t> bins;    // Gi* FDR bins
    std::vector<double> selectedX, selectedY;
    double seconds = 0;
    IncidentLedger ledger;  // read = not selected + selected; selected = counted in the grid + exclusions
    // Why the surface draws nothing ("" when it has values): shown, never a silently blank map.
    std::string emptyReason() const;
};

// The grid is fixed by the whole data extent, so surfaces of different periods line up.
Surface computeSurface(const IncidentSet& incidents, const AnalysisRequest& request);
std::shared_ptr<RasterLayer> surfaceLayer(const Surface& surface, const std::vector<std::string>& groups);
// What a surface shows, for titles and legends: "burglary kernel density, 2021-01 to 2021-12".
std::string describeSurface(const AnalysisRequest& request, const std::vector<std::string>& groups);

struct SiteRecommendation {
    std::vector<SiteCandidate> candidates;
    std::vector<SitePick> picks;
    double totalDemand = 0;
};
// N sites on a lattice (half the radius apart) over the surface's KDE demand, existing camera
// coverage removed. The surface must be a KDE.
SiteRecommendation recommendSites(const Surface& kde, int sites, double radius, const std::vector<Camera>& existing);

}  // namespace hotspot::viewer
