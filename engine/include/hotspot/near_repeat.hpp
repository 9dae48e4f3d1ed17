#pragma once
// Near-repeat analysis (`hotspot near-repeat`): the Knox test of space-time interaction by
// distance and time bands, with Monte Carlo permutation of the times over the locations, as the
// Near Repeat Calculator (Ratcliffe 2009; Johnson et al. 2007; Knox 1964).

#include <cstdint>
#include <string>
#include <vector>

#include "hotspot/analysis_run.hpp"

namespace hotspot {

struct KnoxBands {
    bool sameLocation = true;           // a first distance band of pairs at exactly the same place
    std::vector<double> distanceEdges;  // upper edges (m), ascending: (0, e1], (e1, e2], ...
    std::vector<int> timeEdges;         // upper edges in time units, ascending: [0, t1], (t1, t2], ...
    size_t distanceBands() const { return distanceEdges.size() + (sameLocation ? 1 : 0); }
    std::string distanceLabel(size_t band) const;
    std::string timeLabel(size_t band, const std::string& unit) const;
};

struct KnoxCell {
    int64_t observed = 0;
    double expectedExact = 0;      // spatial pairs x share of event pairs with that time difference
    double expectedSimulated = 0;  // mean over the permutations
    double ratio = 0;              // observed / expectedSimulated (the Near Repeat Calculator's Knox ratio)
    double p = 1;                  // (permutations with at least the observed count + 1) / (R + 1)
    bool significant = false;      // p < alpha and ratio > 1
};

struct KnoxResult {
    std::vector<KnoxCell> cells;  // distance band major: cells[d * timeBands + t]
    size_t timeBands = 0;
    int64_t closePairs = 0;  // pairs within the largest distance band (any time)
    int permutations = 0;
    const KnoxCell& at(size_t d, size_t t) const { return cells[d * timeBands + t]; }
};

// `times`: whole time units (days or months). Pairs are unordered (i < j).
KnoxResult knoxTest(const std::vector<double>& x, const std::vector<double>& y, const std::vector<int32_t>& times, const KnoxBands& bands,
                    int permutations, uint64_t seed, double alpha = 0.05);

// The near-repeat zone: the significant cells joined (by edges of the table) to the cell closest in
// space and time (the first time band of "same location" or of the first distance band), and how
// far it reaches. A map of raised risk around a new incident: up to `distance` metres and `time`
// units after it.
struct NearRepeatZone {
    std::vector<uint8_t> cells;  // per table cell, distance band major: 1 in the zone
    double distance = -1;        // metres reached (0: the same location only); -1: no zone
    int time = -1;               // time units reached
    bool empty() const { return distance < 0; }
};
NearRepeatZone nearRepeatZone(const KnoxResult& result, const KnoxBands& bands);

struct NearRepeatOptions {
    static constexpr NumberOption kPermutations{.key = "permutations", .min = 19, .max = 99'999, .integer = true};
    static constexpr ChoiceOption kTimeUnit{"time_unit", "day|month"};

    AnalysisInput input;
    KnoxBands bands;               // default: same location, 100 m steps to 400 m; 14-day steps to 56 days
    std::string timeUnit = "day";  // day (needs dated incidents) | month
    int permutations = 999;
    uint64_t seed = 12345;
    std::string outDir = "out";

    void validate(const OptionNaming& naming) const;
};

RunReport runNearRepeat(const NearRepeatOptions& options, Progress& progress);

}  // namespace hotspot
