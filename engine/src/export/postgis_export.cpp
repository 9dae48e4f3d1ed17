// Results into a shared PostGIS database through GDAL's PostgreSQL driver. Each run writes in one
// transaction: its rows carry a run id, the run and its parameters are recorded in <schema>.runs,
// re-running replaces that run's rows only, and a failure rolls everything back.

#include <unistd.h>

#include <chrono>
#include <utility>
#include <cstdlib>
#include <ctime>
#include <regex>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "hotspot/error.hpp"
#include "hotspot/export.hpp"
#include "hotspot/progress.hpp"
#include "hotspot/version.hpp"
#include "core/sql_quoting.hpp"
#include "io/gdal_util.hpp"

namespace hotspot {

namespace {

std::string connectionString(const std::string& destination) {
    if (destination.empty()) return "PG:";  // libpq reads PGHOST, PGPORT, PGDATABASE, PGUSER, PGPASSWORD / .pgpass
    // A password on the command line ends up in shell history and process lists: refuse it.
    if (std::regex_search(destination, std::regex("password\\s*=", std::regex::icase)))
        throwUsage("do not put a password in the connection string; use PGPASSWORD, ~/.pgpass or a service file", {"", 0, "to"});
    if (destination.rfind("PG:", 0) == 0) return destination;
    if (destination.rfind("service=", 0) == 0) return "PG:" + destination;
    throwUsage("PostGIS destination must be a PG: connection string or service=NAME (or empty for the PG* variables)", {"", 0, "to"});
}

std::string defaultRunId() {
    std::time_t now = std::time(nullptr);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%S", std::gmtime(&now));
    return fmt::format("run-{}-{}", buf, ::getpid());
}

void exec(GDALDataset& ds, const std::string& sql, const std::string& what) {
    CPLErrorReset();
    OGRLayer* result = ds.ExecuteSQL(sql.c_str(), nullptr, nullptr);
    if (result) ds.ReleaseResultSet(result);
    if (CPLGetLastErrorType() >= CE_Failure) throwOutput(what + ": " + lastGdalError(), {"PostGIS"});
}

// The first column of the first row of a query, "" when there is no row or it is NULL.
std::string queryValue(GDALDataset& ds, const std::string& sql, const std::string& what) {
    CPLErrorReset();
    OGRLayer* result = ds.ExecuteSQL(sql.c_str(), nullptr, nullptr);
    std::string value;
    if (result) {
        if (FeaturePtr f{result->GetNextFeature()}; f && f->IsFieldSetAndNotNull(0)) value = f->GetFieldAsString(0);
        ds.ReleaseResultSet(result);
    }
    if (CPLGetLastErrorType() >= CE_Failure) throwOutput(what + ": " + lastGdalError(), {"PostGIS"});
    return value;
}

// CREATE ... IF NOT EXISTS checks the privilege before the existence, so an analyst who may write
// the shared tables but not create objects would be refused even when everything exists: look in
// the catalog first and create only what is missing.
bool relationExists(GDALDataset& ds, const std::string& qualifiedName) {
    return !queryValue(ds, "SELECT to_regclass(" + sqlLiteral(qualifiedName) + ")::text", "cannot read the catalog").empty();
}

}  // namespace

RunReport runPostGisExport(const ExportOptions& o, Progress& progress) {
    RunReport report;
    ensureGdalRegistered();
    const std::string conn = connectionString(o.destination);
    // COPY instead of one INSERT per feature, as ogr2ogr does for new rows.
    CPLSetConfigOption("PG_USE_COPY", "YES");
    DatasetPtr src = openVector(o.source);
    CPLErrorReset();
    DatasetPtr db(static_cast<GDALDataset*>(GDALOpenEx(conn.c_str(), GDAL_OF_VECTOR | GDAL_OF_UPDATE, nullptr, nullptr, nullptr)));
    if (!db) throwOutput("cannot connect to PostgreSQL: " + lastGdalError(), {"PostGIS"});
    const std::string runId = o.runId.empty() ? defaultRunId() : o.runId;
    const std::string schema = o.schema;
    // Exports into one schema run one at a time (a session advisory lock, released when the
    // connection closes): two first runs would otherwise both create the schema or a table and one
    // fail on a catalog duplicate key. A run that finds the lock taken waits and says so.
    const std::string lockKey = sqlLiteral("hotspot export:" + schema);
    if (queryValue(*db, "SELECT pg_try_advisory_lock(hashtext(" + lockKey + "))", "cannot take the schema lock") != "1") {
        progress.note("another export into schema '" + schema + "' is running: waiting for it to finish");
        exec(*db, "SELECT pg_advisory_lock(hashtext(" + lockKey + "))", "cannot take the schema lock");
    }
    // The schema and the runs table exist outside any single run's transaction.
    if (queryValue(*db, "SELECT 1 FROM pg_namespace WHERE nspname = " + sqlLiteral(schema), "cannot read the catalog").empty())
        exec(*db, "CREATE SCHEMA IF NOT EXISTS " + sqlIdentifier(schema), "cannot create the schema");
    if (!relationExists(*db, sqlIdentifier(schema) + ".runs"))
        exec(*db,
             "CREATE TABLE IF NOT EXISTS " + sqlIdentifier(schema) +
                 ".runs (run_id text PRIMARY KEY, started timestamptz, finished timestamptz, engine_version text, source text, "
                 "layers text, parameters jsonb, status text)",
             "cannot create the runs table");
    // Rows for existing tables are staged in a load table when the user may create tables in the
    // schema; otherwise they go straight into the table (slower, but needs only INSERT and DELETE).
    const bool mayCreate = queryValue(*db, "SELECT has_schema_privilege(" + sqlLiteral(schema) + ", 'CREATE')::int", "cannot read privileges") == "1";

    std::vector<OGRLayer*> layers;
    if (o.layers.empty()) {
        for (int i = 0; i < src->GetLayerCount(); ++i)
            if (std::string(src->GetLayer(i)->GetName()) != "layer_styles") layers.push_back(src->GetLayer(i));
    } else {
        for (const auto& name : o.layers) layers.push_back(pickLayer(*src, o.source, name));
    }
    int64_t written = 0;
    const auto started = std::chrono::steady_clock::now();

    if (db->StartTransaction(TRUE) != OGRERR_NONE) throwOutput("cannot start a transaction: " + lastGdalError(), {"PostGIS"});
    try {
        std::string layerList;
        for (OGRLayer* l : layers) {
            const std::string name = l->GetName();
            layerList += (layerList.empty() ? "" : ",") + name;
            const std::string table = schema + "." + name;
            OGRFeatureDefn* sdefn = l->GetLayerDefn();
            // A new table is filled directly. An existing one is filled through a fresh load table
            // (new tables take COPY; existing ones would take one INSERT per row) and one
            // INSERT ... SELECT, all inside this run's transaction.
            OGRLayer* existing = db->GetLayerByName(table.c_str());
            const bool direct = existing && !mayCreate;
            const std::string loadName = existing ? fmt::format("{}__load_{}", name, ::getpid()) : name;
            if (direct)
                exec(*db, fmt::format("DELETE FROM {}.{} WHERE run_id = {}", sqlIdentifier(schema), sqlIdentifier(name), sqlLiteral(runId)),
                     "cannot replace the run's rows");
            CPLStringList lco;
            lco.SetNameValue("SCHEMA", schema.c_str());
            lco.SetNameValue("GEOMETRY_NAME", "geom");
            // The GiST index of a new table is built after its rows are in (below): a sorted build
            // once is several times cheaper for the server than updating the index row by row,
            // which is what an index created with the table (ogr2ogr's way) costs.
            lco.SetNameValue("SPATIAL_INDEX", "NONE");
            lco.SetNameValue("FID", "fid");
            lco.SetNameValue("LAUNDER", "NO");
            OGRLayer* dst = existing;
            if (!direct) {
                OGRSpatialReference* srs = l->GetSpatialRef() ? l->GetSpatialRef()->Clone() : nullptr;
                dst = db->CreateLayer(loadName.c_str(), srs, l->GetGeomType(), lco.List());
                if (srs) srs->Release();
                if (!dst) throwOutput("cannot create table " + schema + "." + loadName + ": " + lastGdalError(), {"PostGIS"});
                OGRFieldDefn runField("run_id", OFTString);
                dst->CreateField(&runField);
                for (int i = 0; i < sdefn->GetFieldCount(); ++i) {
                    OGRFieldDefn f(sdefn->GetFieldDefn(i));
                    if (dst->CreateField(&f) != OGRERR_NONE) throwOutput("cannot add field " + std::string(f.GetNameRef()), {"PostGIS"});
                }
            }
            if (existing) {
                OGRFeatureDefn* edefn = existing->GetLayerDefn();
                for (int i = 0; i < sdefn->GetFieldCount(); ++i)
                    if (edefn->GetFieldIndex(sdefn->GetFieldDefn(i)->GetNameRef()) < 0)
                        throwOutput(fmt::format("table {} lacks field {}: the layer's schema changed; use another `schema`", table,
                                                sdefn->GetFieldDefn(i)->GetNameRef()),
                                    {"PostGIS"});
                if (edefn->GetFieldIndex("run_id") < 0) throwOutput("table " + table + " has no run_id column (not made by hotspot?)", {"PostGIS"});
            }
            OGRFeatureDefn* ddefn = dst->GetLayerDefn();
            const int runIndex = ddefn->GetFieldIndex("run_id");
            std::vector<int> map(static_cast<size_t>(sdefn->GetFieldCount()));
            for (int i = 0; i < sdefn->GetFieldCount(); ++i) map[static_cast<size_t>(i)] = ddefn->GetFieldIndex(sdefn->GetFieldDefn(i)->GetNameRef());
            l->ResetReading();
            // One output feature for all rows, run_id set once. The destination fields are copies of
            // the source's definitions, so each row's values are swapped in rather than copied
            // (no string copies; each feature still frees what it holds), and the geometry moves.
            FeaturePtr out(OGRFeature::CreateFeature(ddefn));
            out->SetField(runIndex, runId.c_str());
            bool sameTypes = true;
            for (int i = 0; i < sdefn->GetFieldCount(); ++i) {
                const int d = map[static_cast<size_t>(i)];
                sameTypes = sameTypes && d >= 0 && ddefn->GetFieldDefn(d)->GetType() == sdefn->GetFieldDefn(i)->GetType();
            }
            long layerRows = 0;
            for (FeaturePtr f(l->GetNextFeature()); f; f.reset(l->GetNextFeature())) {
                if (sameTypes) {
                    for (int i = 0; i < sdefn->GetFieldCount(); ++i) std::swap(*f->GetRawFieldRef(i), *out->GetRawFieldRef(map[static_cast<size_t>(i)]));
                    out->SetGeometryDirectly(f->StealGeometry());
                } else {
                    out->SetFrom(f.get(), map.data(), TRUE);
                }
                out->SetFID(OGRNullFID);  // the driver sets it on insert; the table's serial numbers the rows
                if (dst->CreateFeature(out.get()) != OGRERR_NONE) throwOutput("cannot insert into " + table + ": " + lastGdalError(), {"PostGIS"});
                ++layerRows;
                ++written;
                if (o.afterFeatureWritten) o.afterFeatureWritten(written);
            }
            dst->SyncToDisk();  // ends the COPY
            if (!existing && l->GetGeomType() != wkbNone)
                exec(*db, fmt::format("CREATE INDEX {} ON {}.{} USING GIST (geom)", sqlIdentifier(name + "_geom_geom_idx"), sqlIdentifier(schema), sqlIdentifier(name)),
                     "cannot build the spatial index of " + table);
            if (existing && !direct) {
                std::string columns = (l->GetGeomType() != wkbNone ? sqlIdentifier("geom") + ", " : std::string()) + sqlIdentifier("run_id");
                for (int i = 0; i < sdefn->GetFieldCount(); ++i) columns += ", " + sqlIdentifier(sdefn->GetFieldDefn(i)->GetNameRef());
                // The run_id index is built when a table first receives a second run (not on the first
                // load, which it would only slow down): from then on a run's rows are found by index.
                if (!relationExists(*db, sqlIdentifier(schema) + "." + sqlIdentifier(name + "_run_id_idx")))
                    exec(*db, fmt::format("CREATE INDEX IF NOT EXISTS {} ON {}.{} (run_id)", sqlIdentifier(name + "_run_id_idx"), sqlIdentifier(schema), sqlIdentifier(name)),
                         "cannot index run_id");
                exec(*db, fmt::format("DELETE FROM {}.{} WHERE run_id = {}", sqlIdentifier(schema), sqlIdentifier(name), sqlLiteral(runId)),
                     "cannot replace the run's rows");
                exec(*db, fmt::format("INSERT INTO {0}.{1} ({2}) SELECT {2} FROM {0}.{3}", sqlIdentifier(schema), sqlIdentifier(name), columns, sqlIdentifier(loadName)),
                     "cannot move the rows into " + table);
                exec(*db, fmt::format("DROP TABLE {}.{}", sqlIdentifier(schema), sqlIdentifier(loadName)), "cannot drop the load table");
            }
            progress.note(fmt::format("{}: {} features", table, layerRows));
        }
        nlohmann::json params = o.runParameters;
        exec(*db,
             fmt::format("INSERT INTO {}.runs (run_id, started, finished, engine_version, source, layers, parameters, status) VALUES "
                         "({}, now(), now(), {}, {}, {}, {}::jsonb, 'complete') ON CONFLICT (run_id) DO UPDATE SET finished = now(), "
                         "engine_version = EXCLUDED.engine_version, source = EXCLUDED.source, layers = EXCLUDED.layers, "
                         "parameters = EXCLUDED.parameters, status = 'complete'",
                         sqlIdentifier(schema), sqlLiteral(runId), sqlLiteral(versionString()), sqlLiteral(o.source), sqlLiteral(layerList), sqlLiteral(params.dump())),
             "cannot record the run");
        if (db->CommitTransaction() != OGRERR_NONE) throwOutput("commit failed: " + lastGdalError(), {"PostGIS"});
    } catch (...) {
        db->RollbackTransaction();
        throw;
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    report.lines.push_back(fmt::format(
        "PostGIS: {} features of {} layer(s) written to schema '{}' as run '{}' in {:.2f} s ({:.0f} features/s); "
        "recorded in {}.runs",
        written, layers.size(), schema, runId, seconds, seconds > 0 ? written / seconds : 0.0, schema));
    return report;
}

}  // namespace hotspot
