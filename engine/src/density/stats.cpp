#include "hotspot/stats.hpp"

#include <algorithm>
#include <cmath>
#include <map>

namespace hotspot {

double normalCdf(double z) { return 0.5 * std::erfc(-z / std::sqrt(2.0)); }
double twoSidedP(double z) { return std::isfinite(z) ? std::erfc(std::abs(z) / std::sqrt(2.0)) : NAN; }

namespace {

std::vector<double> sortedFinite(const std::vector<double>& p) {
    std::vector<double> sorted;
    sorted.reserve(p.size());
    for (double v : p)
        if (std::isfinite(v)) sorted.push_back(v);
    std::sort(sorted.begin(), sorted.end());
    return sorted;
}

double bhThresholdSorted(const std::vector<double>& sorted, double alpha) {
    const double m = static_cast<double>(sorted.size());
    double threshold = 0;
    for (size_t k = 0; k < sorted.size(); ++k)
        if (sorted[k] <= static_cast<double>(k + 1) / m * alpha) threshold = sorted[k];
    return threshold;
}

}  // namespace

double bhThreshold(const std::vector<double>& p, double alpha) {
    std::vector<double> sorted = sortedFinite(p);
    const double m = static_cast<double>(sorted.size());
    double threshold = 0;
    for (size_t k = 0; k < sorted.size(); ++k)
        if (sorted[k] <= static_cast<double>(k + 1) / m * alpha) threshold = sorted[k];
    return threshold;
}

std::vector<int8_t> fdrBins(const std::vector<double>& z, const std::vector<double>& p, bool applyFdr) {
    const double alphas[3] = {0.10, 0.05, 0.01};
    double thresholds[3];
    const std::vector<double> sorted = applyFdr ? sortedFinite(p) : std::vector<double>();  // sorted once for the three levels
    for (int k = 0; k < 3; ++k) thresholds[k] = applyFdr ? bhThresholdSorted(sorted, alphas[k]) : alphas[k];
    std::vector<int8_t> bins(z.size(), 0);
    for (size_t i = 0; i < z.size(); ++i) {
        if (!std::isfinite(z[i]) || !std::isfinite(p[i])) continue;
        int level = 0;
        for (int k = 0; k < 3; ++k)
            // With FDR the cut is "p <= BH threshold" (0 means none passed); without it "p <= alpha".
            if ((applyFdr ? (thresholds[k] > 0 && p[i] <= thresholds[k]) : p[i] <= thresholds[k])) level = k + 1;
        bins[i] = static_cast<int8_t>(z[i] > 0 ? level : -level);
    }
    return bins;
}

MannKendall mannKendall(const std::vector<double>& series, double alpha) {
    std::vector<double> x;
    for (double v : series)
        if (std::isfinite(v)) x.push_back(v);
    MannKendall r;
    const size_t n = x.size();
    if (n < 3) return r;
    for (size_t i = 0; i + 1 < n; ++i)
        for (size_t j = i + 1; j < n; ++j) r.s += (x[j] > x[i]) - (x[j] < x[i]);
    std::map<double, int> ties;
    for (double v : x) ++ties[v];
    const double nd = static_cast<double>(n);
    double var = nd * (nd - 1) * (2 * nd + 5);
    for (const auto& [value, t] : ties)
        if (t > 1) var -= static_cast<double>(t) * (t - 1) * (2.0 * t + 5);
    r.variance = var / 18.0;
    if (r.variance <= 0) return r;
    if (r.s > 0) r.z = (r.s - 1) / std::sqrt(r.variance);
    else if (r.s < 0) r.z = (r.s + 1) / std::sqrt(r.variance);
    r.p = twoSidedP(r.z);
    if (r.p <= alpha) r.trend = r.z > 0 ? 1 : -1;
    return r;
}

double poissonChangePValue(int64_t before, int64_t after) {
    const int64_t n = before + after;
    if (n == 0) return 1.0;
    // P(X = k) for X ~ Binomial(n, 1/2), in logs so large counts do not overflow.
    auto logPmf = [n](int64_t k) {
        return std::lgamma(static_cast<double>(n) + 1) - std::lgamma(static_cast<double>(k) + 1) - std::lgamma(static_cast<double>(n - k) + 1) -
               static_cast<double>(n) * std::log(2.0);
    };
    double lower = 0, upper = 0;  // P(X <= after), P(X >= after)
    for (int64_t k = 0; k <= n; ++k) {
        const double pk = std::exp(logPmf(k));
        if (k <= after) lower += pk;
        if (k >= after) upper += pk;
    }
    return std::min(1.0, 2 * std::min(lower, upper));
}

}  // namespace hotspot
