#pragma once
// Small statistical building blocks: normal distribution, Benjamini-Hochberg FDR bins (ArcGIS
// Gi_Bin), Mann-Kendall trend test.

#include <cstdint>
#include <vector>

namespace hotspot {

double normalCdf(double z);
double twoSidedP(double z);  // 2 * Phi(-|z|)

// Benjamini-Hochberg at alpha: the largest p-value p_(k) with p_(k) <= k/m * alpha over the m
// finite p-values; every p <= that threshold is significant. Returns the threshold (0 if none).
double bhThreshold(const std::vector<double>& p, double alpha);

// Confidence bins as ArcGIS Gi_Bin with FDR correction: +-3 significant at 99 %, +-2 at 95 %,
// +-1 at 90 %, 0 otherwise; the sign is the sign of z. NaN z or p gives 0. Each p-value is
// corrected once (BH over all cells at each alpha), never twice.
std::vector<int8_t> fdrBins(const std::vector<double>& z, const std::vector<double>& p, bool applyFdr = true);

// Whether the change from `before` to `after` (equal windows) is more than chance: the exact
// conditional test of two Poisson counts (after | before + after ~ Binomial(n, 1/2)), two-sided.
double poissonChangePValue(int64_t before, int64_t after);

struct MannKendall {
    double s = 0;         // sum of sign(x_j - x_i), i < j
    double variance = 0;  // with the ties correction
    double z = 0;         // continuity-corrected
    double p = 1;         // two-sided
    int trend = 0;        // +1 increasing, -1 decreasing, 0 none (at alpha)
};
// NaN values are skipped. Fewer than 3 values: no trend (p = 1).
MannKendall mannKendall(const std::vector<double>& series, double alpha = 0.05);

}  // namespace hotspot
