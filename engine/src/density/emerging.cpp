#include "hotspot/emerging.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "hotspot/stats.hpp"

namespace hotspot {

const char* toString(EmergingClass c) {
    switch (c) {
        case EmergingClass::NoPattern: return "No pattern detected";
        case EmergingClass::NewHot: return "New hot spot";
        case EmergingClass::ConsecutiveHot: return "Consecutive hot spot";
        case EmergingClass::IntensifyingHot: return "Intensifying hot spot";
        case EmergingClass::PersistentHot: return "Persistent hot spot";
        case EmergingClass::DiminishingHot: return "Diminishing hot spot";
        case EmergingClass::SporadicHot: return "Sporadic hot spot";
        case EmergingClass::OscillatingHot: return "Oscillating hot spot";
        case EmergingClass::HistoricalHot: return "Historical hot spot";
        case EmergingClass::NewCold: return "New cold spot";
        case EmergingClass::ConsecutiveCold: return "Consecutive cold spot";
        case EmergingClass::IntensifyingCold: return "Intensifying cold spot";
        case EmergingClass::PersistentCold: return "Persistent cold spot";
        case EmergingClass::DiminishingCold: return "Diminishing cold spot";
        case EmergingClass::SporadicCold: return "Sporadic cold spot";
        case EmergingClass::OscillatingCold: return "Oscillating cold spot";
        case EmergingClass::HistoricalCold: return "Historical cold spot";
    }
    return "?";
}

namespace {

// The hot-side rules applied to `hot` (significant in the studied direction) and `other`
// (significant in the opposite direction); `trendSign` is +1 when clustering intensifies in the
// studied direction. Returns 0 for none, else 1..8 = new, consecutive, intensifying, persistent,
// diminishing, sporadic, oscillating, historical.
int classifySide(const std::vector<uint8_t>& hot, const std::vector<uint8_t>& other, int trendSign, double persistence) {
    const size_t n = hot.size();
    const size_t hotCount = static_cast<size_t>(std::count(hot.begin(), hot.end(), 1));
    const bool finalHot = hot.back() != 0;
    const bool persistent = static_cast<double>(hotCount) >= persistence * static_cast<double>(n);
    if (!finalHot) return persistent ? 8 : 0;  // historical
    if (hotCount == 1) return 1;               // new: hot only in the final step
    if (persistent) {
        if (trendSign > 0) return 3;  // intensifying
        if (trendSign < 0) return 5;  // diminishing
        return 4;                     // persistent
    }
    // Length of the final uninterrupted hot run.
    size_t run = 0;
    while (run < n && hot[n - 1 - run]) ++run;
    if (run >= 2 && run == hotCount) return 2;  // consecutive: never hot before the final run
    const bool everOther = std::find(other.begin(), other.end(), 1) != other.end();
    return everOther ? 7 : 6;  // oscillating : sporadic
}

}  // namespace

EmergingClass classifyEmerging(const std::vector<double>& z, const std::vector<double>& p, const EmergingOptions& options) {
    const size_t n = z.size();
    if (n == 0) return EmergingClass::NoPattern;
    std::vector<uint8_t> hot(n, 0), cold(n, 0);
    for (size_t t = 0; t < n; ++t) {
        const bool significant = std::isfinite(z[t]) && std::isfinite(p[t]) && p[t] <= options.alpha;
        hot[t] = significant && z[t] > 0;
        cold[t] = significant && z[t] < 0;
    }
    const MannKendall mk = mannKendall(z, options.alpha);
    int h = classifySide(hot, cold, mk.trend, options.persistence);
    if (h != 0 && (hot.back() || !cold.back())) return static_cast<EmergingClass>(h);
    // Cold side: intensifying cold means z is trending down.
    int c = classifySide(cold, hot, -mk.trend, options.persistence);
    if (c != 0) return static_cast<EmergingClass>(8 + c);
    if (h != 0) return static_cast<EmergingClass>(h);
    return EmergingClass::NoPattern;
}

double percentChange(double before, double after) {
    if (before == 0) return after == 0 ? 0.0 : NAN;
    return 100.0 * (after - before) / before;
}

HotspotAccuracy hotspotAccuracy(const std::vector<double>& surface, const std::vector<double>& fitCounts,
                                const std::vector<double>& testCounts, double share, const std::vector<uint8_t>& valid) {
    HotspotAccuracy a;
    a.share = share;
    std::vector<size_t> cells;
    for (size_t k = 0; k < surface.size(); ++k)
        if ((valid.empty() || valid[k]) && std::isfinite(surface[k])) cells.push_back(k);
    a.cellsTotal = static_cast<int64_t>(cells.size());
    a.cellsChosen = static_cast<int64_t>(std::llround(share * static_cast<double>(cells.size())));
    std::stable_sort(cells.begin(), cells.end(), [&](size_t i, size_t j) { return surface[i] > surface[j]; });
    double fitIn = 0, fitAll = 0;
    for (size_t r = 0; r < cells.size(); ++r) {
        const size_t k = cells[r];
        a.incidentsTest += testCounts[k];
        fitAll += fitCounts[k];
        if (static_cast<int64_t>(r) < a.cellsChosen) {
            a.incidentsTestIn += testCounts[k];
            fitIn += fitCounts[k];
        }
    }
    a.incidentsFit = fitAll;
    a.areaShare = a.cellsTotal ? static_cast<double>(a.cellsChosen) / static_cast<double>(a.cellsTotal) : 0;
    a.hitRate = a.incidentsTest > 0 ? a.incidentsTestIn / a.incidentsTest : NAN;
    a.pai = a.areaShare > 0 ? a.hitRate / a.areaShare : NAN;
    a.paiFit = (fitAll > 0 && a.areaShare > 0) ? (fitIn / fitAll) / a.areaShare : NAN;
    a.rri = a.paiFit > 0 ? a.pai / a.paiFit : NAN;
    return a;
}

}  // namespace hotspot
