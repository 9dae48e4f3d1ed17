#pragma once
// Which hot spot map predicts best (`hotspot forecast-evaluate`): rolling-origin evaluation over
// the months. For each target month, candidate maps are built from the months before it (KDE of
// the last 1, 3 and 12 months; prospective mapping, Bowers, Johnson & Pease 2004; Gi* of the last
// 12 months; last year's same month) and scored on the target month's crimes at equal area
// coverage with the hit rate, PAI, PEI (Hunt 2016) and RRI.

#include <cstdint>
#include <string>
#include <vector>

#include "hotspot/analysis_run.hpp"

namespace hotspot {

// How one ranking of cells does on one month's crimes when the top `cells` cells are chosen.
// Ties at the cut-off are shared: each tied cell counts with the fraction of the remaining places
// it would get on average (the expectation over every order of the ties), so a map that cannot
// tell cells apart scores what a random pick would, and the result does not depend on cell order.
struct CoverageScore {
    int64_t cellsChosen = 0, cellsTotal = 0;
    double crimes = 0;                            // N: crimes of the target month in the study area
    double hits = 0;                              // n: of them in the chosen cells (tie shares included)
    double bestHits = 0;                          // n*: the most any choice of that many cells could hold
    double previousCrimes = 0, previousHits = 0;  // the same for the month before the target
    double hitRate = 0;                           // n / N
    double pai = 0;                               // (n / N) / (a / A)
    double pei = 0;                               // PAI / PAI* = n / n* (Hunt 2016)
    double rri = 0;                               // PAI(target month) / PAI(month before), same cells (Levine 2008)
};
// `score`: the ranking (higher = riskier; NaN ranks below every number); `valid`: cells in the
// study area (empty = all); `target`, `previous`: crimes per cell. NaN for undefined measures.
CoverageScore scoreCoverage(const std::vector<double>& score, const std::vector<double>& target, const std::vector<double>& previous,
                            int64_t cellsChosen, const std::vector<uint8_t>& valid = {});

// Prospective mapping (Bowers, Johnson & Pease 2004): the risk of a cell is
// sum over earlier events within `radius` of its centre and `maxWeeks` whole weeks of the origin
// of 1/(1 + d) x 1/(1 + t), d = whole half cell widths from the centre, t = whole weeks elapsed.
struct ProspectiveOptions {
    double radius = 400;  // metres
    int maxWeeks = 8;     // two months
};
// `elapsedDays`: days from each event to the forecast origin (negative: after it, skipped);
// `weight`: per event (empty = 1).
// Cells whose centre is within `distance` of a point (the footprint of the data).
std::vector<uint8_t> cellsNearPoints(const Grid& grid, const std::vector<double>& x, const std::vector<double>& y, double distance);

std::vector<double> prospectiveSurface(const Grid& grid, const std::vector<double>& x, const std::vector<double>& y,
                                       const std::vector<double>& weight, const std::vector<int32_t>& elapsedDays, const ProspectiveOptions& options);

struct ForecastEvaluateOptions {
    static constexpr NumberOption kBandwidth{.key = "bandwidth", .unit = "m", .min = 0, .max = 100'000, .minIncluded = false};
    static constexpr NumberOption kCoverage{.key = "coverage", .unit = "%", .min = 0, .max = 100, .minIncluded = false};
    static constexpr NumberOption kHistory{.key = "history", .unit = "months", .min = 1, .max = 120, .integer = true};
    static constexpr NumberOption kProspectiveRadius{.key = "prospective_radius", .unit = "m", .min = 0, .max = 100'000, .minIncluded = false};
    static constexpr NumberOption kProspectiveWeeks{.key = "prospective_weeks", .unit = "weeks", .min = 0, .max = 520, .integer = true};
    static constexpr NumberOption kStudyBuffer{.key = "study_buffer", .unit = "m", .min = 0, .max = 100'000};
    static constexpr NumberOption kGiStarMonths{.key = "gistar_months", .unit = "months", .min = 1, .max = 120, .integer = true};

    AnalysisInput input;
    GridChoice grid;                                 // default cell 100 m
    double bandwidth = 250;                          // quartic KDE radius (m)
    std::vector<double> coverage{0.01, 0.05, 0.10};  // shares of the study area
    int history = 12;                                // months before the first target month
    ProspectiveOptions prospective;
    int giStarMonths = 12;
    // Without a study area layer, the study area A is the cells whose centre is within this distance
    // of an incident of any month (0: the whole rectangular grid, which counts empty land and makes
    // every PAI larger).
    double studyBuffer = 250;
    std::string outDir = "out";

    void validate(const OptionNaming& naming) const;
};

RunReport runForecastEvaluate(const ForecastEvaluateOptions& options, Progress& progress);

}  // namespace hotspot
