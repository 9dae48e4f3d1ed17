#pragma once
// Bulk-built GeoPackage spatial indexes (the gpkg_rtree_index extension).
//
// GDAL 3.6 (Debian 12) fills a layer's R-tree one row at a time through SQLite's R*-tree module:
// about 10 microseconds a row, 11 s of a 17 s export of 1,000,000 points. Here the tree is packed
// in memory (sort-tile-recursive) and written straight into the R-tree's shadow tables in SQLite's
// node format, under the same virtual table, triggers and gpkg_extensions row GDAL writes, so GDAL,
// QGIS and SQLite's own rtreecheck() see an ordinary index that later edits keep up to date.

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace hotspot {

// One row's box as the index stores it: 32-bit floats, minima rounded down and maxima up.
struct IndexBox {
    int64_t id;  // the row's FID (a child node number inside the tree)
    float minX, maxX, minY, maxY;
};
IndexBox indexBox(int64_t id, double minX, double maxX, double minY, double maxY);

// Indexes one table from boxes its writer kept while inserting the rows (no read back).
void addGeoPackageSpatialIndex(const std::string& path, const std::string& table, const std::string& column, std::vector<IndexBox> boxes);

// A tree packed away from SQLite, e.g. on another thread while the next layer is written: the
// nodes in SQLite's format (unless a sink took them as they were made), each node's parent and
// each row's leaf.
struct PackedRtree {
    size_t nodeSize = 0;
    std::vector<int64_t> nodeNumbers;  // node k is nodeData[k * nodeSize, (k + 1) * nodeSize)
    std::vector<unsigned char> nodeData;
    std::vector<int64_t> parentOf;  // by node number; nodes 0 and 1 (the root) have none
    int64_t minId = 0;
    std::vector<int32_t> leafById;                       // leaf of row minId + i (0: no row), when the ids are dense
    std::vector<std::pair<int64_t, int64_t>> leafPairs;  // else (row id, leaf), by row id
};
using RtreeNodeSink = std::function<void(int64_t number, const std::vector<unsigned char>& node)>;
// The node size SQLite's R-tree module uses in a database of this page size.
size_t rtreeNodeSize(size_t pageSize);
PackedRtree packRtree(std::vector<IndexBox> boxes, size_t nodeSize, const RtreeNodeSink& sink = {});
// Stores a packed tree as the table's index (throws if SQLite's node size is not the packed one).
void addPackedSpatialIndex(const std::string& path, const std::string& table, const std::string& column, const PackedRtree& packed);

// Indexes every feature table of the GeoPackage at `path` that has a geometry column and no
// R-tree yet (tables written with SPATIAL_INDEX=NO). Returns the number of tables indexed. Empty
// and NULL geometries are left out, as GDAL does. Throws Error(Output) naming the file on failure.
int addGeoPackageSpatialIndexes(const std::string& path);

}  // namespace hotspot
