// validate() of every job's options struct: the declarations beside the fields (options.hpp) checked
// once more, plus the rules that involve several options. The CLI calls these with its flag names,
// the viewer with its project keys, and every run*() calls them again so a library caller cannot
// run a job on options the CLI would refuse.

#include <cmath>
#include <cstdlib>

#include <fmt/format.h>

#include "hotspot/crs.hpp"
#include "hotspot/analysis_run.hpp"
#include "hotspot/concentration.hpp"
#include "hotspot/near_repeat.hpp"
#include "hotspot/forecast.hpp"
#include "hotspot/error.hpp"
#include "hotspot/geocode_run.hpp"
#include "hotspot/interventions_run.hpp"
#include "hotspot/report.hpp"
#include "hotspot/roads_run.hpp"

namespace hotspot {

void KdeOptions::validate(const OptionNaming& naming) const {
    kBandwidth.check(bandwidth, naming);
    kDecay.check(decay, naming);
    if (!(areaUnit > 0) || !std::isfinite(areaUnit)) throwUsage(fmt::format("the area unit must be a positive number of square metres, not {}", areaUnit));
}

void GridChoice::validate(const OptionNaming& naming) const {
    kCell.check(cellSize, naming);
    kMaxCells.check(static_cast<double>(maxCells), naming);
}

void AnalysisInput::validate(const OptionNaming& naming) const {
    requireMetricCrs(ingest.analysisCrs, kCrsKey, naming);
    if (!ingest.categories) throwUsage("no category map given (IngestOptions::categories)");
}

void DensityOptions::validate(const OptionNaming& naming) const {
    input.validate(naming);
    grid.validate(naming);
    kde.validate(naming);
    kRatePer.check(ratePer, naming);
    kMinDenominator.check(minDenominator, naming);
    if (grid.shape == GridShape::Hexagon)
        throwUsage("density writes rasters, which need square cells; use gistar or change for hexagons", {"", 0, naming(GridChoice::kShape.key)});
}

void GiStarRunOptions::validate(const OptionNaming& naming) const {
    input.validate(naming);
    grid.validate(naming);
    kRingsOption.check(rings, naming);
    kPermutations.check(gi.permutations, naming);
    kZoneLevel.check(zoneLevel, naming);
    if (autoScale && !areas.empty()) throwUsage("`auto` chooses a grid's cell size and neighbourhood; it does not apply to areas", {"", 0, naming("auto")});
    if (autoScale && grid.shape != GridShape::Square) throwUsage("`auto` works on square cells", {"", 0, naming("auto")});
    if (weights.kind == NeighbourRule::Kind::Nearest)
        throwUsage(fmt::format("'{}': Gi* on areas takes queen, rook or distance:METRES", weights.text()), {"", 0, naming(kDistanceBand.key)});
    if (weights.kind == NeighbourRule::Kind::DistanceBand) kDistanceBand.check(weights.bandMetres, naming);
}

void LocalMoranRunOptions::validate(const OptionNaming& naming) const {
    input.validate(naming);
    grid.validate(naming);
    kRingsOption.check(rings, naming);
    GiStarRunOptions::kPermutations.check(moran.permutations, naming);
    kAlpha.check(moran.alpha, naming);
    if (weights.kind == NeighbourRule::Kind::DistanceBand) GiStarRunOptions::kDistanceBand.check(weights.bandMetres, naming);
    if (weights.kind == NeighbourRule::Kind::Nearest)
        if (const std::string why = kNearest.problem(weights.nearest); !why.empty())
            throwUsage(fmt::format("'{}': k {}", weights.text(), why), {"", 0, naming(kNearest.key)});
    if (weights.kind == NeighbourRule::Kind::Rook && rings != 1 && areas.empty())
        throwUsage("rook contiguity on a grid has one ring (the 4 cells sharing an edge)", {"", 0, naming(kRingsOption.key)});
}

void ConcentrateOptions::validate(const OptionNaming& naming) const {
    input.validate(naming);
    grid.validate(naming);
    kTop.check(top, naming);
    kSnap.check(snapTolerance, naming);
    kStableShare.check(stableShare * 100, naming);
    if (unit == PlaceUnit::Area && areas.empty()) throwUsage("`unit` area needs the areas (-a LABEL=PATH)", {"", 0, naming("areas")});
    if (unit == PlaceUnit::Segment && network.path.empty()) throwUsage("`unit` segment needs the street network (`network`)", {"", 0, naming("network")});
}

void NearRepeatOptions::validate(const OptionNaming& naming) const {
    input.validate(naming);
    kPermutations.check(permutations, naming);
    kTimeUnit.check(timeUnit, naming);
    if (bands.distanceEdges.empty()) throwUsage("give at least one distance band edge (e.g. 100,200,300)", {"", 0, naming("distance_bands")});
    for (size_t k = 0; k < bands.distanceEdges.size(); ++k)
        if (!(bands.distanceEdges[k] > (k ? bands.distanceEdges[k - 1] : 0)) || !std::isfinite(bands.distanceEdges[k]) || bands.distanceEdges[k] > 1e5)
            throwUsage("distance band edges must rise from above 0 m to at most 100 km", {"", 0, naming("distance_bands")});
    if (bands.timeEdges.empty()) throwUsage("give at least one time band edge (e.g. 14,28,42)", {"", 0, naming("time_bands")});
    for (size_t k = 0; k < bands.timeEdges.size(); ++k)
        if (bands.timeEdges[k] < (k ? bands.timeEdges[k - 1] + 1 : 0) || bands.timeEdges[k] > 3660)
            throwUsage("time band edges must rise from 0 and stay within 3660", {"", 0, naming("time_bands")});
}

void ForecastEvaluateOptions::validate(const OptionNaming& naming) const {
    input.validate(naming);
    grid.validate(naming);
    if (grid.shape != GridShape::Square) throwUsage("forecast maps use square cells (the KDE and prospective surfaces)", {"", 0, naming(GridChoice::kShape.key)});
    kBandwidth.check(bandwidth, naming);
    kHistory.check(history, naming);
    kProspectiveRadius.check(prospective.radius, naming);
    kProspectiveWeeks.check(prospective.maxWeeks, naming);
    kGiStarMonths.check(giStarMonths, naming);
    kStudyBuffer.check(studyBuffer, naming);
    if (coverage.empty()) throwUsage("give at least one coverage, e.g. 1,5,10 (% of the study area)", {"", 0, naming(kCoverage.key)});
    for (double c : coverage) kCoverage.check(100 * c, naming);
}

void ChangeOptions::validate(const OptionNaming& naming) const {
    input.validate(naming);
    grid.validate(naming);
}

void EmergingRunOptions::validate(const OptionNaming& naming) const {
    input.validate(naming);
    grid.validate(naming);
    kRingsOption.check(rings, naming);
    kAlpha.check(alpha, naming);
    if (stepMonths != 1 && stepMonths != 3) throwUsage(fmt::format("the step is 1 (month) or 3 (quarter) months, not {}", stepMonths), {"", 0, naming(kStep.key)});
}

void EvaluateOptions::validate(const OptionNaming& naming) const {
    input.validate(naming);
    grid.validate(naming);
    if (method == RankBy::Kde) kde.validate(naming);
    if (shares.empty()) throwUsage("give at least one share of cells", {"", 0, naming(kTop.key)});
    for (double share : shares) kTop.check(share * 100, naming);
}

void PerformanceReportOptions::validate(const OptionNaming& naming) const {
    input.validate(naming);
    kYears.check(years, naming);
    if (census.empty() && (!censusAreas.empty() || !lookups.empty()))
        throwUsage("census areas and lookups serve census tables: give the table too (" + naming("census") + ")");
}

void CoverageOptions::validate(const OptionNaming& naming) const {
    input.validate(naming);
    grid.validate(naming);
    kde.validate(naming);
    kCameraRange.check(cameraRange, naming);
    kLightRadius.check(lightRadius, naming);
    kHotspotShare.check(hotspotShare, naming);
    kDarkDistance.check(darkDistance, naming);
}

void InterventionEvaluationOptions::validate(const OptionNaming& naming) const {
    input.validate(naming);
    kTreatedRadius.check(treatedRadius, naming);
    kBuffer.check(bufferWidth, naming);
    kPeriodMonths.check(periodMonths, naming);
}

void SitesOptions::validate(const OptionNaming& naming) const {
    input.validate(naming);
    grid.validate(naming);
    kde.validate(naming);
    kDemand.check(demand, naming);
    kSpacing.check(candidateSpacing, naming);
    kCost.check(costPerSite, naming);
    kExistingRange.check(existingRange, naming);
    kSites.check(siting.maxSites, naming);
    kRadius.check(siting.radius, naming);
    kBudget.check(siting.budget, naming);
}

void RoadsOptions::validate(const OptionNaming& naming) const {
    requireMetricCrs(analysisCrs, AnalysisInput::kCrsKey, naming);
    if (!categories) throwUsage("no category map given (RoadsOptions::categories)");
    kNodeTolerance.check(nodeTolerance, naming);
    kSnapTolerance.check(snapTolerance, naming);
    kLixel.check(lixelLength, naming);
    kBandwidth.check(nkde.bandwidth, naming);
    kClusterRule.check(clusterRule, naming);
    kClusterMin.check(clusterMin, naming);
    kClusterRadius.check(clusterRadius, naming);
    kClusterMonths.check(clusterMonths, naming);
    kPeakThreshold.check(peakThreshold, naming);
    kTrendMonths.check(trendMonths, naming);
    kMatchDistance.check(matchDistance, naming);
    kRankBy.check(rankBy, naming);
    for (double w : {weights.fatal, weights.serious, weights.slight, weights.unknown, weights.complaint}) SeverityWeights::kWeight.check(w, naming);
}

void GeocodeOptions::validate(const OptionNaming& naming) const {
    requireMetricCrs(ingest.analysisCrs, AnalysisInput::kCrsKey, naming);
    if (!ingest.categories) throwUsage("no category map given (IngestOptions::categories)");
    kMinScore.check(minMatchScore, naming);
    kEdgeDistance.check(edgeMetres, naming);
    if (assignByCode && areas.empty()) throwUsage(naming.name(kAssignBy.key) + " code needs area layers (-a) to assign to");
    if (!censusWeights.empty() && census.empty()) throwUsage("population points for census tables were given without a census table");
}

}  // namespace hotspot
