#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <deque>
#include <exception>
#include <future>
#include <mutex>
#include <thread>

#include <fmt/format.h>

#include <cpl_error.h>
#include <ogr_spatialref.h>

#include "hotspot/error.hpp"
#include "io/gdal_util.hpp"
#include "io/gpkg_rtree.hpp"
#include "io/output_files.hpp"
#include "io/sqlite_db.hpp"
#include "core/sql_quoting.hpp"
#include "io/wkb.hpp"

namespace hotspot {

namespace {

// The GeoPackage is written without a sync per commit (it is staged, not yet visible), then
// synced once when complete, before the run's rename makes it visible. After each layer the
// kernel is asked to start writing the pages out, so the disk works while the next layers are
// made and the final sync finds little left to wait for.
void startWriteback(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return;  // only a hint
    ::sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE);
    ::close(fd);
}

void syncToDisk(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throwWriteFailure(path, std::string("cannot reopen to sync: ") + std::strerror(errno), errno);
    if (::fsync(fd) != 0 && errno != EINVAL) {
        const int err = errno;
        ::close(fd);
        throwWriteFailure(path, std::string("fsync failed: ") + std::strerror(err), err);
    }
    ::close(fd);
}

}  // namespace

struct VectorWriter::GeoPackageRows {
    struct Cell {
        enum Kind : uint8_t { Null,
                              Integer,
                              Real,
                              Text,
                              TextView } kind = Null;
        int64_t integer = 0;
        double real = 0;
        std::string text;
        std::string_view view;  // TextView: bytes the caller keeps (setStringView)
    };
    struct Row {
        std::vector<Cell> cells;
        std::vector<unsigned char> geometry;  // empty: NULL
        double box[4] = {0, 0, 0, 0};
    };
    // Rows go in kBatch at a time through one multi-row INSERT: per-statement work (AUTOINCREMENT's
    // sqlite_sequence update, statement start and end) is paid once per batch.
    static constexpr size_t kBatch = 64;
    // A block of rows is what the caller hands to the inserting thread: SQLite encodes and stores
    // one block while the caller builds the next (the two halves of writing cost about the same).
    // Blocks come back with their cells' text capacity, so steady-state rows allocate nothing.
    static constexpr size_t kBlockRows = 8 * kBatch;
    static constexpr size_t kBlocksQueued = 2;
    struct Block {
        std::vector<Row> rows;
        size_t count = 0;
    };

    std::unique_ptr<SqliteDatabase> db;
    std::unique_ptr<SqliteStatement> insertOne, insertBatch;
    std::string table;
    bool hasGeometry = false, multiPolygon = false;
    int32_t srsId = 0;
    size_t columnCount = 0;
    Block block;              // the caller's block; block.rows[block.count] is the row being set
    bool oneAtATime = false;  // a layer without columns: INSERT ... DEFAULT VALUES, one row per statement
    int64_t rows = 0;
    double extent[4] = {INFINITY, -INFINITY, INFINITY, -INFINITY};
    bool inTransaction = false;
    // GDAL's feature-count triggers (an UPDATE of gpkg_ogr_contents per row, most of the insert
    // time): dropped while the rows go in, the count set once, the triggers put back.
    std::vector<std::string> countTriggers;
    // Boxes of the rows written, per table (with its geometry column), for the spatial index.
    std::string geometryColumn;
    std::vector<IndexBox> boxes;
    // Each finished layer's tree is packed on another thread while the next layers are written;
    // close() stores them.
    struct PendingIndex {
        std::string table, column;
        std::vector<IndexBox> boxes;      // a large layer's, packed at close
        std::future<PackedRtree> packed;  // else packed ahead
    };
    static constexpr size_t kPackAheadRows = 400'000;
    std::vector<PendingIndex> indexes;

    // The inserting thread, started by the first full block. It alone uses the connection while
    // blocks are queued or being inserted; the caller touches it again only after drain().
    std::thread inserter;
    std::mutex mutex;
    std::condition_variable workArrived, blockDone;
    std::deque<Block> queued;
    std::vector<Block> spare;
    bool inserting = false, stopping = false;
    bool ownThread = true;  // RowInsertion::OwnThread
    std::exception_ptr failure;
    // For HOTSPOT_PROFILE: which side of the queue limits the writing (the caller waiting for
    // room, or the inserting thread waiting for blocks).
    std::chrono::steady_clock::duration callerWaited{}, inserterBusy{};

    ~GeoPackageRows() { stop(); }

    Row& current() { return block.rows[block.count]; }

    void open(const std::string& path) {
        if (db) return;
        db = std::make_unique<SqliteDatabase>(path);
        // The file is staged (not visible until the run commits), so a crash loses nothing
        // anyone sees: no fsync per transaction, the rollback journal kept in memory.
        db->exec("PRAGMA synchronous = OFF; PRAGMA journal_mode = MEMORY; PRAGMA cache_size = -8192", "cannot set up the GeoPackage");
    }

    Block freshBlock() const {
        return Block{std::vector<Row>(oneAtATime ? 1 : kBlockRows, Row{std::vector<Cell>(columnCount), {}, {}}), 0};
    }

    // Binds rows [first, first + n) of `rows` to `statement` from parameter 1 on, runs it, and
    // records the boxes.
    void run(SqliteStatement& statement, const std::vector<Row>& rowsOf, size_t first, size_t n) {
        sqlite3_stmt* st = statement.handle();
        int index = 1;
        for (size_t k = first; k < first + n; ++k) {
            for (const auto& cell : rowsOf[k].cells) {
                switch (cell.kind) {
                    case Cell::Null: sqlite3_bind_null(st, index); break;
                    case Cell::Integer: sqlite3_bind_int64(st, index, cell.integer); break;
                    case Cell::Real: sqlite3_bind_double(st, index, cell.real); break;
                    case Cell::Text: sqlite3_bind_text(st, index, cell.text.data(), static_cast<int>(cell.text.size()), SQLITE_STATIC); break;
                    case Cell::TextView: sqlite3_bind_text(st, index, cell.view.data(), static_cast<int>(cell.view.size()), SQLITE_STATIC); break;
                }
                ++index;
            }
            if (hasGeometry) {
                const auto& g = rowsOf[k].geometry;
                if (g.empty()) sqlite3_bind_null(st, index);
                else sqlite3_bind_blob(st, index, g.data(), static_cast<int>(g.size()), SQLITE_STATIC);
                ++index;
            }
        }
        statement.run();
        // The rows of one INSERT get consecutive FIDs ending at the last one inserted.
        const int64_t last = sqlite3_last_insert_rowid(db->handle());
        for (size_t k = first; k < first + n; ++k) {
            const Row& row = rowsOf[k];
            const double* b = row.box;
            if (hasGeometry && !row.geometry.empty() && std::isfinite(b[0]) && std::isfinite(b[1]) && std::isfinite(b[2]) && std::isfinite(b[3]))
                boxes.push_back(indexBox(last - static_cast<int64_t>(first + n - 1 - k), b[0], b[1], b[2], b[3]));
        }
        rows += static_cast<int64_t>(n);
    }

    // Inserts a block's rows (batches, then the rest one by one) and clears them for reuse.
    void insert(Block& b) {
        size_t k = 0;
        if (!oneAtATime)
            for (; k + kBatch <= b.count; k += kBatch) run(*insertBatch, b.rows, k, kBatch);
        for (; k < b.count; ++k) run(*insertOne, b.rows, k, 1);
        for (size_t i = 0; i < b.count; ++i) {
            for (auto& cell : b.rows[i].cells) cell.kind = Cell::Null;
            b.rows[i].geometry.clear();
        }
        b.count = 0;
    }

    void insertLoop() {
        for (;;) {
            Block b;
            {
                std::unique_lock lock(mutex);
                workArrived.wait(lock, [&] { return stopping || !queued.empty(); });
                if (stopping) return;  // a writer given up (close() drains first)
                b = std::move(queued.front());
                queued.pop_front();
                inserting = true;
            }
            const auto began = std::chrono::steady_clock::now();
            try {
                if (!failure) insert(b);
            } catch (...) {
                std::lock_guard lock(mutex);
                failure = std::current_exception();
            }
            {
                std::lock_guard lock(mutex);
                spare.push_back(std::move(b));
                inserting = false;
                inserterBusy += std::chrono::steady_clock::now() - began;
            }
            blockDone.notify_all();
        }
    }

    // The caller's block is full: queue it (waiting while kBlocksQueued are ahead of it) and
    // continue in a spare one.
    void submit() {
        if (!ownThread) {
            insert(block);
            return;
        }
        std::unique_lock lock(mutex);
        if (!inserter.joinable()) inserter = std::thread([this] { insertLoop(); });
        const auto waitFrom = std::chrono::steady_clock::now();
        blockDone.wait(lock, [&] { return failure || queued.size() < kBlocksQueued; });
        callerWaited += std::chrono::steady_clock::now() - waitFrom;
        if (failure) std::rethrow_exception(failure);
        queued.push_back(std::move(block));
        if (!spare.empty()) {
            block = std::move(spare.back());
            spare.pop_back();
        } else {
            block = freshBlock();
        }
        lock.unlock();
        workArrived.notify_one();
    }

    // Waits until every queued block is in; rethrows what the inserting thread hit.
    void drain() {
        std::unique_lock lock(mutex);
        const auto waitFrom = std::chrono::steady_clock::now();
        blockDone.wait(lock, [&] { return queued.empty() && !inserting; });
        callerWaited += std::chrono::steady_clock::now() - waitFrom;
        if (failure) std::rethrow_exception(failure);
    }

    void stop() {
        {
            std::lock_guard lock(mutex);
            stopping = true;
        }
        workArrived.notify_one();
        if (!inserter.joinable()) return;
        inserter.join();
        if (std::getenv("HOTSPOT_PROFILE"))
            std::fprintf(stderr, "rows: inserting thread busy %.3f s, caller waited for it %.3f s\n",
                         std::chrono::duration<double>(inserterBusy).count(), std::chrono::duration<double>(callerWaited).count());
    }

    // The rows set so far, all in the table.
    void flush() {
        drain();
        insert(block);
    }
};

VectorWriter::VectorWriter(const std::string& path, const std::string& driver, RowInsertion insertion) : m_path(path) {
    ensureGdalRegistered();
    GDALDriver* drv = GetGDALDriverManager()->GetDriverByName(driver.c_str());
    if (!drv) throwOutput("GDAL driver '" + driver + "' is not available", {path});
    {
        // GDAL's own commits need no fsync either (see GeoPackageRows::open); close() syncs once.
        const ScopedThreadConfig noSync("OGR_SQLITE_SYNCHRONOUS", driver == "GPKG" ? "OFF" : nullptr);
        m_ds = drv->Create(path.c_str(), 0, 0, 0, GDT_Unknown, nullptr);
    }
    m_geoPackage = driver == "GPKG";
    if (!m_ds) throwOutput("cannot create: " + lastGdalError(), {path});
    if (m_geoPackage) {
        m_rows = std::make_unique<GeoPackageRows>();
        m_rows->ownThread = insertion == RowInsertion::OwnThread;
    }
}

VectorWriter::~VectorWriter() {
    if (m_feature) OGRFeature::DestroyFeature(m_feature);
    if (m_rows) m_rows->stop();  // before the connection is touched again
    if (m_rows && m_rows->db) m_rows->db->execQuietly("ROLLBACK");
    m_rows.reset();
    if (m_ds) GDALClose(m_ds);
}

void VectorWriter::finishLayer() {
    if (m_rows) {
        GeoPackageRows& r = *m_rows;
        if (!r.db || !r.inTransaction) return;
        r.flush();
        r.insertOne.reset();
        r.insertBatch.reset();
        // The layer's extent and feature count, as GDAL would keep them.
        if (r.hasGeometry && r.rows > 0 && std::isfinite(r.extent[0]))
            r.db->exec(fmt::format("UPDATE gpkg_contents SET min_x = {:.17g}, max_x = {:.17g}, min_y = {:.17g}, max_y = {:.17g} WHERE "
                                   "lower(table_name) = lower({})",
                                   r.extent[0], r.extent[1], r.extent[2], r.extent[3], sqlLiteral(r.table)),
                       "cannot record the layer's extent");
        SqliteStatement counts(*r.db, "SELECT 1 FROM sqlite_master WHERE name = 'gpkg_ogr_contents'");
        if (counts.step())
            r.db->exec(fmt::format("UPDATE gpkg_ogr_contents SET feature_count = {} WHERE lower(table_name) = lower({})", r.rows, sqlLiteral(r.table)),
                       "cannot record the feature count");
        for (const auto& sql : r.countTriggers) r.db->exec(sql, "cannot restore the feature count trigger");
        r.countTriggers.clear();
        if (r.hasGeometry && r.boxes.size() > GeoPackageRows::kPackAheadRows) {
            // A large layer's tree is packed at close(), each node stored as it is made: packed
            // ahead, the nodes would be held in memory beside the boxes (geocode's million rows:
            // ~50 MB more at the peak of its writing).
            r.indexes.push_back({r.table, r.geometryColumn, std::move(r.boxes), {}});
        } else if (r.hasGeometry) {
            SqliteStatement pageSize(*r.db, "PRAGMA page_size");
            const size_t nodeSize = rtreeNodeSize(pageSize.step() ? static_cast<size_t>(pageSize.int64At(0)) : 4096);
            r.indexes.push_back({r.table, r.geometryColumn, {}, std::async(std::launch::async, [boxes = std::move(r.boxes), nodeSize]() mutable { return packRtree(std::move(boxes), nodeSize); })});
        }
        r.boxes = {};
        r.db->exec("COMMIT", "cannot commit the rows of layer '" + r.table + "'");
        r.inTransaction = false;
        startWriteback(m_path);
        return;
    }
    if (m_inTransaction && m_ds->CommitTransaction() != OGRERR_NONE) throwOutput("cannot commit: " + lastGdalError(), {m_path});
    m_inTransaction = false;
    if (m_feature) {
        OGRFeature::DestroyFeature(m_feature);
        m_feature = nullptr;
    }
    m_layer = nullptr;
}

void VectorWriter::expectRows(size_t rows) {
    // Called before the layer's first row: the inserting thread has not started.
    if (m_rows && m_rows->hasGeometry && m_rows->boxes.empty()) m_rows->boxes.reserve(rows);
}

void VectorWriter::createLayer(const std::string& name, GeometryKind geometry, const std::string& crs,
                               const std::vector<FieldSpec>& fields, const std::string& description) {
    finishLayer();
    if (m_rows && !m_ds) {
        // GDAL adds the layer's tables and metadata while our SQLite connection is idle.
        const ScopedThreadConfig noSync("OGR_SQLITE_SYNCHRONOUS", "OFF");
        m_ds = static_cast<GDALDataset*>(GDALOpenEx(m_path.c_str(), GDAL_OF_VECTOR | GDAL_OF_UPDATE, nullptr, nullptr, nullptr));
        if (!m_ds) throwOutput("cannot reopen: " + lastGdalError(), {m_path});
    }
    OGRSpatialReference srs;
    OGRSpatialReference* srsPtr = nullptr;
    if (geometry != GeometryKind::None && !crs.empty()) {
        srs.SetFromUserInput(crs.c_str());
        srs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
        srsPtr = &srs;
    }
    OGRwkbGeometryType type = geometry == GeometryKind::Point        ? wkbPoint
                              : geometry == GeometryKind::LineString ? wkbLineString
                              : geometry == GeometryKind::Polygon    ? wkbMultiPolygon
                                                                     : wkbNone;
    char** options = nullptr;
    if (!description.empty()) options = CSLSetNameValue(options, "DESCRIPTION", description.c_str());
    // GeoPackage R-trees are packed after the rows are in (close()), not filled row by row.
    if (m_geoPackage) options = CSLSetNameValue(options, "SPATIAL_INDEX", "NO");
    m_layer = m_ds->CreateLayer(name.c_str(), srsPtr, type, options);
    CSLDestroy(options);
    if (!m_layer) throwOutput("cannot create layer '" + name + "': " + lastGdalError(), {m_path});
    for (const auto& f : fields) {
        OGRFieldType t = f.type == FieldType::Integer     ? OFTInteger
                         : f.type == FieldType::Integer64 ? OFTInteger64
                         : f.type == FieldType::Real      ? OFTReal
                         : f.type == FieldType::Date      ? OFTDate
                                                          : OFTString;
        OGRFieldDefn defn(f.name.c_str(), t);
        if (m_layer->CreateField(&defn) != OGRERR_NONE) throwOutput("cannot create field '" + f.name + "': " + lastGdalError(), {m_path});
    }
    if (!m_rows) {
        m_feature = OGRFeature::CreateFeature(m_layer->GetLayerDefn());
        return;
    }
    // Hand the file over to SQLite: GDAL closes (writing the layer's definition), our connection
    // inserts the rows with one prepared statement in one transaction.
    const std::string table = m_layer->GetName();
    const std::string geometryColumn = m_layer->GetGeometryColumn();
    const std::string fidColumn = m_layer->GetFIDColumn();
    std::vector<std::string> columns;
    for (int i = 0; i < m_layer->GetLayerDefn()->GetFieldCount(); ++i) columns.push_back(m_layer->GetLayerDefn()->GetFieldDefn(i)->GetNameRef());
    m_layer = nullptr;
    {
        GDALDataset* ds = m_ds;
        m_ds = nullptr;
        const GdalFailureWatch watch(m_path);
        GDALClose(ds);
        if (watch.failed()) throwWriteFailure(m_path, "cannot write layer '" + name + "': " + watch.message(), watch.diskErrno());
    }
    GeoPackageRows& r = *m_rows;
    r.open(m_path);
    r.table = table;
    r.geometryColumn = geometryColumn;
    r.hasGeometry = geometry != GeometryKind::None && !geometryColumn.empty();
    r.multiPolygon = geometry == GeometryKind::Polygon;
    r.srsId = 0;
    if (r.hasGeometry) {
        SqliteStatement srsOf(*r.db, "SELECT srs_id FROM gpkg_geometry_columns WHERE lower(table_name) = lower(" + sqlLiteral(table) + ")");
        if (srsOf.step()) r.srsId = static_cast<int32_t>(srsOf.int64At(0));
    }
    std::string sql = "INSERT INTO " + sqlIdentifier(table) + " (";
    std::string values;
    for (size_t c = 0; c < columns.size(); ++c) {
        sql += (c ? ", " : "") + sqlIdentifier(columns[c]);
        values += c ? ", ?" : "?";
    }
    if (r.hasGeometry) {
        sql += std::string(columns.empty() ? "" : ", ") + sqlIdentifier(geometryColumn);
        values += columns.empty() ? "?" : ", ?";
    }
    std::string one = sql + ") VALUES (" + values + ")", batch = sql + ") VALUES (" + values + ")";
    for (size_t k = 1; k < GeoPackageRows::kBatch; ++k) batch += ", (" + values + ")";
    r.oneAtATime = columns.empty() && !r.hasGeometry;
    if (r.oneAtATime) one = batch = "INSERT INTO " + sqlIdentifier(table) + " DEFAULT VALUES";
    r.db->exec("BEGIN", "cannot start a transaction");
    r.inTransaction = true;
    {
        SqliteStatement triggers(*r.db, "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND lower(tbl_name) = lower(" +
                                            sqlLiteral(table) + ") AND name LIKE 'trigger_%_feature_count_%'");
        std::vector<std::string> names;
        while (triggers.step()) names.push_back(triggers.textAt(0)), r.countTriggers.push_back(triggers.textAt(1));
        for (const auto& trigger : names) r.db->exec("DROP TRIGGER " + sqlIdentifier(trigger), "cannot pause the feature count trigger");
    }
    r.insertOne = std::make_unique<SqliteStatement>(*r.db, one);
    // A layer without columns inserts its rows one at a time (DEFAULT VALUES has no multi-row form).
    r.insertBatch = std::make_unique<SqliteStatement>(*r.db, batch);
    r.columnCount = columns.size();
    r.spare.clear();  // blocks of the last layer have its number of columns
    r.block = r.freshBlock();
    r.rows = 0;
    r.extent[0] = r.extent[2] = INFINITY;
    r.extent[1] = r.extent[3] = -INFINITY;
}

void VectorWriter::setString(int field, std::string_view value) {
    if (m_rows) {
        auto& cell = m_rows->current().cells.at(static_cast<size_t>(field));
        cell.kind = GeoPackageRows::Cell::Text;
        cell.text.assign(value);
        return;
    }
    m_feature->SetField(field, std::string(value).c_str());
}
void VectorWriter::setStringView(int field, std::string_view value) {
    if (!m_rows) return setString(field, value);
    auto& cell = m_rows->current().cells.at(static_cast<size_t>(field));
    cell.kind = GeoPackageRows::Cell::TextView;
    cell.view = value.data() ? value : std::string_view("");  // empty text, not NULL, as setString
}
void VectorWriter::setInteger(int field, int64_t value) {
    if (m_rows) {
        auto& cell = m_rows->current().cells.at(static_cast<size_t>(field));
        cell.kind = GeoPackageRows::Cell::Integer;
        cell.integer = value;
        return;
    }
    m_feature->SetField(field, static_cast<GIntBig>(value));
}
void VectorWriter::setReal(int field, double value) {
    if (m_rows) {
        auto& cell = m_rows->current().cells.at(static_cast<size_t>(field));
        cell.kind = std::isnan(value) ? GeoPackageRows::Cell::Null : GeoPackageRows::Cell::Real;  // GDAL writes NaN as NULL too
        cell.real = value;
        return;
    }
    m_feature->SetField(field, value);
}
void VectorWriter::setNull(int field) {
    if (m_rows) {
        m_rows->current().cells.at(static_cast<size_t>(field)).kind = GeoPackageRows::Cell::Null;
        return;
    }
    m_feature->SetFieldNull(field);
}

void VectorWriter::setFromText(const std::vector<std::string>& values, const std::vector<FieldSpec>& fields) {
    for (size_t c = 0; c < values.size() && c < fields.size(); ++c) {
        const int f = static_cast<int>(c);
        if (values[c].empty()) setNull(f);
        else if (fields[c].type == FieldType::Integer || fields[c].type == FieldType::Integer64) setInteger(f, std::stoll(values[c]));
        else if (fields[c].type == FieldType::Real) setReal(f, std::stod(values[c]));
        else setString(f, values[c]);
    }
}

void VectorWriter::setPoint(double x, double y) {
    if (m_rows) {
        if (std::isnan(x) || std::isnan(y)) {
            m_rows->current().geometry.clear();
            return;
        }
        GeoPackageRows::Row& row = m_rows->current();
        geoPackagePointBlob(x, y, m_rows->srsId, row.geometry);
        row.box[0] = row.box[1] = x;
        row.box[2] = row.box[3] = y;
        auto& e = m_rows->extent;
        e[0] = std::min(e[0], x), e[1] = std::max(e[1], x), e[2] = std::min(e[2], y), e[3] = std::max(e[3], y);
        return;
    }
    if (std::isnan(x)) {
        m_feature->SetGeometryDirectly(nullptr);
        return;
    }
    m_feature->SetGeometryDirectly(new OGRPoint(x, y));
}

void VectorWriter::setWkb(const std::vector<unsigned char>& wkb) {
    if (m_rows) {
        double box[4];
        GeoPackageRows::Row& row = m_rows->current();
        if (!geoPackageBlob(wkb.data(), wkb.size(), m_rows->srsId, m_rows->multiPolygon, row.geometry, box)) throwOutput("bad geometry", {m_path});
        std::copy(box, box + 4, row.box);
        auto& e = m_rows->extent;
        e[0] = std::min(e[0], box[0]), e[1] = std::max(e[1], box[1]), e[2] = std::min(e[2], box[2]), e[3] = std::max(e[3], box[3]);
        return;
    }
    OGRGeometry* g = nullptr;
    if (OGRGeometryFactory::createFromWkb(wkb.data(), nullptr, &g, wkb.size()) != OGRERR_NONE) throwOutput("bad geometry", {m_path});
    if (wkbFlatten(g->getGeometryType()) == wkbPolygon) g = OGRGeometryFactory::forceToMultiPolygon(g);
    m_feature->SetGeometryDirectly(g);
}

void VectorWriter::writeFeature() {
    if (m_rows) {
        GeoPackageRows& r = *m_rows;
        if (++r.block.count == r.block.rows.size()) {
            if (r.oneAtATime) r.insert(r.block);
            else r.submit();
        }
        return;
    }
    if (!m_inTransaction) {
        if (m_ds->StartTransaction() != OGRERR_NONE) throwOutput("cannot start a transaction: " + lastGdalError(), {m_path});
        m_inTransaction = true;
    }
    m_feature->SetFID(OGRNullFID);
    if (m_layer->CreateFeature(m_feature) != OGRERR_NONE) throwOutput("cannot write a feature: " + lastGdalError(), {m_path});
    m_feature->Reset();
    if (++m_pending % 50000 == 0) {
        if (m_ds->CommitTransaction() != OGRERR_NONE) throwOutput("cannot commit: " + lastGdalError(), {m_path});
        m_inTransaction = false;
    }
}

void VectorWriter::close() {
    if (m_rows) {
        finishLayer();
        m_rows->stop();
        m_rows->insertOne.reset();
        m_rows->insertBatch.reset();
        m_rows->db.reset();
        if (m_ds) {  // no layer was created
            GDALDataset* ds = m_ds;
            m_ds = nullptr;
            const GdalFailureWatch watch(m_path);
            GDALClose(ds);
            if (watch.failed()) throwWriteFailure(m_path, "cannot finish writing: " + watch.message(), watch.diskErrno());
        }
        auto indexes = std::move(m_rows->indexes);
        m_rows.reset();
        for (auto& index : indexes) {
            if (index.packed.valid()) addPackedSpatialIndex(m_path, index.table, index.column, index.packed.get());
            else addGeoPackageSpatialIndex(m_path, index.table, index.column, std::move(index.boxes));
        }
        syncToDisk(m_path);
        return;
    }
    if (!m_ds) return;
    finishLayer();
    GDALDataset* ds = m_ds;
    m_ds = nullptr;
    const GdalFailureWatch watch(m_path);
    GDALClose(ds);
    if (watch.failed()) throwWriteFailure(m_path, "cannot finish writing: " + watch.message(), watch.diskErrno());
}

void writeRunInfo(VectorWriter& gpkg, const std::vector<std::pair<std::string, std::string>>& info) {
    gpkg.createLayer("run_info", GeometryKind::None, "", {{"key"}, {"value"}}, "Parameters and provenance of this run");
    for (const auto& [k, v] : info) {
        gpkg.setString(0, k);
        gpkg.setString(1, v);
        gpkg.writeFeature();
    }
}

}  // namespace hotspot
