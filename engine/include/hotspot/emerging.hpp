#pragma once
// Space-time patterns: emerging hot spot classes (ArcGIS Emerging Hot Spot Analysis definitions),
// period change, and hotspot forecast accuracy (hit rate, PAI, RRI).

#include <cstdint>
#include <string>
#include <vector>

namespace hotspot {

enum class EmergingClass : int8_t { NoPattern = 0,
                                    NewHot,
                                    ConsecutiveHot,
                                    IntensifyingHot,
                                    PersistentHot,
                                    DiminishingHot,
                                    SporadicHot,
                                    OscillatingHot,
                                    HistoricalHot,
                                    NewCold,
                                    ConsecutiveCold,
                                    IntensifyingCold,
                                    PersistentCold,
                                    DiminishingCold,
                                    SporadicCold,
                                    OscillatingCold,
                                    HistoricalCold };
const char* toString(EmergingClass c);

struct EmergingOptions {
    double alpha = 0.05;        // significance of a step's Gi* and of the Mann-Kendall trend
    double persistence = 0.90;  // share of steps that makes a pattern persistent / historical
};

// One location's series of Gi* z and p per time step (oldest first).
// Definitions (ArcGIS): see docs/methods.md; the trend is Mann-Kendall on the z series.
EmergingClass classifyEmerging(const std::vector<double>& z, const std::vector<double>& p, const EmergingOptions& options = {});

// Percent change with the zero-baseline rule: before = 0 and after = 0 gives 0; before = 0 and
// after > 0 gives NaN (reported as "new", an increase from nothing has no percentage).
double percentChange(double before, double after);

// Forecast accuracy of hotspots chosen in one period (Chainey, Tompson & Uhlig 2008; Levine 2008).
struct HotspotAccuracy {
    double share = 0;  // x: the top share of cells chosen (e.g. 0.05)
    int64_t cellsChosen = 0, cellsTotal = 0;
    double areaShare = 0;                           // a / A
    double incidentsTest = 0, incidentsTestIn = 0;  // N and n in the test period
    double incidentsFit = 0;                        // incidents of the fit period in the ranked cells
    double hitRate = 0;                             // n / N
    double pai = 0;                                 // (n / N) / (a / A)
    double paiFit = 0;                              // PAI of the chosen cells for the period they were chosen from
    double rri = 0;                                 // recapture rate index = PAI(test) / PAI(fit)
};
// surface: the values that rank cells (density or counts of the fit period); fitCounts and
// testCounts: incidents per cell in the two periods; valid: cells inside the study area (empty = all).
// Ties at the cut-off are broken by cell index, so exactly round(share * cells) cells are chosen.
HotspotAccuracy hotspotAccuracy(const std::vector<double>& surface, const std::vector<double>& fitCounts,
                                const std::vector<double>& testCounts, double share, const std::vector<uint8_t>& valid = {});

}  // namespace hotspot
