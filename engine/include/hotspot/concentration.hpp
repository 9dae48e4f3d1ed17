#pragma once
// Crime concentration at place (`hotspot concentrate`): how much of the crime the busiest places
// hold, the Lorenz curve, the Gini coefficient and its generalisation for sparse counts (Bernasco
// & Steenbeek 2017), the repeat locations, and how stable the top places are from year to year.

#include <cstdint>
#include <string>
#include <vector>

#include "hotspot/analysis_run.hpp"
#include "hotspot/road_network.hpp"

namespace hotspot {

// Gini over all places (zeros included): G = 2 sum_i i x_(i) / (n sum x) - (n + 1) / n with x sorted
// ascending (DescTools::Gini, unbiased = FALSE). NaN without crime.
double giniCoefficient(const std::vector<double>& counts);
// Bernasco & Steenbeek (2017): with fewer crimes N than places n the most equal spread is one crime
// in each of N places; G' = max(1, n / N) (G - 1) + 1 (lorenzgini::gini, unbiased = FALSE).
double generalisedGini(const std::vector<double>& counts);

struct ConcentrationSummary {
    size_t places = 0, placesWithCrime = 0;
    double crimes = 0, gini = 0, generalisedGini = 0;
    std::vector<std::pair<double, double>> topShares;  // (share of places, share of crime they hold), busiest first
    size_t placesForHalf = 0;                          // fewest places holding at least 50 % of the crime
};
// `shares`: of places, e.g. 0.01, 0.05 (the top ceil(share x n) places).
ConcentrationSummary summariseConcentration(const std::vector<double>& counts, const std::vector<double>& shares);

// The Lorenz curve of crime at place, busiest places first: (cumulative share of places, cumulative
// share of crime), from (0, 0) to (1, 1), at most `points` + 1 points (every place when fewer).
std::vector<std::pair<double, double>> lorenzCurve(const std::vector<double>& counts, size_t points = 1000);

// The places crime is concentrated in: grid cells, street segments of a network, distinct
// locations (points), or areas.
enum class PlaceUnit { Cell,
                       Segment,
                       Location,
                       Area };
PlaceUnit parsePlaceUnit(const std::string& text, const OptionNaming& naming);  // "cell" | "segment" | "location" | "area"
const char* toString(PlaceUnit unit);

struct ConcentrateOptions {
    static constexpr ChoiceOption kUnit{"unit", "cell|segment|location|area"};
    static constexpr NumberOption kTop{.key = "top", .min = 1, .max = 100'000, .integer = true};
    static constexpr NumberOption kSnap{.key = "snap_tolerance", .unit = "m", .min = 0, .max = 10'000, .minIncluded = false};
    static constexpr NumberOption kStableShare{.key = "stable_share", .unit = "%", .min = 0, .max = 100, .minIncluded = false};

    AnalysisInput input;
    PlaceUnit unit = PlaceUnit::Cell;
    GridChoice grid;                   // unit cell
    RoadLayerOptions network;          // unit segment
    double snapTolerance = 50;         // unit segment: metres to the nearest street segment
    std::vector<AreaLayerSpec> areas;  // unit area
    int top = 20;                      // repeat locations listed
    double stableShare = 0.05;         // the top share of places followed from year to year
    std::string outDir = "out";

    void validate(const OptionNaming& naming) const;
};

RunReport runConcentrate(const ConcentrateOptions& options, Progress& progress);

}  // namespace hotspot
