// `hotspot export`: every format round-trips through GDAL; styles; overwrite rules; PostGIS with a
// real server when HOTSPOT_TEST_PG is set (.ci/test starts one).

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <optional>
#include <filesystem>
#include <sstream>
#include <thread>

#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include "hotspot/error.hpp"
#include "hotspot/export.hpp"
#include "hotspot/progress.hpp"
#include "io/output_files.hpp"
#include "test_support.hpp"

using namespace hotspot;
namespace fs = std::filesystem;

namespace {

// A small results-like GeoPackage: points with long, colliding field names and non-ASCII places.
std::string makeSource(const test::TempDir& dir) {
    const std::string path = dir.file("source.gpkg");
    VectorWriter w(path);
    w.createLayer("incidents", GeometryKind::Point, "EPSG:27700",
                  {{"place_name"}, {"category_group_name_long"}, {"category_group_name_longer"}, {"count", FieldType::Integer64}, {"score", FieldType::Real}});
    const char* places[] = {"Crèche Lane, Northampton", "Saint-Étienne Way", "Ölmühle Straße", "Plain Street"};
    for (int i = 0; i < 4; ++i) {
        w.setString(0, places[i]);
        w.setString(1, "a" + std::to_string(i));
        w.setString(2, "b" + std::to_string(i));
        w.setInteger(3, 10 + i);
        w.setReal(4, 0.5 + i);
        w.setPoint(475714.0 + 100 * i, 260834.0 + 50 * i);
        w.writeFeature();
    }
    w.createLayer("hotspot_cells", GeometryKind::Polygon, "EPSG:27700", {{"gi_bin", FieldType::Integer}, {"gi_z", FieldType::Real}});
    w.setInteger(0, 3);
    w.setReal(1, 4.2);
    w.setWkb({1, 3, 0, 0, 0, 1, 0, 0, 0, 5, 0, 0, 0,
              0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x59, 0x40, 0, 0, 0, 0, 0, 0, 0, 0,
              0, 0, 0, 0, 0, 0, 0x59, 0x40, 0, 0, 0, 0, 0, 0, 0x59, 0x40, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x59, 0x40,
              0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
    w.writeFeature();
    w.close();
    return path;
}

struct Layer {
    int64_t count = -1;
    std::string epsg;
    std::vector<std::string> fields;
    std::vector<std::map<std::string, std::string>> rows;
};

Layer readLayer(const std::string& path, const std::string& layerName = "") {
    GDALAllRegister();
    Layer out;
    GDALDataset* ds = static_cast<GDALDataset*>(GDALOpenEx(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, nullptr, nullptr));
    if (!ds) return out;
    OGRLayer* l = layerName.empty() ? ds->GetLayer(0) : ds->GetLayerByName(layerName.c_str());
    if (l) {
        out.count = l->GetFeatureCount(TRUE);
        if (const OGRSpatialReference* srs = l->GetSpatialRef()) {
            OGRSpatialReference copy(*srs);
            copy.AutoIdentifyEPSG();
            if (const char* code = copy.GetAuthorityCode(nullptr)) out.epsg = code;
        }
        for (int i = 0; i < l->GetLayerDefn()->GetFieldCount(); ++i) out.fields.emplace_back(l->GetLayerDefn()->GetFieldDefn(i)->GetNameRef());
        for (auto& f : *l) {
            std::map<std::string, std::string> row;
            for (int i = 0; i < f->GetFieldCount(); ++i) row[out.fields[i]] = f->GetFieldAsString(i);
            out.rows.push_back(row);
        }
    }
    GDALClose(ds);
    return out;
}

}  // namespace

TEST(ShapefileNames, TenCharactersUniqueAndStable) {
    auto m = shapefileFieldNames({"incident_id", "incident_ids", "incident_idx", "name", "NAME", "category_group_name_long"});
    EXPECT_EQ(m["incident_id"], "incident_i");
    EXPECT_EQ(m["incident_ids"], "incident_1");
    EXPECT_EQ(m["incident_idx"], "incident_2");
    EXPECT_EQ(m["name"], "name");
    EXPECT_EQ(m["NAME"], "NAME_1");  // dBase names are case-insensitive
    std::set<std::string> seen;
    for (const auto& [k, v] : m) {
        EXPECT_LE(v.size(), 10u);
        EXPECT_TRUE(seen.insert(v).second) << v;
    }
}

TEST(ExportCli, EveryFormatRoundTripsFeaturesAttributesAndCrs) {
    test::TempDir dir;
    const std::string src = makeSource(dir);
    struct Case {
        const char* format;
        std::string to, file;
        std::string epsg;
    };
    std::vector<Case> cases = {{"gpkg", dir.file("out.gpkg"), dir.file("out.gpkg"), "27700"},
                               {"shp", dir.file("shp"), dir.file("shp/incidents.shp"), "27700"},
                               {"geojson", dir.file("geojson"), dir.file("geojson/incidents.geojson"), "4326"},
                               {"fgb", dir.file("fgb"), dir.file("fgb/incidents.fgb"), "27700"},
                               {"csv", dir.file("csv"), dir.file("csv/incidents.csv"), ""},
                               {"kml", dir.file("out.kml"), dir.file("out.kml"), "4326"}};
    for (const auto& c : cases) {
        auto r = test::runCli({"export", "-q", src, "-f", c.format, "--to", c.to});
        ASSERT_EQ(r.exitCode, 0) << c.format << ": " << r.err;
        Layer l = readLayer(c.file, std::string(c.format) == "kml" || std::string(c.format) == "gpkg" ? "incidents" : "");
        EXPECT_EQ(l.count, 4) << c.format;
        if (!c.epsg.empty()) {
            EXPECT_EQ(l.epsg, c.epsg) << c.format;
        }
        bool found = false;
        for (const auto& row : l.rows)
            for (const auto& [k, v] : row) found |= v == "Crèche Lane, Northampton";
        EXPECT_TRUE(found) << c.format << ": the non-ASCII place name must survive";
    }
    // Shapefile: mapped names, sidecar, .prj, .cpg, style.
    Layer shp = readLayer(dir.file("shp/incidents.shp"));
    EXPECT_NE(std::find(shp.fields.begin(), shp.fields.end(), "category_g"), shp.fields.end());
    EXPECT_NE(std::find(shp.fields.begin(), shp.fields.end(), "category_1"), shp.fields.end());
    EXPECT_EQ(shp.rows[2].at("category_1"), "b2");  // the second colliding field kept its own values
    for (const char* f : {"incidents.prj", "incidents.cpg", "incidents.fieldnames.csv", "hotspot_cells.qml"})
        EXPECT_TRUE(fs::exists(dir.file(std::string("shp/") + f))) << f;
    EXPECT_NE(test::readFile(dir.file("shp/incidents.cpg")).find("UTF-8"), std::string::npos);
    auto mapping = test::readCsvRows(dir.file("shp/incidents.fieldnames.csv"));
    EXPECT_EQ(mapping[2].at("original_field"), "category_group_name_longer");
    EXPECT_EQ(mapping[2].at("shapefile_field"), "category_1");
    // GeoJSON is RFC 7946: WGS84 lon/lat, and the known point lands near lon -0.8926, lat 52.2405.
    Layer gj = readLayer(dir.file("geojson/incidents.geojson"));
    EXPECT_EQ(gj.epsg, "4326");
    // GeoPackage: values and styles.
    Layer gp = readLayer(dir.file("out.gpkg"), "incidents");
    EXPECT_EQ(gp.rows[3].at("count"), "13");
    EXPECT_EQ(gp.rows[1].at("score"), "1.5");
    Layer styles = readLayer(dir.file("out.gpkg"), "layer_styles");
    ASSERT_GE(styles.count, 2);
    bool cellsStyled = false;
    for (const auto& row : styles.rows) cellsStyled |= row.at("f_table_name") == "hotspot_cells" && row.at("styleQML").find("gi_bin") != std::string::npos;
    EXPECT_TRUE(cellsStyled);
}

TEST(ExportCli, RefusesToOverwriteAndNeverLeavesHalfFiles) {
    test::TempDir dir;
    const std::string src = makeSource(dir);
    test::writeFile(dir.file("out.gpkg"), "precious");
    auto r = test::runCli({"export", src, "-f", "gpkg", "--to", dir.file("out.gpkg")});
    EXPECT_EQ(r.exitCode, 4);
    EXPECT_NE(r.err.find("add --overwrite"), std::string::npos);
    EXPECT_EQ(test::readFile(dir.file("out.gpkg")), "precious");
    EXPECT_EQ(test::runCli({"export", "-q", src, "-f", "gpkg", "--to", dir.file("out.gpkg"), "--overwrite"}).exitCode, 0);
    EXPECT_EQ(readLayer(dir.file("out.gpkg"), "incidents").count, 4);
    for (const auto& e : fs::directory_iterator(dir.path())) EXPECT_NE(e.path().filename().string().rfind(".tmp-", 0), 0u);
    EXPECT_EQ(test::runCli({"export", src, "-f", "dxf", "--to", dir.file("x")}).exitCode, 2);
    EXPECT_EQ(test::runCli({"export", dir.file("missing.gpkg"), "-f", "gpkg", "--to", dir.file("y.gpkg")}).exitCode, 3);
    // The source as its own destination, even with --overwrite: refused, the source untouched.
    const std::string before = test::readFile(src);
    auto self = test::runCli({"export", src, "-f", "gpkg", "--to", src, "--overwrite"});
    EXPECT_EQ(self.exitCode, 2) << self.err;
    EXPECT_NE(self.err.find("is the source file"), std::string::npos) << self.err;
    EXPECT_EQ(test::readFile(src), before);
}

TEST(ExportCli, RastersGetCompressedTiledCopiesAndAStyle) {
    test::TempDir dir;
    const std::string s = test::sourceDir();
    ASSERT_EQ(test::runCli({"gistar", "-q", s + "/data/police", "--group", "burglary", "--cell", "500", "-o", dir.file("g")}).exitCode, 0);
    auto r = test::runCli({"export", "-q", dir.file("g/gistar_bin.tif"), "-f", "gtiff", "--to", dir.file("bin.tif"), "--crs", "EPSG:4326"});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    GDALAllRegister();
    GDALDataset* ds = static_cast<GDALDataset*>(GDALOpen(dir.file("bin.tif").c_str(), GA_ReadOnly));
    ASSERT_NE(ds, nullptr);
    EXPECT_STREQ(ds->GetMetadataItem("COMPRESSION", "IMAGE_STRUCTURE"), "DEFLATE");
    EXPECT_NE(std::string(ds->GetProjectionRef()).find("WGS 84"), std::string::npos);
    GDALClose(ds);
    EXPECT_NE(test::readFile(dir.file("bin.qml")).find("paletted"), std::string::npos);
}

TEST(ExportPostGis, RunsAreTransactionalReplaceableAndReadable) {
    const char* pg = std::getenv("HOTSPOT_TEST_PG");
    if (!pg) GTEST_SKIP() << "no PostGIS test server (HOTSPOT_TEST_PG unset; .ci/test starts one)";
    test::TempDir dir;
    const std::string src = makeSource(dir);
    const std::string schema = "t" + std::to_string(::getpid());
    auto exportRun = [&](const std::string& run) { return test::runCli({"export", "-q", src, "-f", "postgis", "--to", pg, "--schema", schema, "--run-id", run}); };
    ASSERT_EQ(exportRun("r1").exitCode, 0);
    ASSERT_EQ(exportRun("r2").exitCode, 0);
    ASSERT_EQ(exportRun("r1").exitCode, 0);  // re-running r1 replaces r1's rows only
    const std::string table = std::string(pg) + " tables=" + schema + ".incidents";
    Layer l = readLayer(table, schema + ".incidents");
    EXPECT_EQ(l.count, 8);  // r1 + r2, four rows each
    EXPECT_EQ(l.epsg, "27700");
    int r1 = 0;
    bool accent = false;
    for (const auto& row : l.rows) {
        r1 += row.at("run_id") == "r1";
        accent |= row.at("place_name") == "Crèche Lane, Northampton";
    }
    EXPECT_EQ(r1, 4);
    EXPECT_TRUE(accent);
    // Each table has its GiST index (built after the first load) and, once a second run came in,
    // the run_id index.
    {
        GDALDatasetUniquePtr db(GDALDataset::Open(pg, GDAL_OF_VECTOR));
        ASSERT_TRUE(db);
        const std::string sql = "SELECT indexdef FROM pg_indexes WHERE schemaname = '" + schema + "' AND tablename = 'incidents' ORDER BY indexname";
        OGRLayer* rs = db->ExecuteSQL(sql.c_str(), nullptr, nullptr);
        ASSERT_TRUE(rs);
        std::string defs;
        for (auto& f : *rs) defs += std::string(f->GetFieldAsString(0)) + "\n";
        db->ReleaseResultSet(rs);
        EXPECT_NE(defs.find("USING gist (geom)"), std::string::npos) << defs;
        EXPECT_NE(defs.find("(run_id)"), std::string::npos) << defs;
    }
    // A run that fails midway (here after its second row, through the engine's test seam) leaves
    // every earlier row in place.
    ExportOptions failing;
    failing.source = src;
    failing.format = ExportFormat::PostGis;
    failing.destination = pg;
    failing.schema = schema;
    failing.runId = "r2";
    failing.afterFeatureWritten = [](int64_t rows) {
        if (rows == 2) throwOutput("simulated failure after 2 rows", {"PostGIS"});
    };
    Progress quiet;
    try {
        runExport(failing, quiet);
        ADD_FAILURE() << "the run with a failing insert succeeded";
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::Output) << e.what();
    }
    EXPECT_EQ(readLayer(table, schema + ".incidents").count, 8);
    Layer runs = readLayer(std::string(pg) + " tables=" + schema + ".runs", schema + ".runs");
    EXPECT_EQ(runs.count, 2);
    // The engine reads incidents back from PostGIS.
    auto d = test::runCli({"density", std::string(pg), "--layer", schema + ".incidents", "--columns", "category=category_group_name_long",
                           "--cell", "50", "--bandwidth", "200", "-o", dir.file("d")});
    EXPECT_EQ(d.exitCode, 0) << d.err;
    EXPECT_NE(d.err.find("8 incidents read"), std::string::npos) << d.err;
    // Areas from PostGIS too: label=PG:...|layername=schema.table
    auto g = test::runCli({"gistar", "-q", std::string(pg) + "|layername=" + schema + ".incidents", "--columns",
                           "category=category_group_name_long", "-a", "cells=" + std::string(pg) + "|layername=" + schema + ".hotspot_cells",
                           "-o", dir.file("g")});
    EXPECT_EQ(g.exitCode, 0) << g.err;
    EXPECT_EQ(test::readCsvRows(dir.file("g/gistar_areas.csv")).size(), 2u);  // the cell exported twice (runs r1, r2)
    // Passwords never go on the command line.
    auto pw = test::runCli({"export", src, "-f", "postgis", "--to", std::string(pg) + " password=secret"});
    EXPECT_EQ(pw.exitCode, 2);
    EXPECT_EQ(pw.err.find("secret"), std::string::npos);
}

// Several analysts share the tables: one who may write them but owns nothing (no CREATE on the
// database or the schema) exports into existing tables; two first exports into a new schema at
// once both succeed (the second waits for the first), never a catalog duplicate-key error.
TEST(ExportPostGis, AnAnalystWhoOwnsNothingExportsAndConcurrentFirstRunsBothSucceed) {
    const char* pg = std::getenv("HOTSPOT_TEST_PG");
    if (!pg) GTEST_SKIP() << "no PostGIS test server (HOTSPOT_TEST_PG unset; .ci/test starts one)";
    const std::string owner = pg;
    const size_t userAt = owner.find(" user=postgres");
    if (userAt == std::string::npos) GTEST_SKIP() << "the test server's user is not postgres";
    test::TempDir dir;
    const std::string src = makeSource(dir);
    const std::string schema = "shared" + std::to_string(::getpid());
    ASSERT_EQ(test::runCli({"export", "-q", src, "-f", "postgis", "--to", owner, "--schema", schema, "--run-id", "owner"}).exitCode, 0);
    {
        GDALDatasetUniquePtr db(GDALDataset::Open(pg, GDAL_OF_VECTOR | GDAL_OF_UPDATE));
        ASSERT_TRUE(db);
        for (const std::string& sql :
             {std::string("DO $$ BEGIN CREATE ROLE hotspot_analyst2 LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$"),
              "GRANT USAGE ON SCHEMA " + schema + " TO hotspot_analyst2",
              "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA " + schema + " TO hotspot_analyst2",
              "GRANT USAGE ON ALL SEQUENCES IN SCHEMA " + schema + " TO hotspot_analyst2"})
            db->ReleaseResultSet(db->ExecuteSQL(sql.c_str(), nullptr, nullptr));
    }
    const std::string analyst = owner.substr(0, userAt) + " user=hotspot_analyst2" + owner.substr(userAt + 14);
    const auto second = test::runCli({"export", "-q", src, "-f", "postgis", "--to", analyst, "--schema", schema, "--run-id", "analyst2"});
    EXPECT_EQ(second.exitCode, 0) << second.err;
    const auto again = test::runCli({"export", "-q", src, "-f", "postgis", "--to", analyst, "--schema", schema, "--run-id", "analyst2"});
    EXPECT_EQ(again.exitCode, 0) << again.err;  // re-running replaces the analyst's rows
    EXPECT_EQ(readLayer(owner + " tables=" + schema + ".incidents", schema + ".incidents").count, 8);
    EXPECT_EQ(readLayer(owner + " tables=" + schema + ".runs", schema + ".runs").count, 2);
    // Two first runs into a new schema at the same time.
    const std::string fresh = "fresh" + std::to_string(::getpid());
    test::CommandResult a, b;
    std::thread ta([&] { a = test::runCli({"export", "-q", src, "-f", "postgis", "--to", owner, "--schema", fresh, "--run-id", "a"}); });
    std::thread tb([&] { b = test::runCli({"export", "-q", src, "-f", "postgis", "--to", owner, "--schema", fresh, "--run-id", "b"}); });
    ta.join();
    tb.join();
    EXPECT_EQ(a.exitCode, 0) << a.err;
    EXPECT_EQ(b.exitCode, 0) << b.err;
    EXPECT_EQ(readLayer(owner + " tables=" + fresh + ".incidents", fresh + ".incidents").count, 8);
}

TEST(ExportCli, OneCommandWritesEveryFormatWithStyles) {
    test::TempDir dir;
    const std::string src = makeSource(dir);
    std::vector<std::string> args = {"export", "-q", src, "-f", "all", "--to", dir.file("all")};
    if (const char* pg = std::getenv("HOTSPOT_TEST_PG")) {
        args.insert(args.end(), {"--pg", pg, "--schema", "all" + std::to_string(::getpid()), "--run-id", "sample"});
    }
    auto r = test::runCli(args);
    ASSERT_EQ(r.exitCode, 0) << r.err;
    for (const char* f : {"all/source.gpkg", "all/source.kml", "all/shp/incidents.shp", "all/shp/hotspot_cells.qml", "all/geojson/incidents.geojson",
                          "all/fgb/incidents.fgb", "all/csv/incidents.csv"})
        EXPECT_TRUE(fs::exists(dir.file(f))) << f;
    EXPECT_GE(readLayer(dir.file("all/source.gpkg"), "layer_styles").count, 1);
    if (const char* pg = std::getenv("HOTSPOT_TEST_PG")) {
        const std::string schema = "all" + std::to_string(::getpid());
        EXPECT_EQ(readLayer(std::string(pg) + " tables=" + schema + ".incidents", schema + ".incidents").count, 4);
    }
}

// A PostGIS server that goes away in the middle of a run: the run fails with an output error, and
// after the server is back nothing of the run is there (its transaction never committed). Uses its
// own throwaway server (.ci/postgis) so it can be stopped; skipped without root and PostgreSQL.
TEST(ExportPostGis, AServerThatGoesAwayMidRunLeavesNothingBehind) {
    const std::string pgbin = "/usr/lib/postgresql/15/bin";
    if (::getuid() != 0 || !fs::exists(pgbin + "/pg_ctl")) GTEST_SKIP() << "needs root and PostgreSQL 15 (as in .ci/run)";
    auto started = test::runProgram("/bin/bash", {test::sourceDir() + "/.ci/postgis", "start"});
    ASSERT_EQ(started.exitCode, 0) << started.err;
    std::istringstream words(started.out);
    std::string dir, port;
    words >> dir >> port;
    ASSERT_FALSE(port.empty());
    const std::string pg = "PG:host=" + dir + " port=" + port + " dbname=hotspot_test user=postgres";
    auto pgctl = [&](const std::string& action) {
        std::vector<std::string> args = {"-u", "postgres", "--", pgbin + "/pg_ctl", "-D", dir + "/data", "-w"};
        if (action == "stop") args.insert(args.end(), {"-m", "immediate", "stop"});
        else args.insert(args.end(), {"-l", dir + "/server.log", "-o", "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1", "start"});
        return test::runProgram("/usr/sbin/runuser", args).exitCode;
    };
    test::TempDir tmp;
    const std::string src = makeSource(tmp);
    // The run pauses 4 s after its second row (the engine's test seam), and the server is stopped
    // inside that pause.
    ExportOptions o;
    o.source = src;
    o.format = ExportFormat::PostGis;
    o.destination = pg;
    o.schema = "gone";
    o.runId = "r1";
    o.afterFeatureWritten = [](int64_t rows) {
        if (rows == 2) std::this_thread::sleep_for(std::chrono::seconds(4));
    };
    std::optional<Error> failure;
    std::thread run([&] {
        try {
            Progress quiet;
            runExport(o, quiet);
        } catch (const Error& e) {
            failure = e;
        }
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));  // inside the pause
    EXPECT_EQ(pgctl("stop"), 0);
    run.join();
    ASSERT_TRUE(failure.has_value()) << "the run survived the server stopping";
    EXPECT_EQ(failure->kind(), ErrorKind::Output) << failure->what();
    EXPECT_NE(std::string(failure->what()).find("PostGIS"), std::string::npos) << failure->what();
    ASSERT_EQ(pgctl("start"), 0);
    EXPECT_EQ(readLayer(pg + " tables=gone.incidents", "gone.incidents").count, -1);  // no table: nothing was committed
    // The same run again, with the server up, completes.
    EXPECT_EQ(test::runCli({"export", "-q", src, "-f", "postgis", "--to", pg, "--schema", "gone", "--run-id", "r1"}).exitCode, 0);
    EXPECT_EQ(readLayer(pg + " tables=gone.incidents", "gone.incidents").count, 4);
    test::runProgram("/bin/bash", {test::sourceDir() + "/.ci/postgis", "stop", dir});
}

TEST(ExportCli, AppendPutsRenamedStyledLayersOfSeveralRunsIntoOneGeoPackage) {
    test::TempDir dir;
    const std::string src = makeSource(dir);
    // A second "run": the same layers, another run_info.
    const std::string other = dir.file("other.gpkg");
    {
        VectorWriter w(other);
        w.createLayer("hotspot_cells", GeometryKind::Polygon, "EPSG:27700", {{"gi_bin", FieldType::Integer}, {"gi_z", FieldType::Real}});
        for (int i = 0; i < 2; ++i) {
            w.setInteger(0, -2);
            w.setReal(1, -2.5);
            w.setWkb({1, 3, 0, 0, 0, 1, 0, 0, 0, 5, 0, 0, 0,
                      0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x59, 0x40, 0, 0, 0, 0, 0, 0, 0, 0,
                      0, 0, 0, 0, 0, 0, 0x59, 0x40, 0, 0, 0, 0, 0, 0, 0x59, 0x40, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x59, 0x40,
                      0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
            w.writeFeature();
        }
        writeRunInfo(w, {{"HOTSPOT_GROUPS", "asb"}, {"HOTSPOT_PERIOD", "2021-01 to 2021-12"}});
        w.close();
    }
    const std::string to = dir.file("for a colleague/hot spots.gpkg");
    auto r = test::runCli({"export", src, "--layer", "hotspot_cells", "--layer-name", "burglary_cells", "--to", to});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    r = test::runCli({"export", other, "--layer", "hotspot_cells", "--layer-name", "asb_cells", "--append", "--to", to});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_EQ(readLayer(to, "burglary_cells").count, 1);
    EXPECT_EQ(readLayer(to, "asb_cells").count, 2);
    EXPECT_EQ(readLayer(to, "asb_cells").rows.at(0).at("gi_bin"), "-2");
    // Each run's run_info travels with its layers.
    const Layer info = readLayer(to, "run_info_asb_cells");
    ASSERT_EQ(info.count, 2) << r.err;
    EXPECT_EQ(info.rows.at(1).at("value"), "2021-01 to 2021-12");
    // Both layers are styled under their new names (QGIS reads layer_styles by table name).
    const Layer styles = readLayer(to, "layer_styles");
    std::set<std::string> styled;
    for (const auto& row : styles.rows) styled.insert(row.at("f_table_name"));
    EXPECT_TRUE(styled.count("burglary_cells") && styled.count("asb_cells")) << styles.count;
    // A name already there is refused and the file is left as it was; --overwrite replaces that layer.
    const std::string before = test::readFile(to);
    r = test::runCli({"export", other, "--layer", "hotspot_cells", "--layer-name", "asb_cells", "--append", "--to", to});
    EXPECT_EQ(r.exitCode, 2);
    EXPECT_NE(r.err.find("already has a layer 'asb_cells'"), std::string::npos) << r.err;
    EXPECT_EQ(test::readFile(to), before);
    r = test::runCli({"export", src, "--layer", "hotspot_cells", "--layer-name", "asb_cells", "--append", "--overwrite", "--to", to});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_EQ(readLayer(to, "asb_cells").count, 1);
    EXPECT_EQ(readLayer(to, "burglary_cells").count, 1);
    // One name per layer, and only into a GeoPackage.
    r = test::runCli({"export", src, "--layer-name", "one", "--to", dir.file("x.gpkg")});
    EXPECT_EQ(r.exitCode, 2);
    r = test::runCli({"export", src, "--layer", "incidents", "--append", "-f", "geojson", "--to", dir.file("gj")});
    EXPECT_EQ(r.exitCode, 2);
}
