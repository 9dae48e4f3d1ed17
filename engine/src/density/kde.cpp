#include "hotspot/kde.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#endif

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
    throwUsage("unknown kernel '" + name + "' (uniform, quartic, triweight, epanechnikov, triangular, gaussian)", {"", 0, "kernel"});
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

namespace {

struct WeightedPoint {
    double x, y, w;
};

// Points in grid-row order (a stable counting sort, so the order, and with it every cell's
// summation order, does not depend on the number of threads). rowStart has rows + 1 offsets.
// Points with NaN coordinates are left out.
struct PointsByRow {
    // Left uninitialised until the workers scatter into it: a vector's zero-fill would fault in
    // all 24 bytes per point on one thread first.
    std::unique_ptr<WeightedPoint[]> points;
    std::vector<size_t> rowStart;
};

PointsByRow sortByRow(const Grid& grid, const std::vector<double>& x, const std::vector<double>& y, const std::vector<double>& weight) {
    const size_t n = x.size(), rows = static_cast<size_t>(grid.rows);
    const double top = grid.originY + static_cast<double>(grid.rows) * grid.cellSize;
    const size_t chunks = std::max<size_t>(1, std::min<size_t>(workerCount(), n / 100'000));
    auto chunkBegin = [&](size_t c) { return n * c / chunks; };
    // Per chunk: each point's row (-1 when unusable), then the chunk's count per row.
    std::vector<int32_t> rowOf(n);  // rows fit: a grid has at most 2e9 cells (GridChoice::kMaxCells)
    std::vector<std::vector<size_t>> next(chunks, std::vector<size_t>(rows, 0));
    parallelFor(chunks, [&](size_t c, unsigned) {
        std::vector<size_t>& count = next[c];
        for (size_t i = chunkBegin(c); i < chunkBegin(c + 1); ++i) {
            if (!std::isfinite(x[i]) || !std::isfinite(y[i])) {
                rowOf[i] = -1;
                continue;
            }
            const double fr = (top - y[i]) / grid.cellSize;
            // Points beyond the grid still reach into it: clamp them to the first/last row for ordering.
            const auto r = static_cast<int32_t>(fr < 0 ? 0 : fr >= static_cast<double>(rows) ? grid.rows - 1
                                                                                             : static_cast<int64_t>(fr));
            rowOf[i] = r;
            ++count[static_cast<size_t>(r)];
        }
    });
    // Row by row, chunk by chunk: next[c][r] becomes where chunk c writes its first point of row r.
    PointsByRow sorted;
    sorted.rowStart.assign(rows + 1, 0);
    size_t offset = 0;
    for (size_t r = 0; r < rows; ++r) {
        sorted.rowStart[r] = offset;
        for (size_t c = 0; c < chunks; ++c) offset += std::exchange(next[c][r], offset);
    }
    sorted.rowStart[rows] = offset;
    sorted.points.reset(new WeightedPoint[offset]);
    parallelFor(chunks, [&](size_t c, unsigned) {
        std::vector<size_t>& slot = next[c];
        for (size_t i = chunkBegin(c); i < chunkBegin(c + 1); ++i)
            if (rowOf[i] >= 0) sorted.points[slot[static_cast<size_t>(rowOf[i])]++] = {x[i], y[i], weight.empty() ? 1.0 : weight[i]};
    });
    return sorted;
}

// One worker's share: the grid rows [firstRow, lastRow], written by this worker only, so there are
// no private grids to zero and add up.
struct Band {
    const Grid& grid;
    const PointsByRow& sorted;
    double* density;
    int64_t firstRow, lastRow;
};

// Any kernel, as a function of the squared distance: rows of the circle's bounding box with a
// conservative column span, each cell tested against the support.
template <typename KernelOfSquaredDistance>
void accumulateBand(const Band& band, double support, KernelOfSquaredDistance kernel) {
    // Locals, not references: the stores into the grid could alias a referenced double, which
    // forces a reload of every constant in the inner loop.
    const double s2 = support * support, cs = band.grid.cellSize, originX = band.grid.originX;
    const double top = band.grid.originY + static_cast<double>(band.grid.rows) * cs;
    const int64_t cols = band.grid.cols, rows = band.grid.rows;
    const auto reach = static_cast<int64_t>(std::ceil(support / cs)) + 1;
    // Columns to visit for a row dr rows from the point's row: a bound of the circle's half-width
    // there (|dy| >= (|dr| - 1) cells), so corner cells of the bounding box are skipped.
    std::vector<int64_t> spanOfRow(static_cast<size_t>(reach) + 1);
    for (int64_t dr = 0; dr <= reach; ++dr) {
        const double dyMin = std::max<double>(0.0, static_cast<double>(dr - 1)) * cs;
        spanOfRow[static_cast<size_t>(dr)] = dyMin >= support ? -1 : static_cast<int64_t>(std::sqrt(s2 - dyMin * dyMin) / cs) + 2;
    }
    double* const out = band.density;
    const int64_t pointRowLo = std::max<int64_t>(0, band.firstRow - reach), pointRowHi = std::min<int64_t>(rows - 1, band.lastRow + reach);
    for (size_t k = band.sorted.rowStart[static_cast<size_t>(pointRowLo)]; k < band.sorted.rowStart[static_cast<size_t>(pointRowHi) + 1]; ++k) {
        const auto [px, py, wi] = band.sorted.points[k];
        const auto r0 = static_cast<int64_t>((top - py) / cs);
        const int64_t rLo = std::max<int64_t>(band.firstRow, r0 - reach), rHi = std::min<int64_t>(band.lastRow, r0 + reach);
        const auto c0 = static_cast<int64_t>((px - originX) / cs);
        const double x0 = originX + 0.5 * cs - px;
        for (int64_t r = rLo; r <= rHi; ++r) {
            const double dy = top - (static_cast<double>(r) + 0.5) * cs - py;
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
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define HOTSPOT_KDE_AVX2 1

// The kernels (1 - d^2/r^2)^Power (Epanechnikov 1, quartic 2, triweight 3), four cells at a
// time with AVX2. They vanish at the radius, so m = max(0, r^2 - dy^2 - dx^2) is the kernel's
// base inside the circle and 0 outside: every point updates the same window of 2 * reach + 1
// columns on each row without a per-cell test, which is what makes the loop vectorise (the
// branchy loop above spends most of its time on mispredicted circle edges). Points whose window
// sticks out of the grid's sides go through the same formula one cell at a time.
template <int Power>
__attribute__((target("avx2,fma"))) void accumulateBandAvx2(const Band& band, double radius) {
    const double cs = band.grid.cellSize, originX = band.grid.originX, r2 = radius * radius;
    const double top = band.grid.originY + static_cast<double>(band.grid.rows) * cs;
    const int64_t cols = band.grid.cols, rows = band.grid.rows;
    // A cell centre is within r of a point in column c0 only if |c - c0| < r / cs + 1/2.
    const auto reach = static_cast<int64_t>(std::floor(radius / cs + 0.5 + 1e-9));
    const int64_t windowCells = 2 * reach + 1, vectors = (windowCells + 3) / 4;
    const double invR2Power = std::pow(1.0 / r2, Power);
    std::vector<double> dx2(static_cast<size_t>(vectors) * 4);  // the window's dx^2, per point
    double* const out = band.density;
    const __m256d zero = _mm256_setzero_pd(), lane = _mm256_set_pd(3, 2, 1, 0), cellSize = _mm256_set1_pd(cs);
    const int64_t pointRowLo = std::max<int64_t>(0, band.firstRow - reach - 1), pointRowHi = std::min<int64_t>(rows - 1, band.lastRow + reach + 1);
    for (size_t k = band.sorted.rowStart[static_cast<size_t>(pointRowLo)]; k < band.sorted.rowStart[static_cast<size_t>(pointRowHi) + 1]; ++k) {
        const auto [px, py, weight] = band.sorted.points[k];
        const double wi = weight * invR2Power;
        const auto r0 = static_cast<int64_t>(std::floor((top - py) / cs));
        const int64_t rLo = std::max<int64_t>(band.firstRow, r0 - reach), rHi = std::min<int64_t>(band.lastRow, r0 + reach);
        const int64_t firstCol = static_cast<int64_t>(std::floor((px - originX) / cs)) - reach;
        const double x0 = originX + 0.5 * cs - px;  // dx of column 0
        if (firstCol < 0 || firstCol + 4 * vectors > cols) {
            for (int64_t r = rLo; r <= rHi; ++r) {
                const double dy = top - (static_cast<double>(r) + 0.5) * cs - py;
                const double rowBase = r2 - dy * dy;
                if (rowBase <= 0) continue;
                double* row = out + r * cols;
                for (int64_t c = std::max<int64_t>(0, firstCol); c < std::min<int64_t>(cols, firstCol + windowCells); ++c) {
                    const double dx = x0 + static_cast<double>(c) * cs;
                    const double m = std::max(0.0, rowBase - dx * dx);
                    row[c] += wi * (Power == 1 ? m : Power == 2 ? m * m
                                                                : m * m * m);
                }
            }
            continue;
        }
        const __m256d x0v = _mm256_set1_pd(x0);
        for (int64_t j = 0; j < vectors; ++j) {
            const __m256d col = _mm256_add_pd(_mm256_set1_pd(static_cast<double>(firstCol + 4 * j)), lane);
            const __m256d dx = _mm256_fmadd_pd(col, cellSize, x0v);
            _mm256_storeu_pd(dx2.data() + 4 * j, _mm256_mul_pd(dx, dx));
        }
        const __m256d wv = _mm256_set1_pd(wi);
        for (int64_t r = rLo; r <= rHi; ++r) {
            const double dy = top - (static_cast<double>(r) + 0.5) * cs - py;
            const double rowBase = r2 - dy * dy;
            if (rowBase <= 0) continue;
            const __m256d base = _mm256_set1_pd(rowBase);
            double* cell = out + r * cols + firstCol;
            for (int64_t j = 0; j < vectors; ++j, cell += 4) {
                const __m256d m = _mm256_max_pd(_mm256_sub_pd(base, _mm256_loadu_pd(dx2.data() + 4 * j)), zero);
                __m256d wm = _mm256_mul_pd(wv, m);  // w m^Power = (w m^(Power-1)) * m
                if constexpr (Power == 3) wm = _mm256_mul_pd(wm, m);
                const __m256d sum = Power == 1 ? _mm256_add_pd(_mm256_loadu_pd(cell), wm) : _mm256_fmadd_pd(wm, m, _mm256_loadu_pd(cell));
                _mm256_storeu_pd(cell, sum);
            }
        }
    }
}

// The AVX2 path serves the kernels that vanish at the radius on CPUs with AVX2 + FMA, unless
// the caller asks for the portable one (KdeOptions::allowSimd; the tests compare the two).
bool vectorisable(Kernel kernel) {
    static const bool available = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    return available && (kernel == Kernel::Quartic || kernel == Kernel::Triweight || kernel == Kernel::Epanechnikov);
}

void accumulateBandVectorised(const Band& band, Kernel kernel, double radius) {
    if (kernel == Kernel::Quartic) accumulateBandAvx2<2>(band, radius);
    else if (kernel == Kernel::Triweight) accumulateBandAvx2<3>(band, radius);
    else accumulateBandAvx2<1>(band, radius);
}
#else
bool vectorisable(Kernel) { return false; }
void accumulateBandVectorised(const Band&, Kernel, double) {}
#endif

}  // namespace

std::vector<double> kernelDensity(const Grid& grid, const std::vector<double>& x, const std::vector<double>& y,
                                  const std::vector<double>& weight, const KdeOptions& options) {
    if (grid.shape != GridShape::Square) throwUsage("kernel density is computed on square grids", {"", 0, "shape"});
    if (!(options.bandwidth > 0)) throwUsage("bandwidth must be positive", {"", 0, "bandwidth"});
    if (options.kernel == Kernel::Triangular && (options.decay < -1 || options.decay > 1))
        throwUsage("triangular decay must be between -1 and 1", {"", 0, "decay"});
    const double support = kernelSupport(options.kernel, options.bandwidth);
    const double invR = 1.0 / options.bandwidth, invR2 = invR * invR;
    const double scale = options.output == KdeOutput::Scaled ? kernelScale(options.kernel, options.bandwidth, options.decay) * options.areaUnit : 1.0;

    // Points sorted by grid row, so the few rows a point touches stay in cache, and the grid split
    // into horizontal bands, one per worker.
    const auto started = std::chrono::steady_clock::now();
    const PointsByRow sorted = sortByRow(grid, x, y, weight);
    const auto sortedAt = std::chrono::steady_clock::now();
    std::vector<double> density(static_cast<size_t>(grid.cellCount()), 0.0);
    const unsigned bands = std::max(1u, std::min<unsigned>(workerCount(), static_cast<unsigned>(std::max<int64_t>(1, grid.rows / 64))));
    auto bandOf = [&](size_t b) {
        return Band{grid, sorted, density.data(), grid.rows * static_cast<int64_t>(b) / bands, grid.rows * static_cast<int64_t>(b + 1) / bands - 1};
    };
    auto run = [&](auto kernelOfSquaredDistance) {
        parallelFor(bands, [&, kernelOfSquaredDistance](size_t b, unsigned) { accumulateBand(bandOf(b), support, kernelOfSquaredDistance); });
    };
    const bool vectorised = options.allowSimd && vectorisable(options.kernel);
    if (vectorised) {
        parallelFor(bands, [&](size_t b, unsigned) { accumulateBandVectorised(bandOf(b), options.kernel, options.bandwidth); });
    } else {
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
    }
    if (std::getenv("HOTSPOT_PROFILE"))
        std::fprintf(stderr, "kde: sort %.3f s, kernel sums %.3f s (%s)\n", std::chrono::duration<double>(sortedAt - started).count(),
                     std::chrono::duration<double>(std::chrono::steady_clock::now() - sortedAt).count(), vectorised ? "AVX2" : "scalar");
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
    if (sw <= 0) throwUsage("no incidents to derive a bandwidth from", {"", 0, "bandwidth"});
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
    throwUsage("dual mode must be ratio, log-ratio or difference", {"", 0, "dual"});
}

std::vector<double> dualSurface(const std::vector<double>& a, const std::vector<double>& b, DualMode mode, const DualScale& scale) {
    std::vector<double> out(a.size());
    for (size_t i = 0; i < a.size(); ++i) {
        const bool defined = b[i] > 0 && b[i] >= scale.minDenominator;
        switch (mode) {
            case DualMode::Ratio: out[i] = defined ? a[i] / b[i] : NAN; break;
            case DualMode::LogRatio: out[i] = (defined && a[i] > 0) ? std::log(a[i] / b[i]) : NAN; break;
            case DualMode::Difference: out[i] = a[i] / scale.numeratorTotal - b[i] / scale.denominatorTotal; break;
        }
    }
    return out;
}

}  // namespace hotspot
