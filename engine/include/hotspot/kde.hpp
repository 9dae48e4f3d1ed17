#pragma once
// Kernel density estimation on a grid, matching QGIS Heatmap and ArcGIS Kernel Density
// (../shared/METHODS.md; formulas and sources in docs/methods.md).

#include <cstdint>
#include <string>
#include <vector>

#include "hotspot/grid.hpp"
#include "hotspot/options.hpp"

namespace hotspot {

enum class Kernel { Uniform,
                    Quartic,
                    Triweight,
                    Epanechnikov,
                    Triangular,
                    Gaussian };
Kernel parseKernel(const std::string& name);  // throws Error(Usage)
const char* toString(Kernel kernel);

enum class KdeOutput {
    Scaled,  // density: sum of w_i K(d)/normaliser, per km^2 (integrates to the total weight)
    Raw,     // sum of w_i k(u) with the unscaled kernel (QGIS "raw" output)
};

struct KdeOptions {
    static constexpr ChoiceOption kKernel{"kernel", "quartic|uniform|triweight|epanechnikov|triangular|gaussian"};
    static constexpr NumberOption kBandwidth{.key = "bandwidth", .unit = "m", .min = 0.01, .max = 1e6, .unset = 0};
    static constexpr NumberOption kDecay{.key = "decay", .min = -1, .max = 1};
    static constexpr ChoiceOption kOutput{"output", "scaled|raw"};

    Kernel kernel = Kernel::Quartic;
    double bandwidth = 0;  // metres (the radius r; for Gaussian the standard deviation); 0: the job's default rule
    double decay = 0;      // triangular kernel decay ratio, in [-1, 1] (QGIS)
    KdeOutput output = KdeOutput::Scaled;
    double areaUnit = 1e6;  // scaled output per this many square metres (1 km^2)
    // false: the portable loop even where the AVX2 one would serve (same sums to 1e-12; the tests
    // and benchmarks compare the two).
    bool allowSimd = true;

    void validate(const OptionNaming& naming) const;  // throws Error(Usage) naming the option
};

// Unscaled kernel value k(u) at u = d / r (0 beyond the support).
double kernelRaw(Kernel kernel, double u, double decay = 0);
// The normalising constant c so that c * k(d / r) integrates to 1 over the plane (r in metres).
double kernelScale(Kernel kernel, double bandwidth, double decay = 0);
// Support radius in metres: r, or 3 sigma for the (truncated) Gaussian.
double kernelSupport(Kernel kernel, double bandwidth);

// Density at every cell centre of a square grid (row-major, row 0 north). Points with NaN
// coordinates are skipped; weights may be empty (all 1). Runs on all cores, each writing its own
// band of rows; memory is the grid plus a row-sorted copy of the points, never grid x incidents.
std::vector<double> kernelDensity(const Grid& grid, const std::vector<double>& x, const std::vector<double>& y,
                                  const std::vector<double>& weight, const KdeOptions& options);

// ArcGIS's default search radius: 0.9 * min(SD, sqrt(1/ln 2) * Dm) * n^-0.2, where SD is the
// (weighted) standard distance and Dm the (weighted) median distance to the mean centre.
double arcgisDefaultBandwidth(const std::vector<double>& x, const std::vector<double>& y, const std::vector<double>& weight);
// ArcGIS's default cell size: the shorter side of the extent / 250.
double arcgisDefaultCellSize(const Extent& extent);

enum class DualMode { Ratio,
                      LogRatio,
                      Difference };
inline constexpr ChoiceOption kDualModeOption{"dual", "ratio|log-ratio|difference"};
DualMode parseDualMode(const std::string& name);
// What makes the dual surfaces comparable and stable.
struct DualScale {
    // Ratio and log ratio: cells whose denominator density is below this are NaN (nodata): a few
    // households per km2 would otherwise give rates in the millions (sfhotspot and CrimeStat also
    // mask such cells). 0: only a zero denominator is masked.
    double minDenominator = 0;
    // Difference: each surface is divided by its total weight first, so both are shares per km2
    // (they integrate to 1) and the difference has one unit; 1 and 1 leave them as they are.
    double numeratorTotal = 1, denominatorTotal = 1;
};
// Combines two surfaces cell by cell. Ratio and log ratio are NaN (nodata) where the denominator
// is 0 or below the floor (and log ratio also where the numerator is 0): a rate with no population
// at risk is undefined, not zero. Difference (of shares) is always defined.
std::vector<double> dualSurface(const std::vector<double>& numerator, const std::vector<double>& denominator, DualMode mode,
                                const DualScale& scale = {});

}  // namespace hotspot
