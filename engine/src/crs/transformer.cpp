#include "hotspot/crs.hpp"

#include <proj.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <mutex>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "core/point_hash.hpp"
#include "core/thread_pool.hpp"
#include "hotspot/error.hpp"

namespace hotspot {
namespace {

struct ContextDeleter {
    void operator()(PJ_CONTEXT* c) const { proj_context_destroy(c); }
};
struct PjDeleter {
    void operator()(PJ* p) const { proj_destroy(p); }
};
using ContextPtr = std::unique_ptr<PJ_CONTEXT, ContextDeleter>;
using PjPtr = std::unique_ptr<PJ, PjDeleter>;

// PROJ's last error message on this thread. PROJ would print its errors to stderr; they are kept
// here instead, because its C API tells a failed allocation ("std::bad_alloc") only in that text.
thread_local std::string lastProjMessage;

void keepProjMessage(void*, int, const char* message) { lastProjMessage = message ? message : ""; }

PJ_CONTEXT* newQuietContext() {
    PJ_CONTEXT* ctx = proj_context_create();
    if (!ctx) throw std::bad_alloc();
    proj_log_func(ctx, nullptr, keepProjMessage);
    proj_log_level(ctx, PJ_LOG_ERROR);
    return ctx;
}

// A PROJ call failed: if the reason was memory, say so rather than blame the CRS.
void throwIfProjRanOutOfMemory() {
    if (lastProjMessage.find("bad_alloc") != std::string::npos) throw std::bad_alloc();
}

// One PROJ context and normalised pipeline, used by exactly one thread at a time.
struct ThreadTransform {
    ContextPtr ctx;
    PjPtr pj;
};

// When PROJ cannot build even WGS84, the CRS given is not the problem: PROJ itself could not start
// (out of memory, e.g. under `ulimit -v`, or its database proj.db missing). Say that, not "unknown CRS".
void requireWorkingProj(PJ_CONTEXT* ctx) {
    if (!ctx) throw std::bad_alloc();
    PjPtr wgs84(proj_create(ctx, "EPSG:4326"));
    if (wgs84) return;
    throwIfProjRanOutOfMemory();
    const int err = proj_context_errno(ctx);
    throw Error(ErrorKind::Internal, std::string("PROJ could not start: ") + (err ? proj_context_errno_string(ctx, err) : "unknown reason") +
                                         " (out of memory, or PROJ's database proj.db is missing: check PROJ_DATA)");
}

// Asking PROJ whether it works (it builds WGS84) costs a database lookup, ~10 ms: it is asked only
// after an operation failed, to tell a broken PROJ from a wrong CRS.
ThreadTransform makeTransform(const std::string& source, const std::string& target) {
    ThreadTransform t;
    t.ctx.reset(newQuietContext());
    lastProjMessage.clear();
    PjPtr raw(proj_create_crs_to_crs(t.ctx.get(), source.c_str(), target.c_str(), nullptr));
    if (!raw) {
        throwIfProjRanOutOfMemory();
        requireWorkingProj(t.ctx.get());
        PjPtr probeSource(proj_create(t.ctx.get(), source.c_str()));
        const std::string& bad = probeSource ? target : source;
        const int err = proj_context_errno(t.ctx.get());
        // PROJ reports a failed allocation inside its database lookups as a generic error; if the
        // process cannot get a modest block of memory now, that was the cause.
        if (void* probe = std::malloc(64u << 20)) std::free(probe);
        else throw std::bad_alloc();
        throwUsage("unknown or unsupported coordinate reference system '" + bad + "'" +
                       (err ? std::string(" (PROJ: ") + proj_context_errno_string(t.ctx.get(), err) + ")" : std::string()),
                   {"", 0, "crs"});
    }
    // Traditional GIS order: longitude/easting first, whatever the EPSG axis order is.
    t.pj.reset(proj_normalize_for_visualization(t.ctx.get(), raw.get()));
    if (!t.pj) {
        throwIfProjRanOutOfMemory();
        throwUsage("cannot normalise axis order for " + source + " -> " + target);
    }
    return t;
}

// The questions about a CRS (its name, units, area of use) share one PROJ context, made on first
// use and kept for the process: each new context opens and reads proj.db again (10-20 ms), and a
// command asks several of them. PROJ contexts are not thread-safe, hence the lock.
template <typename Question>
auto askProj(Question&& question) {
    static std::mutex mutex;
    static PJ_CONTEXT* shared = nullptr;  // never destroyed: PROJ's own statics may go first at exit
    std::lock_guard lock(mutex);
    if (!shared) shared = newQuietContext();
    lastProjMessage.clear();
    auto answer = question(shared);
    throwIfProjRanOutOfMemory();  // a lookup cut short by memory would give a wrong answer
    return answer;
}

// A CRS's units: metres, feet, degrees (geographic), or not known.
CrsUnits crsUnitsWith(PJ_CONTEXT* ctx, const std::string& crs) {
    CrsUnits out;
    PjPtr pj(proj_create(ctx, crs.c_str()));
    if (!pj) requireWorkingProj(ctx);
    if (!pj || !proj_is_crs(pj.get())) return out;
    // A compound CRS (horizontal + height): the horizontal part decides.
    if (proj_get_type(pj.get()) == PJ_TYPE_COMPOUND_CRS) {
        PjPtr horizontal(proj_crs_get_sub_crs(ctx, pj.get(), 0));
        if (!horizontal) return out;
        pj = std::move(horizontal);
    }
    PjPtr cs(proj_crs_get_coordinate_system(ctx, pj.get()));
    if (!cs) return out;
    out.known = true;
    const char* unitName = nullptr;
    double factor = 0;
    if (!proj_cs_get_axis_info(ctx, cs.get(), 0, nullptr, nullptr, nullptr, &factor, &unitName, nullptr, nullptr)) return out;
    out.unitName = unitName ? unitName : "";
    const PJ_COORDINATE_SYSTEM_TYPE type = proj_cs_get_type(ctx, cs.get());
    out.geographic = type == PJ_CS_TYPE_ELLIPSOIDAL ||
                     (proj_get_type(pj.get()) == PJ_TYPE_GEOGRAPHIC_2D_CRS || proj_get_type(pj.get()) == PJ_TYPE_GEOGRAPHIC_3D_CRS);
    out.toMetres = out.geographic ? 0 : factor;
    return out;
}

}  // namespace

struct CoordinateTransformer::Impl {
    std::string source, target;
    bool identity = false;
    mutable std::mutex mutex;
    mutable std::vector<ThreadTransform> perThread;  // lazily filled, one per worker
    ThreadTransform& forWorker(unsigned worker) const {
        std::lock_guard lock(mutex);
        while (perThread.size() <= worker) perThread.push_back(makeTransform(source, target));
        return perThread[worker];
    }
};

CoordinateTransformer::CoordinateTransformer(const std::string& sourceCrs, const std::string& targetCrs)
    : m_impl(std::make_unique<Impl>()) {
    m_impl->source = sourceCrs;
    m_impl->target = targetCrs;
    m_impl->identity = sourceCrs == targetCrs;
    m_impl->perThread.push_back(makeTransform(sourceCrs, targetCrs));  // validates both CRS now
}

CoordinateTransformer::~CoordinateTransformer() = default;

bool CoordinateTransformer::isIdentity() const { return m_impl->identity; }

size_t CoordinateTransformer::transform(double* x, double* y, size_t n) const {
    if (m_impl->identity || n == 0) return 0;
    constexpr size_t kBlock = 65536;
    const size_t blocks = (n + kBlock - 1) / kBlock;
    std::vector<size_t> failures(blocks, 0);
    parallelFor(blocks, [&](size_t b, unsigned worker) {
        auto& t = m_impl->forWorker(worker);
        size_t begin = b * kBlock, count = std::min(kBlock, n - begin);
        proj_trans_generic(t.pj.get(), PJ_FWD, x + begin, sizeof(double), count, y + begin, sizeof(double),
                           count, nullptr, 0, 0, nullptr, 0, 0);
        for (size_t i = begin; i < begin + count; ++i) {
            if (!std::isfinite(x[i]) || !std::isfinite(y[i]) || x[i] == HUGE_VAL) {
                x[i] = y[i] = std::numeric_limits<double>::quiet_NaN();
                ++failures[b];
            }
        }
    });
    size_t total = 0;
    for (size_t f : failures) total += f;
    return total;
}

size_t CoordinateTransformer::transformOnWorker(double* x, double* y, size_t n, unsigned worker) const {
    if (m_impl->identity || n == 0) return 0;
    auto& t = m_impl->forWorker(worker);
    // Distinct points only: open-addressing table keyed on the coordinate bits.
    size_t capacity = 64;
    while (capacity < n * 2) capacity *= 2;
    std::vector<uint32_t> slots(capacity, UINT32_MAX);
    std::vector<uint32_t> uniqueOf(n);
    std::vector<double> ux, uy;
    ux.reserve(n);
    uy.reserve(n);
    const size_t mask = capacity - 1;
    for (size_t i = 0; i < n; ++i) {
        size_t slot = pointBitsHash(x[i], y[i]) & mask;
        for (;;) {
            uint32_t u = slots[slot];
            if (u == UINT32_MAX) {
                slots[slot] = static_cast<uint32_t>(ux.size());
                uniqueOf[i] = static_cast<uint32_t>(ux.size());
                ux.push_back(x[i]);
                uy.push_back(y[i]);
                break;
            }
            if (std::memcmp(&ux[u], &x[i], sizeof(double)) == 0 && std::memcmp(&uy[u], &y[i], sizeof(double)) == 0) {
                uniqueOf[i] = u;
                break;
            }
            slot = (slot + 1) & mask;
        }
    }
    proj_trans_generic(t.pj.get(), PJ_FWD, ux.data(), sizeof(double), ux.size(), uy.data(), sizeof(double), uy.size(), nullptr, 0,
                       0, nullptr, 0, 0);
    size_t failures = 0;
    for (size_t i = 0; i < n; ++i) {
        double rx = ux[uniqueOf[i]], ry = uy[uniqueOf[i]];
        if (!std::isfinite(rx) || !std::isfinite(ry) || rx == HUGE_VAL) {
            rx = ry = std::numeric_limits<double>::quiet_NaN();
            if (std::isfinite(x[i])) ++failures;
        }
        x[i] = rx;
        y[i] = ry;
    }
    return failures;
}

bool CoordinateTransformer::transformPoint(double& x, double& y) const {
    if (m_impl->identity) return std::isfinite(x) && std::isfinite(y);
    std::lock_guard lock(m_impl->mutex);
    auto& t = m_impl->perThread.front();
    PJ_COORD c = proj_coord(x, y, 0, 0);
    PJ_COORD r = proj_trans(t.pj.get(), PJ_FWD, c);
    if (!std::isfinite(r.xy.x) || !std::isfinite(r.xy.y) || r.xy.x == HUGE_VAL) return false;
    x = r.xy.x;
    y = r.xy.y;
    return true;
}

TransformReport CoordinateTransformer::report(double x, double y) const {
    TransformReport r;
    r.source = m_impl->source;
    r.target = m_impl->target;
    if (m_impl->identity) {
        r.operation = "none (same CRS)";
        r.accuracyMetres = 0;
        return r;
    }
    std::lock_guard lock(m_impl->mutex);
    auto& t = m_impl->perThread.front();
    proj_trans(t.pj.get(), PJ_FWD, proj_coord(x, y, 0, 0));
    PjPtr op(proj_trans_get_last_used_operation(t.pj.get()));
    PJ* described = op ? op.get() : t.pj.get();
    PJ_PROJ_INFO info = proj_pj_info(described);
    r.operation = info.description ? info.description : "unknown";
    r.accuracyMetres = info.accuracy;
    r.usesGrid = proj_coordoperation_get_grid_used_count(t.ctx.get(), described) > 0;
    return r;
}

std::string TransformReport::summary() const {
    if (source == target) return fmt::format("{} (no transformation)", target);
    return fmt::format("{} -> {} via '{}' ({}{})", source, target, operation,
                       usesGrid ? "grid-based, e.g. OSTN15" : "Helmert/parameter-based, no grid",
                       accuracyMetres >= 0 ? fmt::format(", stated accuracy {} m", accuracyMetres) : "");
}

bool isKnownCrs(const std::string& crs) {
    return askProj([&](PJ_CONTEXT* ctx) {
        PjPtr pj(proj_create(ctx, crs.c_str()));
        return pj && proj_is_crs(pj.get());
    });
}

std::string crsName(const std::string& crs) {
    return askProj([&](PJ_CONTEXT* ctx) {
        PjPtr pj(proj_create(ctx, crs.c_str()));
        const char* name = pj ? proj_get_name(pj.get()) : nullptr;
        return name ? std::string(name) : crs;
    });
}

CrsUnits crsUnits(const std::string& crs) {
    return askProj([&](PJ_CONTEXT* ctx) { return crsUnitsWith(ctx, crs); });
}

bool crsAreaOfUse(const std::string& crs, LonLatBox& box) {
    return askProj([&](PJ_CONTEXT* ctx) {
        PjPtr pj(proj_create(ctx, crs.c_str()));
        if (!pj) {
            requireWorkingProj(ctx);
            return false;
        }
        const char* name = nullptr;
        return proj_get_area_of_use(ctx, pj.get(), &box.west, &box.south, &box.east, &box.north, &name) && box.west > -1000;
    });
}
void requireMetricCrs(const std::string& crs, std::string_view key, const OptionNaming& naming) {
    const CrsUnits units = crsUnits(crs);
    if (!units.known) throwUsage("unknown or unsupported coordinate reference system '" + crs + "'", {"", 0, naming(key)});
    if (units.geographic)
        throwUsage(fmt::format("'{}' ({}) is a geographic CRS in {}s; the analysis needs a projected CRS in metres "
                               "(e.g. EPSG:27700, British National Grid), because cell sizes and distances are metres",
                               crs, crsName(crs), units.unitName.empty() ? "degree" : units.unitName),
                   {"", 0, naming(key)});
    if (std::abs(units.toMetres - 1.0) > 1e-9)
        throwUsage(fmt::format("'{}' ({}) measures in {} ({} m); the analysis needs a CRS in metres because cell sizes and "
                               "distances are metres",
                               crs, crsName(crs), units.unitName, units.toMetres),
                   {"", 0, naming(key)});
}

}  // namespace hotspot
