// Every incident counted exactly once, in every command that counts incidents.
//
// Each run's summary has one ledger line per count it wrote ("accounting, SCOPE: R read = ... + S
// selected; S selected = C counted + ...; balanced"). For every command, both grid shapes, clip on
// and off, one and several area layers, this test checks on a seeded random point set (with points
// on cell edges and corners, on polygon edges and vertices, far outside, without a location):
//   - R is the number of data rows of the input (every row is in the ledger),
//   - the two sums hold when recomputed here from the printed parts,
//   - C equals the sum of the counts in the written cells or areas, read back from the outputs,
//   - and for hexagons, every written cell holds the points inside its own polygon (ties on an
//     edge may go to either neighbour; GDAL/GEOS decides inside and on-edge here).

#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <random>
#include <regex>

#include <fmt/format.h>
#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include "test_support.hpp"

using namespace hotspot;

namespace {

constexpr double kCell = 100;
const char* kColumns = "id=id,date=date,x=x,y=y,category=type";

std::string polygonFeature(const std::string& code, const std::vector<std::pair<double, double>>& ring) {
    std::string coords;
    for (const auto& [x, y] : ring) coords += fmt::format("{}[{},{}]", coords.empty() ? "" : ",", x, y);
    coords += fmt::format(",[{},{}]", ring[0].first, ring[0].second);
    return fmt::format(R"({{"type":"Feature","properties":{{"code":"{}","name":"{}"}},"geometry":{{"type":"Polygon","coordinates":[[{}]]}}}})", code,
                       code, coords);
}

std::string featureCollection(const std::vector<std::string>& features) {
    std::string out = R"({"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::27700"}},"features":[)";
    for (size_t i = 0; i < features.size(); ++i) out += (i ? "," : "") + features[i];
    return out + "]}";
}

// The study area (a pentagon), two area layers (halves sharing an edge; blocks with gaps between).
const std::vector<std::pair<double, double>> kStudyArea = {{450050, 250030}, {451930, 250210}, {452070, 251490}, {451010, 252040}, {449940, 251320}};
const std::vector<std::vector<std::pair<double, double>>> kHalves = {{{449800, 249800}, {451000, 249800}, {451000, 252200}, {449800, 252200}},
                                                                     {{451000, 249800}, {452200, 249800}, {452200, 252200}, {451000, 252200}}};
const std::vector<std::vector<std::pair<double, double>>> kBlocks = {{{450200, 250200}, {450800, 250200}, {450800, 250900}, {450200, 250900}},
                                                                     {{451200, 250500}, {451900, 250500}, {451700, 251600}, {451200, 251400}}};

struct Point {
    double x, y;
    bool burglary = false;
};

struct Fixture {
    test::TempDir dir;
    std::vector<Point> points;  // every located point of the input, any group or month
    std::vector<Point> burglaries, burglariesInStudyArea, burglariesInOrOnStudyArea;
    int64_t dataRows = 0;
    std::string incidents, studyArea, halves, blocks, cameras;

    Fixture() {
        GDALAllRegister();
        std::mt19937_64 rng(20261130);
        std::uniform_real_distribution<double> ux(449600, 452400), uy(249600, 252400);
        for (int i = 0; i < 420; ++i) points.push_back({ux(rng), uy(rng)});
        // Cell edges and corners (multiples of the cell size), polygon vertices and edge midpoints.
        for (int k = 0; k < 40; ++k) {
            points.push_back({450000 + kCell * (k % 20), 250000 + kCell * (k / 2)});
            points.push_back({450000 + kCell * (k % 20) + 37, 250000 + kCell * (k / 3)});
        }
        std::vector<std::vector<std::pair<double, double>>> rings = kHalves;
        rings.insert(rings.end(), kBlocks.begin(), kBlocks.end());
        rings.push_back(kStudyArea);
        for (const auto& ring : rings)
            for (size_t v = 0; v < ring.size(); ++v) {
                const auto& [x0, y0] = ring[v];
                const auto& [x1, y1] = ring[(v + 1) % ring.size()];
                points.push_back({x0, y0});
                points.push_back({(x0 + x1) / 2, (y0 + y1) / 2});
            }
        // Far outside: strays without a study area, outside it with one.
        points.push_back({300000, 100000});
        points.push_back({452300, 400000});
        points.push_back({600000, 251000});

        std::string csv = "id,date,x,y,type\n";
        std::uniform_int_distribution<int> month(0, 23), coin(0, 2);
        int id = 0;
        for (auto& p : points) {
            const int m = month(rng);
            p.burglary = coin(rng) != 0;
            csv += fmt::format("p{},{}-{:02d}-15,{},{},{}\n", ++id, 2020 + m / 12, m % 12 + 1, p.x, p.y, p.burglary ? "Burglary" : "Vehicle crime");
        }
        // The burglaries a hexagon cell may hold: all of them, or with the study area those strictly
        // inside it (surely counted) and those inside or on its edge (maybe counted).
        OGRPolygon study;
        auto* ring = new OGRLinearRing;
        for (const auto& [x, y] : kStudyArea) ring->addPoint(x, y);
        ring->closeRings();
        study.addRingDirectly(ring);
        for (const auto& p : points) {
            if (!p.burglary) continue;
            OGRPoint pt(p.x, p.y);
            burglaries.push_back(p);
            if (study.Contains(&pt)) burglariesInStudyArea.push_back(p);
            if (study.Intersects(&pt)) burglariesInOrOnStudyArea.push_back(p);
        }
        // Rows without a location and one without a date: rejected or not located, never lost.
        csv += "u1,2021-03-01,,,Burglary\nu2,2020-07-01,,,Vehicle crime\nd1,,450500,250500,Burglary\n";
        dataRows = static_cast<int64_t>(points.size()) + 3;
        incidents = dir.file("incidents.csv");
        test::writeFile(incidents, csv);
        studyArea = dir.file("study.geojson");
        test::writeFile(studyArea, featureCollection({polygonFeature("study", kStudyArea)}));
        halves = dir.file("halves.geojson");
        test::writeFile(halves, featureCollection({polygonFeature("west", kHalves[0]), polygonFeature("east", kHalves[1])}));
        blocks = dir.file("blocks.geojson");
        test::writeFile(blocks, featureCollection({polygonFeature("b1", kBlocks[0]), polygonFeature("b2", kBlocks[1])}));
        cameras = dir.file("cameras.csv");
        test::writeFile(cameras, "camera_id,x,y,range\nC1,450500,250500,150\nC2,451500,251200,120\n");
    }
};

Fixture& fixture() {
    static Fixture f;
    return f;
}

struct Ledger {
    std::string scope;
    int64_t read = 0, selected = 0, counted = 0, notSelected = 0, excluded = 0;
    std::map<std::string, int64_t> exclusions;  // reason -> incidents
};

// "+ 3 stray (far outside the data) + 0 outside the study area": the sum, and each term by reason.
int64_t sumTerms(const std::string& text, std::map<std::string, int64_t>* byReason = nullptr) {
    int64_t total = 0;
    static const std::regex term(R"((?:^|\+ )(\d+) ([^+]+))");
    for (auto it = std::sregex_iterator(text.begin(), text.end(), term); it != std::sregex_iterator(); ++it) {
        total += std::stoll((*it)[1]);
        if (byReason) {
            std::string reason = (*it)[2];
            while (!reason.empty() && reason.back() == ' ') reason.pop_back();
            (*byReason)[reason] = std::stoll((*it)[1]);
        }
    }
    return total;
}

std::vector<Ledger> ledgers(const std::string& summary) {
    std::vector<Ledger> out;
    static const std::regex line(R"(accounting, (.+): (\d+) read = (.*?)(\d+) selected; (\d+) selected = (\d+) counted(.*); (balanced|DOES NOT BALANCE))");
    for (auto it = std::sregex_iterator(summary.begin(), summary.end(), line); it != std::sregex_iterator(); ++it) {
        const auto& m = *it;
        EXPECT_EQ(m[8], "balanced") << m[0];
        Ledger l{m[1], std::stoll(m[2]), std::stoll(m[4]), std::stoll(m[6]), sumTerms(m[3]), 0, {}};
        l.excluded = sumTerms(m[7], &l.exclusions);
        EXPECT_EQ(m[4], m[5]) << m[0];
        out.push_back(l);
    }
    return out;
}

double sumRaster(const std::string& path) {
    GDALDatasetUniquePtr ds(GDALDataset::Open(path.c_str(), GDAL_OF_RASTER));
    if (!ds) return NAN;
    GDALRasterBand* band = ds->GetRasterBand(1);
    int hasNodata = 0;
    const double nodata = band->GetNoDataValue(&hasNodata);
    std::vector<double> v(static_cast<size_t>(ds->GetRasterXSize()) * ds->GetRasterYSize());
    if (band->RasterIO(GF_Read, 0, 0, ds->GetRasterXSize(), ds->GetRasterYSize(), v.data(), ds->GetRasterXSize(), ds->GetRasterYSize(),
                       GDT_Float64, 0, 0, nullptr) != CE_None)
        return NAN;
    double sum = 0;
    for (double x : v)
        if (!(hasNodata && x == nodata)) sum += x;
    return sum;
}

// Sum of a column over the rows of a CSV for which `keep` says yes.
double sumCsv(const std::string& path, const std::string& column, const std::function<bool(const std::map<std::string, std::string>&)>& keep = {}) {
    double sum = 0;
    for (const auto& row : test::readCsvRows(path))
        if (!keep || keep(row)) sum += row.at(column).empty() ? 0 : std::stod(row.at(column));
    return sum;
}

// Sum of a field over a layer, and the hexagon check: each written cell holds no fewer points than
// lie strictly inside its polygon and no more than lie inside or on its boundary.
// `surely` are points that must be counted (strictly inside the study area), `maybe` those that
// may be (also on its boundary).
double sumLayer(const std::string& path, const std::string& layerName, const std::string& field, const std::vector<Point>* surely = nullptr,
                const std::vector<Point>* maybe = nullptr) {
    GDALDatasetUniquePtr ds(GDALDataset::Open(path.c_str(), GDAL_OF_VECTOR));
    if (!ds) return NAN;
    OGRLayer* layer = ds->GetLayerByName(layerName.c_str());
    if (!layer) return NAN;
    double sum = 0;
    for (auto& f : *layer) {
        const double held = f->GetFieldAsDouble(field.c_str());
        sum += held;
        if (!surely) continue;
        const OGRGeometry* cell = f->GetGeometryRef();
        int inside = 0, closure = 0;
        for (const auto& p : *surely) {
            OGRPoint pt(p.x, p.y);
            inside += cell->Contains(&pt);
        }
        for (const auto& p : *maybe) {
            OGRPoint pt(p.x, p.y);
            closure += cell->Intersects(&pt);
        }
        EXPECT_GE(held, inside) << layerName << " cell " << f->GetFieldAsInteger64("cell_id");
        EXPECT_LE(held, closure) << layerName << " cell " << f->GetFieldAsInteger64("cell_id");
    }
    return sum;
}

struct CommandRun {
    std::vector<std::string> args;
    std::string out;
    test::CommandResult result;
    std::vector<Ledger> ledgers;
    const Ledger& scope(const std::string& text) const {
        for (const auto& l : ledgers)
            if (l.scope.find(text) != std::string::npos) return l;
        ADD_FAILURE() << "no ledger for '" << text << "' in:\n"
                      << result.err;
        static Ledger none;
        return none;
    }
};

// Runs a command on the fixture with the given options; checks exit 0 and the ledgers' sums.
CommandRun run(const std::string& command, std::vector<std::string> options, const std::string& name) {
    Fixture& f = fixture();
    CommandRun r;
    r.out = f.dir.file(name);
    r.args = {command, f.incidents, "--columns", kColumns, "--srs", "EPSG:27700", "-o", r.out};
    r.args.insert(r.args.end(), options.begin(), options.end());
    r.result = test::runCli(r.args);
    std::string line;
    for (const auto& a : r.args) line += a + " ";
    EXPECT_EQ(r.result.exitCode, 0) << line << "\n"
                                    << r.result.err;
    r.ledgers = ledgers(r.result.err);
    EXPECT_FALSE(r.ledgers.empty()) << line << "\n"
                                    << r.result.err;
    for (const auto& l : r.ledgers) {
        SCOPED_TRACE(line + "| " + l.scope);
        EXPECT_EQ(l.read, f.dataRows);  // every row of the input is in the ledger
        EXPECT_EQ(l.read, l.notSelected + l.selected);
        EXPECT_EQ(l.selected, l.counted + l.excluded);
        EXPECT_GT(l.counted, 0);
        // Grids cover the data, and clipped grids keep every cell touching the study area: an
        // incident selected but in no analysed cell is a counting defect even when reported.
        for (const char* never : {"in no cell of the grid", "in cells left out of the analysis"})
            if (l.exclusions.count(never)) { EXPECT_EQ(l.exclusions.at(never), 0) << never; }
    }
    return r;
}

struct Variant {
    std::string name;
    std::vector<std::string> options;
    bool hexagon() const { return name.rfind("hexagon", 0) == 0; }
    bool studyArea() const { return name.find("_") != std::string::npos; }
};

// Sum of a layer's incidents; for hexagon grids of burglaries, each cell checked against the
// burglaries inside its own polygon.
double sumBurglaryCells(const Variant& v, const std::string& path, const std::string& layer) {
    const Fixture& f = fixture();
    if (!v.hexagon()) return sumLayer(path, layer, "incidents");
    if (v.studyArea()) return sumLayer(path, layer, "incidents", &f.burglariesInStudyArea, &f.burglariesInOrOnStudyArea);
    return sumLayer(path, layer, "incidents", &f.burglaries, &f.burglaries);
}

// Grid variants: shapes, and the study area without and with --clip (and none at all).
std::vector<Variant> gridVariants(bool hexagons) {
    Fixture& f = fixture();
    std::vector<Variant> out;
    for (const std::string shape : {"square", "hexagon"}) {
        if (shape == "hexagon" && !hexagons) continue;
        std::vector<std::string> base = {"--cell", fmt::format("{}", kCell)};
        if (hexagons) base.insert(base.end(), {"--shape", shape});
        out.push_back({shape, base});
        auto withArea = base;
        withArea.insert(withArea.end(), {"--study-area", "study=" + f.studyArea});
        out.push_back({shape + "_study", withArea});
        withArea.push_back("--clip");
        out.push_back({shape + "_clip", withArea});
    }
    return out;
}

}  // namespace

TEST(Conservation, Density) {
    Fixture& f = fixture();
    for (const auto& v : gridVariants(false)) {
        auto options = v.options;
        options.insert(options.end(), {"--group", "burglary", "--bandwidth", "250", "-a", "halves=" + f.halves, "-a", "blocks=" + f.blocks});
        const CommandRun r = run("density", options, "density_" + v.name);
        EXPECT_DOUBLE_EQ(sumRaster(r.out + "/counts.tif"), r.scope("grid cells").counted) << v.name;
        for (const std::string layer : {"halves", "blocks"})
            EXPECT_DOUBLE_EQ(sumCsv(r.out + "/area_stats.csv", "incidents", [&](const auto& row) { return row.at("layer") == layer; }),
                             r.scope("areas of '" + layer + "'").counted)
                << v.name;
        EXPECT_GT(r.scope("areas of 'blocks'").excluded, 0);  // the blocks leave gaps: the points there are reported
    }
}

TEST(Conservation, GiStarGridsAndAreas) {
    Fixture& f = fixture();
    for (const auto& v : gridVariants(true)) {
        auto options = v.options;
        options.insert(options.end(), {"--group", "burglary"});
        const bool square = !v.hexagon();
        // Square grids: the counts raster holds every count; hotspot_cells too with --all-cells.
        if (square) {
            const CommandRun significant = run("gistar", options, "gistar_significant_" + v.name);
            EXPECT_DOUBLE_EQ(sumRaster(significant.out + "/gistar_counts.tif"), significant.scope("grid cells").counted) << v.name;
            options.push_back("--all-cells");
        }
        const CommandRun r = run("gistar", options, "gistar_" + v.name);
        const double inCells = sumBurglaryCells(v, r.out + "/hotspots.gpkg", "hotspot_cells");
        EXPECT_DOUBLE_EQ(inCells, r.scope("grid cells").counted) << v.name;
        if (square) { EXPECT_DOUBLE_EQ(sumRaster(r.out + "/gistar_counts.tif"), r.scope("grid cells").counted) << v.name; }
    }
    for (const std::string layer : {"halves", "blocks"}) {
        const CommandRun r = run("gistar", {"--group", "burglary", "-a", layer + "=" + (layer == "halves" ? f.halves : f.blocks)}, "gistar_areas_" + layer);
        EXPECT_DOUBLE_EQ(sumCsv(r.out + "/gistar_areas.csv", "incidents"), r.scope("areas of '" + layer + "'").counted);
    }
}

// The hexagon check on the engine's own polygons: for one group in one run, every point (of that
// group) lies in the written cell that counts it.
TEST(Conservation, HexagonCellsHoldThePointsInsideThem) {
    Fixture& f = fixture();
    // One group only, so the check's points are exactly the selected ones: rewrite the input with
    // every located row as burglary.
    std::string csv = "id,date,x,y,type\n";
    for (size_t i = 0; i < f.points.size(); ++i) csv += fmt::format("h{},2021-05-01,{},{},Burglary\n", i, f.points[i].x, f.points[i].y);
    const std::string input = f.dir.file("hex_input.csv");
    test::writeFile(input, csv);
    // The points the study area surely holds (strictly inside) and may hold (also on its edge).
    OGRPolygon study;
    auto* ring = new OGRLinearRing;
    for (const auto& [x, y] : kStudyArea) ring->addPoint(x, y);
    ring->closeRings();
    study.addRingDirectly(ring);
    std::vector<Point> strictlyInside, insideOrOnEdge;
    for (const auto& p : f.points) {
        OGRPoint pt(p.x, p.y);
        if (study.Contains(&pt)) strictlyInside.push_back(p);
        if (study.Intersects(&pt)) insideOrOnEdge.push_back(p);
    }
    ASSERT_GT(insideOrOnEdge.size(), strictlyInside.size());  // the fixture has points on the study area's edges
    for (const bool withStudyArea : {false, true}) {
        const std::string out = f.dir.file(withStudyArea ? "hex_study" : "hex_all");
        std::vector<std::string> args = {"gistar", input, "--columns", kColumns, "--srs", "EPSG:27700", "--cell", "100", "--shape", "hexagon", "-o", out};
        if (withStudyArea) args.insert(args.end(), {"--study-area", "s=" + f.studyArea, "--clip"});
        const auto r = test::runCli(args);
        ASSERT_EQ(r.exitCode, 0) << r.err;
        const auto l = ledgers(r.err);
        ASSERT_EQ(l.size(), 1u) << r.err;
        const double held = withStudyArea ? sumLayer(out + "/hotspots.gpkg", "hotspot_cells", "incidents", &strictlyInside, &insideOrOnEdge)
                                          : sumLayer(out + "/hotspots.gpkg", "hotspot_cells", "incidents", &f.points, &f.points);
        EXPECT_DOUBLE_EQ(held, l[0].counted);
    }
}

TEST(Conservation, ChangeGridsAndAreaLayers) {
    Fixture& f = fixture();
    for (const auto& v : gridVariants(true)) {
        auto options = v.options;
        options.insert(options.end(), {"--group", "burglary", "--before", "2020", "--after", "2021", "-a", "halves=" + f.halves, "-a", "blocks=" + f.blocks});
        const CommandRun r = run("change", options, "change_" + v.name);
        for (const std::string period : {"before", "after"}) {
            EXPECT_DOUBLE_EQ(sumCsv(r.out + "/change_cells.csv", period), r.scope(period + " (20" + (period == "before" ? "20" : "21")).counted)
                << v.name;
            for (const std::string layer : {"halves", "blocks"})
                EXPECT_DOUBLE_EQ(sumCsv(r.out + "/change_areas.csv", period, [&](const auto& row) { return row.at("layer") == layer; }),
                                 r.scope(period + " (20" + (period == "before" ? "20" : "21") + "-01 to 20" + (period == "before" ? "20" : "21") +
                                         "-12), areas of '" + layer + "'")
                                     .counted)
                    << v.name;
        }
    }
}

TEST(Conservation, EmergingAndEvaluate) {
    std::map<std::string, std::string> cellsTotal, pai;  // variant -> evaluation.csv of the top 5 %
    for (const auto& v : gridVariants(true)) {
        auto options = v.options;
        options.insert(options.end(), {"--group", "burglary", "--step", "quarter"});
        const CommandRun e = run("emerging", options, "emerging_" + v.name);
        EXPECT_DOUBLE_EQ(sumCsv(e.out + "/emerging.csv", "incidents"), e.scope("grid cells over").counted) << v.name;
        EXPECT_DOUBLE_EQ(sumBurglaryCells(v, e.out + "/emerging.gpkg", "emerging_hotspots"), e.scope("grid cells over").counted) << v.name;

        options = v.options;
        options.insert(options.end(), {"--group", "burglary", "--fit", "2020", "--test", "2021", "--method", "counts", "--top", "5,100"});
        const CommandRun ev = run("evaluate", options, "evaluate_" + v.name);
        const auto rows = test::readCsvRows(ev.out + "/evaluation.csv");
        ASSERT_EQ(rows.size(), 2u);
        for (const auto& row : rows) {
            EXPECT_DOUBLE_EQ(std::stod(row.at("test_incidents")), ev.scope("test (").counted) << v.name;
            EXPECT_DOUBLE_EQ(std::stod(row.at("fit_incidents")), ev.scope("fit (").counted) << v.name;
        }
        // All cells chosen: every test incident is "in the hotspots".
        EXPECT_DOUBLE_EQ(std::stod(rows[1].at("test_incidents_in_hotspots")), ev.scope("test (").counted) << v.name;
        cellsTotal[v.name] = rows[0].at("cells_total");
        pai[v.name] = rows[0].at("pai");
    }
    // A is the study area whenever one is given: --clip changes nothing in the scores.
    for (const std::string shape : {"square", "hexagon"}) {
        EXPECT_EQ(cellsTotal[shape + "_study"], cellsTotal[shape + "_clip"]) << shape;
        EXPECT_EQ(pai[shape + "_study"], pai[shape + "_clip"]) << shape;
        EXPECT_LT(std::stoll(cellsTotal[shape + "_study"]), std::stoll(cellsTotal[shape])) << shape;
    }
}

TEST(Conservation, CoverageAndSites) {
    Fixture& f = fixture();
    for (const bool withStudyArea : {false, true}) {
        std::vector<std::string> area;
        if (withStudyArea) area = {"--study-area", "study=" + f.studyArea};
        auto options = area;
        options.insert(options.end(), {"--cameras", f.cameras, "--cell", "50", "--bandwidth", "200", "-a", "halves=" + f.halves, "-a", "blocks=" + f.blocks});
        const CommandRun c = run("coverage", options, withStudyArea ? "coverage_study" : "coverage");
        EXPECT_DOUBLE_EQ(sumCsv(c.out + "/coverage_by_group.csv", "incidents", [](const auto& row) { return row.at("group") == "all groups"; }),
                         c.scope("'all groups' rows").counted);
        for (const std::string layer : {"halves", "blocks"})
            EXPECT_DOUBLE_EQ(sumCsv(c.out + "/coverage_by_area.csv", "incidents", [&](const auto& row) { return row.at("layer") == layer; }),
                             c.scope("areas of '" + layer + "'").counted);
        if (withStudyArea) { EXPECT_GT(c.scope("'all groups' rows").excluded, 0); }  // outside the study area, and said so

        for (const std::string demand : {"counts", "kde"}) {
            options = area;
            options.insert(options.end(), {"--group", "burglary", "--demand", demand, "--cell", "50", "-n", "3"});
            const CommandRun s = run("sites", options, "sites_" + demand + (withStudyArea ? "_study" : ""));
            EXPECT_DOUBLE_EQ(sumRaster(s.out + "/counts.tif"), s.scope("demand grid cells").counted);
        }
    }
}

TEST(Conservation, Report) {
    Fixture& f = fixture();
    auto yearSum = [](const std::string& path) {
        double sum = 0;
        for (const auto& row : test::readCsvRows(path)) {
            if (row.at("level") != "group") continue;
            for (const auto& [column, value] : row)
                if (column.rfind("year to ", 0) == 0) sum += std::stod(value);
        }
        return sum;
    };
    const CommandRun all = run("report", {"--to", "2021-12", "--years", "2"}, "report_all");
    EXPECT_DOUBLE_EQ(yearSum(all.out + "/performance_report.csv"), all.scope("years and areas").counted);
    for (const std::string layer : {"halves", "blocks"}) {
        const CommandRun r = run("report", {"--to", "2021-12", "--years", "2", "--by", layer + "=" + (layer == "halves" ? f.halves : f.blocks)}, "report_" + layer);
        EXPECT_DOUBLE_EQ(yearSum(r.out + "/performance_report.csv"), r.scope("years and areas").counted);
        EXPECT_GT(r.scope("years and areas").excluded, 0);  // not located, and outside every area
    }
    // Options the report would ignore are refused, not silently dropped.
    for (const auto& ignored : {std::vector<std::string>{"--cell", "100"}, {"--study-area", "s=" + f.studyArea}, {"--group", "burglary"}}) {
        std::vector<std::string> args = {"report", f.incidents, "--columns", kColumns, "--srs", "EPSG:27700", "-o", f.dir.file("report_refused")};
        args.insert(args.end(), ignored.begin(), ignored.end());
        EXPECT_EQ(test::runCli(args).exitCode, 2) << ignored[0];
    }
}

// Two layers where a command reads one: refused, never merged.
TEST(Conservation, GiStarRefusesTwoAreaLayers) {
    Fixture& f = fixture();
    const auto r = test::runCli({"gistar", f.incidents, "--columns", kColumns, "--srs", "EPSG:27700", "-a", "halves=" + f.halves, "-a",
                                 "blocks=" + f.blocks, "-o", f.dir.file("gistar_two")});
    EXPECT_EQ(r.exitCode, 2) << r.err;
}
