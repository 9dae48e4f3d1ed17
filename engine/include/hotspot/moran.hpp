#pragma once
// Moran's I: Anselin's local Moran (cluster and outlier analysis, LISA) and the global statistic,
// as R spdep's localmoran() / moran.test() compute them (Anselin 1995; Cliff & Ord 1981), with
// binary or row-standardised weights from grid rings, polygon contiguity, a distance band or the k
// nearest neighbours. Formulas and sources: docs/methods.md "Moran's I".

#include <cstdint>
#include <vector>

#include "hotspot/gistar.hpp"
#include "hotspot/grid.hpp"

namespace hotspot {

// Neighbour lists without the location itself (spdep refuses self-neighbours for Moran's I), and
// how the weights follow from them: binary (w_ij = 1, spdep style "B") or row-standardised
// (w_ij = 1 / |N_i|, style "W"). A location without neighbours has no weights.
struct SpatialWeights {
    Neighbours nb;
    bool rowStandardised = true;
    size_t size() const { return nb.size(); }
    size_t count(size_t i) const { return static_cast<size_t>(nb.offsets[i + 1] - nb.offsets[i]); }
    double weight(size_t i) const { return rowStandardised ? 1.0 / static_cast<double>(count(i)) : 1.0; }
};

// Square or hexagon grid cells in `mask` (empty: all): neighbours within `rings` rings (queen on
// squares: 8 for one ring; rook: the 4 sharing an edge, one ring only). Cells are numbered in the
// order of the grid's cells that are in the mask; `cellOf` receives the grid cell of each.
SpatialWeights gridWeights(const Grid& grid, const std::vector<uint8_t>& mask, int rings, bool rook, bool rowStandardised,
                           std::vector<int64_t>& cellOf);
// Points (e.g. polygon centroids): within `band` (inclusive), or the k nearest (ties by index).
SpatialWeights distanceBandWeights(const std::vector<double>& x, const std::vector<double>& y, double band, bool rowStandardised);
SpatialWeights nearestWeights(const std::vector<double>& x, const std::vector<double>& y, int k, bool rowStandardised);

// The local statistic's quadrant (ArcGIS COType): HH cluster, LL cluster, HL and LH outliers.
enum class MoranClass : int8_t { NotSignificant = 0,
                                 HighHigh = 1,
                                 LowLow = 2,
                                 HighLow = 3,
                                 LowHigh = 4,
                                 NoNeighbours = -1 };
const char* toString(MoranClass c);  // "HH", "LL", "HL", "LH", "not significant", "no neighbours"

struct LocalMoranOptions {
    // spdep's default (conditional = TRUE): moments of I_i given x_i, under the permutation of the
    // other values. false: the total randomisation moments (spdep conditional = FALSE; ArcGIS).
    bool conditional = true;
    int permutations = 0;  // 0: normal p-values; 99, 499, 999 ...: conditional permutation pseudo p-values
    uint64_t seed = 12345;
    bool fdr = true;  // Benjamini-Hochberg before classifying
    double alpha = 0.05;
};

struct LocalMoranResult {
    std::vector<double> ii, expected, variance, z, p;  // spdep's Ii, E.Ii, Var.Ii, Z.Ii and the p used
    std::vector<double> lag;                           // sum_j w_ij (x_j - mean)
    std::vector<MoranClass> cls;
    double mean = 0, m2 = 0;              // of x; m2 = sum (x - mean)^2 / n
    double pThreshold = 0;                // the p at or below which a location is significant (FDR-adjusted or alpha)
    int64_t counts[5] = {0, 0, 0, 0, 0};  // by MoranClass 0..4
};

LocalMoranResult localMoran(const std::vector<double>& x, const SpatialWeights& w, const LocalMoranOptions& options = {});

struct GlobalMoran {
    double i = 0, expected = 0, variance = 0, z = 0, p = 0;  // p: two-sided, normal
    size_t n = 0;
};
// Under randomisation, as spdep moran.test(randomisation = TRUE) (locations without neighbours
// count in n, as with adjust.n = FALSE).
GlobalMoran globalMoran(const std::vector<double>& x, const SpatialWeights& w);

}  // namespace hotspot
