#pragma once
// The hotspot analysis jobs behind `hotspot density`, `gistar`, `change`, `emerging` and
// `evaluate`: load and filter incidents, build an aligned grid, compute, write rasters and layers.

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "hotspot/area_layer.hpp"
#include "hotspot/gistar.hpp"
#include "hotspot/grid.hpp"
#include "hotspot/ingest.hpp"
#include "hotspot/kde.hpp"
#include "hotspot/moran.hpp"
#include "hotspot/options.hpp"
#include "hotspot/run_report.hpp"

namespace hotspot {

class Progress;

// A month range "YYYY-MM:YYYY-MM" (either end may be empty), or a single "YYYY" / "YYYY-MM".
struct MonthRange {
    int32_t from = kNoMonth, to = kNoMonth;
    bool contains(int32_t month) const {
        return (from == kNoMonth || month >= from) && (to == kNoMonth || (month != kNoMonth && month <= to));
    }
    std::string label() const;
    static MonthRange parse(const std::string& text, const char* option);
};

// Incidents given in memory instead of files (a DataFrame's columns, a database query): x and y in
// the analysis CRS; month (makeMonth(year, month), kNoMonth when unknown),
// category and weight are optional (empty: unknown month, no category, weight 1). A row with a
// non-finite coordinate or weight is rejected with its reason, as a file row would be.
struct IncidentArrays {
    std::vector<double> x, y;
    std::vector<int32_t> month;
    std::vector<std::string> category;
    std::vector<double> weight;
};

struct AnalysisInput {
    static constexpr std::string_view kCrsKey = "crs";  // the analysis CRS: projected, in metres

    std::vector<std::string> inputs;  // incident files (raw, or the incidents.gpkg from `geocode`)
    IngestOptions ingest;
    std::vector<std::string> groups;       // analysis groups to keep (empty = all)
    std::vector<std::string> outcomes;     // police.uk outcome groups to keep (empty = all; see outcomes.hpp)
    MonthRange months;                     // months to keep
    std::vector<AreaLayerSpec> studyArea;  // optional: grid extent and mask
    // In memory instead of files: the incidents (then `inputs` must be empty) and the study area
    // (then `studyArea` must be empty). Shared, so option structs stay cheap to copy.
    std::shared_ptr<const IncidentArrays> points;
    std::shared_ptr<const AreaLayer> studyAreaLayer;

    void validate(const OptionNaming& naming) const;
};

// The first and last month among `months` (kNoMonth ignored); from = to = kNoMonth when none has one.
MonthRange monthSpan(const std::vector<int32_t>& months);
// The months a run covered, for run_info and metadata: the range asked for, its open ends (or "all
// months") closed by the first and last month of the incidents selected.
MonthRange monthsUsed(const MonthRange& asked, const std::vector<int32_t>& selectedMonths);

struct SelectedIncidents {
    std::vector<double> x, y, weight;
    std::vector<int32_t> month;
    std::vector<int8_t> day;      // day of month, 0 when only the month is known
    std::vector<uint16_t> group;  // index into the category map's groups
    // read = rejected + notLocated + otherGroups + otherMonths + strays + outsideStudyArea + x.size()
    int64_t read = 0, rejected = 0, notLocated = 0, otherGroups = 0, otherMonths = 0, strays = 0, outsideStudyArea = 0;
    int64_t otherOutcomes = -1;  // rows of other outcome groups; -1 when no --outcome filter was given
    Extent extent;               // of the kept incidents
    std::vector<std::string> notes;
    std::string describe() const;  // the accounting line for the run summary
    // The ledger of one count over these incidents: the reasons above, the number placed by the
    // count, and the count's own exclusions (e.g. outside every area of a layer).
    IncidentLedger ledger(std::string scope, int64_t counted, std::vector<std::pair<std::string, int64_t>> countExclusions = {}) const;
    // Throws when nothing is left: Error(NoData) when the input has no usable location at all,
    // Error(Usage) when the filters (groups, months, study area) left nothing.
    void requireSome() const;
};

// Reads, filters and drops strays, or those outside input.studyArea when one is given (reported,
// not silently). Throws Error(Input/Usage).
SelectedIncidents loadIncidents(const AnalysisInput& input, Progress& progress);

struct GridChoice {
    // 1 cm is below the precision of any incident coordinate; 100 km is a cell wider than a county.
    static constexpr NumberOption kCell{.key = "cell", .unit = "m", .min = 0.01, .max = 100'000, .unset = 0};
    static constexpr ChoiceOption kShape{"shape", "square|hexagon"};
    static constexpr NumberOption kMaxCells{.key = "max_cells", .min = 1, .max = 2e9, .integer = true};

    double cellSize = 0;  // 0: the job's default (ArcGIS: shorter extent side / 250)
    GridShape shape = GridShape::Square;
    int64_t maxCells = 25'000'000;
    bool clip = false;  // mask cells whose centre is outside the study area

    void validate(const OptionNaming& naming) const;
};

// Incidents counted per cell, with where those not counted went: every count an output holds is
// made here, so "counted" in the run summary is what the cells hold.
struct CellCounts {
    std::vector<double> values;  // weighted count per cell; NaN in cells left out by the mask
    int64_t counted = 0;         // incidents in a cell of the analysis
    int64_t outsideGrid = 0;     // in no cell (a grid that does not cover them; never expected)
    int64_t inMaskedCells = 0;   // in cells left out of the analysis (never expected: kept cells cover the study area)
    std::vector<std::pair<std::string, int64_t>> exclusions() const;
};
// `use` (optional) selects incidents; `mask` (empty: all cells) selects cells.
CellCounts countInCells(const Grid& grid, const std::vector<double>& x, const std::vector<double>& y, const std::vector<double>& weight,
                        const std::vector<uint8_t>& mask, const std::vector<uint8_t>* use = nullptr);

struct AreaCounts {
    std::vector<double> values;  // weighted count per area
    int64_t counted = 0;         // incidents in an area of the layer
    int64_t outside = 0;         // in no area of the layer
    std::vector<std::pair<std::string, int64_t>> exclusions(const AreaLayer& layer) const;
};
AreaCounts countInAreas(const AreaLayer& layer, const std::vector<double>& x, const std::vector<double>& y, const std::vector<double>& weight);

struct DensityOptions {
    AnalysisInput input;
    GridChoice grid;
    KdeOptions kde;  // bandwidth 0: ArcGIS default
    // Dual KDE: a second point set (e.g. households at postcode centroids, weight = households).
    std::vector<std::string> denominator;
    ColumnMapping denominatorMapping;
    DualMode dual = DualMode::Ratio;
    static constexpr NumberOption kRatePer{.key = "rate_per", .min = 0, .max = 1e12, .minIncluded = false};
    double ratePer = 1000;  // ratio surfaces are incidents per this many denominator units
    // Ratio and log ratio: nodata where the denominator density (units per km2) is below this.
    static constexpr NumberOption kMinDenominator{.key = "min_denominator", .min = 0, .max = 1e15, .unset = -1};
    double minDenominator = -1;  // -1: 1 % of the mean denominator density over the cells that have any
    // Counts, rates and location quotients per area.
    std::vector<AreaLayerSpec> areas;
    std::string areaDenominatorField;  // an attribute of the areas, e.g. households
    std::string outDir = "out";

    void validate(const OptionNaming& naming) const;
};

inline constexpr NumberOption kRingsOption{.key = "rings", .min = 1, .max = 20, .integer = true};

// Which cells or areas are neighbours: contiguity (queen: sharing an edge or a corner; rook: an
// edge), every centre within a distance band, or the k nearest centres. The CLI spells these
// "queen", "rook", "distance:METRES" and "knn:K".
struct NeighbourRule {
    enum class Kind { Queen,
                      Rook,
                      DistanceBand,
                      Nearest };
    Kind kind = Kind::Queen;
    double bandMetres = 0;  // DistanceBand
    int nearest = 0;        // Nearest: k

    static NeighbourRule queen() { return {}; }
    static NeighbourRule rook() { return {Kind::Rook}; }
    static NeighbourRule distanceBand(double metres) { return {Kind::DistanceBand, metres}; }
    static NeighbourRule nearestK(int k) { return {Kind::Nearest, 0, k}; }
    bool contiguity() const { return kind == Kind::Queen || kind == Kind::Rook; }
    std::string text() const;  // the CLI spelling, e.g. "distance:500"
};
// Reads the CLI spelling; throws Error(Usage) naming the "weights" option. The band and k are
// checked by the job's validate().
NeighbourRule parseNeighbourRule(const std::string& text, const OptionNaming& naming);

// How spatial weights are scaled: row-standardised (spdep "W", ArcGIS's default) or binary ("B").
enum class WeightStyle { RowStandardised,
                         Binary };
WeightStyle parseWeightStyle(const std::string& text, const OptionNaming& naming);  // "row" | "binary"
const char* toString(WeightStyle style);

struct GiStarRunOptions {
    static constexpr NumberOption kPermutations{.key = "permutations", .min = 0, .max = 99'999, .integer = true};
    static constexpr NumberOption kZoneLevel{.key = "zone_level", .min = 1, .max = 3, .integer = true};
    // "queen", "rook" or "distance:METRES" with the band distance checked as below.
    static constexpr NumberOption kDistanceBand{.key = "weights", .unit = "m", .min = 0, .max = 1e6, .minIncluded = false};

    AnalysisInput input;
    GridChoice grid;
    int rings = 1;
    GiStarOptions gi;
    // Polygon mode: Gi* on incident counts per area instead of grid cells.
    std::vector<AreaLayerSpec> areas;
    NeighbourRule weights;  // polygon mode: queen, rook or a distance band (not k nearest)
    int zoneLevel = 2;      // dissolve cells with |bin| >= this into zones
    // Square grids write only the significant cells to hotspot_cells by default (every cell's
    // count is in gistar_counts.tif); true writes every non-empty or significant cell. Hexagon
    // grids have no raster and always write every non-empty or significant cell.
    bool allCells = false;
    // Scale from the data (ArcGIS Optimized Hot Spot Analysis): the cell size (unless given) from the
    // incidents' spacing, the neighbourhood from the first peak of global Moran's I over distance
    // bands (square grids; see density/auto_scale.hpp). Writes gistar_scale.csv and .svg.
    bool autoScale = false;
    std::string outDir = "out";

    void validate(const OptionNaming& naming) const;
};

// Cluster and outlier analysis: Anselin's local Moran's I on incident counts per grid cell or area.
struct LocalMoranRunOptions {
    static constexpr ChoiceOption kStyle{"style", "row|binary"};
    static constexpr ChoiceOption kVariance{"variance", "conditional|total"};
    static constexpr NumberOption kAlpha{.key = "alpha", .min = 0, .max = 0.5, .minIncluded = false};
    static constexpr NumberOption kNearest{.key = "weights", .min = 1, .max = 1000, .integer = true};

    AnalysisInput input;
    GridChoice grid;
    int rings = 1;
    // Polygon mode: counts per area of this layer instead of grid cells.
    std::vector<AreaLayerSpec> areas;
    NeighbourRule weights;  // any rule, on grids and areas
    WeightStyle style = WeightStyle::RowStandardised;
    LocalMoranOptions moran;  // variance moments, permutations, seed, FDR, alpha
    // Square grids write the significant cells to moran_cells by default (every value is in the
    // rasters); true writes every non-empty or significant cell.
    bool allCells = false;
    std::string outDir = "out";

    void validate(const OptionNaming& naming) const;
};

struct ChangeOptions {
    AnalysisInput input;  // months ignored: the two periods below select
    MonthRange before, after;
    GridChoice grid;
    std::vector<AreaLayerSpec> areas;
    std::string outDir = "out";

    void validate(const OptionNaming& naming) const;
};

struct EmergingRunOptions {
    static constexpr ChoiceOption kStep{"step", "month|quarter"};
    static constexpr NumberOption kAlpha{.key = "alpha", .min = 0, .max = 0.5, .minIncluded = false};

    AnalysisInput input;
    GridChoice grid;
    int stepMonths = 1;  // 1 monthly, 3 quarterly
    int rings = 1;
    double alpha = 0.05;
    std::string outDir = "out";

    void validate(const OptionNaming& naming) const;
};

// How the fit period ranks cells in `evaluate`: by kernel density or by raw counts.
enum class RankBy { Kde,
                    Counts };
RankBy parseRankBy(const std::string& text, const OptionNaming& naming);  // "kde" | "counts"
const char* toString(RankBy rank);

struct EvaluateOptions {
    static constexpr ChoiceOption kMethod{"method", "kde|counts"};
    // Given in percent on the command line; held here as shares (0.05 = 5 %).
    static constexpr NumberOption kTop{.key = "top", .unit = "%", .min = 0, .max = 100, .minIncluded = false};

    AnalysisInput input;
    MonthRange fit, test;
    GridChoice grid;
    RankBy method = RankBy::Kde;
    KdeOptions kde;
    std::vector<double> shares = {0.01, 0.05, 0.10, 0.20};
    std::string outDir = "out";

    void validate(const OptionNaming& naming) const;
};

RunReport runDensity(const DensityOptions& options, Progress& progress);
RunReport runGiStar(const GiStarRunOptions& options, Progress& progress);

// A surface in memory: one value per cell of a square grid, row-major, row 0 north; NaN in cells
// left out of the analysis (outside the study area with --clip).
struct GridSurface {
    Grid grid;
    std::vector<double> values;
    // GDAL's geotransform: west edge, cell width, 0, north edge, 0, -cell height.
    std::array<double, 6> geotransform() const;
};

// What `hotspot density` computes, in memory and without writing a file: the same grid, counts
// and kernel density values as its counts.tif and density.tif.
struct DensityResult {
    GridSurface density, counts;
    double bandwidth = 0;   // the radius used (the ArcGIS rule when options.kde.bandwidth is 0)
    IncidentLedger ledger;  // where every incident read went
};
DensityResult computeDensity(const DensityOptions& options, Progress& progress);

// What `hotspot gistar` computes on a square grid with ring neighbourhoods, in memory: the same
// values as gistar_counts.tif, gistar_z.tif and gistar_bin.tif. (Areas and --auto: runGiStar.)
struct GiStarGridResult {
    GridSurface counts, z, p;
    std::vector<int8_t> bin;  // FDR bins as ArcGIS Gi_Bin
    IncidentLedger ledger;
};
GiStarGridResult computeGiStar(const GiStarRunOptions& options, Progress& progress);
RunReport runLocalMoran(const LocalMoranRunOptions& options, Progress& progress);
RunReport runChange(const ChangeOptions& options, Progress& progress);
RunReport runEmerging(const EmergingRunOptions& options, Progress& progress);
RunReport runEvaluate(const EvaluateOptions& options, Progress& progress);

}  // namespace hotspot
