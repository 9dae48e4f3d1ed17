// The bulk-built GeoPackage R-tree (io/gpkg_rtree.hpp) against SQLite's own consistency check,
// GDAL's spatial filter, a brute-force search, and the index GDAL builds for the same rows.

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <iomanip>
#include <map>
#include <set>
#include <string>
#include <tuple>

#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include "hotspot/error.hpp"
#include "io/gpkg_rtree.hpp"
#include "test_support.hpp"

using namespace hotspot;

namespace {

uint64_t lcgState = 99;
double uniform() {
    lcgState = lcgState * 6364136223846793005ull + 1442695040888963407ull;
    return static_cast<double>(lcgState >> 11) * 0x1.0p-53;
}

// Layer "points": 5,000 clustered points (a tree three levels deep at 51 cells a node), one
// empty point and one NULL geometry. Layer "shapes": a few polygons and lines (their envelopes come
// from the blob header) with FIDs 10, 10,000 and 10,000,000. Layer "empty": no rows.
void writeLayers(const std::string& path, bool spatialIndex) {
    GDALAllRegister();
    GDALDriver* driver = GetGDALDriverManager()->GetDriverByName("GPKG");
    GDALDatasetUniquePtr ds(driver->Create(path.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
    ASSERT_TRUE(ds);
    OGRSpatialReference bng;
    bng.importFromEPSG(27700);
    const char* options[] = {spatialIndex ? "SPATIAL_INDEX=YES" : "SPATIAL_INDEX=NO", nullptr};
    lcgState = 99;
    OGRLayer* points = ds->CreateLayer("points", &bng, wkbPoint, const_cast<char**>(options));
    for (int i = 0; i < 5000; ++i) {
        OGRFeature f(points->GetLayerDefn());
        const double cx = 440000 + 20000 * std::floor(uniform() * 4), cy = 250000 + 20000 * std::floor(uniform() * 4);
        OGRPoint p(cx + 3000 * (uniform() - 0.5) + 0.123456789, cy + 3000 * (uniform() - 0.5) + 0.987654321);
        f.SetGeometry(&p);
        ASSERT_EQ(points->CreateFeature(&f), OGRERR_NONE);
    }
    {
        OGRFeature empty(points->GetLayerDefn());
        OGRPoint nothing;
        empty.SetGeometry(&nothing);
        ASSERT_EQ(points->CreateFeature(&empty), OGRERR_NONE);
        OGRFeature null(points->GetLayerDefn());
        ASSERT_EQ(points->CreateFeature(&null), OGRERR_NONE);
    }
    OGRLayer* shapes = ds->CreateLayer("shapes", &bng, wkbUnknown, const_cast<char**>(options));
    GIntBig sparseFid = 10;  // far-apart FIDs: the builder's sparse-id path
    for (const char* wkt : {"POLYGON ((450000 250000, 451000 250000, 451000 252500.5, 450000 250000))",
                            "LINESTRING (455000.25 260000, 457000 261000, 456000 263000.75)",
                            "MULTIPOLYGON (((460000 270000, 460100 270000, 460100 270100, 460000 270000)), ((470000 280000, 470100 280000, 470000 280100, 470000 280000)))"}) {
        OGRFeature f(shapes->GetLayerDefn());
        OGRGeometry* g = nullptr;
        ASSERT_EQ(OGRGeometryFactory::createFromWkt(wkt, nullptr, &g), OGRERR_NONE);
        f.SetGeometryDirectly(g);
        f.SetFID(sparseFid);
        sparseFid *= 1000;
        ASSERT_EQ(shapes->CreateFeature(&f), OGRERR_NONE);
    }
    ds->CreateLayer("empty", &bng, wkbPoint, const_cast<char**>(options));
}

std::string sqlValue(GDALDataset& ds, const std::string& sql) {
    OGRLayer* rs = ds.ExecuteSQL(sql.c_str(), nullptr, nullptr);
    if (!rs) return "<no result>";
    std::string value;
    if (OGRFeature* f = rs->GetNextFeature()) {
        value = f->GetFieldAsString(0);
        OGRFeature::DestroyFeature(f);
    }
    ds.ReleaseResultSet(rs);
    return value;
}

using Entry = std::tuple<double, double, double, double>;
std::map<int64_t, Entry> indexEntries(GDALDataset& ds, const std::string& rtree) {
    std::map<int64_t, Entry> out;
    OGRLayer* rs = ds.ExecuteSQL(("SELECT id, minx, maxx, miny, maxy FROM " + rtree).c_str(), nullptr, nullptr);
    for (auto& f : *rs) out[f->GetFieldAsInteger64(0)] = {f->GetFieldAsDouble(1), f->GetFieldAsDouble(2), f->GetFieldAsDouble(3), f->GetFieldAsDouble(4)};
    ds.ReleaseResultSet(rs);
    return out;
}

std::set<int64_t> filtered(OGRLayer* layer, double minX, double minY, double maxX, double maxY) {
    layer->SetSpatialFilterRect(minX, minY, maxX, maxY);
    std::set<int64_t> ids;
    for (auto& f : *layer) ids.insert(f->GetFID());
    layer->SetSpatialFilter(nullptr);
    return ids;
}

}  // namespace

TEST(GeoPackageRtree, PackedIndexPassesSqliteCheckAndFindsWhatABruteForceSearchFinds) {
    test::TempDir dir;
    const std::string path = dir.file("layers.gpkg");
    writeLayers(path, false);
    EXPECT_EQ(addGeoPackageSpatialIndexes(path), 3);
    EXPECT_EQ(addGeoPackageSpatialIndexes(path), 0);  // already indexed: nothing to do

    GDALDatasetUniquePtr ds(GDALDataset::Open(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_UPDATE));
    ASSERT_TRUE(ds);
    for (const char* layer : {"points", "shapes", "empty"}) {
        const std::string rtree = std::string("rtree_") + layer + "_geom";
        EXPECT_EQ(sqlValue(*ds, "SELECT rtreecheck('" + rtree + "')"), "ok") << layer;
        EXPECT_EQ(sqlValue(*ds, std::string("SELECT HasSpatialIndex('") + layer + "', 'geom')"), "1") << layer;
    }
    EXPECT_EQ(sqlValue(*ds, "SELECT count(*) FROM rtree_points_geom"), "5000");  // not the empty point nor the NULL
    EXPECT_EQ(sqlValue(*ds, "SELECT count(*) FROM rtree_shapes_geom"), "3");
    EXPECT_EQ(sqlValue(*ds, "SELECT group_concat(id) FROM (SELECT id FROM rtree_shapes_geom ORDER BY id)"), "10,10000,10000000");
    // Sort-tile-recursive at 51 cells a node: 10 slices of 500 points, 10 leaves each, then 2
    // nodes, then the root.
    EXPECT_EQ(sqlValue(*ds, "SELECT count(*) FROM rtree_points_geom_node"), "103");

    OGRLayer* points = ds->GetLayerByName("points");
    std::map<int64_t, std::pair<double, double>> xy;
    for (auto& f : *points)
        if (const auto* p = dynamic_cast<const OGRPoint*>(f->GetGeometryRef()); p && !p->IsEmpty()) xy[f->GetFID()] = {p->getX(), p->getY()};
    lcgState = 7;
    for (int q = 0; q < 25; ++q) {
        const double x0 = 435000 + 80000 * uniform(), y0 = 245000 + 80000 * uniform(), side = 500 + 8000 * uniform();
        std::set<int64_t> expected;
        for (const auto& [fid, p] : xy)
            if (p.first >= x0 && p.first <= x0 + side && p.second >= y0 && p.second <= y0 + side) expected.insert(fid);
        EXPECT_EQ(filtered(points, x0, y0, x0 + side, y0 + side), expected) << "query " << q;
    }
    // Every stored box contains its point, and is at most one float step wider.
    for (const auto& [id, box] : indexEntries(*ds, "rtree_points_geom")) {
        const auto [minX, maxX, minY, maxY] = box;
        const auto [x, y] = xy.at(id);
        EXPECT_TRUE(minX <= x && x <= maxX && minY <= y && y <= maxY) << id;
        EXPECT_LE(maxX - minX, 0.07) << id;  // float spacing near 5e5 is 0.03125
    }
    OGRLayer* shapes = ds->GetLayerByName("shapes");

    EXPECT_EQ(filtered(shapes, 455990, 260490, 456010, 260510).size(), 1u);  // on the line's first segment
    EXPECT_EQ(filtered(shapes, 470010, 280010, 470020, 280020).size(), 1u);  // inside the multipolygon's second part
    EXPECT_EQ(filtered(shapes, 465000, 275000, 465010, 275010).size(), 0u);  // between the parts

    // Later edits go through the triggers: a new point is found, a deleted one is gone.
    OGRFeature added(points->GetLayerDefn());
    OGRPoint far(500000, 300000);
    added.SetGeometry(&far);
    ASSERT_EQ(points->CreateFeature(&added), OGRERR_NONE);
    EXPECT_EQ(filtered(points, 499999, 299999, 500001, 300001).size(), 1u);
    ASSERT_EQ(points->DeleteFeature(xy.begin()->first), OGRERR_NONE);
    EXPECT_EQ(sqlValue(*ds, "SELECT rtreecheck('rtree_points_geom')"), "ok");
    EXPECT_EQ(sqlValue(*ds, "SELECT count(*) FROM rtree_points_geom"), "5000");
}

// The same rows indexed by GDAL itself give the same ids and the same stored boxes.
TEST(GeoPackageRtree, SameEntriesAsTheIndexGdalBuilds) {
    test::TempDir dir;
    writeLayers(dir.file("ours.gpkg"), false);
    addGeoPackageSpatialIndexes(dir.file("ours.gpkg"));
    writeLayers(dir.file("gdal.gpkg"), true);
    GDALDatasetUniquePtr ours(GDALDataset::Open(dir.file("ours.gpkg").c_str(), GDAL_OF_VECTOR));
    GDALDatasetUniquePtr theirs(GDALDataset::Open(dir.file("gdal.gpkg").c_str(), GDAL_OF_VECTOR));
    for (const char* rtree : {"rtree_points_geom", "rtree_shapes_geom"}) {
        const auto a = indexEntries(*ours, rtree), b = indexEntries(*theirs, rtree);
        EXPECT_EQ(a.size(), b.size()) << rtree;
        // GDAL's boxes come from SQLite, which widens a coordinate that does not fit a float by a
        // relative 2^-23 before rounding, so they are sometimes a float step wider than ours: each
        // of ours must lie within GDAL's.
        for (const auto& [id, box] : a) {
            ASSERT_TRUE(b.count(id)) << rtree << " id " << id;
            const auto [minX, maxX, minY, maxY] = box;
            const auto [gMinX, gMaxX, gMinY, gMaxY] = b.at(id);
            EXPECT_TRUE(gMinX <= minX && maxX <= gMaxX && gMinY <= minY && maxY <= gMaxY)
                << rtree << " id " << id << std::setprecision(17) << ": ours " << minX << " " << maxX << " " << minY << " " << maxY << ", GDAL's " << gMinX
                << " " << gMaxX << " " << gMinY << " " << gMaxY;
        }
    }
    // Triggers: the same set of trigger names as GDAL's.
    auto triggers = [](GDALDataset& ds) {
        std::set<std::string> names;
        OGRLayer* rs = ds.ExecuteSQL("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'rtree_%'", nullptr, nullptr);
        for (auto& f : *rs) names.insert(f->GetFieldAsString(0));
        ds.ReleaseResultSet(rs);
        return names;
    };
    EXPECT_EQ(triggers(*ours), triggers(*theirs));
}

TEST(GeoPackageRtree, ANonGeoPackageIsAnOutputErrorNamingTheFile) {
    test::TempDir dir;
    test::writeFile(dir.file("not.gpkg"), "plain text, not SQLite");
    try {
        addGeoPackageSpatialIndexes(dir.file("not.gpkg"));
        FAIL() << "expected an error";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("not.gpkg"), std::string::npos) << e.what();
    }
}
