// `hotspot concentrate`: crime concentration at place. See hotspot/concentration.hpp and
// docs/cli/concentrate.md.

#include "hotspot/concentration.hpp"

#include <algorithm>
#include <array>
#include <functional>
#include <set>
#include <cmath>
#include <map>
#include <numeric>
#include <unordered_map>

#include <fmt/format.h>

#include "density/analysis_support.hpp"
#include "hotspot/error.hpp"
#include "hotspot/progress.hpp"
#include "hotspot/stats.hpp"
#include "hotspot/strings.hpp"
#include "hotspot/version.hpp"
#include "io/output_files.hpp"
#include "io/wkb.hpp"
#include "core/choice_table.hpp"

namespace hotspot {

using namespace analysis;

double giniCoefficient(const std::vector<double>& counts) {
    std::vector<double> sorted(counts);
    std::sort(sorted.begin(), sorted.end());
    long double total = 0, weighted = 0;
    for (size_t i = 0; i < sorted.size(); ++i) total += sorted[i], weighted += static_cast<long double>(i + 1) * sorted[i];
    if (!(total > 0)) return NAN;
    const double n = static_cast<double>(sorted.size());
    return static_cast<double>(2 * weighted / (n * total)) - (n + 1) / n;
}

double generalisedGini(const std::vector<double>& counts) {
    const double g = giniCoefficient(counts);
    const double crimes = std::accumulate(counts.begin(), counts.end(), 0.0);
    return std::max(1.0, static_cast<double>(counts.size()) / crimes) * (g - 1) + 1;
}

namespace {

// Places by count, busiest first; ties by place order (stable).
std::vector<size_t> ranking(const std::vector<double>& counts) {
    std::vector<size_t> order(counts.size());
    std::iota(order.begin(), order.end(), size_t{0});
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return counts[a] > counts[b]; });
    return order;
}

}  // namespace

ConcentrationSummary summariseConcentration(const std::vector<double>& counts, const std::vector<double>& shares) {
    ConcentrationSummary s;
    s.places = counts.size();
    for (double c : counts) s.crimes += c, s.placesWithCrime += c > 0;
    s.gini = giniCoefficient(counts);
    s.generalisedGini = generalisedGini(counts);
    std::vector<double> sorted(counts);
    std::sort(sorted.begin(), sorted.end(), std::greater<>());
    std::vector<double> cumulative(sorted.size() + 1, 0.0);
    for (size_t i = 0; i < sorted.size(); ++i) cumulative[i + 1] = cumulative[i] + sorted[i];
    for (double share : shares) {
        const auto k = std::min(sorted.size(), static_cast<size_t>(std::ceil(share * static_cast<double>(sorted.size()) - 1e-9)));
        s.topShares.emplace_back(share, s.crimes > 0 ? cumulative[k] / s.crimes : NAN);
    }
    while (s.placesForHalf < sorted.size() && cumulative[s.placesForHalf] < 0.5 * s.crimes) ++s.placesForHalf;
    return s;
}

std::vector<std::pair<double, double>> lorenzCurve(const std::vector<double>& counts, size_t points) {
    std::vector<double> sorted(counts);
    std::sort(sorted.begin(), sorted.end(), std::greater<>());
    const double total = std::accumulate(sorted.begin(), sorted.end(), 0.0);
    const size_t n = sorted.size();
    std::vector<std::pair<double, double>> curve = {{0, 0}};
    if (n == 0 || !(total > 0)) return curve;
    const size_t step = std::max<size_t>(1, n / std::max<size_t>(1, points));
    double running = 0;
    for (size_t i = 0; i < n; ++i) {
        running += sorted[i];
        if ((i + 1) % step == 0 || i + 1 == n) curve.emplace_back(static_cast<double>(i + 1) / static_cast<double>(n), running / total);
    }
    return curve;
}

namespace {

// The places of the run and each selected incident's place.
struct Places {
    size_t count = 0;
    std::vector<int64_t> of;  // per selected incident; -1: in no place
    std::vector<std::pair<std::string, int64_t>> exclusions;
    std::string scope;
    GeometryKind geometry = GeometryKind::Point;
    std::function<std::string(size_t)> label;
    std::function<std::pair<double, double>(size_t)> point;  // a representative point
    std::function<std::vector<unsigned char>(size_t)> wkb;
};

std::string lorenzSvg(const std::vector<std::pair<double, double>>& curve, const ConcentrationSummary& s, const std::string& title) {
    const double size = 420, margin = 60;
    auto px = [&](double v) { return margin + v * (size - 2 * margin + 60); };
    auto py = [&](double v) { return size - margin - v * (size - 2 * margin); };
    std::string svg = fmt::format(R"svg(<svg xmlns="http://www.w3.org/2000/svg" width="{}" height="{}" font-family="sans-serif" font-size="12">)svg", size + 60, size);
    svg += fmt::format(R"svg(<rect width="{}" height="{}" fill="white"/><text x="{}" y="22" font-size="14">{}</text>)svg", size + 60, size, margin, title);
    svg += fmt::format(R"svg(<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#999" stroke-dasharray="4 3"/>)svg", px(0), py(0), px(1), py(1));
    if (s.crimes < static_cast<double>(s.places)) {  // maximal equality for sparse counts (one crime a place)
        const double reach = s.crimes / static_cast<double>(s.places);
        svg += fmt::format(R"svg(<polyline points="{},{} {},{} {},{}" fill="none" stroke="#bbb" stroke-dasharray="2 3"/>)svg", px(0), py(0), px(reach), py(1), px(1),
                           py(1));
    }
    std::string points;
    for (const auto& [a, b] : curve) points += fmt::format("{:.1f},{:.1f} ", px(a), py(b));
    svg += fmt::format(R"svg(<polyline points="{}" fill="none" stroke="#d7301f" stroke-width="2"/>)svg", points);
    svg += fmt::format(R"svg(<line x1="{0}" y1="{1}" x2="{2}" y2="{1}" stroke="black"/><line x1="{0}" y1="{1}" x2="{0}" y2="{3}" stroke="black"/>)svg", px(0), py(0),
                       px(1), py(1));
    svg += fmt::format(R"svg(<text x="{}" y="{}" text-anchor="middle">share of places (busiest first)</text>)svg", (px(0) + px(1)) / 2, size - 20);
    svg += fmt::format(R"svg(<text x="16" y="{0}" transform='rotate(-90 16 {0})' text-anchor="middle">share of crime</text>)svg", (py(0) + py(1)) / 2);
    svg += fmt::format(R"svg(<text x="{}" y="{}">Gini {:.3f}, generalised {:.3f}</text>)svg", px(0.35), py(0.15), s.gini, s.generalisedGini);
    for (double v : {0.0, 0.5, 1.0}) {
        svg += fmt::format(R"svg(<text x="{}" y="{}" text-anchor="middle" font-size="10">{:g}</text>)svg", px(v), py(0) + 14, v);
        svg += fmt::format(R"svg(<text x="{}" y="{}" text-anchor="end" font-size="10">{:g}</text>)svg", px(0) - 4, py(v) + 4, v);
    }
    return svg + "</svg>\n";
}

}  // namespace

RunReport runConcentrate(const ConcentrateOptions& o, Progress& progress) {
    o.validate(OptionNaming::keys());
    RunReport report;
    AnalysisSelection selection = loadSelection(o.input, progress, report);
    const auto& studyArea = selection.studyArea;
    SelectedIncidents& sel = selection.incidents;
    const std::string crs = o.input.ingest.analysisCrs;
    const size_t n = sel.x.size();
    Places places;
    places.of.assign(n, -1);
    // Kept alive for the label/geometry callbacks.
    GridSetup setup;
    std::unique_ptr<AreaLayer> layer;
    RoadNetwork net;
    std::vector<std::pair<double, double>> locations;

    if (o.unit == PlaceUnit::Cell) {
        setup = makeGrid(sel.extent, studyArea.get(), o.grid, 0);
        const Grid& grid = setup.grid;
        std::vector<int64_t> compact(static_cast<size_t>(grid.cellCount()), -1);
        std::vector<int64_t> cellOf;
        for (int64_t k = 0; k < grid.cellCount(); ++k)
            if (setup.mask.empty() || setup.mask[static_cast<size_t>(k)]) compact[static_cast<size_t>(k)] = static_cast<int64_t>(cellOf.size()), cellOf.push_back(k);
        int64_t outside = 0, masked = 0;
        for (size_t i = 0; i < n; ++i) {
            const auto cell = grid.cellOf(sel.x[i], sel.y[i]);
            if (!cell) ++outside;
            else if (compact[static_cast<size_t>(*cell)] < 0) ++masked;
            else places.of[i] = compact[static_cast<size_t>(*cell)];
        }
        places.count = cellOf.size();
        places.exclusions = {{"in no cell of the grid", outside}, {"in cells left out of the analysis", masked}};
        places.scope = fmt::format("{:g} m grid cells (concentration_places.csv)", grid.cellSize);
        places.geometry = GeometryKind::Polygon;
        places.label = [&grid = setup.grid, cellOf](size_t p) { return fmt::format("cell r{} c{}", cellOf[p] / grid.cols, cellOf[p] % grid.cols); };
        places.point = [&grid = setup.grid, cellOf](size_t p) {
            return std::pair{grid.centreX(cellOf[p] / grid.cols, cellOf[p] % grid.cols), grid.centreY(cellOf[p] / grid.cols)};
        };
        places.wkb = [&grid = setup.grid, cellOf](size_t p) { return polygonWkb(grid.cellRing(cellOf[p] / grid.cols, cellOf[p] % grid.cols)); };
    } else if (o.unit == PlaceUnit::Area) {
        layer = std::make_unique<AreaLayer>(AreaLayer::load(o.areas, crs));
        std::vector<int32_t> where(n, -1);
        layer->assign(sel.x.data(), sel.y.data(), n, where.data());
        int64_t outside = 0;
        for (size_t i = 0; i < n; ++i) where[i] >= 0 ? void(places.of[i] = where[i]) : void(++outside);
        places.count = layer->size();
        places.exclusions = {{"outside every area of '" + layer->label() + "'", outside}};
        places.scope = "areas of '" + layer->label() + "' (concentration_places.csv)";
        places.geometry = GeometryKind::Polygon;
        places.label = [&l = *layer](size_t p) { return l.code(p) + (l.name(p).empty() ? "" : " " + l.name(p)); };
        places.point = [&l = *layer](size_t p) { return l.centroid(p); };
        places.wkb = [&l = *layer](size_t p) { return l.wkb(p); };
    } else if (o.unit == PlaceUnit::Location) {
        // police.uk places each crime at a snap point ("On or near ..."): every distinct position is a place.
        std::map<std::pair<double, double>, int64_t> index;
        for (size_t i = 0; i < n; ++i) {
            auto [it, added] = index.emplace(std::pair{sel.x[i], sel.y[i]}, static_cast<int64_t>(locations.size()));
            if (added) locations.emplace_back(sel.x[i], sel.y[i]);
            places.of[i] = it->second;
        }
        places.count = locations.size();
        places.scope = "distinct locations (concentration_places.csv)";
        places.geometry = GeometryKind::Point;
        places.label = [&locations](size_t p) { return fmt::format("{:.1f} {:.1f}", locations[p].first, locations[p].second); };
        places.point = [&locations](size_t p) { return locations[p]; };
        places.wkb = {};
    } else {  // segment
        RoadLayerRead read = readRoadLayer(o.network, crs);
        net = buildRoadNetwork(read.lines, 1.0);
        const SnapIndex index(net);
        const std::vector<Snap> snaps = snapPoints(net, index, sel.x, sel.y, o.snapTolerance);
        int64_t beyond = 0;
        for (size_t i = 0; i < n; ++i) snaps[i].edge >= 0 ? void(places.of[i] = snaps[i].edge) : void(++beyond);
        places.count = net.edges.size();
        places.exclusions = {{fmt::format("more than {:g} m from any street segment", o.snapTolerance), beyond}};
        places.scope = "street segments (concentration_places.csv)";
        places.geometry = GeometryKind::LineString;
        places.label = [&net](size_t p) { return net.name(static_cast<uint32_t>(p)).empty() ? fmt::format("segment {}", p) : net.name(static_cast<uint32_t>(p)); };
        places.point = [&net](size_t p) {
            double x = 0, y = 0;
            net.pointAt(static_cast<uint32_t>(p), net.edges[p].length / 2, x, y);
            return std::pair{x, y};
        };
        places.wkb = [&net](size_t p) {
            const RoadEdge& e = net.edges[p];
            std::vector<std::pair<double, double>> line;
            for (uint32_t v = e.firstVertex; v < e.firstVertex + e.vertexCount; ++v) line.emplace_back(net.vx[v], net.vy[v]);
            return lineStringWkb(line);
        };
    }
    if (places.count == 0) throwUsage("there are no places to measure concentration over", {"", 0, "unit"});

    // Counts per place, per year, and the accounting.
    std::vector<double> counts(places.count, 0.0);
    int64_t counted = 0;
    int32_t firstMonth = INT32_MAX, lastMonth = INT32_MIN;
    for (size_t i = 0; i < n; ++i) {
        if (places.of[i] < 0) continue;
        counts[static_cast<size_t>(places.of[i])] += sel.weight[i];
        ++counted;
        if (sel.month[i] != kNoMonth) firstMonth = std::min(firstMonth, sel.month[i]), lastMonth = std::max(lastMonth, sel.month[i]);
    }
    report.account(sel.ledger(places.scope, counted, places.exclusions));
    const std::vector<double> shares = {0.01, 0.05, 0.10, 0.25};
    const ConcentrationSummary summary = summariseConcentration(counts, shares);
    const std::vector<size_t> order = ranking(counts);
    std::vector<size_t> rankOf(places.count);
    for (size_t r = 0; r < order.size(); ++r) rankOf[order[r]] = r;

    // The top places: crime mix, counts by year, and a trend over the two halves of the months.
    const size_t top = std::min(static_cast<size_t>(o.top), summary.placesWithCrime);
    const auto& groups = o.input.ingest.categories->groups();
    std::vector<std::map<std::string, int64_t>> mix(top);
    const int32_t firstYear = firstMonth == INT32_MAX ? 0 : monthYear(firstMonth), lastYear = lastMonth == INT32_MIN ? -1 : monthYear(lastMonth);
    const int years = std::max(0, lastYear - firstYear + 1);
    std::vector<std::vector<double>> byYear(static_cast<size_t>(years), std::vector<double>(places.count, 0.0));
    const int32_t span = lastMonth >= firstMonth ? lastMonth - firstMonth + 1 : 0, half = span / 2;
    std::vector<std::array<int64_t, 2>> halves(top, {0, 0});
    for (size_t i = 0; i < n; ++i) {
        if (places.of[i] < 0) continue;
        const auto p = static_cast<size_t>(places.of[i]);
        if (sel.month[i] != kNoMonth && years > 0) byYear[static_cast<size_t>(monthYear(sel.month[i]) - firstYear)][p] += sel.weight[i];
        const size_t r = rankOf[p];
        if (r >= top) continue;
        ++mix[r][sel.group[i] < groups.size() ? groups[sel.group[i]] : "other"];
        if (half > 0 && sel.month[i] != kNoMonth) {
            const int32_t m = sel.month[i] - firstMonth;
            if (m < half) ++halves[r][0];
            else if (m >= span - half) ++halves[r][1];  // an odd middle month is in neither half
        }
    }

    OutputStaging staging(o.outDir);
    {
        CsvWriter csv(staging.stagedPath("concentration_summary.csv"));
        csv.row({"measure", "value"});
        csv.row({"unit", toString(o.unit)});
        csv.row({"places", std::to_string(summary.places)});
        csv.row({"places_with_crime", std::to_string(summary.placesWithCrime)});
        csv.row({"crimes", formatNumber(summary.crimes, 0)});
        csv.row({"gini", formatNumber(summary.gini, 6)});
        csv.row({"generalised_gini", formatNumber(summary.generalisedGini, 6)});
        for (const auto& [share, held] : summary.topShares)
            csv.row({fmt::format("share_of_crime_in_top_{:g}pct_of_places", share * 100), formatNumber(held, 6)});
        csv.row({"places_holding_50pct_of_crime", std::to_string(summary.placesForHalf)});
        csv.row({"pct_of_places_holding_50pct_of_crime", formatNumber(100.0 * static_cast<double>(summary.placesForHalf) / static_cast<double>(summary.places), 4)});
        csv.close();
    }
    const auto curve = lorenzCurve(counts);
    {
        CsvWriter csv(staging.stagedPath("concentration_lorenz.csv"));
        csv.row({"share_of_places", "share_of_crime"});
        for (const auto& [a, b] : curve) csv.row({formatNumber(a, 6), formatNumber(b, 6)});
        csv.close();
        writeTextFile(staging.stagedPath("concentration_lorenz.svg"),
                      lorenzSvg(curve, summary, fmt::format("Crime concentration over {} {} places", summary.places, toString(o.unit))));
    }
    {
        CsvWriter csv(staging.stagedPath("concentration_places.csv"));
        csv.row({"rank", "place", "x", "y", "incidents", "cumulative_share"});
        double running = 0;
        for (size_t r = 0; r < order.size() && counts[order[r]] > 0; ++r) {
            running += counts[order[r]];
            const auto [x, y] = places.point(order[r]);
            csv.row({std::to_string(r + 1), places.label(order[r]), formatNumber(x, 1), formatNumber(y, 1), formatNumber(counts[order[r]], 0),
                     formatNumber(running / summary.crimes, 6)});
        }
        csv.close();
    }
    {
        CsvWriter csv(staging.stagedPath("concentration_top.csv"));
        std::vector<std::string> header = {"rank", "place", "x", "y", "incidents", "crime_mix"};
        for (int y = 0; y < years; ++y) header.push_back(std::to_string(firstYear + y));
        header.insert(header.end(), {"first_half", "second_half", "trend", "trend_p"});
        csv.row(header);
        for (size_t r = 0; r < top; ++r) {
            const size_t p = order[r];
            std::vector<std::pair<int64_t, std::string>> byCount;
            for (const auto& [g, c] : mix[r]) byCount.emplace_back(-c, g);
            std::sort(byCount.begin(), byCount.end());
            std::string mixText;
            for (const auto& [c, g] : byCount) mixText += fmt::format("{}{} {}", mixText.empty() ? "" : "; ", g, -c);
            const auto [x, y] = places.point(p);
            std::vector<std::string> row = {std::to_string(r + 1), places.label(p), formatNumber(x, 1), formatNumber(y, 1), formatNumber(counts[p], 0), mixText};
            for (int yr = 0; yr < years; ++yr) row.push_back(formatNumber(byYear[static_cast<size_t>(yr)][p], 0));
            if (half == 0) {
                row.insert(row.end(), {"", "", "insufficient history", ""});
            } else {
                const double pValue = poissonChangePValue(halves[r][0], halves[r][1]);
                row.insert(row.end(), {std::to_string(halves[r][0]), std::to_string(halves[r][1]),
                                       pValue < 0.05 ? (halves[r][1] > halves[r][0] ? "rising" : "falling") : "no significant change",
                                       formatNumber(pValue, 4)});
            }
            csv.row(row);
        }
        csv.close();
    }
    std::string stabilityText;
    {
        // How many of one year's top places (the top --stable-share of the places with crime that
        // year) are among the next year's.
        CsvWriter csv(staging.stagedPath("concentration_stability.csv"));
        csv.row({"year", "next_year", "top_places", "still_top_next_year", "pct_still_top"});
        auto topSet = [&](const std::vector<double>& c) {
            size_t withCrime = 0;
            for (double v : c) withCrime += v > 0;
            const auto k = static_cast<size_t>(std::ceil(o.stableShare * static_cast<double>(withCrime)));
            std::vector<size_t> ord = ranking(c);
            ord.resize(std::min(k, ord.size()));
            std::sort(ord.begin(), ord.end());
            return ord;
        };
        for (int yr = 0; yr + 1 < years; ++yr) {
            const auto a = topSet(byYear[static_cast<size_t>(yr)]), b = topSet(byYear[static_cast<size_t>(yr + 1)]);
            std::vector<size_t> both;
            std::set_intersection(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(both));
            const double pct = a.empty() ? NAN : 100.0 * static_cast<double>(both.size()) / static_cast<double>(a.size());
            csv.row({std::to_string(firstYear + yr), std::to_string(firstYear + yr + 1), std::to_string(a.size()), std::to_string(both.size()),
                     formatNumber(pct, 1)});
            stabilityText += fmt::format("{}{}->{}: {} of {} stay", stabilityText.empty() ? "" : ", ", firstYear + yr, firstYear + yr + 1,
                                         both.size(), a.size());
        }
        csv.close();
    }
    {
        VectorWriter gpkg(staging.stagedPath("concentration.gpkg"));
        gpkg.createLayer("places", places.geometry, crs,
                         {{"rank", FieldType::Integer}, {"place"}, {"incidents", FieldType::Real}, {"cumulative_share", FieldType::Real}, {"top_place", FieldType::Integer}},
                         "Places with crime, ranked (busiest first), with the share of all crime up to each");
        double running = 0;
        for (size_t r = 0; r < order.size() && counts[order[r]] > 0; ++r) {
            const size_t p = order[r];
            running += counts[p];
            gpkg.setInteger(0, static_cast<int64_t>(r + 1));
            gpkg.setString(1, places.label(p));
            gpkg.setReal(2, counts[p]);
            gpkg.setReal(3, running / summary.crimes);
            gpkg.setInteger(4, r < top ? 1 : 0);
            if (places.wkb) {
                gpkg.setWkb(places.wkb(p));
            } else {
                const auto [x, y] = places.point(p);
                gpkg.setPoint(x, y);
            }
            gpkg.writeFeature();
        }
        writeRunInfo(gpkg, {{"HOTSPOT_VERSION", versionString()}, {"HOTSPOT_GROUPS", joined(o.input.groups)}, {"HOTSPOT_PERIOD", monthsUsed(o.input.months, sel.month).label()}, {"HOTSPOT_UNIT", toString(o.unit)}, {"HOTSPOT_PLACES", std::to_string(summary.places)}});
        gpkg.close();
    }
    report.lines.push_back(fmt::format(
        "concentration over {} {} places ({} with crime) of {:g} incidents: Gini {:.3f}, generalised Gini {:.3f}; "
        "the top 1/5/10/25 % of places hold {:.1f}/{:.1f}/{:.1f}/{:.1f} % of the crime; {} places ({:.2f} %) hold half",
        summary.places, toString(o.unit), summary.placesWithCrime, summary.crimes, summary.gini, summary.generalisedGini,
        100 * summary.topShares[0].second, 100 * summary.topShares[1].second, 100 * summary.topShares[2].second,
        100 * summary.topShares[3].second, summary.placesForHalf,
        100.0 * static_cast<double>(summary.placesForHalf) / static_cast<double>(summary.places)));
    if (!stabilityText.empty())
        report.lines.push_back(fmt::format("stability of the top {:g} % of places with crime, year to year: {}", o.stableShare * 100, stabilityText));
    report.outputs = staging.commit();
    return report;
}

namespace {
constexpr ChoiceTable<PlaceUnit, 4> kPlaceUnits{{{PlaceUnit::Cell, "cell"}, {PlaceUnit::Segment, "segment"}, {PlaceUnit::Location, "location"}, {PlaceUnit::Area, "area"}}};
}  // namespace

PlaceUnit parsePlaceUnit(const std::string& text, const OptionNaming& naming) { return choiceFromText(kPlaceUnits, text, "unit", naming); }
const char* toString(PlaceUnit unit) { return choiceText(kPlaceUnits, unit); }

}  // namespace hotspot
