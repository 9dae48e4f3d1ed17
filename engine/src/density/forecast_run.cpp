// `hotspot forecast-evaluate`: rolling-origin evaluation of candidate hot spot maps, one target
// month at a time, each map built only from the months before its target.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <numeric>

#include <fmt/format.h>

#include "core/thread_pool.hpp"
#include "density/analysis_support.hpp"
#include "hotspot/error.hpp"
#include "hotspot/forecast.hpp"
#include "hotspot/gistar.hpp"
#include "hotspot/progress.hpp"
#include "hotspot/stats.hpp"
#include "io/output_files.hpp"

namespace hotspot {

using namespace analysis;

namespace {

enum Method { Kde1,
              Kde3,
              Kde12,
              Prospective,
              GiStar,
              LastYear,
              kMethods };

struct MethodInfo {
    const char* id;
    const char* label;
    const char* colour;
};
constexpr MethodInfo kMethodInfo[kMethods] = {
    {"kde_1m", "KDE, last month", "#9ecae1"},
    {"kde_3m", "KDE, last 3 months", "#4292c6"},
    {"kde_12m", "KDE, last 12 months", "#08519c"},
    {"prospective", "Prospective (Bowers et al. 2004)", "#d94801"},
    {"gistar_12m", "Gi* z, last 12 months", "#41ab5d"},
    {"last_year", "Same month last year", "#807dba"},
};

// Days since 1970-01-01 of a day of a month (month numbers as incidents.hpp keeps them).
int32_t daysSinceEpoch(int32_t month, int day) {
    const std::chrono::year_month_day ymd{std::chrono::year{monthYear(month)}, std::chrono::month{static_cast<unsigned>(month % 12 + 1)},
                                          std::chrono::day{static_cast<unsigned>(day)}};
    return static_cast<int32_t>(std::chrono::sys_days{ymd}.time_since_epoch().count());
}

struct MonthScore {
    int32_t month = 0;
    int method = 0;
    size_t coverage = 0;  // index into the options' coverage list
    CoverageScore score;
};

struct Spread {
    size_t n = 0;
    double mean = NAN, sd = NAN, min = NAN, max = NAN;
};
Spread spreadOf(const std::vector<double>& values) {
    Spread s;
    std::vector<double> v;
    for (double x : values)
        if (std::isfinite(x)) v.push_back(x);
    s.n = v.size();
    if (v.empty()) return s;
    s.mean = std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
    double ss = 0;
    for (double x : v) ss += (x - s.mean) * (x - s.mean);
    s.sd = v.size() > 1 ? std::sqrt(ss / static_cast<double>(v.size() - 1)) : NAN;
    s.min = *std::min_element(v.begin(), v.end());
    s.max = *std::max_element(v.begin(), v.end());
    return s;
}

std::string coverageLabel(double share) { return fmt::format("{:g} %", 100 * share); }

// Two panels: mean PAI per method at each coverage (bars, min-max whiskers), and the PAI of each
// month at the coverage the recommendation is made at (lines).
std::string chartSvg(const std::vector<double>& coverage, const std::vector<std::vector<Spread>>& pai, const std::vector<int32_t>& months,
                     const std::vector<std::vector<double>>& monthlyPai, const std::vector<int>& methods, size_t focus, const std::string& title) {
    const double width = 900, barTop = 70, barH = 260, lineTop = barTop + barH + 110, lineH = 220, left = 70, right = 250;
    const double height = lineTop + lineH + 70, plotW = width - left - right;
    // A scale per panel: a round step, the top a whole number of steps above the largest value.
    struct Scale {
        double step = 1, top = 1;
    };
    auto scaleFor = [](double maxValue) {
        Scale sc;
        maxValue = std::max(maxValue, 1.0);
        sc.step = maxValue > 20 ? 5 : maxValue > 8 ? 2
                                                   : 1;
        sc.top = std::ceil(maxValue / sc.step) * sc.step;
        return sc;
    };
    double maxBar = 0, maxLine = 0;
    for (const auto& row : pai)
        for (const Spread& s : row)
            if (std::isfinite(s.max)) maxBar = std::max(maxBar, s.max);
    for (const auto& row : monthlyPai)
        for (double v : row)
            if (std::isfinite(v)) maxLine = std::max(maxLine, v);
    const Scale barScale = scaleFor(maxBar), lineScale = scaleFor(maxLine);
    std::string svg = fmt::format(R"svg(<svg xmlns="http://www.w3.org/2000/svg" width="{0}" height="{1}" viewBox="0 0 {0} {1}" font-family="sans-serif" font-size="12">)svg",
                                  width, height);
    svg += fmt::format(R"svg(<rect width="{}" height="{}" fill="white"/><text x="{}" y="28" font-size="16" font-weight="bold">{}</text>)svg", width, height,
                       left, title);
    auto axis = [&](double y0, double h, const Scale& sc, const std::string& label) {
        const double top = sc.top;
        std::string out;
        for (double v = 0; v <= top + 1e-9; v += sc.step) {
            const double y = y0 + h - h * v / top;
            out += fmt::format(R"svg(<line x1="{}" x2="{}" y1="{:.1f}" y2="{:.1f}" stroke="#ddd"/><text x="{}" y="{:.1f}" text-anchor="end">{:g}</text>)svg",
                               left, left + plotW, y, y, left - 6, y + 4, v);
        }
        const double y1 = y0 + h - h / top;  // PAI 1: what a random choice of cells scores
        out += fmt::format(R"svg(<line x1="{}" x2="{}" y1="{:.1f}" y2="{:.1f}" stroke="#444" stroke-dasharray="4 3"/>)svg", left, left + plotW, y1, y1);
        out += fmt::format(R"svg(<text transform="translate({},{:.1f}) rotate(-90)" text-anchor="middle">{}</text>)svg", left - 45, y0 + h / 2, label);
        return out;
    };
    // Panel 1.
    svg += fmt::format(R"svg(<text x="{}" y="{}" font-size="13">Mean PAI over the months, min-max whiskers (dashed: PAI 1, a random choice)</text>)svg", left,
                       barTop - 12);
    svg += axis(barTop, barH, barScale, "PAI");
    double top = barScale.top;
    const double groupW = plotW / static_cast<double>(coverage.size()), barW = groupW * 0.8 / static_cast<double>(methods.size());
    for (size_t c = 0; c < coverage.size(); ++c) {
        const double gx = left + groupW * static_cast<double>(c) + groupW * 0.1;
        for (size_t m = 0; m < methods.size(); ++m) {
            const Spread& s = pai[c][m];
            if (!std::isfinite(s.mean)) continue;
            const double x = gx + barW * static_cast<double>(m), h = barH * s.mean / top;
            svg += fmt::format(R"svg(<rect x="{:.1f}" y="{:.1f}" width="{:.1f}" height="{:.1f}" fill="{}"><title>{}: {:.2f}</title></rect>)svg", x, barTop + barH - h,
                               barW * 0.9, h, kMethodInfo[methods[m]].colour, kMethodInfo[methods[m]].label, s.mean);
            const double cx = x + barW * 0.45, y0 = barTop + barH - barH * s.min / top, y1 = barTop + barH - barH * s.max / top;
            svg += fmt::format(R"svg(<line x1="{0:.1f}" x2="{0:.1f}" y1="{1:.1f}" y2="{2:.1f}" stroke="black"/>)svg", cx, y0, y1);
        }
        svg += fmt::format(R"svg(<text x="{:.1f}" y="{}" text-anchor="middle">top {} of the area</text>)svg", left + groupW * (static_cast<double>(c) + 0.5),
                           barTop + barH + 18, coverageLabel(coverage[c]));
    }
    // Panel 2.
    svg += fmt::format(R"svg(<text x="{}" y="{}" font-size="13">PAI per target month at {} of the area</text>)svg", left, lineTop - 12,
                       coverageLabel(coverage[focus]));
    svg += axis(lineTop, lineH, lineScale, "PAI");
    top = lineScale.top;
    const double dx = months.size() > 1 ? plotW / static_cast<double>(months.size() - 1) : 0;
    for (size_t t = 0; t < months.size(); ++t) {
        const bool label = months.size() <= 13 || t % ((months.size() + 11) / 12) == 0 || t + 1 == months.size();
        if (label)
            svg += fmt::format(R"svg(<text transform="translate({:.1f},{}) rotate(-45)" text-anchor="end">{}</text>)svg", left + dx * static_cast<double>(t),
                               lineTop + lineH + 14, formatMonth(months[t]));
    }
    for (size_t m = 0; m < methods.size(); ++m) {
        std::string points;
        for (size_t t = 0; t < months.size(); ++t) {
            const double v = monthlyPai[m][t];
            if (!std::isfinite(v)) continue;
            points += fmt::format("{:.1f},{:.1f} ", left + dx * static_cast<double>(t), lineTop + lineH - lineH * v / top);
        }
        if (!points.empty())
            svg += fmt::format(R"svg(<polyline points="{}" fill="none" stroke="{}" stroke-width="2"/>)svg", points, kMethodInfo[methods[m]].colour);
    }
    // Legend.
    for (size_t m = 0; m < methods.size(); ++m) {
        const double y = barTop + 10 + 22 * static_cast<double>(m);
        svg += fmt::format(R"svg(<rect x="{}" y="{}" width="14" height="14" fill="{}"/><text x="{}" y="{}">{}</text>)svg", width - right + 20, y,
                           kMethodInfo[methods[m]].colour, width - right + 40, y + 12, kMethodInfo[methods[m]].label);
    }
    return svg + "</svg>\n";
}

}  // namespace

RunReport runForecastEvaluate(const ForecastEvaluateOptions& o, Progress& progress) {
    o.validate(OptionNaming::keys());
    RunReport report;
    AnalysisSelection selection = loadSelection(o.input, progress, report);
    const SelectedIncidents& sel = selection.incidents;

    const MonthRange span = monthSpan(sel.month);
    const int32_t first = span.from, last = span.to;
    if (first == kNoMonth) throwUsage("the incidents have no months: forecast evaluation needs monthly data", {"", 0, "months"});
    const int months = last - first + 1;
    if (months <= o.history)
        throwUsage(fmt::format("the data cover {} month(s) ({} to {}): the first target month needs {} months before it; give more months or a "
                               "shorter history",
                               months, formatMonth(first), formatMonth(last), o.history),
                   {"", 0, "history"});
    const int32_t firstTarget = first + o.history;

    GridChoice gridChoice = o.grid;
    if (gridChoice.cellSize == 0) gridChoice.cellSize = 100;
    gridChoice.shape = GridShape::Square;
    GridSetup setup = makeGrid(sel.extent, selection.studyArea.get(), gridChoice, 0, true);
    const Grid& grid = setup.grid;
    std::string studyAreaText = selection.studyArea ? "the cells that share any part with the study area layer" : "the whole grid";
    if (!selection.studyArea && o.studyBuffer > 0) {
        setup.mask = cellsNearPoints(grid, sel.x, sel.y, o.studyBuffer);
        studyAreaText = fmt::format("the cells within {:g} m of an incident of any month (no study area layer given)", o.studyBuffer);
    }
    const size_t cells = static_cast<size_t>(grid.cellCount());

    // Per month: crimes per cell and the month's KDE (a window's KDE is the sum of its months').
    progress.begin("Monthly counts and densities");
    std::vector<std::vector<double>> counts(static_cast<size_t>(months)), kde(static_cast<size_t>(months));
    std::vector<std::vector<size_t>> members(static_cast<size_t>(months));
    for (size_t i = 0; i < sel.x.size(); ++i)
        if (sel.month[i] != kNoMonth) members[static_cast<size_t>(sel.month[i] - first)].push_back(i);
    int64_t counted = 0, historyOnly = 0, outsideGrid = 0, inMasked = 0;
    KdeOptions kdeOptions;
    kdeOptions.kernel = Kernel::Quartic;
    kdeOptions.bandwidth = o.bandwidth;
    for (int m = 0; m < months; ++m) {
        const auto& idx = members[static_cast<size_t>(m)];
        std::vector<double> x(idx.size()), y(idx.size()), w(idx.size());
        for (size_t j = 0; j < idx.size(); ++j) x[j] = sel.x[idx[j]], y[j] = sel.y[idx[j]], w[j] = sel.weight.empty() ? 1.0 : sel.weight[idx[j]];
        CellCounts c = countInCells(grid, x, y, w, setup.mask);
        for (double& v : c.values)
            if (std::isnan(v)) v = 0;
        if (first + m >= firstTarget)
            counted += c.counted, outsideGrid += c.outsideGrid, inMasked += c.inMaskedCells;
        else
            historyOnly += static_cast<int64_t>(idx.size());
        counts[static_cast<size_t>(m)] = std::move(c.values);
        kde[static_cast<size_t>(m)] = idx.empty() ? std::vector<double>(cells, 0.0) : kernelDensity(grid, x, y, w, kdeOptions);
        progress.update(double(m + 1) / months);
    }
    progress.end();
    const int64_t withoutMonth = std::count(sel.month.begin(), sel.month.end(), kNoMonth);
    report.account(sel.ledger("target months, grid cells (forecast_scores.csv crimes)", counted,
                              {{"without a month", withoutMonth},
                               {"in the history months before the first target month (maps only)", historyOnly},
                               {"outside the grid", outsideGrid},
                               {"in cells outside the study area", inMasked}}));

    // Each target month on its own: its maps, then their scores at every coverage.
    const int targets = last - firstTarget + 1;
    std::vector<std::vector<MonthScore>> perTarget(static_cast<size_t>(targets));
    const int64_t validCells = setup.mask.empty() ? static_cast<int64_t>(cells) : std::count(setup.mask.begin(), setup.mask.end(), uint8_t{1});
    progress.begin("Rolling-origin evaluation");
    std::atomic<int> done{0};
    parallelFor(static_cast<size_t>(targets), [&](size_t t, unsigned) {
        const int m = o.history + static_cast<int>(t);  // index of the target month
        auto windowSum = [&](const std::vector<std::vector<double>>& perMonth, int span) {
            std::vector<double> sum(cells, 0.0);
            for (int k = std::max(0, m - span); k < m; ++k)
                for (size_t c = 0; c < cells; ++c) sum[c] += perMonth[static_cast<size_t>(k)][c];
            return sum;
        };
        std::vector<std::vector<double>> surface(kMethods);
        surface[Kde1] = windowSum(kde, 1);
        surface[Kde3] = windowSum(kde, 3);
        surface[Kde12] = windowSum(kde, 12);
        {
            const int32_t origin = daysSinceEpoch(first + m, 1);
            std::vector<double> x, y, w;
            std::vector<int32_t> elapsed;
            const int monthsBack = o.prospective.maxWeeks / 4 + 2;  // every month holding a day within maxWeeks weeks of the origin
            for (int k = std::max(0, m - monthsBack); k < m; ++k)
                for (size_t i : members[static_cast<size_t>(k)]) {
                    // police.uk gives the month only: such events are placed on the 15th.
                    const int day = i < sel.day.size() && sel.day[i] > 0 ? sel.day[i] : 15;
                    x.push_back(sel.x[i]), y.push_back(sel.y[i]), w.push_back(sel.weight.empty() ? 1.0 : sel.weight[i]);
                    elapsed.push_back(origin - daysSinceEpoch(first + k, day));
                }
            surface[Prospective] = prospectiveSurface(grid, x, y, w, elapsed, o.prospective);
        }
        {
            GiStarOptions gi;
            gi.fdr = false;
            surface[GiStar] = giStarGrid(grid, windowSum(counts, o.giStarMonths), 1, setup.mask, gi).z;
        }
        if (m >= 12) surface[LastYear] = counts[static_cast<size_t>(m - 12)];
        const std::vector<double>& target = counts[static_cast<size_t>(m)];
        const std::vector<double>& previous = counts[static_cast<size_t>(m - 1)];
        for (int method = 0; method < kMethods; ++method) {
            if (surface[method].empty()) continue;
            for (size_t c = 0; c < o.coverage.size(); ++c) {
                const int64_t chosen = std::max<int64_t>(1, std::llround(o.coverage[c] * static_cast<double>(validCells)));
                perTarget[t].push_back({first + m, method, c, scoreCoverage(surface[method], target, previous, chosen, setup.mask)});
            }
        }
        progress.update(double(++done) / targets);
    });
    progress.end();

    // Which methods ran in every target month (last year's month needs 12 months of history).
    std::vector<int> methods;
    for (int method = 0; method < kMethods; ++method)
        if (method != LastYear || o.history >= 12) methods.push_back(method);
    std::vector<int32_t> targetMonths;
    for (int t = 0; t < targets; ++t) targetMonths.push_back(firstTarget + t);
    // values[coverage][method slot][target]
    auto collect = [&](auto field) {
        std::vector<std::vector<std::vector<double>>> v(o.coverage.size(), std::vector<std::vector<double>>(methods.size(), std::vector<double>(targets, NAN)));
        for (int t = 0; t < targets; ++t)
            for (const MonthScore& s : perTarget[static_cast<size_t>(t)]) {
                const auto slot = std::find(methods.begin(), methods.end(), s.method) - methods.begin();
                if (slot < static_cast<long>(methods.size())) v[s.coverage][static_cast<size_t>(slot)][static_cast<size_t>(t)] = field(s.score);
            }
        return v;
    };
    const auto hitRates = collect([](const CoverageScore& s) { return s.hitRate; });
    const auto pais = collect([](const CoverageScore& s) { return s.pai; });
    const auto peis = collect([](const CoverageScore& s) { return s.pei; });
    const auto rris = collect([](const CoverageScore& s) { return s.rri; });
    int monthsWithoutCrime = 0;
    for (int t = 0; t < targets; ++t)
        if (!perTarget[static_cast<size_t>(t)].empty() && perTarget[static_cast<size_t>(t)].front().score.crimes == 0) ++monthsWithoutCrime;

    // The recommendation: at the coverage nearest 5 %, the method with the highest mean PAI, and how
    // often it beat the runner-up month by month (exact two-sided sign test, ties dropped).
    size_t focus = 0;
    for (size_t c = 1; c < o.coverage.size(); ++c)
        if (std::abs(o.coverage[c] - 0.05) < std::abs(o.coverage[focus] - 0.05)) focus = c;
    std::vector<std::vector<Spread>> paiSpread(o.coverage.size());
    for (size_t c = 0; c < o.coverage.size(); ++c)
        for (size_t m = 0; m < methods.size(); ++m) paiSpread[c].push_back(spreadOf(pais[c][m]));
    std::vector<size_t> order(methods.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
        const double ma = paiSpread[focus][a].mean, mb = paiSpread[focus][b].mean;
        return (std::isfinite(ma) ? ma : -1) > (std::isfinite(mb) ? mb : -1);
    });
    const size_t best = order[0], second = order.size() > 1 ? order[1] : order[0];
    int wins = 0, losses = 0;
    for (int t = 0; t < targets; ++t) {
        const double a = pais[focus][best][static_cast<size_t>(t)], b = pais[focus][second][static_cast<size_t>(t)];
        if (!std::isfinite(a) || !std::isfinite(b) || a == b) continue;
        (a > b ? wins : losses)++;
    }
    const double signP = poissonChangePValue(losses, wins);
    const Spread& bestPai = paiSpread[focus][best];
    const Spread bestHit = spreadOf(hitRates[focus][best]);
    const Spread bestPei = spreadOf(peis[focus][best]);
    std::string recommendation;
    if (!std::isfinite(bestPai.mean)) {
        recommendation = "No recommendation: no target month had crimes to score the maps on.";
    } else {
        recommendation = fmt::format(
            "Recommended: {}. Choosing the top {} of the study area from it each month captured on average {:.1f} % of the next month's crimes "
            "(PAI {:.2f}, {:.2f} to {:.2f} over {} months; PEI {:.2f}, where 1 is the best any map of that size could do). ",
            kMethodInfo[methods[best]].label, coverageLabel(o.coverage[focus]), 100 * bestHit.mean, bestPai.mean, bestPai.min, bestPai.max, bestPai.n,
            bestPei.mean);
        if (best == second) {
            recommendation += "It was the only method evaluated.";
        } else if (signP < 0.05) {
            recommendation += fmt::format(
                "It beat the runner-up, {} (mean PAI {:.2f}), in {} of the {} months where they differed (sign test p = {:.3g}): the difference is "
                "unlikely to be chance.",
                kMethodInfo[methods[second]].label, paiSpread[focus][second].mean, wins, wins + losses, signP);
        } else {
            recommendation += fmt::format(
                "It beat the runner-up, {} (mean PAI {:.2f}), in {} of the {} months where they differed (sign test p = {:.3g}): the difference could "
                "be chance, so either serves; prefer the simpler or the one already in use.",
                kMethodInfo[methods[second]].label, paiSpread[focus][second].mean, wins, wins + losses, signP);
        }
    }

    const std::string definitions =
        "hit rate = n/N (target-month crimes in the chosen cells / all target-month crimes in the study area); PAI = (n/N)/(a/A) "
        "(a = area chosen, A = study area; 1 is what a random choice scores); PEI = PAI / PAI* = n/n* (n* = the most crimes any choice of as "
        "many cells held; Hunt 2016); RRI = PAI(target month)/PAI(month before) for the same cells; cells tied at the cut-off count with "
        "their average share of the remaining places";

    OutputStaging staging(o.outDir);
    {
        CsvWriter csv(staging.stagedPath("forecast_scores.csv"));
        csv.row({"target_month", "method", "coverage_pct", "cells_chosen", "cells_total", "crimes", "hits", "best_hits", "hit_rate", "pai", "pei",
                 "previous_month_crimes", "rri"});
        for (int t = 0; t < targets; ++t)
            for (const MonthScore& s : perTarget[static_cast<size_t>(t)]) {
                const CoverageScore& c = s.score;
                csv.row({formatMonth(s.month), kMethodInfo[s.method].id, fmt::format("{:g}", 100 * o.coverage[s.coverage]), std::to_string(c.cellsChosen),
                         std::to_string(c.cellsTotal), formatNumber(c.crimes, 3), formatNumber(c.hits, 6), formatNumber(c.bestHits, 3),
                         formatNumber(c.hitRate, 6), formatNumber(c.pai, 4), formatNumber(c.pei, 4), formatNumber(c.previousCrimes, 3), formatNumber(c.rri, 4)});
            }
        csv.close();
    }
    {
        CsvWriter csv(staging.stagedPath("forecast_summary.csv"));
        csv.row({"method", "label", "coverage_pct", "months", "hit_rate_mean", "hit_rate_sd", "hit_rate_min", "hit_rate_max", "pai_mean", "pai_sd",
                 "pai_min", "pai_max", "pei_mean", "pei_sd", "rri_mean", "rri_months", "rank"});
        for (size_t c = 0; c < o.coverage.size(); ++c) {
            std::vector<size_t> rankOrder(methods.size());
            std::iota(rankOrder.begin(), rankOrder.end(), 0);
            std::stable_sort(rankOrder.begin(), rankOrder.end(), [&](size_t a, size_t b) {
                const double ma = paiSpread[c][a].mean, mb = paiSpread[c][b].mean;
                return (std::isfinite(ma) ? ma : -1) > (std::isfinite(mb) ? mb : -1);
            });
            for (size_t m = 0; m < methods.size(); ++m) {
                const Spread h = spreadOf(hitRates[c][m]), p = paiSpread[c][m], e = spreadOf(peis[c][m]), r = spreadOf(rris[c][m]);
                const size_t rank = static_cast<size_t>(std::find(rankOrder.begin(), rankOrder.end(), m) - rankOrder.begin()) + 1;
                csv.row({kMethodInfo[methods[m]].id, kMethodInfo[methods[m]].label, fmt::format("{:g}", 100 * o.coverage[c]), std::to_string(p.n),
                         formatNumber(h.mean, 6), formatNumber(h.sd, 6), formatNumber(h.min, 6), formatNumber(h.max, 6), formatNumber(p.mean, 4),
                         formatNumber(p.sd, 4), formatNumber(p.min, 4), formatNumber(p.max, 4), formatNumber(e.mean, 4), formatNumber(e.sd, 4),
                         formatNumber(r.mean, 4), std::to_string(r.n), std::to_string(rank)});
            }
        }
        csv.close();
    }
    const std::string title = fmt::format("Which map predicts next month best: {} to {}{}", formatMonth(firstTarget), formatMonth(last),
                                          o.input.groups.empty() ? std::string() : ", " + joined(o.input.groups));
    {
        std::string md = fmt::format("# {}\n\n{}\n\n", title, recommendation);
        md += fmt::format(
            "Rolling origin: each of the {} target months ({} to {}) is forecast from the months before it only ({} months of "
            "history before the first). Grid of {:g} m cells; the study area is {}, {} cells. Crimes per target month: {:.0f} on average.\n\n",
            targets, formatMonth(firstTarget), formatMonth(last), o.history, grid.cellSize, studyAreaText, validCells,
            targets ? static_cast<double>(counted) / targets : 0.0);
        for (size_t c = 0; c < o.coverage.size(); ++c) {
            md += fmt::format("## Top {} of the area\n\n| Method | Hit rate (mean, min-max) | PAI (mean ± sd, min-max) | PEI | RRI |\n|---|---:|---:|---:|---:|\n",
                              coverageLabel(o.coverage[c]));
            for (size_t m = 0; m < methods.size(); ++m) {
                const Spread h = spreadOf(hitRates[c][m]), p = paiSpread[c][m], e = spreadOf(peis[c][m]), r = spreadOf(rris[c][m]);
                md += fmt::format("| {} | {:.1f} % ({:.1f}-{:.1f}) | {:.2f} ± {:.2f} ({:.2f}-{:.2f}) | {:.2f} | {:.2f} |\n", kMethodInfo[methods[m]].label,
                                  100 * h.mean, 100 * h.min, 100 * h.max, p.mean, p.sd, p.min, p.max, e.mean, r.mean);
            }
            md += "\n";
        }
        md += fmt::format(
            "## Methods\n\n- KDE: quartic kernel, {:g} m radius, of the last 1, 3 and 12 months.\n- Prospective mapping (Bowers, Johnson & Pease "
            "2004): each crime within {:g} m and {} whole weeks of the first day of the target month adds 1/(1 + d) x 1/(1 + t) to a cell, d = "
            "whole half cell widths to the cell centre, t = whole weeks elapsed; crimes known only by month (police.uk) are placed on the 15th.\n"
            "- Gi*: z of the crime counts of the last {} months, queen contiguity (8 neighbours and the cell).\n- Same month last year: the "
            "counts of that month.\n\nDefinitions: {}.\n",
            o.bandwidth, o.prospective.radius, o.prospective.maxWeeks, o.giStarMonths, definitions);
        if (monthsWithoutCrime) md += fmt::format("\n{} target month(s) had no crimes and are left out of the means.\n", monthsWithoutCrime);
        writeTextFile(staging.stagedPath("forecast_evaluation.md"), md);
    }
    {
        std::vector<std::vector<double>> monthly(methods.size());
        for (size_t m = 0; m < methods.size(); ++m) monthly[m] = pais[focus][m];
        writeTextFile(staging.stagedPath("forecast_evaluation.svg"), chartSvg(o.coverage, paiSpread, targetMonths, monthly, methods, focus, title));
    }
    report.lines.push_back(fmt::format(
        "{} target months ({} to {}), {} methods, coverage {}; grid {} x {} of {:g} m", targets, formatMonth(firstTarget),
        formatMonth(last), methods.size(), [&] {
            std::string s;
            for (double c : o.coverage) s += (s.empty() ? "" : ", ") + coverageLabel(c);
            return s;
        }(),
        grid.cols, grid.rows, grid.cellSize));
    report.lines.push_back(fmt::format("study area: {}, {} cells", studyAreaText, validCells));
    report.lines.push_back("definitions: " + definitions);
    report.lines.push_back(recommendation);
    report.outputs = staging.commit();
    return report;
}

}  // namespace hotspot
