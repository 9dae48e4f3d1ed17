// `hotspot near-repeat`: the Knox test by distance and time bands with Monte Carlo permutations.

#include "hotspot/near_repeat.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <mutex>
#include <unordered_map>

#include <fmt/format.h>

#include "core/random.hpp"
#include "core/thread_pool.hpp"
#include "density/analysis_support.hpp"
#include "hotspot/error.hpp"
#include "hotspot/progress.hpp"
#include "hotspot/version.hpp"
#include "io/output_files.hpp"

namespace hotspot {

using namespace analysis;

std::string KnoxBands::distanceLabel(size_t band) const {
    // Bands are (lower, upper]; labelled as the Near Repeat Calculator does ("1-100 m", "101-200 m").
    if (sameLocation) {
        if (band == 0) return "same location";
        --band;
    }
    const double upper = distanceEdges[band];
    if (band == 0) return fmt::format("{}-{:g} m", sameLocation ? 1 : 0, upper);
    return fmt::format("{:g}-{:g} m", distanceEdges[band - 1] + 1, upper);
}

std::string KnoxBands::timeLabel(size_t band, const std::string& unit) const {
    const int lower = band == 0 ? 0 : timeEdges[band - 1] + 1, upper = timeEdges[band];
    if (lower == upper) return fmt::format("{} {}{}", upper, unit, upper == 1 ? "" : "s");
    return fmt::format("{}-{} {}s", lower, upper, unit);
}

namespace {

struct ClosePair {
    uint32_t a, b;
    uint8_t band;
};

// Every unordered pair within the largest distance band, with its distance band (a grid of cells
// as wide as that band: each pair is found from the cell of its first event).
std::vector<ClosePair> closePairs(const std::vector<double>& x, const std::vector<double>& y, const KnoxBands& bands) {
    const double reach = bands.distanceEdges.back();
    const double cell = std::max(reach, 1e-6);
    std::unordered_map<uint64_t, std::vector<uint32_t>> grid;
    auto key = [](int64_t cx, int64_t cy) { return (static_cast<uint64_t>(cx) << 32) ^ static_cast<uint64_t>(static_cast<uint32_t>(cy)); };
    for (uint32_t i = 0; i < x.size(); ++i)
        grid[key(static_cast<int64_t>(std::floor(x[i] / cell)), static_cast<int64_t>(std::floor(y[i] / cell)))].push_back(i);
    std::vector<std::vector<ClosePair>> perWorker(workerCount());
    parallelFor((x.size() + 1023) / 1024, [&](size_t block, unsigned worker) {
        auto& out = perWorker[worker];
        for (size_t i = block * 1024; i < std::min(x.size(), (block + 1) * 1024); ++i) {
            const auto cx = static_cast<int64_t>(std::floor(x[i] / cell)), cy = static_cast<int64_t>(std::floor(y[i] / cell));
            for (int64_t dy = -1; dy <= 1; ++dy)
                for (int64_t dx = -1; dx <= 1; ++dx) {
                    const auto it = grid.find(key(cx + dx, cy + dy));
                    if (it == grid.end()) continue;
                    for (uint32_t j : it->second) {
                        if (j <= i) continue;
                        const double d = std::hypot(x[j] - x[i], y[j] - y[i]);
                        if (d > reach) continue;
                        size_t band = 0;
                        if (bands.sameLocation && d == 0) band = 0;
                        else {
                            size_t k = 0;
                            while (bands.distanceEdges[k] < d) ++k;
                            band = k + (bands.sameLocation ? 1 : 0);
                        }
                        out.push_back({static_cast<uint32_t>(i), j, static_cast<uint8_t>(band)});
                    }
                }
        }
    });
    std::vector<ClosePair> all;
    for (auto& w : perWorker) all.insert(all.end(), w.begin(), w.end());
    // A stable order (workers finish in any order): results never depend on the thread count.
    std::sort(all.begin(), all.end(), [](const ClosePair& p, const ClosePair& q) { return std::tie(p.a, p.b) < std::tie(q.a, q.b); });
    return all;
}

}  // namespace

KnoxResult knoxTest(const std::vector<double>& xIn, const std::vector<double>& yIn, const std::vector<int32_t>& timesIn, const KnoxBands& bands,
                    int permutations, uint64_t seed, double alpha) {
    if (bands.distanceEdges.empty() || bands.timeEdges.empty()) throwUsage("near-repeat needs distance and time bands");
    // Events in the order of the cells of the largest band: the two events of a close pair are
    // then near each other in memory, which the permutation loop (millions of pairs, R times)
    // reads at random otherwise. The statistics do not depend on the order.
    std::vector<uint32_t> order(xIn.size());
    {
        const double cell = std::max(bands.distanceEdges.back(), 1e-6);
        std::vector<std::pair<int64_t, int64_t>> key(xIn.size());
        for (size_t i = 0; i < xIn.size(); ++i) key[i] = {static_cast<int64_t>(std::floor(yIn[i] / cell)), static_cast<int64_t>(std::floor(xIn[i] / cell))};
        for (uint32_t i = 0; i < order.size(); ++i) order[i] = i;
        std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return key[a] < key[b]; });
    }
    std::vector<double> x(xIn.size()), y(xIn.size());
    std::vector<int32_t> times(xIn.size());
    for (size_t i = 0; i < order.size(); ++i) x[i] = xIn[order[i]], y[i] = yIn[order[i]], times[i] = timesIn[order[i]];
    if (bands.distanceBands() > 255) throwUsage("at most 254 distance bands", {"", 0, "distance_bands"});
    if (bands.timeEdges.size() > 254) throwUsage("at most 254 time bands", {"", 0, "time_bands"});
    const size_t n = x.size(), dBands = bands.distanceBands(), tBands = bands.timeEdges.size();
    KnoxResult r;
    r.timeBands = tBands;
    r.permutations = permutations;
    r.cells.assign(dBands * tBands, {});
    const std::vector<ClosePair> pairs = closePairs(x, y, bands);
    r.closePairs = static_cast<int64_t>(pairs.size());
    // Time difference -> band (-1 beyond the last band).
    const int maxT = bands.timeEdges.back();
    std::vector<int8_t> timeBand(static_cast<size_t>(maxT) + 1, -1);
    for (int dt = 0, b = 0; dt <= maxT; ++dt) {
        while (bands.timeEdges[static_cast<size_t>(b)] < dt) ++b;
        timeBand[static_cast<size_t>(dt)] = static_cast<int8_t>(b);
    }
    auto count = [&](const std::vector<int32_t>& t, std::vector<int64_t>& out) {
        std::fill(out.begin(), out.end(), 0);
        for (const ClosePair& p : pairs) {
            const int32_t dt = std::abs(t[p.a] - t[p.b]);
            if (dt > maxT) continue;
            ++out[p.band * tBands + static_cast<size_t>(timeBand[static_cast<size_t>(dt)])];
        }
    };
    std::vector<int64_t> observed(r.cells.size());
    count(times, observed);
    // Exact expectation: each spatial pair gets a uniformly random pair of the n times.
    std::vector<int64_t> spatial(dBands, 0);
    for (const ClosePair& p : pairs) ++spatial[p.band];
    const auto [tMin, tMax] = std::minmax_element(times.begin(), times.end());
    std::vector<double> histogram(n ? static_cast<size_t>(*tMax - *tMin) + 1 : 0, 0.0);
    for (int32_t t : times) ++histogram[static_cast<size_t>(t - *tMin)];
    std::vector<double> timePairs(tBands, 0.0);
    for (int dt = 0; dt <= maxT; ++dt) {
        double q = 0;
        for (size_t v = 0; v < histogram.size(); ++v) {
            if (dt == 0) q += histogram[v] * (histogram[v] - 1) / 2;
            else if (v + static_cast<size_t>(dt) < histogram.size()) q += histogram[v] * histogram[v + static_cast<size_t>(dt)];
        }
        timePairs[static_cast<size_t>(timeBand[static_cast<size_t>(dt)])] += q;
    }
    const double allPairs = static_cast<double>(n) * static_cast<double>(n - 1) / 2;
    // Monte Carlo: the times shuffled over the events, R times; per-worker sums, merged.
    const unsigned workers = workerCount();
    std::vector<std::vector<double>> sums(workers, std::vector<double>(r.cells.size(), 0.0));
    std::vector<std::vector<int64_t>> atLeast(workers, std::vector<int64_t>(r.cells.size(), 0));
    // Column of each possible time difference (the spread of the times): its band, or the spare one.
    std::vector<uint8_t> column(times.empty() ? 1 : static_cast<size_t>(*tMax - *tMin) + 1, static_cast<uint8_t>(tBands));
    for (size_t dt = 0; dt < column.size() && dt <= static_cast<size_t>(maxT); ++dt) column[dt] = static_cast<uint8_t>(timeBand[dt]);
    // Permutations in batches of kBatch: the times of a batch are interleaved per event, so one pass
    // over the pairs (tens of MB) serves kBatch permutations instead of one.
    constexpr size_t kBatch = 16;
    const size_t batches = (static_cast<size_t>(permutations) + kBatch - 1) / kBatch;
    const size_t cellCount = r.cells.size();
    parallelFor(batches, [&](size_t batch, unsigned worker) {
        const size_t first = batch * kBatch, count = std::min(kBatch, static_cast<size_t>(permutations) - first);
        std::vector<int32_t> interleaved(n * kBatch, 0), shuffled;
        for (size_t k = 0; k < count; ++k) {
            shuffled = times;
            uint64_t state = taskSeed(seed, first + k);
            for (size_t i = n; i > 1; --i) std::swap(shuffled[i - 1], shuffled[splitmix64(state) % i]);
            for (size_t i = 0; i < n; ++i) interleaved[i * kBatch + k] = shuffled[i];
        }
        // Branch-free counting: every time difference has a column, the ones past the last band a
        // spare column per distance band that is never read.
        const size_t stride = dBands * (tBands + 1);
        std::vector<uint32_t> counts(kBatch * stride, 0);
        for (const ClosePair& p : pairs) {
            const int32_t* ta = &interleaved[p.a * kBatch];
            const int32_t* tb = &interleaved[p.b * kBatch];
            uint32_t* row = counts.data() + p.band * (tBands + 1);
            for (size_t k = 0; k < kBatch; ++k) ++row[k * stride + column[static_cast<size_t>(std::abs(ta[k] - tb[k]))]];
        }
        for (size_t k = 0; k < count; ++k)
            for (size_t c = 0; c < cellCount; ++c) {
                const int64_t v = counts[k * stride + (c / tBands) * (tBands + 1) + c % tBands];
                sums[worker][c] += static_cast<double>(v);
                atLeast[worker][c] += v >= observed[c];
            }
    });
    for (size_t c = 0; c < r.cells.size(); ++c) {
        KnoxCell& cell = r.cells[c];
        double sum = 0;
        int64_t ge = 0;
        for (unsigned w = 0; w < workers; ++w) sum += sums[w][c], ge += atLeast[w][c];
        cell.observed = observed[c];
        cell.expectedExact = allPairs > 0 ? static_cast<double>(spatial[c / tBands]) * timePairs[c % tBands] / allPairs : 0;
        cell.expectedSimulated = permutations > 0 ? sum / permutations : NAN;
        cell.ratio = cell.expectedSimulated > 0 ? static_cast<double>(cell.observed) / cell.expectedSimulated : NAN;
        cell.p = (static_cast<double>(ge) + 1) / (permutations + 1.0);
        cell.significant = cell.p < alpha && cell.ratio > 1;
    }
    return r;
}

namespace {

// Days since 1970-01-01, or the month number, per incident.
std::vector<int32_t> timesOf(const SelectedIncidents& sel, const std::string& unit) {
    std::vector<int32_t> t(sel.x.size());
    for (size_t i = 0; i < t.size(); ++i) {
        if (unit == "month") {
            t[i] = sel.month[i];
            continue;
        }
        const int day = i < sel.day.size() ? sel.day[i] : 0;
        if (day <= 0 || sel.month[i] == kNoMonth)
            throwUsage(
                "`time_unit` day needs incidents with a date: these have only a month (police.uk publishes months); use `time_unit` "
                "month and month bands",
                {"", 0, "time_unit"});
        const std::chrono::year_month_day ymd{std::chrono::year{monthYear(sel.month[i])},
                                              std::chrono::month{static_cast<unsigned>(sel.month[i] % 12 + 1)},
                                              std::chrono::day{static_cast<unsigned>(day)}};
        t[i] = static_cast<int32_t>(std::chrono::sys_days{ymd}.time_since_epoch().count());
    }
    return t;
}

std::string heatSvg(const KnoxResult& r, const KnoxBands& bands, const std::string& unit, const std::string& title) {
    const double cellW = 90, cellH = 32, left = 120, top = 60;
    const size_t dB = bands.distanceBands(), tB = r.timeBands;
    const double width = left + cellW * static_cast<double>(tB) + 20, height = top + cellH * static_cast<double>(dB) + 50;
    std::string svg = fmt::format(R"svg(<svg xmlns="http://www.w3.org/2000/svg" width="{}" height="{}" font-family="sans-serif" font-size="11">)svg", width, height);
    svg += fmt::format(R"svg(<rect width="{}" height="{}" fill="white"/><text x="10" y="20" font-size="14">{}</text>)svg", width, height, title);
    for (size_t t = 0; t < tB; ++t)
        svg += fmt::format(R"svg(<text x="{}" y="{}" text-anchor="middle">{}</text>)svg", left + cellW * (static_cast<double>(t) + 0.5), top - 8,
                           bands.timeLabel(t, unit));
    for (size_t d = 0; d < dB; ++d) {
        const double y = top + cellH * static_cast<double>(d);
        svg += fmt::format(R"svg(<text x="{}" y="{}" text-anchor="end">{}</text>)svg", left - 6, y + cellH / 2 + 4, bands.distanceLabel(d));
        for (size_t t = 0; t < tB; ++t) {
            const KnoxCell& c = r.at(d, t);
            // Red for ratios above 1, blue below; stronger with the ratio.
            const double v = std::isfinite(c.ratio) ? std::clamp((c.ratio - 1) / 1.0, -1.0, 1.0) : 0;
            const int red = v > 0 ? 255 : static_cast<int>(255 * (1 + v)), blue = v < 0 ? 255 : static_cast<int>(255 * (1 - v));
            const int green = static_cast<int>(255 * (1 - std::abs(v)));
            const double x = left + cellW * static_cast<double>(t);
            svg += fmt::format(R"svg(<rect x="{}" y="{}" width="{}" height="{}" fill="rgb({},{},{})" stroke="{}" stroke-width="{}"/>)svg", x, y, cellW, cellH,
                               red, green, blue, c.significant ? "black" : "#ccc", c.significant ? 2 : 1);
            svg += fmt::format(R"svg(<text x="{}" y="{}" text-anchor="middle">{}</text>)svg", x + cellW / 2, y + cellH / 2 + 4,
                               std::isfinite(c.ratio) ? fmt::format("{:.2f}{}", c.ratio, c.significant ? " *" : "") : std::string("-"));
        }
    }
    svg += fmt::format(R"svg(<text x="10" y="{}">Knox ratio (observed / expected pairs); * p &lt; 0.05 and above 1, outlined</text>)svg", height - 15);
    return svg + "</svg>\n";
}

}  // namespace

NearRepeatZone nearRepeatZone(const KnoxResult& r, const KnoxBands& bands) {
    NearRepeatZone z;
    const size_t dB = bands.distanceBands(), tB = r.timeBands;
    z.cells.assign(dB * tB, 0);
    std::vector<size_t> stack;
    for (size_t d0 : {size_t{0}, bands.sameLocation ? size_t{1} : size_t{0}})
        if (d0 < dB && r.at(d0, 0).significant && !z.cells[d0 * tB]) z.cells[d0 * tB] = 1, stack.push_back(d0 * tB);
    while (!stack.empty()) {
        const size_t c = stack.back();
        stack.pop_back();
        const size_t d = c / tB, t = c % tB;
        const std::pair<long, long> steps[] = {{-1, 0}, {1, 0}, {0, -1}, {0, 1}};
        for (const auto& [sd, st] : steps) {
            const long nd = static_cast<long>(d) + sd, nt = static_cast<long>(t) + st;
            if (nd < 0 || nt < 0 || nd >= static_cast<long>(dB) || nt >= static_cast<long>(tB)) continue;
            const size_t k = static_cast<size_t>(nd) * tB + static_cast<size_t>(nt);
            if (!z.cells[k] && r.cells[k].significant) z.cells[k] = 1, stack.push_back(k);
        }
    }
    for (size_t c = 0; c < z.cells.size(); ++c)
        if (z.cells[c]) {
            const size_t d = c / tB;
            const double reach = bands.sameLocation && d == 0 ? 0 : bands.distanceEdges[d - (bands.sameLocation ? 1 : 0)];
            z.distance = std::max(z.distance, reach);
            z.time = std::max(z.time, bands.timeEdges[c % tB]);
        }
    return z;
}

RunReport runNearRepeat(const NearRepeatOptions& o, Progress& progress) {
    o.validate(OptionNaming::keys());
    RunReport report;
    AnalysisSelection selection = loadSelection(o.input, progress, report);
    SelectedIncidents& sel = selection.incidents;
    if (sel.x.size() < 3) throwUsage("near-repeat needs at least 3 incidents");
    report.account(sel.ledger("event pairs (near_repeat.csv)", static_cast<int64_t>(sel.x.size())));
    const std::vector<int32_t> times = timesOf(sel, o.timeUnit);
    progress.begin("Knox test");
    const KnoxResult r = knoxTest(sel.x, sel.y, times, o.bands, o.permutations, o.seed);
    progress.end();
    const NearRepeatZone nearZone = nearRepeatZone(r, o.bands);
    const std::vector<uint8_t>& zone = nearZone.cells;
    const size_t dB = o.bands.distanceBands(), tB = r.timeBands;
    const double zoneDistance = nearZone.distance;
    const int zoneTime = nearZone.time;
    const std::string zoneText = zoneDistance < 0 ? "no near-repeat zone: no significant excess of close pairs next to the origin"
                                                  : fmt::format(
                                                        "near-repeat zone: up to {:g} m and {} {}s after an incident (significant Knox ratios "
                                                        "above 1 joined to the nearest band)",
                                                        zoneDistance, zoneTime, o.timeUnit);
    OutputStaging staging(o.outDir);
    {
        CsvWriter csv(staging.stagedPath("near_repeat.csv"));
        csv.row({"distance_band", "time_band", "observed_pairs", "expected_pairs", "expected_exact", "knox_ratio", "p", "significant", "in_zone"});
        for (size_t d = 0; d < dB; ++d)
            for (size_t t = 0; t < tB; ++t) {
                const KnoxCell& c = r.at(d, t);
                csv.row({o.bands.distanceLabel(d), o.bands.timeLabel(t, o.timeUnit), std::to_string(c.observed), formatNumber(c.expectedSimulated, 3),
                         formatNumber(c.expectedExact, 3), formatNumber(c.ratio, 3), formatNumber(c.p, 4), c.significant ? "yes" : "no",
                         zone[d * tB + t] ? "yes" : "no"});
            }
        csv.close();
    }
    {
        std::string md = fmt::format(
            "# Near-repeat analysis (Knox test)\n\n{} incidents, {} pairs within {:g} m, {} permutations of the times "
            "(seed {}). Knox ratio = observed pairs / mean of the permutations; * p < 0.05 and above 1.\n\n{}\n\n",
            sel.x.size(), r.closePairs, o.bands.distanceEdges.back(), o.permutations, o.seed, zoneText);
        md += "| Distance |";
        for (size_t t = 0; t < tB; ++t) md += fmt::format(" {} |", o.bands.timeLabel(t, o.timeUnit));
        md += "\n|---|";
        for (size_t t = 0; t < tB; ++t) md += "---:|";
        md += "\n";
        for (size_t d = 0; d < dB; ++d) {
            md += "| " + o.bands.distanceLabel(d) + " |";
            for (size_t t = 0; t < tB; ++t) {
                const KnoxCell& c = r.at(d, t);
                md += std::isfinite(c.ratio) ? fmt::format(" {:.2f}{} ({}) |", c.ratio, c.significant ? "*" : "", c.observed) : std::string(" - |");
            }
            md += "\n";
        }
        md += "\nEach cell: Knox ratio (observed pairs).\n";
        writeTextFile(staging.stagedPath("near_repeat.md"), md);
        writeTextFile(staging.stagedPath("near_repeat.svg"), heatSvg(r, o.bands, o.timeUnit, "Near-repeat Knox ratios"));
    }
    report.lines.push_back(fmt::format("Knox test on {} incidents: {} pairs within {:g} m, {} permutations; {}", sel.x.size(), r.closePairs,
                                       o.bands.distanceEdges.back(), o.permutations, zoneText));
    report.outputs = staging.commit();
    return report;
}

}  // namespace hotspot
