// Inputs in memory (issue 18): incidents as arrays and areas as WKT/WKB give the same results as
// the same data read from files, with the same accounting.
#include <gtest/gtest.h>

#include <cmath>
#include <fmt/format.h>
#include <memory>
#include <random>

#include "hotspot/analysis_run.hpp"
#include "hotspot/area_layer.hpp"
#include "hotspot/error.hpp"
#include "hotspot/progress.hpp"
#include "test_support.hpp"

using namespace hotspot;

namespace {

// 400 points in two clusters over a 2 x 2 km square (British National Grid), two categories.
IncidentArrays somePoints() {
    IncidentArrays a;
    std::mt19937 rng(7);
    std::normal_distribution<double> spread(0, 120);
    for (int i = 0; i < 400; ++i) {
        const bool first = i % 3 != 0;
        a.x.push_back((first ? 451000 : 452200) + spread(rng));
        a.y.push_back((first ? 261000 : 261800) + spread(rng));
        a.month.push_back(makeMonth(2021, 1 + i % 12));
        a.category.push_back(i % 2 ? "Burglary" : "Anti-social behaviour");
    }
    return a;
}

std::string asCsv(const IncidentArrays& a) {
    std::string csv = "x,y,month,category\n";
    for (size_t i = 0; i < a.x.size(); ++i) csv += fmt::format("{:.17g},{:.17g},{},{}\n", a.x[i], a.y[i], formatMonth(a.month[i]), a.category[i]);
    return csv;
}

DensityOptions densityOptions() {
    DensityOptions o;
    o.input.ingest.categories = &test::defaultCategories();
    o.input.ingest.mapping = ColumnMapping::parse("x=x,y=y,month=month,category=category");
    o.input.ingest.mapping.srs = "EPSG:27700";
    o.grid.cellSize = 100;
    o.kde.bandwidth = 300;
    return o;
}

const char* kSquare = "POLYGON((450500 260500, 451600 260500, 451600 261600, 450500 261600, 450500 260500))";

}  // namespace

TEST(InMemory, IncidentArraysGiveTheSameDensityAndGiStarAsTheSameRowsReadFromAFile) {
    test::TempDir dir;
    const IncidentArrays points = somePoints();
    test::writeFile(dir.file("points.csv"), asCsv(points));
    Progress quiet;
    DensityOptions fromFile = densityOptions();
    fromFile.input.inputs = {dir.file("points.csv")};
    fromFile.input.groups = {"burglary"};
    DensityOptions fromMemory = fromFile;
    fromMemory.input.inputs.clear();
    fromMemory.input.points = std::make_shared<const IncidentArrays>(points);
    const DensityResult a = computeDensity(fromFile, quiet), b = computeDensity(fromMemory, quiet);
    ASSERT_EQ(a.density.values.size(), b.density.values.size());
    EXPECT_EQ(a.density.geotransform(), b.density.geotransform());
    for (size_t k = 0; k < a.density.values.size(); ++k) {
        EXPECT_DOUBLE_EQ(a.counts.values[k], b.counts.values[k]) << k;
        EXPECT_NEAR(a.density.values[k], b.density.values[k], 1e-12 * (1 + std::abs(a.density.values[k]))) << k;
    }
    EXPECT_EQ(a.ledger.counted, 200);  // the burglaries only
    EXPECT_EQ(b.ledger.counted, 200);
    EXPECT_TRUE(b.ledger.balances()) << b.ledger.format();

    GiStarRunOptions gi;
    gi.input = fromMemory.input;
    gi.grid.cellSize = 200;
    const GiStarGridResult g = computeGiStar(gi, quiet);
    gi.input = fromFile.input;
    const GiStarGridResult f = computeGiStar(gi, quiet);
    ASSERT_EQ(g.z.values.size(), f.z.values.size());
    for (size_t k = 0; k < g.z.values.size(); ++k)
        if (std::isfinite(f.z.values[k])) {
            EXPECT_NEAR(g.z.values[k], f.z.values[k], 1e-12) << k;
        }
    EXPECT_EQ(g.bin, f.bin);
}

TEST(InMemory, UnusableRowsAreRejectedAndCountedAndMismatchedColumnsRefused) {
    Progress quiet;
    IncidentArrays points = somePoints();
    points.x[3] = NAN;
    points.y[10] = INFINITY;
    DensityOptions o = densityOptions();
    o.input.points = std::make_shared<const IncidentArrays>(points);
    const DensityResult r = computeDensity(o, quiet);
    EXPECT_EQ(r.ledger.read, 400);
    EXPECT_EQ(r.ledger.counted, 398);  // both groups
    EXPECT_TRUE(r.ledger.balances()) << r.ledger.format();
    points.month.pop_back();
    o.input.points = std::make_shared<const IncidentArrays>(points);
    try {
        computeDensity(o, quiet);
        ADD_FAILURE() << "399 months for 400 points accepted";
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::Usage);
        EXPECT_EQ(e.context().field, "month");
    }
    o.input.inputs = {"somewhere.csv"};
    EXPECT_THROW(computeDensity(o, quiet), Error);  // files and arrays at once: which one?
}

TEST(InMemory, AreasFromWktAndWkbAssignLikeTheSameLayerFromAFileAndRefuseNonPolygons) {
    const AreaLayer layer = AreaLayer::fromFeatures(
        "priority", {{"A", "West square", {}, kSquare}, {"B", "", {}, "POLYGON((451600 260500, 452700 260500, 452700 261600, 451600 261600, 451600 260500))"}});
    ASSERT_EQ(layer.size(), 2u);
    EXPECT_EQ(layer.name(0), "West square");
    EXPECT_EQ(layer.name(1), "B");  // no name: the code
    EXPECT_EQ(layer.assignPoint(451000, 261000), 0);
    EXPECT_EQ(layer.assignPoint(452000, 261000), 1);
    EXPECT_EQ(layer.assignPoint(451600, 261000), 0);  // the shared edge: the first polygon
    EXPECT_EQ(layer.assignPoint(449000, 261000), -1);
    EXPECT_NEAR(layer.areaSquareMetres(0), 1100.0 * 1100.0, 1e-6);
    // WKB round trip: the layer's own WKB makes the same polygon.
    const AreaLayer again = AreaLayer::fromFeatures("again", {{"A", "", layer.wkb(0), ""}});
    EXPECT_NEAR(again.areaSquareMetres(0), layer.areaSquareMetres(0), 1e-6);
    // A bow tie is repaired (and said so); a line is refused naming the area.
    const AreaLayer repaired = AreaLayer::fromFeatures("bowtie", {{"X", "", {}, "POLYGON((0 0, 10 10, 10 0, 0 10, 0 0))"}});
    ASSERT_FALSE(repaired.notes().empty());
    EXPECT_NE(repaired.notes()[0].find("MakeValid"), std::string::npos) << repaired.notes()[0];
    try {
        AreaLayer::fromFeatures("mixed", {{"A", "", {}, kSquare}, {"L", "", {}, "LINESTRING(0 0, 1 1)"}});
        ADD_FAILURE() << "a line accepted as an area";
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::Input);
        EXPECT_EQ(e.context().line, 2);
        EXPECT_NE(std::string(e.what()).find("not a polygon"), std::string::npos) << e.what();
    }
    EXPECT_THROW(AreaLayer::fromFeatures("broken", {{"A", "", {}, "POLYGON((0 0, 1"}}), Error);
}

TEST(InMemory, AStudyAreaInMemoryClipsLikeTheSameAreaFromAFile) {
    test::TempDir dir;
    test::writeFile(dir.file("study.csv"), std::string("id,WKT\n1,\"") + kSquare + "\"\n");
    Progress quiet;
    DensityOptions o = densityOptions();
    o.input.points = std::make_shared<const IncidentArrays>(somePoints());
    o.input.studyArea = {AreaLayerSpec::parse("study=" + dir.file("study.csv"))};
    o.input.studyArea[0].srs = "EPSG:27700";
    o.grid.clip = true;
    const DensityResult fromFile = computeDensity(o, quiet);
    o.input.studyArea.clear();
    o.input.studyAreaLayer = std::make_shared<const AreaLayer>(AreaLayer::fromFeatures("study", {{"1", "", {}, kSquare}}));
    const DensityResult inMemory = computeDensity(o, quiet);
    EXPECT_EQ(fromFile.ledger.counted, inMemory.ledger.counted);
    EXPECT_LT(inMemory.ledger.counted, 400);  // the second cluster is outside the square
    EXPECT_GT(inMemory.ledger.counted, 100);
    ASSERT_EQ(fromFile.counts.values.size(), inMemory.counts.values.size());
    for (size_t k = 0; k < inMemory.counts.values.size(); ++k)
        EXPECT_EQ(std::isnan(fromFile.counts.values[k]), std::isnan(inMemory.counts.values[k])) << k;
}
