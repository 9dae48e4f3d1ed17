#pragma once
// Reading any OGR vector layer or GDAL raster into plain C++ data, in the analysis CRS, for front
// ends that draw (the viewer). No GDAL types here.

#include <cstdint>
#include <string>
#include <vector>

#include "hotspot/grid.hpp"

namespace hotspot {

enum class ShapeKind : uint8_t { None,
                                 Point,
                                 Line,
                                 Polygon };

// One feature: its attribute values (as text, in the layer's field order) and its geometry as parts:
// points (one vertex a part), line strings, or polygon rings (outer and holes; draw even-odd).
struct VectorFeature {
    int64_t fid = 0;
    ShapeKind kind = ShapeKind::None;
    std::vector<std::vector<std::pair<double, double>>> parts;
    std::vector<std::string> values;
};

struct VectorData {
    std::string path, layer;
    std::vector<std::string> fields;
    ShapeKind kind = ShapeKind::None;  // the kind of most features
    std::vector<VectorFeature> features;
    Extent extent{0, 0, -1, -1};
    int fieldIndex(const std::string& name) const;  // -1 if absent (case-insensitive)
};

// Layer names of a vector dataset. Throws Error(Input).
std::vector<std::string> vectorLayerNames(const std::string& path);
// Reads a layer (first if empty) transformed to the analysis CRS (a layer without a CRS is taken
// to be in it). Throws Error(Input).
VectorData readVectorData(const std::string& path, const std::string& layer, const std::string& analysisCrs);
// Geometry parts of ISO/OGC WKB (as written by the engine's jobs).
VectorFeature featureFromWkb(const std::vector<unsigned char>& wkb);

// A single-band raster on a north-up grid (a density GeoTIFF), values as double, NaN for nodata.
struct RasterData {
    double originX = 0, originY = 0;  // top-left corner
    double cellWidth = 0, cellHeight = 0;
    int64_t cols = 0, rows = 0;
    std::vector<double> values;
    std::string crs;
    Extent extent() const { return {originX, originY - cellHeight * static_cast<double>(rows), originX + cellWidth * static_cast<double>(cols), originY}; }
};
// Reads band 1. Throws Error(Input) for rotated rasters or a CRS other than the analysis CRS.
RasterData readRasterData(const std::string& path, const std::string& analysisCrs);

}  // namespace hotspot
