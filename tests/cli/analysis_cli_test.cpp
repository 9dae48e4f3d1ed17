// End-to-end tests of the analysis commands on the bundled sample.

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <regex>

#include <fmt/format.h>
#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include "test_support.hpp"

using namespace hotspot;
namespace fs = std::filesystem;

namespace {

// The sample geocoded once for all tests of this file.
const std::string& geocodedSample() {
    static test::TempDir dir;
    static std::string gpkg;
    if (gpkg.empty()) {
        const std::string s = test::sourceDir();
        auto r = test::runCli({"geocode", "-q", s + "/data/police", "-g", s + "/shapes/street_gazetteer.csv", "-a",
                               "district=" + s + "/shapes/districts.geojson", "--no-csv", "-o", dir.path()});
        EXPECT_EQ(r.exitCode, 0) << r.err;
        gpkg = dir.file("incidents.gpkg");
    }
    return gpkg;
}

struct Raster {
    int cols = 0, rows = 0;
    double transform[6] = {};
    std::vector<double> values;
    double nodata = 0;
    std::string crsName;
    std::map<std::string, std::string> metadata;
    double at(double x, double y) const {
        int c = static_cast<int>((x - transform[0]) / transform[1]), r = static_cast<int>((y - transform[3]) / transform[5]);
        return values[static_cast<size_t>(r) * cols + c];
    }
};

Raster readRaster(const std::string& path) {
    GDALAllRegister();
    Raster out;
    GDALDataset* ds = static_cast<GDALDataset*>(GDALOpen(path.c_str(), GA_ReadOnly));
    if (!ds) return out;
    out.cols = ds->GetRasterXSize();
    out.rows = ds->GetRasterYSize();
    ds->GetGeoTransform(out.transform);
    out.values.resize(static_cast<size_t>(out.cols) * out.rows);
    GDALRasterBand* b = ds->GetRasterBand(1);
    out.nodata = b->GetNoDataValue();
    EXPECT_EQ(b->RasterIO(GF_Read, 0, 0, out.cols, out.rows, out.values.data(), out.cols, out.rows, GDT_Float64, 0, 0, nullptr), CE_None) << path;
    if (const OGRSpatialReference* srs = ds->GetSpatialRef()) out.crsName = srs->GetAuthorityCode(nullptr) ? srs->GetAuthorityCode(nullptr) : "";
    if (char** md = ds->GetMetadata())
        for (char** p = md; *p; ++p) {
            std::string kv = *p;
            auto eq = kv.find('=');
            out.metadata[kv.substr(0, eq)] = kv.substr(eq + 1);
        }
    GDALClose(ds);
    return out;
}

}  // namespace

TEST(DensityCli, BurglaryKdeIsARealSurfaceWithItsParameters) {
    test::TempDir dir;
    auto r = test::runCli({"density", geocodedSample(), "--group", "burglary", "--months", "2021", "--cell", "50", "--bandwidth", "300",
                           "-o", dir.path()});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_NE(r.err.find("kernel quartic with bandwidth 300.0 m"), std::string::npos) << r.err;
    Raster d = readRaster(dir.file("density.tif"));
    ASSERT_GT(d.cols, 0);
    EXPECT_EQ(d.crsName, "27700");
    EXPECT_EQ(d.nodata, -9999);
    EXPECT_EQ(d.metadata["HOTSPOT_KERNEL"], "quartic");
    EXPECT_EQ(d.metadata["HOTSPOT_BANDWIDTH_M"], "300");
    EXPECT_EQ(d.metadata["HOTSPOT_GROUPS"], "burglary");
    // Edges on multiples of the cell size.
    EXPECT_EQ(std::fmod(d.transform[0], 50.0), 0.0);
    EXPECT_EQ(std::fmod(d.transform[3], 50.0), 0.0);
    // Mass: density (per km^2) x cell area (km^2) sums to the number of incidents analysed.
    std::smatch m;
    ASSERT_TRUE(std::regex_search(r.err, m, std::regex("([0-9]+) analysed")));
    const double n = std::stod(m[1]);
    EXPECT_EQ(n, 920 + 121 + 340 + 104);  // the sample's 2021 burglaries: residential and business, both districts
    double mass = 0, maxValue = 0, maxX = 0, maxY = 0;
    for (int row = 0; row < d.rows; ++row)
        for (int col = 0; col < d.cols; ++col) {
            double v = d.values[static_cast<size_t>(row) * d.cols + col];
            mass += v * 0.0025;
            if (v > maxValue) maxValue = v, maxX = d.transform[0] + (col + 0.5) * 50, maxY = d.transform[3] - (row + 0.5) * 50;
        }
    EXPECT_NEAR(mass, n, 0.01 * n);
    // The peak is in one of the sample's burglary hotspots (Lings, Blackthorn, Thorplands, Kingsthorpe, Daventry).
    const double hotspots[][2] = {{480800, 263250}, {480200, 264300}, {478100, 264500}, {475700, 263200}, {457600, 262600}};
    double nearest = 1e9;
    for (auto& h : hotspots) nearest = std::min(nearest, std::hypot(maxX - h[0], maxY - h[1]));
    EXPECT_LT(nearest, 1200) << "peak at " << maxX << "," << maxY;
}

TEST(DensityCli, GuardRailsRefuseAbsurdGrids) {
    test::TempDir dir;
    auto tiny = test::runCli({"density", geocodedSample(), "--cell", "0.5", "-o", dir.path()});
    EXPECT_EQ(tiny.exitCode, 2);
    EXPECT_NE(tiny.err.find("more than the limit"), std::string::npos) << tiny.err;
    auto narrow = test::runCli({"density", geocodedSample(), "--cell", "100", "--bandwidth", "40", "-o", dir.path()});
    EXPECT_EQ(narrow.exitCode, 2);
    EXPECT_NE(narrow.err.find("smaller than one cell"), std::string::npos) << narrow.err;
    auto group = test::runCli({"density", geocodedSample(), "--group", "jaywalking", "-o", dir.path()});
    EXPECT_EQ(group.exitCode, 2);
    EXPECT_NE(group.err.find("unknown group 'jaywalking'"), std::string::npos);
    EXPECT_NE(group.err.find("burglary"), std::string::npos);  // the known groups are listed
    auto zero = test::runCli({"density", geocodedSample(), "--cell", "0", "--bandwidth", "-5", "-o", dir.path()});
    EXPECT_EQ(zero.exitCode, 2);
}

TEST(DensityCli, AutoBandwidthAndCellFollowTheArcgisRulesAndGridsAlignAcrossPeriods) {
    test::TempDir a, b;
    auto r1 = test::runCli({"density", geocodedSample(), "--group", "asb", "--months", "2020", "-o", a.path()});
    ASSERT_EQ(r1.exitCode, 0) << r1.err;
    EXPECT_NE(r1.err.find("(ArcGIS default rule)"), std::string::npos);
    EXPECT_NE(r1.err.find("(ArcGIS default: shorter side / 250)"), std::string::npos);
    Raster d1 = readRaster(a.file("density.tif"));
    EXPECT_EQ(d1.metadata["HOTSPOT_BANDWIDTH_RULE"].rfind("ArcGIS", 0), 0u);
    auto r2 = test::runCli({"density", geocodedSample(), "--group", "asb", "--months", "2021", "--cell", "100", "--bandwidth", "400", "-o", b.path()});
    auto r3 = test::runCli({"density", geocodedSample(), "--group", "burglary", "--months", "2019", "--cell", "100", "--bandwidth", "400", "-o", a.path()});
    ASSERT_EQ(r2.exitCode, 0);
    ASSERT_EQ(r3.exitCode, 0);
    Raster p2 = readRaster(b.file("density.tif")), p3 = readRaster(a.file("density.tif"));
    EXPECT_EQ(std::fmod(p2.transform[0] - p3.transform[0], 100.0), 0.0);
    EXPECT_EQ(std::fmod(p2.transform[3] - p3.transform[3], 100.0), 0.0);
}

TEST(GiStarCli, GridHotspotsZonesAndBins) {
    test::TempDir dir;
    const std::string s = test::sourceDir();
    auto r = test::runCli({"gistar", geocodedSample(), "--group", "burglary", "--months", "2021", "--cell", "250", "--study-area",
                           "d=" + s + "/shapes/districts.geojson", "--clip", "-o", dir.path()});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_NE(r.err.find("Benjamini-Hochberg FDR bins"), std::string::npos);
    Raster bins = readRaster(dir.file("gistar_bin.tif"));
    int hot = 0, significant = 0;
    for (double v : bins.values) {
        if (v == bins.nodata) continue;
        EXPECT_TRUE(v >= -3 && v <= 3);
        hot += v >= 2;
        significant += v != 0;
    }
    EXPECT_GT(hot, 10);
    EXPECT_GT(test::featureCount(dir.file("hotspots.gpkg"), "hotspot_zones"), 0);
    // By default the cells layer holds the significant cells only; --all-cells adds every non-empty one.
    EXPECT_EQ(test::featureCount(dir.file("hotspots.gpkg"), "hotspot_cells"), significant);
    auto all = test::runCli({"gistar", geocodedSample(), "--group", "burglary", "--months", "2021", "--cell", "250", "--study-area",
                             "d=" + s + "/shapes/districts.geojson", "--clip", "--all-cells", "-o", dir.file("all")});
    ASSERT_EQ(all.exitCode, 0) << all.err;
    EXPECT_GT(test::featureCount(dir.file("all/hotspots.gpkg"), "hotspot_cells"), significant);
    {
        // The zones are exactly the union of the cells with |bin| >= 2 (the default zone level),
        // each a valid polygon: the dissolve merges runs of cells into rectangles before GEOS, which
        // must change nothing.
        GDALAllRegister();
        GDALDatasetUniquePtr ds(GDALDataset::Open(dir.file("hotspots.gpkg").c_str(), GDAL_OF_VECTOR));
        ASSERT_TRUE(ds);
        OGRMultiPolygon cells, zones;
        for (auto& f : *ds->GetLayerByName("hotspot_cells"))
            if (std::abs(f->GetFieldAsInteger("gi_bin")) >= 2)
                for (const auto* part : *f->GetGeometryRef()->toMultiPolygon()) cells.addGeometry(part);
        double zoneArea = 0;
        for (auto& f : *ds->GetLayerByName("hotspot_zones")) {
            EXPECT_TRUE(f->GetGeometryRef()->IsValid()) << "zone " << f->GetFID();
            zoneArea += f->GetGeometryRef()->toMultiPolygon()->get_Area();
            for (const auto* part : *f->GetGeometryRef()->toMultiPolygon()) zones.addGeometry(part);
        }
        ASSERT_FALSE(cells.IsEmpty());
        auto areaOf = [](const OGRGeometry* g) {
            if (!g || g->IsEmpty()) return 0.0;
            const auto type = wkbFlatten(g->getGeometryType());
            return type == wkbPolygon ? g->toPolygon()->get_Area() : type == wkbMultiPolygon ? g->toMultiPolygon()->get_Area()
                                                                                             : 0.0;
        };
        std::unique_ptr<OGRGeometry> cellUnion(cells.UnionCascaded()), zoneUnion(zones.UnionCascaded());
        EXPECT_NEAR(zoneArea, areaOf(cellUnion.get()), 1e-3);
        std::unique_ptr<OGRGeometry> difference(cellUnion->SymDifference(zoneUnion.get()));
        EXPECT_LT(areaOf(difference.get()), 1e-3);
    }
    // Polygon mode with contiguity and distance band.
    auto areas = test::runCli({"gistar", geocodedSample(), "--group", "burglary", "-a", "priority=" + s + "/shapes/priority_areas.geojson",
                               "--weights", "distance:2500", "-o", dir.file("areas")});
    ASSERT_EQ(areas.exitCode, 0) << areas.err;
    auto rows = test::readCsvRows(dir.file("areas/gistar_areas.csv"));
    ASSERT_EQ(rows.size(), 11u);
    for (const auto& row : rows) EXPECT_FALSE(row.at("gi_z").empty() && row.at("neighbours") != "0");
    auto bad = test::runCli({"gistar", geocodedSample(), "-a", "priority=" + s + "/shapes/priority_areas.geojson", "--weights", "nearby", "-o", dir.path()});
    EXPECT_EQ(bad.exitCode, 2);
}

TEST(ChangeEmergingEvaluateCli, OutputsAndDefinitions) {
    test::TempDir dir;
    const std::string s = test::sourceDir();
    auto change = test::runCli({"change", geocodedSample(), "--group", "burglary", "--before", "2020", "--after", "2021", "--cell", "500",
                                "-a", "district=" + s + "/shapes/districts.geojson", "-o", dir.file("change")});
    ASSERT_EQ(change.exitCode, 0) << change.err;
    auto areas = test::readCsvRows(dir.file("change/change_areas.csv"));
    ASSERT_EQ(areas.size(), 2u);
    for (const auto& a : areas)
        if (a.at("area_name") == "Daventry & South Northants") { EXPECT_EQ(a.at("after"), "444"); }  // the seed's 444 burglaries
    auto emerging = test::runCli({"emerging", geocodedSample(), "--group", "asb", "--cell", "500", "--step", "quarter", "-o", dir.file("em")});
    ASSERT_EQ(emerging.exitCode, 0) << emerging.err;
    EXPECT_NE(emerging.err.find("12 steps of 3 month(s)"), std::string::npos) << emerging.err;
    auto classes = test::readCsvRows(dir.file("em/emerging.csv"));
    ASSERT_FALSE(classes.empty());
    int hot = 0;
    for (const auto& c : classes) hot += c.at("pattern").find("hot spot") != std::string::npos;
    EXPECT_GT(hot, 0);
    // The per-cell series: 12 quarterly rows per cell, counts adding up to the cell's total.
    auto series = test::readCsvRows(dir.file("em/emerging_series.csv"));
    ASSERT_FALSE(series.empty());
    std::map<std::string, double> sum;
    for (const auto& row : series) sum[row.at("cell_id")] += std::stod(row.at("incidents"));
    EXPECT_EQ(series.size(), sum.size() * 12);
    for (const auto& c : classes) EXPECT_EQ(sum[c.at("cell_id")], std::stod(c.at("incidents")));
    // The trend columns recomputed from the series' z values: S = sum of sign(z_j - z_i), i < j; its
    // variance n(n-1)(2n+5)/18 less the ties term; z continuity-corrected; p two-sided normal.
    std::map<std::string, std::vector<double>> zs;
    for (const auto& row : series) zs[row.at("cell_id")].push_back(std::stod(row.at("gi_z")));
    int checked = 0;
    for (const auto& c : classes) {
        const auto& z = zs[c.at("cell_id")];
        if (z.size() != 12 || c.at("trend_s").empty()) continue;
        double S = 0;
        std::map<double, int> ties;
        for (size_t i = 0; i < z.size(); ++i) {
            ++ties[z[i]];
            for (size_t j = i + 1; j < z.size(); ++j) S += (z[j] > z[i]) - (z[j] < z[i]);
        }
        const double n = 12;
        double var = n * (n - 1) * (2 * n + 5) / 18;
        for (const auto& [value, t] : ties) var -= t * (t - 1.0) * (2.0 * t + 5) / 18;
        const double zz = S > 0 ? (S - 1) / std::sqrt(var) : S < 0 ? (S + 1) / std::sqrt(var)
                                                                   : 0;
        EXPECT_EQ(std::stod(c.at("trend_s")), S) << c.at("cell_id");
        EXPECT_NEAR(std::stod(c.at("trend_variance")), var, 1e-3 * var);
        EXPECT_NEAR(std::stod(c.at("trend_z")), zz, 2e-3);
        EXPECT_NEAR(std::stod(c.at("trend_p")), std::erfc(std::abs(zz) / std::sqrt(2.0)), 2e-4);
        ++checked;
    }
    EXPECT_GT(checked, 10);
    // Fewer than 10 steps: warned (ArcGIS's minimum), not accepted silently.
    auto shortRun = test::runCli({"emerging", geocodedSample(), "--group", "asb", "--cell", "500", "--step", "quarter", "--months", "2020-01:2021-06",
                                  "-o", dir.file("em6")});
    ASSERT_EQ(shortRun.exitCode, 0) << shortRun.err;
    EXPECT_NE(shortRun.err.find("warning: 6 time steps"), std::string::npos) << shortRun.err;
    EXPECT_EQ(emerging.err.find("warning:"), std::string::npos) << emerging.err;
    auto eval = test::runCli({"evaluate", geocodedSample(), "--group", "burglary", "--fit", "2020", "--test", "2021", "--cell", "100",
                              "--bandwidth", "300", "--top", "1,5", "-o", dir.file("ev")});
    ASSERT_EQ(eval.exitCode, 0) << eval.err;
    EXPECT_NE(eval.err.find("PAI = (n/N)/(a/A)"), std::string::npos);  // the definition printed with the figures
    auto rows = test::readCsvRows(dir.file("ev/evaluation.csv"));
    ASSERT_EQ(rows.size(), 2u);
    for (const auto& row : rows) {
        const double pai = std::stod(row.at("pai"));
        EXPECT_NEAR(pai, std::stod(row.at("hit_rate")) / std::stod(row.at("area_share")), 0.001 * pai);
        EXPECT_NEAR(std::stod(row.at("rri")), pai / std::stod(row.at("pai_fit")), 0.002 * pai);
        EXPECT_GT(std::stod(row.at("pai")), 1.0);  // hotspots predict better than chance
    }
}

TEST(ReportCli, ReproducesTheSeedReportFiguresFromTheSample) {
    test::TempDir dir;
    const std::string s = test::sourceDir();
    auto r = test::runCli({"report", geocodedSample(), "--category-field", "force_category", "--by", "district=" + s + "/shapes/districts.geojson",
                           "--flag-field", "domestic_abuse_flag", "--to", "2021-12", "-o", dir.path()});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    std::map<std::string, std::map<std::string, std::string>> byKey;  // area|group|category -> row
    for (const auto& row : test::readCsvRows(dir.file("performance_report.csv")))
        byKey[row.at("area") + "|" + row.at("group") + "|" + row.at("category")] = row;
    auto& dsnTotal = byKey["Daventry & South Northants|all crime|"];
    EXPECT_EQ(dsnTotal.at("change_vs_previous_pct"), "-10.2");
    auto& dsnViolence = byKey["Daventry & South Northants|violence|"];
    EXPECT_EQ(dsnViolence.at("share_of_all_crime_pct"), "45.4");
    EXPECT_EQ(dsnViolence.at("change_vs_previous_pct"), "-8.6");
    EXPECT_EQ(dsnViolence.at("flagged_share_pct"), "36.4");
    EXPECT_EQ(dsnViolence.at("flagged_change_vs_previous_pct"), "-7.8");
    EXPECT_EQ(byKey["Daventry & South Northants|burglary|"].at("year to 2021-12"), "444");
    EXPECT_EQ(byKey["Daventry & South Northants|drugs|Drug possession"].at("change_vs_previous_pct"), "30.2");
    EXPECT_EQ(byKey["Northampton|all crime|"].at("change_vs_previous_pct"), "0.5");
    EXPECT_EQ(byKey["Northampton|violence|"].at("share_of_all_crime_pct"), "42.9");
    EXPECT_EQ(byKey["Northampton|violence|"].at("flagged_share_pct"), "32.2");
    EXPECT_EQ(byKey["Northampton|burglary|Burglary residential"].at("year to 2021-12"), "920");
    EXPECT_EQ(byKey["Northampton|burglary|Burglary residential"].at("year to 2019-12"), "1221");
    EXPECT_EQ(byKey["Northampton|burglary|Burglary business and community"].at("change_vs_previous_pct"), "-39.5");
    // The chart is a real PNG of a sensible size.
    Raster png = readRaster(dir.file("performance_northampton.png"));
    EXPECT_GT(png.cols, 500);
    EXPECT_GT(png.rows, 300);
    EXPECT_NE(test::readFile(dir.file("performance_report.md")).find("| **All crime** | 10900 | 10000 | 10050 | +0.5% |"), std::string::npos);
}

// Layers given with several -a are kept apart: each layer's rows equal a run with that layer alone
// (they were once merged under the first label, the second layer's areas showing 0 / 0).
TEST(ChangeCli, SeveralAreaLayersAreKeptApartAndMatchRunsWithEachAlone) {
    test::TempDir dir;
    const std::string s = test::sourceDir();
    const std::string district = "district=" + s + "/shapes/districts.geojson", priority = "priority=" + s + "/shapes/priority_areas.geojson";
    auto run = [&](const std::string& out, std::vector<std::string> layers) {
        std::vector<std::string> args = {"change", "-q", geocodedSample(), "--group", "burglary", "--before", "2020", "--after", "2021", "--cell", "500"};
        for (const auto& l : layers) args.insert(args.end(), {"-a", l});
        args.insert(args.end(), {"-o", dir.file(out)});
        const auto r = test::runCli(args);
        EXPECT_EQ(r.exitCode, 0) << r.err;
        std::map<std::string, std::string> rows;  // layer|code -> before/after
        for (const auto& row : test::readCsvRows(dir.file(out + "/change_areas.csv")))
            rows[row.at("layer") + "|" + row.at("area_code")] = row.at("before") + "/" + row.at("after");
        return rows;
    };
    const auto both = run("both", {district, priority});
    const auto d = run("d", {district}), p = run("p", {priority});
    EXPECT_EQ(both.size(), d.size() + p.size());
    for (const auto& [key, value] : d) EXPECT_EQ(both.at(key), value) << key;
    for (const auto& [key, value] : p) EXPECT_EQ(both.at(key), value) << key;
    int priorityWithCrime = 0;
    for (const auto& [key, value] : p) priorityWithCrime += key.rfind("priority|", 0) == 0 && value != "0/0";
    EXPECT_EQ(priorityWithCrime, 11);
    // Where one layer is read, two are refused rather than merged.
    const auto g = test::runCli({"gistar", "-q", geocodedSample(), "-a", district, "-a", priority, "-o", dir.file("g")});
    EXPECT_EQ(g.exitCode, 2) << g.err;
}

// Rows whose --category-field is empty (396 council ASB cases in the sample) were dropped without a
// word; now they are rejected into rejects.csv and the summary's counts add up.
TEST(ReportCli, RowsWithAnEmptyCategoryFieldAreRejectedAndTotalled) {
    test::TempDir dir;
    const std::string s = test::sourceDir();
    auto g = test::runCli({"geocode", "-q", s + "/data/police", s + "/data/council/asb_reports_2021.csv", "--columns",
                           "id=case_ref,date=date_reported,category=case_type,address=address", "-g", s + "/shapes/street_gazetteer.csv",
                           "--no-csv", "-o", dir.file("g")});
    ASSERT_EQ(g.exitCode, 0) << g.err;
    auto r = test::runCli({"report", dir.file("g/incidents.gpkg"), "--category-field", "force_category", "--by",
                           "district=" + s + "/shapes/districts.geojson", "--to", "2021-12", "-o", dir.file("r")});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    const auto rejects = test::readCsvRows(dir.file("r/rejects.csv"));
    ASSERT_EQ(rejects.size(), 396u);
    for (const auto& row : rejects) EXPECT_EQ(row.at("field"), "force_category");
    std::smatch m;
    ASSERT_TRUE(std::regex_search(r.err, m, std::regex(R"((\d+) input rows = (\d+) read \+ (\d+) rejected)"))) << r.err;
    EXPECT_EQ(std::stoll(m[1]), std::stoll(m[2]) + std::stoll(m[3]));
    EXPECT_EQ(m[3], "396");
    std::smatch used;
    ASSERT_TRUE(std::regex_search(r.err, used, std::regex(R"((\d+) incidents from \S+ to \S+ reported; (\d+) outside every area, (\d+) without)")));
    EXPECT_LE(std::stoll(used[1]) + std::stoll(used[2]) + std::stoll(used[3]), std::stoll(m[2]));
}

// gistar --clip: incidents inside the study area in a boundary cell whose centre is outside it were
// counted nowhere. Cells that share any part with the study area are now in the analysis, so the
// counts add up to "analysed".
TEST(GiStarCli, ClippedGridsCountEveryIncidentInsideTheStudyArea) {
    test::TempDir dir;
    // The study area: 450000..451000 x 250000..251000; 300 m cells aligned to multiples of 300, so the
    // eastern and northern cells (centres at 451050 / 251050) lie mostly outside.
    test::writeFile(dir.file("area.geojson"),
                    R"({"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::27700"}},"features":[)"
                    R"({"type":"Feature","properties":{"code":"A"},"geometry":{"type":"Polygon","coordinates":[[[450000,250000],[451000,250000],)"
                    R"([451000,251000],[450000,251000],[450000,250000]]]}}]})");
    std::string csv = "id,date,x,y,type\n";
    int n = 0;
    for (double x : {450150.0, 450450.0, 450750.0, 450950.0, 450990.0})
        for (double y : {250150.0, 250450.0, 250950.0, 250999.0}) csv += fmt::format("p{},2021-05-01,{},{},Burglary\n", n++, x, y);
    csv += "out1,2021-05-01,451100,250500,Burglary\n";  // outside the study area: excluded and reported
    test::writeFile(dir.file("points.csv"), csv);
    const auto r = test::runCli({"gistar", dir.file("points.csv"), "--columns", "id=id,date=date,x=x,y=y,category=type", "--srs", "EPSG:27700",
                                 "--cell", "300", "--study-area", "a=" + dir.file("area.geojson"), "--clip", "-o", dir.file("g")});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_NE(r.err.find("21 incidents read: 20 analysed"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("1 outside the study area"), std::string::npos) << r.err;
    const Raster counts = readRaster(dir.file("g/gistar_counts.tif"));
    double sum = 0;
    for (double v : counts.values)
        if (v != counts.nodata) sum += v;
    EXPECT_EQ(sum, 20);
}

// The minimal case of the counting defect: with 100 m hexagons, points near the grid's west and south
// edges were dropped or counted in a hexagon that does not hold them (change said 4 after, its cells 2).
TEST(ChangeCli, HexagonCellsHoldEveryIncident) {
    test::TempDir dir;
    test::writeFile(dir.file("p.csv"),
                    "id,date,x,y,type\na,2021-05-01,1005,1144,Burglary\nb,2021-05-01,1300,1010,Burglary\n"
                    "c,2021-05-01,1500,1500,Burglary\nd,2021-05-01,1450,1450,Burglary\n");
    const std::vector<std::string> input = {dir.file("p.csv"), "--columns", "id=id,date=date,x=x,y=y,category=type", "--srs", "EPSG:27700",
                                            "--cell", "100", "--shape", "hexagon"};
    auto args = std::vector<std::string>{"change"};
    args.insert(args.end(), input.begin(), input.end());
    args.insert(args.end(), {"--before", "2020", "--after", "2021", "-o", dir.file("c")});
    const auto r = test::runCli(args);
    ASSERT_EQ(r.exitCode, 0) << r.err;
    double after = 0;
    for (const auto& row : test::readCsvRows(dir.file("c/change_cells.csv"))) after += std::stod(row.at("after"));
    EXPECT_EQ(after, 4);
    args = {"gistar"};
    args.insert(args.end(), input.begin(), input.end());
    args.insert(args.end(), {"-o", dir.file("g")});
    const auto g = test::runCli(args);
    ASSERT_EQ(g.exitCode, 0) << g.err;
    GDALAllRegister();
    GDALDatasetUniquePtr ds(GDALDataset::Open(dir.file("g/hotspots.gpkg").c_str(), GDAL_OF_VECTOR));
    ASSERT_TRUE(ds);
    OGRLayer* cells = ds->GetLayerByName("hotspot_cells");
    ASSERT_TRUE(cells);
    double counted = 0;
    for (auto& f : *cells) counted += f->GetFieldAsDouble("incidents");
    EXPECT_EQ(counted, 4);
}

// Dual KDE: a floor under the denominator (1 % of its mean by default), units named per mode, and
// "difference" as a difference of shares (it integrates to 0 when the grid holds both surfaces).
TEST(DensityCli, DualKdeHasADenominatorFloorAndUnitsPerMode) {
    test::TempDir dir;
    std::string households = "id,x,y,n\n", crimes = "id,date,x,y,type\n";
    for (int i = 0; i < 100; ++i) households += fmt::format("h{},{},{},10\n", i, 450400 + (i % 10) * 20, 250400 + (i / 10) * 20);
    households += "far,452000,250500,1\n";  // one household far from the rest
    for (int i = 0; i < 20; ++i) crimes += fmt::format("c{},2021-03-01,{},{},Burglary\n", i, 450420 + (i % 5) * 30, 250420 + (i / 5) * 40);
    for (int i = 0; i < 5; ++i) crimes += fmt::format("f{},2021-03-01,{},{},Burglary\n", i, 451980 + i * 10, 250500);
    test::writeFile(dir.file("households.csv"), households);
    test::writeFile(dir.file("crimes.csv"), crimes);
    auto run = [&](const std::string& out, std::vector<std::string> extra) {
        std::vector<std::string> args = {"density", dir.file("crimes.csv"), "--columns", "id=id,date=date,x=x,y=y,category=type", "--srs",
                                         "EPSG:27700", "--cell", "50", "--bandwidth", "300", "--denominator", dir.file("households.csv"),
                                         "--denominator-columns", "id=id,x=x,y=y,weight=n", "-o", dir.file(out)};
        args.insert(args.end(), extra.begin(), extra.end());
        return test::runCli(args);
    };
    auto maxValue = [](const Raster& r) {
        double m = -1e300;
        for (double v : r.values)
            if (v != r.nodata) m = std::max(m, v);
        return m;
    };
    const auto floored = run("f", {});
    ASSERT_EQ(floored.exitCode, 0) << floored.err;
    std::smatch below;
    ASSERT_TRUE(std::regex_search(floored.err, below, std::regex(R"((\d+) cells below the minimum denominator density)"))) << floored.err;
    EXPECT_GT(std::stoi(below[1]), 0);
    const auto open = run("o", {"--min-denominator", "0"});
    ASSERT_EQ(open.exitCode, 0) << open.err;
    const Raster withFloor = readRaster(dir.file("f/risk.tif")), without = readRaster(dir.file("o/risk.tif"));
    EXPECT_LT(maxValue(withFloor), maxValue(without));  // the thin edges no longer give the largest "rates"
    EXPECT_EQ(withFloor.metadata.at("HOTSPOT_UNITS"), "incidents per 1000 denominator units");
    EXPECT_NE(withFloor.metadata.count("HOTSPOT_MIN_DENOMINATOR"), 0u);
    const auto diff = run("d", {"--dual", "difference"});
    ASSERT_EQ(diff.exitCode, 0) << diff.err;
    const Raster d = readRaster(dir.file("d/risk.tif"));
    EXPECT_NE(d.metadata.at("HOTSPOT_UNITS").find("difference of shares per km2"), std::string::npos);
    EXPECT_EQ(d.metadata.count("HOTSPOT_ZERO_DENOMINATOR"), 0u);  // a difference has no zero-denominator rule
    double integral = 0;
    for (double v : d.values)
        if (v != d.nodata) integral += v * 0.05 * 0.05;  // per km2 x cell area in km2
    EXPECT_NEAR(integral, 0.0, 0.02);
}
