#include "hotspot/kde.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "core/thread_pool.hpp"
#include "hotspot/error.hpp"
#include "hotspot/strings.hpp"

namespace hotspot {

Kernel parseKernel(const std::string& name) {
    std::string n = toLowerAscii(name);
    if (n == "uniform") return Kernel::Uniform;
    if (n == "quartic" || n == "biweight") return Kernel::Quartic;
    if (n == "triweight") return Kernel::Triweight;
    if (n == "epanechnikov") return Kernel::Epanechnikov;
    if (n == "triangular") return Kernel::Triangular;
    if (n == "gaussian") return Kernel::Gaussian;
    throwUsage("unknown kernel '" + name + "' (uniform, quartic, triweight, epanechnikov, triangular, gaussian)", {"", 0, "--kernel"});
}

const char* toString(Kernel kernel) {
    switch (kernel) {
        case Kernel::Uniform: return "uniform";
        case Kernel::Quartic: return "quartic";
        case Kernel::Triweight: return "triweight";
        case Kernel::Epanechnikov: return "epanechnikov";
        case Kernel::Triangular: return "triangular";
        case Kernel::Gaussian: return "gaussian";
    }
    return "?";
}

double kernelRaw(Kernel kernel, double u, double decay) {
    if (kernel == Kernel::Gaussian) return u <= 3.0 ? std::exp(-0.5 * u * u) : 0.0;
    if (u >= 1.0) return 0.0;  // QGIS/ArcGIS: zero for d >= r
    const double t = 1.0 - u * u;
    switch (kernel) {
        case Kernel::Uniform: return 1.0;
        case Kernel::Quartic: return t * t;
        case Kernel::Triweight: return t * t * t;
        case Kernel::Epanechnikov: return t;
        case Kernel::Triangular: return 1.0 - (1.0 - decay) * u;
        case Kernel::Gaussian: break;
    }
    return 0.0;
}

double kernelScale(Kernel kernel, double r, double decay) {
    const double pr2 = M_PI * r * r;
    switch (kernel) {
        case Kernel::Uniform: return 1.0 / pr2;
        case Kernel::Quartic: return 3.0 / pr2;
        case Kernel::Triweight: return 4.0 / pr2;
        case Kernel::Epanechnikov: return 2.0 / pr2;
        case Kernel::Triangular: return 3.0 / ((1.0 + 2.0 * decay) * pr2);
        // Gaussian with sigma = r, truncated at 3 sigma and renormalised so it still integrates to 1.
        case Kernel::Gaussian: return 1.0 / (2.0 * pr2 * (1.0 - std::exp(-4.5)));
    }
    return 0.0;
}

double kernelSupport(Kernel kernel, double bandwidth) { return kernel == Kernel::Gaussian ? 3.0 * bandwidth : bandwidth; }

std::vector<double> kernelDensity(const Grid& grid, const std::vector<double>& x, const std::vector<double>& y,
                                  const std::vector<double>& weight, const KdeOptions& options) {
    if (grid.shape != GridShape::Square) throwUsage("kernel density is computed on square grids", {"", 0, "--shape"});
    if (!(options.bandwidth > 0)) throwUsage("bandwidth must be positive", {"", 0, "--bandwidth"});
    if (options.kernel == Kernel::Triangular && (options.decay < -1 || options.decay > 1))
        throwUsage("triangular decay must be between -1 and 1", {"", 0, "--decay"});
    const size_t cells = static_cast<size_t>(grid.cellCount());
    const double support = kernelSupport(options.kernel, options.bandwidth);
    const double invR = 1.0 / options.bandwidth;
    const double scale = options.output == KdeOutput::Scaled ? kernelScale(options.kernel, options.bandwidth, options.decay) * options.areaUnit : 1.0;
    const double cs = grid.cellSize;
    const double top = grid.originY + static_cast<double>(grid.rows) * cs;
    const auto reach = static_cast<int64_t>(std::ceil(support / cs)) + 1;

    // Points are sorted by grid row (counting sort into fresh arrays, so reads are sequential) and
    // the grid is split into horizontal bands, one per worker: a worker writes only its band, so
    // there are no private grids to zero and add up, and the few rows a point touches stay in cache.
    const auto started = std::chrono::steady_clock::now();
    const size_t n = x.size();
    std::vector<double> sx, sy, sw;
    std::vector<size_t> rowStart(static_cast<size_t>(grid.rows) + 1, 0);
    {
        std::vector<int64_t> rowOf(n, -1);
        std::vector<size_t> count(static_cast<size_t>(grid.rows) + 1, 0);
        for (size_t i = 0; i < n; ++i) {
            if (!std::isfinite(x[i]) || !std::isfinite(y[i])) continue;
            const double fr = (top - y[i]) / cs;
            // Points beyond the grid still reach into it: clamp them to the first/last row for ordering.
            const int64_t r = fr < 0 ? 0 : fr >= static_cast<double>(grid.rows) ? grid.rows - 1 : static_cast<int64_t>(fr);
            rowOf[i] = r;
            ++count[static_cast<size_t>(r) + 1];
        }
        for (size_t r = 1; r < count.size(); ++r) count[r] += count[r - 1];
        rowStart = count;
        const size_t kept = count.back();
        sx.resize(kept), sy.resize(kept), sw.resize(kept);
        for (size_t i = 0; i < n; ++i) {
            if (rowOf[i] < 0) continue;
            const size_t k = count[static_cast<size_t>(rowOf[i])]++;
            sx[k] = x[i], sy[k] = y[i], sw[k] = weight.empty() ? 1.0 : weight[i];
        }
    }
    const auto sorted = std::chrono::steady_clock::now();
    std::vector<double> density(cells, 0.0);
    const auto zeroed = std::chrono::steady_clock::now();
    const double invR2 = invR * invR, s2 = support * support;
    const unsigned bands = std::max(1u, std::min<unsigned>(workerCount(), static_cast<unsigned>(std::max<int64_t>(1, grid.rows / 64))));
    // Columns to visit for a row dr rows from the point's row: a conservative bound of the circle's
    // half-width there (|dy| >= (|dr| - 1) cells), so corner cells of the bounding box are skipped.
    std::vector<int64_t> spanOfRow(static_cast<size_t>(reach) + 1);
    for (int64_t dr = 0; dr <= reach; ++dr) {
        const double dyMin = std::max<double>(0.0, static_cast<double>(dr - 1)) * cs;
        spanOfRow[static_cast<size_t>(dr)] = dyMin >= support ? -1 : static_cast<int64_t>(std::sqrt(s2 - dyMin * dyMin) / cs) + 2;
    }
    auto run = [&](auto kernelOfSquaredDistance) {
        parallelFor(bands, [&, kernelOfSquaredDistance](size_t b, unsigned) {
            // Locals, not captured references: the stores into the grid could alias a referenced
            // double, which forces a reload of every constant in the inner loop.
            const double s2 = support * support, cs = grid.cellSize, top0 = top, originX = grid.originX;
            const auto kernel = kernelOfSquaredDistance;
            double* const out = density.data();
            const int64_t cols = grid.cols;
            const int64_t bandLo = grid.rows * static_cast<int64_t>(b) / bands, bandHi = grid.rows * static_cast<int64_t>(b + 1) / bands - 1;
            const int64_t firstRow = std::max<int64_t>(0, bandLo - reach), lastRow = std::min<int64_t>(grid.rows - 1, bandHi + reach);
            for (size_t k = rowStart[static_cast<size_t>(firstRow)]; k < rowStart[static_cast<size_t>(lastRow) + 1]; ++k) {
                const double px = sx[k], py = sy[k], wi = sw[k];
                const auto r0 = static_cast<int64_t>((top0 - py) / cs);
                const int64_t rLo = std::max<int64_t>(bandLo, r0 - reach), rHi = std::min<int64_t>(bandHi, r0 + reach);
                const auto c0 = static_cast<int64_t>((px - originX) / cs);
                const double x0 = originX + 0.5 * cs - px;
                for (int64_t r = rLo; r <= rHi; ++r) {
                    const double dy = top0 - (static_cast<double>(r) + 0.5) * cs - py;
                    const double dy2 = dy * dy;
                    if (dy2 >= s2) continue;
                    const int64_t span = spanOfRow[static_cast<size_t>(std::abs(r - r0))];
                    if (span < 0) continue;
                    const int64_t cLo = std::max<int64_t>(0, c0 - span), cHi = std::min<int64_t>(cols - 1, c0 + span);
                    double* row = out + r * cols;
                    double dx = x0 + static_cast<double>(cLo) * cs;  // stepped, not recomputed, per cell
                    for (int64_t c = cLo; c <= cHi; ++c, dx += cs) {
                        const double d2 = dx * dx + dy2;
                        if (d2 < s2) row[c] += wi * kernel(d2);
                    }
                }
            }
        });
    };
    switch (options.kernel) {
        case Kernel::Uniform: run([](double) { return 1.0; }); break;
        case Kernel::Quartic: run([invR2](double d2) { const double t = 1.0 - d2 * invR2; return t * t; }); break;
        case Kernel::Triweight: run([invR2](double d2) { const double t = 1.0 - d2 * invR2; return t * t * t; }); break;
        case Kernel::Epanechnikov: run([invR2](double d2) { return 1.0 - d2 * invR2; }); break;
        default: {
            const Kernel k = options.kernel;
            const double decay = options.decay;
            run([k, invR, decay](double d2) { return kernelRaw(k, std::sqrt(d2) * invR, decay); });
            break;
        }
    }
    if (std::getenv("HOTSPOT_PROFILE"))
        std::fprintf(stderr, "kde: sort %.3f s, zero %.3f s, kernel sums %.3f s\n", std::chrono::duration<double>(sorted - started).count(),
                     std::chrono::duration<double>(zeroed - sorted).count(),
                     std::chrono::duration<double>(std::chrono::steady_clock::now() - zeroed).count());
    if (scale != 1.0)
        for (double& v : density) v *= scale;
    return density;
}

double arcgisDefaultBandwidth(const std::vector<double>& x, const std::vector<double>& y, const std::vector<double>& weight) {
    double sw = 0, mx = 0, my = 0;
    for (size_t i = 0; i < x.size(); ++i) {
        if (!std::isfinite(x[i])) continue;
        const double w = weight.empty() ? 1.0 : weight[i];
        sw += w, mx += w * x[i], my += w * y[i];
    }
    if (sw <= 0) throwUsage("no incidents to derive a bandwidth from", {"", 0, "--bandwidth"});
    mx /= sw, my /= sw;
    double ss = 0;
    std::vector<std::pair<double, double>> dist;  // (distance to mean centre, weight)
    for (size_t i = 0; i < x.size(); ++i) {
        if (!std::isfinite(x[i])) continue;
        const double w = weight.empty() ? 1.0 : weight[i];
        const double dx = x[i] - mx, dy = y[i] - my;
        ss += w * (dx * dx + dy * dy);
        dist.emplace_back(std::sqrt(dx * dx + dy * dy), w);
    }
    const double sd = std::sqrt(ss / sw);
    std::sort(dist.begin(), dist.end());
    double acc = 0, dm = dist.back().first;
    for (const auto& [d, w] : dist) {  // weighted median
        acc += w;
        if (acc >= sw / 2) {
            dm = d;
            break;
        }
    }
    return 0.9 * std::min(sd, std::sqrt(1.0 / std::log(2.0)) * dm) * std::pow(sw, -0.2);
}

double arcgisDefaultCellSize(const Extent& extent) { return std::min(extent.width(), extent.height()) / 250.0; }

DualMode parseDualMode(const std::string& name) {
    std::string n = toLowerAscii(name);
    if (n == "ratio") return DualMode::Ratio;
    if (n == "log-ratio" || n == "logratio" || n == "log_ratio") return DualMode::LogRatio;
    if (n == "difference") return DualMode::Difference;
    throwUsage("dual mode must be ratio, log-ratio or difference", {"", 0, "--dual"});
}

std::vector<double> dualSurface(const std::vector<double>& a, const std::vector<double>& b, DualMode mode) {
    std::vector<double> out(a.size());
    for (size_t i = 0; i < a.size(); ++i) {
        switch (mode) {
            case DualMode::Ratio: out[i] = b[i] > 0 ? a[i] / b[i] : NAN; break;
            case DualMode::LogRatio: out[i] = (b[i] > 0 && a[i] > 0) ? std::log(a[i] / b[i]) : NAN; break;
            case DualMode::Difference: out[i] = a[i] - b[i]; break;
        }
    }
    return out;
}

}  // namespace hotspot
