#include "io/gpkg_rtree.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <utility>
#include <vector>

#include <ogr_geometry.h>

#include "core/sql_quoting.hpp"
#include "hotspot/error.hpp"
#include "hotspot/progress.hpp"
#include "io/sqlite_db.hpp"

namespace hotspot {

namespace {

// --- envelopes of GeoPackage geometry blobs -------------------------------------------------

double readDouble(const unsigned char* p, bool littleEndian) {
    unsigned char bytes[8];
    for (int i = 0; i < 8; ++i) bytes[i] = littleEndian ? p[i] : p[7 - i];
    double value;
    std::memcpy(&value, bytes, 8);  // x86-64 and aarch64 hosts are little-endian
    return value;
}

uint32_t readUint32(const unsigned char* p, bool littleEndian) {
    return littleEndian ? (uint32_t{p[0]} | uint32_t{p[1]} << 8 | uint32_t{p[2]} << 16 | uint32_t{p[3]} << 24)
                        : (uint32_t{p[3]} | uint32_t{p[2]} << 8 | uint32_t{p[1]} << 16 | uint32_t{p[0]} << 24);
}

struct Box {
    double minX, maxX, minY, maxY;
};

// The envelope stored in the blob's header when there is one (GDAL writes it for everything but
// points), else a point's coordinates straight from the WKB, else the geometry parsed by OGR.
// False for empty, NaN or unreadable geometries, which the index leaves out.
bool envelopeOf(const unsigned char* blob, size_t size, Box& box) {
    if (size < 8 || blob[0] != 'G' || blob[1] != 'P') return false;
    const unsigned flags = blob[3];
    if (flags & 0x10) return false;  // empty geometry
    const bool littleEndian = flags & 0x01;
    static const size_t envelopeBytes[] = {0, 32, 48, 48, 64};
    const unsigned envelopeKind = (flags >> 1) & 0x07;
    if (envelopeKind > 4) return false;
    const size_t header = 8 + envelopeBytes[envelopeKind];
    if (size < header) return false;
    if (envelopeKind > 0) {
        box = {readDouble(blob + 8, littleEndian), readDouble(blob + 16, littleEndian), readDouble(blob + 24, littleEndian),
               readDouble(blob + 32, littleEndian)};
    } else {
        const unsigned char* wkb = blob + header;
        const size_t wkbSize = size - header;
        if (wkbSize < 5) return false;
        const bool wkbLittle = wkb[0] == 1;
        const uint32_t type = readUint32(wkb + 1, wkbLittle);
        if (type % 1000 == 1 && (type & 0x0FFFFFFF) < 4000 && wkbSize >= 21) {  // Point, 2D / Z / M / ZM (ISO codes)
            const double x = readDouble(wkb + 5, wkbLittle), y = readDouble(wkb + 13, wkbLittle);
            box = {x, x, y, y};
        } else {
            OGRGeometry* geometry = nullptr;
            if (OGRGeometryFactory::createFromWkb(wkb, nullptr, &geometry, wkbSize) != OGRERR_NONE || !geometry) return false;
            const bool empty = geometry->IsEmpty();
            OGREnvelope e;
            geometry->getEnvelope(&e);
            OGRGeometryFactory::destroyGeometry(geometry);
            if (empty) return false;
            box = {e.MinX, e.MaxX, e.MinY, e.MaxY};
        }
    }
    return std::isfinite(box.minX) && std::isfinite(box.maxX) && std::isfinite(box.minY) && std::isfinite(box.maxY);
}

// --- the packed tree ------------------------------------------------------------------------

// SQLite stores R-tree coordinates as 32-bit floats, minima rounded down and maxima up, so a
// stored box always contains the exact one.
float roundDown(double d) {
    float f = static_cast<float>(d);
    return static_cast<double>(f) > d ? std::nextafter(f, -INFINITY) : f;
}
float roundUp(double d) {
    float f = static_cast<float>(d);
    return static_cast<double>(f) < d ? std::nextafter(f, INFINITY) : f;
}

using Cell = IndexBox;

Cell boundingCell(const Cell* first, const Cell* last, int64_t id) {
    Cell c{id, first->minX, first->maxX, first->minY, first->maxY};
    for (const Cell* p = first + 1; p < last; ++p) {
        c.minX = std::min(c.minX, p->minX), c.maxX = std::max(c.maxX, p->maxX);
        c.minY = std::min(c.minY, p->minY), c.maxY = std::max(c.maxY, p->maxY);
    }
    return c;
}

// Sort-tile-recursive packing of one level: reorders `cells` and returns where each node's cells
// start (plus the end). Slices and the nodes within a slice share cells out evenly, so no node of
// a multi-node level has fewer than a third of `capacity` cells (SQLite's minimum fill).
std::vector<size_t> packLevel(std::vector<Cell>& cells, size_t capacity) {
    const size_t n = cells.size();
    const size_t nodes = (n + capacity - 1) / capacity;
    const auto slices = static_cast<size_t>(std::ceil(std::sqrt(static_cast<double>(nodes))));
    auto centreX = [](const Cell& c) { return static_cast<double>(c.minX) + c.maxX; };
    auto centreY = [](const Cell& c) { return static_cast<double>(c.minY) + c.maxY; };
    std::sort(cells.begin(), cells.end(), [&](const Cell& a, const Cell& b) { return centreX(a) < centreX(b); });
    std::vector<size_t> starts;
    for (size_t s = 0; s < slices; ++s) {
        const size_t lo = n * s / slices, hi = n * (s + 1) / slices;
        if (lo == hi) continue;
        std::sort(cells.begin() + static_cast<std::ptrdiff_t>(lo), cells.begin() + static_cast<std::ptrdiff_t>(hi),
                  [&](const Cell& a, const Cell& b) { return centreY(a) < centreY(b); });
        const size_t inSlice = hi - lo, sliceNodes = (inSlice + capacity - 1) / capacity;
        for (size_t k = 0; k < sliceNodes; ++k) starts.push_back(lo + inSlice * k / sliceNodes);
    }
    starts.push_back(n);
    return starts;
}

void putBigEndian(unsigned char* p, uint64_t value, int bytes) {
    for (int i = bytes - 1; i >= 0; --i, value >>= 8) p[i] = static_cast<unsigned char>(value & 0xFF);
}

// SQLite's node format: 2 bytes tree depth (root only), 2 bytes cell count, then per cell an
// 8-byte id and minX, maxX, minY, maxY as 4-byte floats, all big-endian; zero-padded to nodeSize.
std::vector<unsigned char> encodeNode(const Cell* first, const Cell* last, int depth, size_t nodeSize) {
    std::vector<unsigned char> data(nodeSize, 0);
    putBigEndian(data.data(), static_cast<uint64_t>(depth), 2);
    putBigEndian(data.data() + 2, static_cast<uint64_t>(last - first), 2);
    unsigned char* p = data.data() + 4;
    for (const Cell* c = first; c < last; ++c, p += 24) {
        putBigEndian(p, static_cast<uint64_t>(c->id), 8);
        const float coords[4] = {c->minX, c->maxX, c->minY, c->maxY};
        for (int k = 0; k < 4; ++k) {
            uint32_t bits;
            std::memcpy(&bits, &coords[k], 4);
            putBigEndian(p + 8 + 4 * k, bits, 4);
        }
    }
    return data;
}

void writeIndex(SqliteDatabase& db, const std::string& table, const std::string& column, const std::string& fid, const PackedRtree* packed,
                std::vector<Cell> cells);

// Two-integer rows into a table, many per INSERT: the R-tree's _rowid and _parent tables get a row
// per feature, and one statement per row costs more than the row itself.
class PairInserter {
public:
    static constexpr int kRows = 128;
    PairInserter(SqliteDatabase& db, const std::string& table, const char* a, const char* b)
        : m_one(db, "INSERT INTO " + table + " (" + a + ", " + b + ") VALUES (?, ?)"), m_many(db, manySql(table, a, b)) {}
    void add(int64_t a, int64_t b) {
        m_pending[m_count++] = {a, b};
        if (m_count == kRows) {
            for (int k = 0; k < kRows; ++k) m_many.bind(2 * k + 1, m_pending[k].first).bind(2 * k + 2, m_pending[k].second);
            m_many.run();
            m_count = 0;
        }
    }
    void finish() {
        for (int k = 0; k < m_count; ++k) m_one.bind(1, m_pending[k].first).bind(2, m_pending[k].second).run();
        m_count = 0;
    }

private:
    static std::string manySql(const std::string& table, const char* a, const char* b) {
        std::string sql = "INSERT INTO " + table + " (" + a + ", " + b + ") VALUES (?, ?)";
        for (int k = 1; k < kRows; ++k) sql += ", (?, ?)";
        return sql;
    }
    SqliteStatement m_one, m_many;
    std::pair<int64_t, int64_t> m_pending[kRows];
    int m_count = 0;
};

std::string fidColumnOf(SqliteDatabase& db, const std::string& table) {
    std::string fid;
    SqliteStatement info(db, "PRAGMA table_info(" + sqlIdentifier(table) + ")");
    while (info.step())
        if (info.int64At(5) == 1) fid = info.textAt(1);
    if (fid.empty()) db.refuse("spatial index: table " + table + " has no integer primary key");
    return fid;
}

void indexTable(SqliteDatabase& db, const std::string& table, const std::string& column) {
    // The feature table's integer primary key (the FID).
    const std::string fid = fidColumnOf(db, table);
    std::vector<Cell> cells;
    {
        // GDAL keeps a feature count; reserving it avoids doubling the largest array while reading.
        SqliteStatement hasCounts(db, "SELECT 1 FROM sqlite_master WHERE name = 'gpkg_ogr_contents'");
        if (hasCounts.step()) {
            SqliteStatement count(db, "SELECT feature_count FROM gpkg_ogr_contents WHERE lower(table_name) = lower(" + sqlLiteral(table) + ")");
            if (count.step() && count.int64At(0) > 0) cells.reserve(static_cast<size_t>(count.int64At(0)));
        }
    }
    {
        SqliteStatement rows(db, "SELECT " + sqlIdentifier(fid) + ", " + sqlIdentifier(column) + " FROM " + sqlIdentifier(table) + " WHERE " + sqlIdentifier(column) + " IS NOT NULL");
        while (rows.step()) {
            const auto* blob = static_cast<const unsigned char*>(sqlite3_column_blob(rows.handle(), 1));
            Box box;
            if (!blob || !envelopeOf(blob, static_cast<size_t>(sqlite3_column_bytes(rows.handle(), 1)), box)) continue;
            cells.push_back({rows.int64At(0), roundDown(box.minX), roundUp(box.maxX), roundDown(box.minY), roundUp(box.maxY)});
        }
    }

    writeIndex(db, table, column, fid, nullptr, std::move(cells));
}

void writeIndex(SqliteDatabase& db, const std::string& table, const std::string& column, const std::string& fid, const PackedRtree* packed,
                std::vector<Cell> cells) {
    const std::string rtree = "rtree_" + table + "_" + column;
    StepTimer timer("spatial index");
    db.exec("BEGIN", "spatial index");
    db.exec("CREATE VIRTUAL TABLE " + sqlIdentifier(rtree) + " USING rtree(id, minx, maxx, miny, maxy)", "spatial index");
    size_t nodeSize = 0;
    {
        SqliteStatement root(db, "SELECT length(data) FROM " + sqlIdentifier(rtree + "_node") + " WHERE nodeno = 1");
        if (root.step()) nodeSize = static_cast<size_t>(root.int64At(0));
    }
    if (nodeSize <= 4 || (nodeSize - 4) / 24 < 3) db.refuse("spatial index: unexpected R-tree node size " + std::to_string(nodeSize));
    if (packed && packed->nodeSize != nodeSize)
        db.refuse("spatial index: packed for R-tree nodes of " + std::to_string(packed->nodeSize) + " bytes, SQLite made " + std::to_string(nodeSize));

    db.exec("DELETE FROM " + sqlIdentifier(rtree + "_node"), "spatial index");
    SqliteStatement putNode(db, "INSERT INTO " + sqlIdentifier(rtree + "_node") + " (nodeno, data) VALUES (?, ?)");
    size_t stored = 0;
    auto storeNode = [&](int64_t number, const unsigned char* data) {
        ++stored;
        sqlite3_bind_int64(putNode.handle(), 1, number);
        sqlite3_bind_blob(putNode.handle(), 2, data, static_cast<int>(nodeSize), SQLITE_STATIC);
        putNode.run();
    };
    PackedRtree here;
    if (!packed) {
        here = packRtree(std::move(cells), nodeSize, [&](int64_t number, const std::vector<unsigned char>& blob) { storeNode(number, blob.data()); });
        packed = &here;
    } else {
        for (size_t k = 0; k < packed->nodeNumbers.size(); ++k) storeNode(packed->nodeNumbers[k], packed->nodeData.data() + k * nodeSize);
    }
    if (stored == 0) {
        // No rows: an empty root, as SQLite makes one.
        db.exec("INSERT INTO " + sqlIdentifier(rtree + "_node") + " (nodeno, data) VALUES (1, zeroblob(" + std::to_string(nodeSize) + "))", "spatial index");
    }
    timer.step("pack + nodes");
    PairInserter putParent(db, sqlIdentifier(rtree + "_parent"), "nodeno", "parentnode");
    for (size_t number = 2; number < packed->parentOf.size(); ++number) putParent.add(static_cast<int64_t>(number), packed->parentOf[number]);
    putParent.finish();
    PairInserter putRow(db, sqlIdentifier(rtree + "_rowid"), "rowid", "nodeno");
    for (size_t i = 0; i < packed->leafById.size(); ++i)
        if (packed->leafById[i] != 0) putRow.add(packed->minId + static_cast<int64_t>(i), int64_t{packed->leafById[i]});
    for (const auto& [row, leaf] : packed->leafPairs) putRow.add(row, leaf);
    putRow.finish();
    timer.step("parent + rowid rows");

    // The triggers that keep the index in step with later edits, as GDAL writes them (GeoPackage
    // 1.2 spec, rtree extension; ST_* are functions GDAL and QGIS register on their connections).
    const std::string t = sqlIdentifier(table), g = sqlIdentifier(column), f = sqlIdentifier(fid), r = sqlIdentifier(rtree);
    const std::string values = "VALUES (NEW." + f + ",ST_MinX(NEW." + g + "), ST_MaxX(NEW." + g + "),ST_MinY(NEW." + g + "), ST_MaxY(NEW." + g + "))";
    auto trigger = [&](const std::string& suffix) { return "CREATE TRIGGER " + sqlIdentifier(rtree + "_" + suffix) + " AFTER "; };
    db.exec(trigger("insert") + "INSERT ON " + t + " WHEN (new." + g + " NOT NULL AND NOT ST_IsEmpty(NEW." + g + ")) BEGIN INSERT OR REPLACE INTO " + r + " " + values + "; END", "spatial index");
    db.exec(trigger("update1") + "UPDATE OF " + g + " ON " + t + " WHEN OLD." + f + " = NEW." + f + " AND (NEW." + g + " NOTNULL AND NOT ST_IsEmpty(NEW." + g +
                ")) BEGIN INSERT OR REPLACE INTO " + r + " " + values + "; END",
            "spatial index");
    db.exec(trigger("update2") + "UPDATE OF " + g + " ON " + t + " WHEN OLD." + f + " = NEW." + f + " AND (NEW." + g + " ISNULL OR ST_IsEmpty(NEW." + g +
                ")) BEGIN DELETE FROM " + r + " WHERE id = OLD." + f + "; END",
            "spatial index");
    db.exec(trigger("update3") + "UPDATE ON " + t + " WHEN OLD." + f + " != NEW." + f + " AND (NEW." + g + " NOTNULL AND NOT ST_IsEmpty(NEW." + g +
                ")) BEGIN DELETE FROM " + r + " WHERE id = OLD." + f + "; INSERT OR REPLACE INTO " + r + " " + values + "; END",
            "spatial index");
    db.exec(trigger("update4") + "UPDATE ON " + t + " WHEN OLD." + f + " != NEW." + f + " AND (NEW." + g + " ISNULL OR ST_IsEmpty(NEW." + g +
                ")) BEGIN DELETE FROM " + r + " WHERE id IN (OLD." + f + ", NEW." + f + "); END",
            "spatial index");
    db.exec(trigger("delete") + "DELETE ON " + t + " WHEN old." + g + " NOT NULL BEGIN DELETE FROM " + r + " WHERE id = OLD." + f + "; END", "spatial index");
    db.exec(
        "CREATE TABLE IF NOT EXISTS gpkg_extensions (table_name TEXT,column_name TEXT,extension_name TEXT NOT NULL,definition TEXT NOT NULL,"
        "scope TEXT NOT NULL,CONSTRAINT ge_tce UNIQUE (table_name, column_name, extension_name))",
        "spatial index");
    db.exec("INSERT INTO gpkg_extensions (table_name, column_name, extension_name, definition, scope) VALUES (" + sqlLiteral(table) + ", " + sqlLiteral(column) +
                ", 'gpkg_rtree_index', 'http://www.geopackage.org/spec120/#extension_rtree', 'write-only')",
            "spatial index");
    db.exec("COMMIT", "spatial index");
    timer.step("triggers, commit");
}

}  // namespace

size_t rtreeNodeSize(size_t pageSize) {
    // SQLite's rtree.c: a page less 64 bytes, at most RTREE_MAXCELLS (51) cells of 24 bytes.
    return std::min(pageSize - 64, size_t{4} + 24 * 51);
}

PackedRtree packRtree(std::vector<IndexBox> cells, size_t nodeSize, const RtreeNodeSink& sink) {
    PackedRtree packed;
    packed.nodeSize = nodeSize;
    if (cells.empty()) return packed;
    const size_t capacity = (nodeSize - 4) / 24;
    // The leaf of each row: an array by row id when the ids are dense (FIDs usually are), else
    // (id, leaf) pairs sorted at the end; either way the rows come out by ascending id, which
    // appends to the rowid table.
    const auto [lowest, highest] = std::minmax_element(cells.begin(), cells.end(), [](const Cell& a, const Cell& b) { return a.id < b.id; });
    const int64_t idSpan = highest->id - lowest->id + 1;
    packed.minId = lowest->id;
    const bool denseIds = idSpan > 0 && idSpan <= 2 * static_cast<int64_t>(cells.size()) + 1024;
    packed.leafById.assign(denseIds ? static_cast<size_t>(idSpan) : 0, 0);

    // Bottom-up, level by level; each node goes to the sink (or into nodeData) as soon as it is
    // packed, so memory stays at the cells plus one level. Nodes are numbered from 2 as they are
    // made, except the root (a level of one node), which SQLite wants as node 1.
    packed.parentOf.assign(2, 0);
    int64_t nextNumber = 2;
    std::vector<Cell> level = std::move(cells);
    bool leaves = true;
    for (int depth = 0;; ++depth) {
        const std::vector<size_t> starts = packLevel(level, capacity);
        const bool rootLevel = starts.size() == 2;
        std::vector<Cell> above;
        for (size_t k = 0; k + 1 < starts.size(); ++k) {
            const int64_t number = rootLevel ? 1 : nextNumber++;
            const Cell* first = level.data() + starts[k];
            const Cell* last = level.data() + starts[k + 1];
            const std::vector<unsigned char> blob = encodeNode(first, last, rootLevel ? depth : 0, nodeSize);
            if (sink) {
                sink(number, blob);
            } else {
                packed.nodeNumbers.push_back(number);
                packed.nodeData.insert(packed.nodeData.end(), blob.begin(), blob.end());
            }
            for (const Cell* c = first; c < last; ++c) {
                if (!leaves) packed.parentOf[static_cast<size_t>(c->id)] = number;
                else if (denseIds) packed.leafById[static_cast<size_t>(c->id - packed.minId)] = static_cast<int32_t>(number);
                else packed.leafPairs.emplace_back(c->id, number);
            }
            if (!rootLevel) above.push_back(boundingCell(first, last, number));
        }
        if (rootLevel) break;
        packed.parentOf.resize(static_cast<size_t>(nextNumber), 0);
        level = std::move(above);
        leaves = false;
    }
    std::sort(packed.leafPairs.begin(), packed.leafPairs.end());
    return packed;
}

IndexBox indexBox(int64_t id, double minX, double maxX, double minY, double maxY) {
    return {id, roundDown(minX), roundUp(maxX), roundDown(minY), roundUp(maxY)};
}

namespace {

// Indexes one table of a GeoPackage a VectorWriter is still making, from a packed tree or, when
// there is none, from the boxes.
void indexStagedTable(const std::string& path, const std::string& table, const std::string& column, const PackedRtree* packed,
                      std::vector<IndexBox> boxes) {
    SqliteDatabase db(path);
    // The file is staged and not yet visible: like its rows, the index needs no fsync at commit
    // (the writer syncs the file once at close, before the run's rename makes it visible).
    db.exec("PRAGMA synchronous = OFF; PRAGMA journal_mode = MEMORY", "cannot set up the GeoPackage");
    try {
        writeIndex(db, table, column, fidColumnOf(db, table), packed, std::move(boxes));
    } catch (...) {
        db.execQuietly("ROLLBACK");
        throw;
    }
}

}  // namespace

void addGeoPackageSpatialIndex(const std::string& path, const std::string& table, const std::string& column, std::vector<IndexBox> boxes) {
    indexStagedTable(path, table, column, nullptr, std::move(boxes));
}

void addPackedSpatialIndex(const std::string& path, const std::string& table, const std::string& column, const PackedRtree& packed) {
    indexStagedTable(path, table, column, &packed, {});
}

int addGeoPackageSpatialIndexes(const std::string& path) {
    SqliteDatabase db(path);
    std::vector<std::pair<std::string, std::string>> todo;
    {
        SqliteStatement columns(db, "SELECT table_name, column_name FROM gpkg_geometry_columns");
        while (columns.step())
            todo.emplace_back(columns.textAt(0), columns.textAt(1));
    }
    int indexed = 0;
    for (const auto& [table, column] : todo) {
        SqliteStatement exists(db, "SELECT 1 FROM sqlite_master WHERE name = " + sqlLiteral("rtree_" + table + "_" + column));
        if (exists.step()) continue;
        try {
            indexTable(db, table, column);
        } catch (...) {
            db.execQuietly("ROLLBACK");
            throw;
        }
        ++indexed;
    }
    return indexed;
}

}  // namespace hotspot
