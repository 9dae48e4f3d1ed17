#include <gtest/gtest.h>

#include <cmath>

#include "hotspot/area_layer.hpp"
#include "hotspot/error.hpp"
#include "test_support.hpp"

using namespace hotspot;

namespace {

std::string bngCollection(const std::string& features) {
    return R"({"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::27700"}},"features":[)" +
           features + "]}";
}

std::string square(const char* code, const char* name, double x0, double y0, double size) {
    char buf[512];
    std::snprintf(buf, sizeof buf,
                  R"({"type":"Feature","properties":{"code":"%s","name":"%s"},"geometry":{"type":"Polygon","coordinates":[[[%g,%g],[%g,%g],[%g,%g],[%g,%g],[%g,%g]]]}})",
                  code, name, x0, y0, x0 + size, y0, x0 + size, y0 + size, x0, y0 + size, x0, y0);
    return buf;
}

}  // namespace

// Two squares side by side, sharing the edge x = 1000:
//
//   y=1000 +-------+-------+
//          |   A   |   B   |
//   y=0    +-------+-------+
//          0     1000    2000
TEST(AreaLayer, SharedEdgePointsGoToTheFirstPolygonInLayerOrderExactlyOnce) {
    test::TempDir dir;
    test::writeFile(dir.file("sq.geojson"), bngCollection(square("A", "West", 0, 0, 1000) + "," + square("B", "East", 1000, 0, 1000)));
    AreaLayer layer = AreaLayer::load(AreaLayerSpec::parse("sq=" + dir.file("sq.geojson")), "EPSG:27700");
    ASSERT_EQ(layer.size(), 2u);
    EXPECT_EQ(layer.code(0), "A");
    EXPECT_EQ(layer.name(1), "East");
    EXPECT_EQ(layer.assignPoint(500, 500), 0);
    EXPECT_EQ(layer.assignPoint(1500, 500), 1);
    EXPECT_EQ(layer.assignPoint(1000, 500), 0);   // on the shared edge: first polygon
    EXPECT_EQ(layer.assignPoint(1000, 1000), 0);  // shared corner
    EXPECT_EQ(layer.assignPoint(2000, 500), 1);   // outer edge belongs to its only polygon
    EXPECT_EQ(layer.assignPoint(2500, 500), -1);  // outside: flagged, not dropped
    EXPECT_EQ(layer.assignPoint(NAN, 500), -1);
    EXPECT_DOUBLE_EQ(layer.areaSquareMetres(0), 1e6);
}

TEST(AreaLayer, BulkAssignmentOnAllThreadsAgreesWithSinglePoints) {
    test::TempDir dir;
    std::string features;
    for (int i = 0; i < 10; ++i)
        for (int j = 0; j < 10; ++j) {
            if (!features.empty()) features += ",";
            features += square(("C" + std::to_string(i * 10 + j)).c_str(), "cell", i * 100.0, j * 100.0, 100);
        }
    test::writeFile(dir.file("grid.geojson"), bngCollection(features));
    AreaLayer layer = AreaLayer::load(AreaLayerSpec::parse(dir.file("grid.geojson")), "EPSG:27700");
    EXPECT_EQ(layer.label(), "grid");
    std::vector<double> xs, ys;
    for (int k = 0; k < 100000; ++k) {
        xs.push_back(std::fmod(k * 7.31, 1100.0) - 50);
        ys.push_back(std::fmod(k * 3.17, 1100.0) - 50);
    }
    std::vector<int32_t> out(xs.size());
    layer.assign(xs.data(), ys.data(), xs.size(), out.data());
    for (size_t k = 0; k < xs.size(); k += 997) {
        int32_t expected = -1;
        if (xs[k] >= 0 && xs[k] <= 1000 && ys[k] >= 0 && ys[k] <= 1000) {
            int i = std::min(9, static_cast<int>(xs[k] / 100)), j = std::min(9, static_cast<int>(ys[k] / 100));
            // A point on an internal edge goes to the lower cell index; interior points to their own cell.
            if (std::fmod(xs[k], 100.0) == 0 && i > 0) --i;
            if (std::fmod(ys[k], 100.0) == 0 && j > 0) --j;
            expected = i * 10 + j;
        }
        EXPECT_EQ(out[k], expected) << xs[k] << "," << ys[k];
        EXPECT_EQ(out[k], layer.assignPoint(xs[k], ys[k]));
    }
}

TEST(AreaLayer, InvalidPolygonsAreRepairedAndReported) {
    test::TempDir dir;
    // A bow-tie (self-intersecting) polygon: MakeValid turns it into two triangles.
    std::string bowtie =
        R"({"type":"Feature","properties":{"code":"BT","name":"Bowtie"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[100,100],[100,0],[0,100],[0,0]]]}})";
    test::writeFile(dir.file("bt.geojson"), bngCollection(bowtie));
    AreaLayer layer = AreaLayer::load(AreaLayerSpec::parse(dir.file("bt.geojson")), "EPSG:27700");
    ASSERT_EQ(layer.notes().size(), 1u);
    EXPECT_NE(layer.notes()[0].find("repaired with GEOS MakeValid"), std::string::npos);
    EXPECT_NE(layer.notes()[0].find("Self-intersection"), std::string::npos) << layer.notes()[0];
    EXPECT_EQ(layer.assignPoint(10, 50), 0);   // left triangle
    EXPECT_EQ(layer.assignPoint(50, 10), -1);  // bottom gap between the triangles
    EXPECT_NEAR(layer.areaSquareMetres(0), 5000, 1e-6);
}

TEST(AreaLayer, LayerInAnotherCrsIsTransformed) {
    test::TempDir dir;
    // A small lon/lat box around the known Northampton point (GeoJSON default CRS is WGS84).
    test::writeFile(dir.file("ll.geojson"),
                    R"({"type":"FeatureCollection","features":[{"type":"Feature","properties":{"LSOA11CD":"E01000001","LSOA11NM":"Test 001A"},)"
                    R"("geometry":{"type":"Polygon","coordinates":[[[-0.90,52.23],[-0.88,52.23],[-0.88,52.25],[-0.90,52.25],[-0.90,52.23]]]}}]})");
    AreaLayer layer = AreaLayer::load(AreaLayerSpec::parse("lsoa=" + dir.file("ll.geojson")), "EPSG:27700");
    EXPECT_EQ(layer.codeField(), "LSOA11CD");  // ONS naming convention detected
    EXPECT_EQ(layer.nameField(), "LSOA11NM");
    EXPECT_EQ(layer.code(0), "E01000001");
    EXPECT_EQ(layer.assignPoint(475714, 260834), 0);
    EXPECT_EQ(layer.assignPoint(470000, 260834), -1);
}

TEST(AreaLayer, NotPolygonsNoCrsAndMissingFilesAreInputErrors) {
    test::TempDir dir;
    test::writeFile(dir.file("lines.geojson"),
                    bngCollection(R"({"type":"Feature","properties":{"code":"L"},"geometry":{"type":"LineString","coordinates":[[0,0],[1,1]]}})"));
    try {
        AreaLayer::load(AreaLayerSpec::parse(dir.file("lines.geojson")), "EPSG:27700");
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::Input);
        EXPECT_NE(std::string(e.what()).find("not a polygon layer"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("Line String"), std::string::npos) << e.what();
    }
    test::writeFile(dir.file("nocrs.csv"), "code,WKT\nA,\"POLYGON((0 0,1 0,1 1,0 1,0 0))\"\n");
    try {
        AreaLayer::load(AreaLayerSpec::parse(dir.file("nocrs.csv")), "EPSG:27700");
        FAIL();
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("no coordinate reference system"), std::string::npos) << e.what();
    }
    AreaLayerSpec withSrs = AreaLayerSpec::parse(dir.file("nocrs.csv"));
    withSrs.srs = "EPSG:27700";
    EXPECT_EQ(AreaLayer::load(withSrs, "EPSG:27700").assignPoint(0.5, 0.5), 0);
    EXPECT_THROW(AreaLayer::load(AreaLayerSpec::parse(dir.file("missing.gpkg")), "EPSG:27700"), Error);
    test::writeFile(dir.file("fake.gpkg"), "this is not a geopackage");
    EXPECT_THROW(AreaLayer::load(AreaLayerSpec::parse(dir.file("fake.gpkg")), "EPSG:27700"), Error);
}

TEST(AreaLayerSpec, ParsesLabelPathAndLayer) {
    AreaLayerSpec a = AreaLayerSpec::parse("priority=shapes/x.gpkg:priority_areas");
    EXPECT_EQ(a.label, "priority");
    EXPECT_EQ(a.path, "shapes/x.gpkg");
    EXPECT_EQ(a.layer, "priority_areas");
    AreaLayerSpec pg = AreaLayerSpec::parse("wards=PG:host=/tmp dbname=csp|layername=hotspot.wards");
    EXPECT_EQ(pg.label, "wards");
    EXPECT_EQ(pg.path, "PG:host=/tmp dbname=csp");
    EXPECT_EQ(pg.layer, "hotspot.wards");
    AreaLayerSpec b = AreaLayerSpec::parse("shapes/districts.geojson");
    EXPECT_EQ(b.label, "districts");
    EXPECT_EQ(b.layer, "");
}

namespace {
std::string joinedNotes(const AreaLayer& layer) {
    std::string all;
    for (const auto& n : layer.notes()) all += n + "\n";
    return all;
}
}  // namespace

TEST(AreaLayer, DuplicateCodesAndOverlappingPolygonsAreReportedWithTheFirstCodes) {
    test::TempDir dir;
    // A twice (apart), B overlapping the first A by 50 m, C touching B only along an edge.
    test::writeFile(dir.file("a.geojson"), bngCollection(square("A", "a", 0, 0, 100) + "," + square("A", "a2", 500, 0, 100) + "," +
                                                         square("B", "b", 50, 0, 100) + "," + square("C", "c", 150, 0, 100)));
    AreaLayer layer = AreaLayer::load(AreaLayerSpec::parse(dir.file("a.geojson")), "EPSG:27700");
    const std::string notes = joinedNotes(layer);
    EXPECT_NE(notes.find("1 area codes are used by more than one polygon: A (2x)"), std::string::npos) << notes;
    EXPECT_NE(notes.find("1 pairs of polygons overlap"), std::string::npos) << notes;
    EXPECT_NE(notes.find("A / B"), std::string::npos) << notes;
    EXPECT_EQ(notes.find("B / C"), std::string::npos) << notes;  // touching is not overlapping
    // A clean layer says nothing.
    test::writeFile(dir.file("clean.geojson"), bngCollection(square("A", "a", 0, 0, 100) + "," + square("B", "b", 100, 0, 100)));
    EXPECT_TRUE(AreaLayer::load(AreaLayerSpec::parse(dir.file("clean.geojson")), "EPSG:27700").notes().empty());
}

TEST(AreaLayer, ALayerWithoutCrsTakesTheSrsGivenForItAndAColonInAPathIsKept) {
    test::TempDir dir;
    const std::string noCrs = R"({"type":"FeatureCollection","features":[)" + square("A", "a", 450000, 260000, 1000) + "]}";
    test::writeFile(dir.file("bng.geojson"), noCrs);
    // A GeoJSON without a crs member is WGS84 by the RFC: BNG metres there are refused as out of range or
    // misplaced; with |srs=EPSG:27700 the polygon lands where it is.
    AreaLayer layer = AreaLayer::load(AreaLayerSpec::parse("a=" + dir.file("bng.geojson") + "|srs=EPSG:27700"), "EPSG:27700");
    EXPECT_EQ(layer.assignPoint(450500, 260500), 0);
    // A file name with a colon is a path, not PATH:LAYER.
    test::writeFile(dir.file("areas:2021.geojson"), bngCollection(square("A", "a", 0, 0, 100)));
    const AreaLayerSpec spec = AreaLayerSpec::parse("x=" + dir.file("areas:2021.geojson"));
    EXPECT_EQ(spec.path, dir.file("areas:2021.geojson"));
    EXPECT_TRUE(spec.layer.empty());
    EXPECT_EQ(AreaLayer::load(spec, "EPSG:27700").size(), 1u);
    EXPECT_THROW(AreaLayerSpec::parse("x=a.gpkg|colour=red"), Error);
}

TEST(AreaLayer, AGeoPackageWithSeveralPolygonLayersNeedsOneNamed) {
    test::TempDir dir;
    test::writeFile(dir.file("a.geojson"), bngCollection(square("A", "a", 0, 0, 100)));
    test::writeFile(dir.file("b.geojson"), bngCollection(square("B", "b", 0, 0, 100)));
    const std::string gpkg = dir.file("two.gpkg");
    ASSERT_EQ(test::runProgram("/usr/bin/ogr2ogr", {"-f", "GPKG", gpkg, dir.file("a.geojson"), "-nln", "wards"}).exitCode, 0);
    ASSERT_EQ(test::runProgram("/usr/bin/ogr2ogr", {"-update", gpkg, dir.file("b.geojson"), "-nln", "lsoa"}).exitCode, 0);
    try {
        AreaLayer::load(AreaLayerSpec::parse(gpkg), "EPSG:27700");
        FAIL() << "a layer was guessed";
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::Input);
        EXPECT_NE(std::string(e.what()).find("2 polygon layers (wards, lsoa)"), std::string::npos) << e.what();
    }
    EXPECT_EQ(AreaLayer::load(AreaLayerSpec::parse(gpkg + ":lsoa"), "EPSG:27700").code(0), "B");
}
