#include "hotspot/code_agreement.hpp"

#include <fmt/format.h>

#include "core/point_hash.hpp"
#include "core/thread_pool.hpp"

#include <algorithm>
#include <array>
#include <memory>
#include <cmath>
#include <cstring>
#include <unordered_map>

namespace hotspot {

const char* codeMatchName(CodeMatch match) {
    static const char* names[] = {"same", "same via lookup", "differs via lookup", "edge", "elsewhere", "out of area", "code not in layer", "no code"};
    return names[static_cast<size_t>(match)];
}

const char* codeMatchMeaning(CodeMatch match) {
    static const char* meanings[] = {
        "the point lies in the polygon of the row's own code",
        "the code is of another vintage or geography (an LSOA split, merged or changed between 2011 and 2021, or a best-fit "
        "lookup); the lookup carries it to the polygon the point lies in",
        "the code is of another vintage or geography; the lookup carries it to other polygons than the one the point lies in",
        "the code names a neighbouring polygon within the edge distance of the point (police.uk moves points to anonymised "
        "map points, which can cross a boundary)",
        "the code names a polygon farther than the edge distance from the point",
        "the point is in no polygon of the layer (a crime located outside the force or the boundaries loaded)",
        "the code is not in the layer and no lookup carries it there (another vintage without `lookup`, or another area)",
        "the row has no code (police.uk rows without a location)"};
    return meanings[static_cast<size_t>(match)];
}

std::string CodeComparison::describe(const std::string& label) const {
    const int64_t n = withCode();
    std::string out = fmt::format("area codes, layer '{}': {} of {} rows with a code agree with the point ({:.2f}%)", label, agreeing(), n,
                                  n ? 100.0 * double(agreeing()) / double(n) : 0.0);
    std::string parts;
    for (size_t k = 1; k < kCodeMatchClasses; ++k)
        if (tally[k]) parts += fmt::format("{}{} {}", parts.empty() ? "" : ", ", tally[k], codeMatchName(static_cast<CodeMatch>(k)));
    if (!parts.empty()) out += "; " + parts;
    if (changes[0] + changes[1] + changes[2] + changes[3])
        out += fmt::format("; converted codes by change indicator: {} split, {} merged, {} complex, {} unchanged", changes[0], changes[1],
                           changes[2], changes[3]);
    return out;
}

namespace {

// Where a code leads in one layer: polygons, whether directly, and the lookup's change indicator.
struct Target {
    std::vector<int32_t> polygons;
    bool direct = false;
    char change = 0;
};

class CodeRouter {
public:
    CodeRouter(const AreaLayer& layer, const std::vector<CodeLookup>& lookups) : m_lookups(lookups) {
        for (size_t i = 0; i < layer.size(); ++i) m_polygonOf.emplace(layer.code(i), static_cast<int32_t>(i));
    }

    const Target& route(std::string_view code) {
        auto it = m_cache.find(std::string(code));
        if (it != m_cache.end()) return it->second;
        return m_cache.emplace(std::string(code), resolve(std::string(code))).first->second;
    }

private:
    Target resolve(const std::string& code) const {
        Target t;
        auto direct = m_polygonOf.equal_range(code);
        for (auto p = direct.first; p != direct.second; ++p) t.polygons.push_back(p->second);
        if (!t.polygons.empty()) {
            t.direct = true;
            return t;
        }
        // Breadth first over the lookups, at most two steps: a code converts to the codes of the
        // other columns of a lookup; those the layer holds are the answer, the others may be
        // carried further by another lookup (LSOA 2011 -> LSOA 2021 -> ward 2022).
        std::vector<std::pair<std::string, std::string>> frontier = {{"", code}};  // (column name, code)
        for (int step = 0; step < 2 && t.polygons.empty(); ++step) {
            std::vector<std::pair<std::string, std::string>> next;
            for (const auto& [column, c] : frontier)
                for (const CodeLookup& lookup : m_lookups)
                    for (int from : lookup.columnsHolding(c)) {
                        if (!column.empty() && lookup.columns()[from] != column) continue;
                        if (!t.change) t.change = lookup.change(c, from);
                        for (size_t k = 0; k < lookup.columns().size(); ++k) {
                            if (static_cast<int>(k) == from) continue;
                            for (auto& to : lookup.translate(c, from, static_cast<int>(k))) {
                                auto hit = m_polygonOf.equal_range(to);
                                if (hit.first == hit.second) next.emplace_back(lookup.columns()[k], to);
                                for (auto p = hit.first; p != hit.second; ++p)
                                    if (std::find(t.polygons.begin(), t.polygons.end(), p->second) == t.polygons.end()) t.polygons.push_back(p->second);
                            }
                        }
                    }
            frontier = std::move(next);
        }
        return t;
    }

    const std::vector<CodeLookup>& m_lookups;
    std::unordered_multimap<std::string, int32_t> m_polygonOf;
    std::unordered_map<std::string, Target> m_cache;
};

}  // namespace

bool codesReachLayer(const AreaLayer& layer, const std::vector<std::string_view>& rowCodes, const std::vector<CodeLookup>& lookups) {
    CodeRouter router(layer, lookups);
    size_t tried = 0;
    for (std::string_view code : rowCodes) {
        if (code.empty()) continue;
        if (!router.route(code).polygons.empty()) return true;
        if (++tried > 10'000) break;  // distinct codes are cached; this bounds the rows looked at
    }
    return false;
}

CodeComparison compareAreaCodes(const AreaLayer& layer, const std::vector<int32_t>& byPoint, const std::vector<std::string_view>& rowCodes,
                                const double* x, const double* y, const std::vector<CodeLookup>& lookups, double edgeMetres) {
    const size_t n = rowCodes.size();
    CodeComparison out;
    out.byCode.assign(n, -1);
    out.match.assign(n, 0);
    out.distance.assign(n, NAN);
    // Blocks of rows on all workers, each with its own code router and distance cache. Distances
    // are cached by (point, polygon): police.uk rows share anonymised map points, so many rows
    // ask for a distance asked before (a GEOS distance is the costly part of this comparison).
    struct Key {
        double x, y;
        int32_t polygon;
        bool operator==(const Key& o) const {
            return std::memcmp(&x, &o.x, sizeof x) == 0 && std::memcmp(&y, &o.y, sizeof y) == 0 && polygon == o.polygon;
        }
    };
    struct KeyHash {
        size_t operator()(const Key& k) const { return static_cast<size_t>(pointBitsHash(k.x, k.y) ^ (static_cast<uint64_t>(k.polygon) * 0x9E3779B97F4A7C15ULL)); }
    };
    struct Worker {
        std::unique_ptr<CodeRouter> router;
        std::unordered_map<Key, double, KeyHash> distances;
        std::array<int64_t, kCodeMatchClasses> tally{};
        std::array<int64_t, 4> changes{};
    };
    std::vector<Worker> workers(workerCount());
    constexpr size_t kBlock = 16384;
    parallelFor((n + kBlock - 1) / kBlock, [&](size_t b, unsigned worker) {
        Worker& w = workers[worker];
        if (!w.router) w.router = std::make_unique<CodeRouter>(layer, lookups);
        auto distanceTo = [&](int32_t polygon, double px, double py) {
            const auto [it, added] = w.distances.try_emplace(Key{px, py, polygon}, 0.0);
            if (added) it->second = layer.distanceTo(static_cast<size_t>(polygon), px, py, worker);
            return it->second;
        };
        for (size_t i = b * kBlock; i < std::min(n, (b + 1) * kBlock); ++i) {
            CodeMatch m;
            const int32_t p = byPoint[i];
            if (rowCodes[i].empty()) {
                m = CodeMatch::NoCode;
            } else {
                const Target& t = w.router->route(rowCodes[i]);
                const bool pointInTarget = std::find(t.polygons.begin(), t.polygons.end(), p) != t.polygons.end();
                if (t.polygons.size() == 1) out.byCode[i] = t.polygons[0];
                else if (pointInTarget) out.byCode[i] = p;  // a split code: the point says which part
                if (!t.direct && !t.polygons.empty() && t.change) ++w.changes[std::string_view("SMXU").find(t.change)];
                if (p < 0) m = CodeMatch::OutsideLayer;
                else if (t.polygons.empty()) m = CodeMatch::CodeNotInLayer;
                else if (pointInTarget) m = t.direct ? CodeMatch::Same : CodeMatch::SameViaLookup;
                else {
                    double d = INFINITY;
                    for (int32_t q : t.polygons) d = std::min(d, distanceTo(q, x[i], y[i]));
                    out.distance[i] = static_cast<float>(d);
                    m = !t.direct ? CodeMatch::DiffersViaLookup : d <= edgeMetres ? CodeMatch::Edge
                                                                                  : CodeMatch::Elsewhere;
                }
            }
            out.match[i] = static_cast<uint8_t>(m);
            ++w.tally[static_cast<size_t>(m)];
        }
    });
    for (const Worker& w : workers) {
        for (size_t k = 0; k < out.tally.size(); ++k) out.tally[k] += w.tally[k];
        for (size_t k = 0; k < out.changes.size(); ++k) out.changes[k] += w.changes[k];
    }
    return out;
}

}  // namespace hotspot
