// VectorWriter's GeoPackage path (rows inserted on SQLite directly, batched) against what GDAL
// reads back: every field type and NULL, NaN reals, points and NULL points, polygons stored as
// multipolygons, a table without geometry, row counts around the batch size, the layer's
// extent and feature count, the feature-count triggers GDAL expects, and the spatial index.

#include <gtest/gtest.h>

#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include "hotspot/error.hpp"
#include "io/output_files.hpp"
#include "io/sqlite_db.hpp"
#include "io/wkb.hpp"
#include "test_support.hpp"

using namespace hotspot;

namespace {

std::string sqlValue(GDALDataset& ds, const std::string& sql) {
    OGRLayer* rs = ds.ExecuteSQL(sql.c_str(), nullptr, "SQLITE");
    std::string out;
    if (rs) {
        if (OGRFeature* f = rs->GetNextFeature()) {
            out = f->GetFieldAsString(0);
            OGRFeature::DestroyFeature(f);
        }
        ds.ReleaseResultSet(rs);
    }
    return out;
}

}  // namespace

TEST(GeoPackageWriter, RowsReadBackThroughGdalAsWritten) {
    test::TempDir dir;
    const std::string path = dir.file("out.gpkg");
    const int points = 64 * 3 + 5;  // three full batches and a remainder
    {
        VectorWriter w(path);
        w.createLayer("points", GeometryKind::Point, "EPSG:27700",
                      {{"name"}, {"n", FieldType::Integer64}, {"small", FieldType::Integer}, {"value", FieldType::Real}, {"day", FieldType::Date}},
                      "test points");
        for (int i = 0; i < points; ++i) {
            if (i % 7 == 0) w.setNull(0);
            else w.setString(0, "row " + std::to_string(i) + " 'quoted' \"x\"");
            w.setInteger(1, int64_t{1} << 40 | i);
            w.setInteger(2, i);
            w.setReal(3, i % 5 == 0 ? NAN : i * 0.5);
            w.setString(4, "2024-01-15");
            if (i == 3) w.setPoint(NAN, NAN);
            else w.setPoint(400000 + i, 300000 - i);
            w.writeFeature();
        }
        w.createLayer("areas", GeometryKind::Polygon, "EPSG:27700", {{"code"}});
        w.setString(0, "A");
        w.setWkb(polygonWkb({{0, 0}, {10, 0}, {10, 10}, {0, 10}, {0, 0}}));
        w.writeFeature();
        w.setString(0, "B");
        w.setWkb(polygonWkb({{20, 0}, {30, 0}, {30, 5}, {20, 0}}));
        w.writeFeature();
        w.createLayer("table", GeometryKind::None, "", {{"key"}, {"value"}});
        for (int i = 0; i < 3; ++i) {
            w.setString(0, "k" + std::to_string(i));
            w.setString(1, "v");
            w.writeFeature();
        }
        w.close();
    }
    GDALAllRegister();
    GDALDatasetUniquePtr ds(GDALDataset::Open(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_UPDATE));
    ASSERT_TRUE(ds);
    OGRLayer* layer = ds->GetLayerByName("points");
    ASSERT_NE(layer, nullptr);
    EXPECT_EQ(layer->GetFeatureCount(false), points);  // from gpkg_ogr_contents
    EXPECT_EQ(layer->GetGeomType(), wkbPoint);
    int i = 0;
    for (auto& f : *layer) {
        EXPECT_EQ(f->GetFID(), i + 1);
        if (i % 7 == 0) EXPECT_TRUE(f->IsFieldNull(0)) << i;
        else EXPECT_STREQ(f->GetFieldAsString(0), ("row " + std::to_string(i) + " 'quoted' \"x\"").c_str());
        EXPECT_EQ(f->GetFieldAsInteger64(1), int64_t{1} << 40 | i);
        EXPECT_EQ(f->GetFieldAsInteger(2), i);
        if (i % 5 == 0) EXPECT_TRUE(f->IsFieldNull(3)) << i;
        else EXPECT_EQ(f->GetFieldAsDouble(3), i * 0.5);
        int y = 0, m = 0, d = 0, h, mi, tz;
        float s;
        f->GetFieldAsDateTime(4, &y, &m, &d, &h, &mi, &s, &tz);
        EXPECT_EQ(y * 10000 + m * 100 + d, 20240115);
        const OGRGeometry* g = f->GetGeometryRef();
        if (i == 3) {
            EXPECT_EQ(g, nullptr);
        } else {
            ASSERT_NE(g, nullptr);
            EXPECT_EQ(g->toPoint()->getX(), 400000 + i);
            EXPECT_EQ(g->toPoint()->getY(), 300000 - i);
        }
        ++i;
    }
    EXPECT_EQ(i, points);
    OGREnvelope e;
    ASSERT_EQ(layer->GetExtent(&e, false), OGRERR_NONE);
    EXPECT_EQ(e.MinX, 400000);
    EXPECT_EQ(e.MaxX, 400000 + points - 1);
    EXPECT_EQ(e.MinY, 300000 - (points - 1));
    EXPECT_EQ(e.MaxY, 300000);
    EXPECT_EQ(sqlValue(*ds, "SELECT rtreecheck('rtree_points_geom')"), "ok");
    EXPECT_EQ(sqlValue(*ds, "SELECT count(*) FROM rtree_points_geom"), std::to_string(points - 1));  // not the NULL point
    EXPECT_EQ(sqlValue(*ds, "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'trigger_%_feature_count_%'"), "6");

    OGRLayer* areas = ds->GetLayerByName("areas");
    ASSERT_NE(areas, nullptr);
    EXPECT_EQ(areas->GetGeomType(), wkbMultiPolygon);
    EXPECT_EQ(areas->GetFeatureCount(false), 2);
    double total = 0;
    for (auto& f : *areas) {
        EXPECT_EQ(wkbFlatten(f->GetGeometryRef()->getGeometryType()), wkbMultiPolygon);
        total += f->GetGeometryRef()->toMultiPolygon()->get_Area();
    }
    EXPECT_EQ(total, 100 + 25);
    ASSERT_EQ(areas->GetExtent(&e, false), OGRERR_NONE);
    EXPECT_EQ(e.MaxX, 30);
    // A spatial filter goes through the index built from the writer's boxes.
    areas->SetSpatialFilterRect(25, 1, 26, 2);
    EXPECT_EQ(areas->GetFeatureCount(), 1);
    areas->SetSpatialFilter(nullptr);

    OGRLayer* table = ds->GetLayerByName("table");
    ASSERT_NE(table, nullptr);
    EXPECT_EQ(table->GetFeatureCount(false), 3);
    // GDAL keeps counting after the writer is done: its triggers are back.
    OGRFeature added(layer->GetLayerDefn());
    added.SetField(0, "added");
    ASSERT_EQ(layer->CreateFeature(&added), OGRERR_NONE);
    EXPECT_EQ(sqlValue(*ds, "SELECT feature_count FROM gpkg_ogr_contents WHERE table_name = 'points'"), std::to_string(points + 1));
}

// A GeoPackage that cannot be opened is an output error naming the file, and the handle SQLite
// allocates anyway is closed (the ASan/UBSan run of this test reports the leak it used to be).
TEST(SqliteDatabaseOpen, AFailedOpenThrowsNamingTheFileAndLeaksNothing) {
    const std::string path = "/nonexistent-folder-for-this-test/out.gpkg";
    try {
        hotspot::SqliteDatabase db(path);
        FAIL() << "opened " << path;
    } catch (const hotspot::Error& e) {
        EXPECT_EQ(e.kind(), hotspot::ErrorKind::Output);
        EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("cannot open the GeoPackage"), std::string::npos) << e.what();
    }
}

namespace {

// Writes `rows` points (text, integer, real, some NULLs) into layer `name` of `w`.
void writePoints(VectorWriter& w, const std::string& name, int rows) {
    w.createLayer(name, GeometryKind::Point, "EPSG:27700", {{"label"}, {"n", FieldType::Integer64}, {"value", FieldType::Real}});
    for (int i = 0; i < rows; ++i) {
        if (i % 11 == 0) w.setNull(0);
        else w.setString(0, "point " + std::to_string(i) + std::string(static_cast<size_t>(i % 40), 'x'));
        w.setInteger(1, i);
        w.setReal(2, i % 13 == 0 ? NAN : i * 0.25);
        w.setPoint(400000 + (i % 1000), 300000 + i / 1000);
        w.writeFeature();
    }
}

std::string tableDump(const std::string& path, const std::string& table) {
    SqliteDatabase db(path);
    SqliteStatement rows(db, "SELECT fid, quote(label), n, quote(value), hex(geom) FROM \"" + table + "\" ORDER BY fid");
    std::string out;
    while (rows.step())
        for (int c = 0; c < 5; ++c) out += rows.textAt(c) + (c == 4 ? "\n" : "|");
    return out;
}

std::string scalar(const std::string& path, const std::string& sql) {
    SqliteDatabase db(path);
    SqliteStatement s(db, sql);
    return s.step() ? s.textAt(0) : std::string();
}

// The index of layer `table` (points from writePoints) passes SQLite's check, holds every row,
// and finds point `i` by its box: point i is at (400000 + i % 1000, 300000 + i / 1000).
void expectWholeIndex(const std::string& path, const std::string& table, int rows, int i) {
    const std::string rtree = "rtree_" + table + "_geom";
    EXPECT_EQ(scalar(path, "SELECT rtreecheck('" + rtree + "')"), "ok") << path;
    EXPECT_EQ(scalar(path, "SELECT count(*) FROM " + rtree), std::to_string(rows)) << path;
    EXPECT_EQ(scalar(path, "SELECT count(*) FROM " + rtree + "_rowid"), std::to_string(rows)) << path;
    const std::string x = std::to_string(400000 + i % 1000), y = std::to_string(300000 + i / 1000);
    EXPECT_EQ(scalar(path, "SELECT id FROM " + rtree + " WHERE minx <= " + x + " AND maxx >= " + x + " AND miny <= " + y + " AND maxy >= " + y),
              std::to_string(i + 1))
        << path;
}

}  // namespace

// Rows are handed to the writer's own inserting thread in blocks of 512 by default; a block, a
// queue of blocks and a partial last block must give the same table as inserting on the
// caller's thread, FIDs and spatial index included.
TEST(GeoPackageWriter, RowsInsertedOnTheWritersThreadOrTheCallersGiveTheSameFile) {
    test::TempDir dir;
    const int rows = 512 * 7 + 37;
    for (auto [file, insertion] : {std::pair{"own.gpkg", RowInsertion::OwnThread}, std::pair{"caller.gpkg", RowInsertion::CallerThread}}) {
        VectorWriter w(dir.file(file), "GPKG", insertion);
        writePoints(w, "many", rows);
        writePoints(w, "few", 3);
        w.close();
    }
    const std::string own = dir.file("own.gpkg"), caller = dir.file("caller.gpkg");
    EXPECT_EQ(tableDump(own, "many"), tableDump(caller, "many"));
    EXPECT_EQ(tableDump(own, "few"), tableDump(caller, "few"));
    EXPECT_EQ(scalar(own, "SELECT count(*) FROM many"), std::to_string(rows));
    EXPECT_EQ(scalar(own, "SELECT max(fid) FROM many"), std::to_string(rows));
    EXPECT_EQ(scalar(own, "SELECT quote(label) FROM many WHERE fid = 3000"), "'point 2999" + std::string(2999 % 40, 'x') + "'");
    EXPECT_EQ(scalar(own, "SELECT feature_count FROM gpkg_ogr_contents WHERE table_name = 'many'"), std::to_string(rows));
    for (const auto& path : {own, caller}) expectWholeIndex(path, "many", rows, 2123);
}

// Texts bound by reference (setStringView) reach the table as setString's copies do, across
// blocks queued to the inserting thread and on the caller's, with an empty view (no data
// pointer) stored as empty text, not NULL.
TEST(GeoPackageWriter, TextsBoundByReferenceGiveTheSameTableAsCopies) {
    test::TempDir dir;
    const int rows = 512 * 3 + 9;
    std::vector<std::string> kept;  // outlives the writers, as a table's columns do
    for (int i = 0; i < rows; ++i) kept.push_back(i % 5 == 0 ? std::string() : "kept " + std::to_string(i) + std::string(static_cast<size_t>(i % 17), 'y'));
    auto write = [&](const std::string& path, RowInsertion insertion, bool byReference) {
        VectorWriter w(path, "GPKG", insertion);
        w.createLayer("texts", GeometryKind::None, "", {{"view"}, {"literal"}, {"empty"}});
        for (int i = 0; i < rows; ++i) {
            if (byReference) {
                w.setStringView(0, kept[static_cast<size_t>(i)]);
                w.setStringView(1, "a literal");
                w.setStringView(2, std::string_view());
            } else {
                w.setString(0, kept[static_cast<size_t>(i)]);
                w.setString(1, "a literal");
                w.setString(2, std::string_view());
            }
            w.writeFeature();
        }
        w.close();
    };
    const std::string copies = dir.file("copies.gpkg"), own = dir.file("own.gpkg"), caller = dir.file("caller.gpkg");
    write(copies, RowInsertion::OwnThread, false);
    write(own, RowInsertion::OwnThread, true);
    write(caller, RowInsertion::CallerThread, true);
    auto dump = [](const std::string& path) {
        SqliteDatabase db(path);
        SqliteStatement all(db, "SELECT fid, quote(view), quote(literal), quote(empty) FROM texts ORDER BY fid");
        std::string out;
        while (all.step()) out += all.textAt(0) + "|" + all.textAt(1) + "|" + all.textAt(2) + "|" + all.textAt(3) + "\n";
        return out;
    };
    const std::string expected = dump(copies);
    EXPECT_EQ(dump(own), expected);
    EXPECT_EQ(dump(caller), expected);
    EXPECT_EQ(scalar(own, "SELECT quote(view) || quote(empty) FROM texts WHERE fid = 1002"), "'kept 1001" + std::string(1001 % 17, 'y') + "'''");
    EXPECT_EQ(scalar(own, "SELECT count(*) FROM texts WHERE view IS NULL OR empty IS NULL"), "0");
}

// A layer of more than 400,000 rows has its tree packed at close, each node stored as it is made
// (a smaller one is packed on another thread when it ends): the same kind of index either way.
TEST(GeoPackageWriter, ALargeLayersIndexIsPackedAtCloseAndIsWhole) {
    test::TempDir dir;
    const std::string path = dir.file("large.gpkg");
    const int rows = 400'001;
    {
        VectorWriter w(path);
        writePoints(w, "large", rows);
        w.close();
    }
    expectWholeIndex(path, "large", rows, 399777);
}

// A write that fails on the inserting thread (the disk full: RLIMIT_FSIZE makes writes past 1 MB
// fail with EFBIG) reaches the caller as an Output error, and the writer neither hangs nor dies.
TEST(GeoPackageWriter, AFailedInsertOnTheWritersThreadIsThrownToTheCaller) {
    test::TempDir dir;
    const std::string path = dir.file("full.gpkg");
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::signal(SIGXFSZ, SIG_IGN);
        rlimit limit{1 << 20, 1 << 20};
        ::setrlimit(RLIMIT_FSIZE, &limit);
        try {
            VectorWriter w(path);
            writePoints(w, "many", 200'000);
            w.close();
        } catch (const Error& e) {
            _exit(e.kind() == ErrorKind::Output ? 4 : 5);
        } catch (...) {
            _exit(6);
        }
        _exit(0);
    }
    ASSERT_GT(pid, 0);
    int status = 0;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    while (::waitpid(pid, &status, WNOHANG) == 0) {
        if (std::chrono::steady_clock::now() > deadline) {
            ::kill(pid, SIGKILL);
            ::waitpid(pid, &status, 0);
            FAIL() << "the writer hung after a failed write";
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ASSERT_TRUE(WIFEXITED(status)) << "the writer died with signal " << WTERMSIG(status);
    EXPECT_EQ(WEXITSTATUS(status), 4) << "0: no error, 5: not an Output error, 6: not an Error";
}
