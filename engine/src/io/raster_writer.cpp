#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>
#include <vector>

#include <cpl_string.h>
#include <gdal_priv.h>
#include <ogr_spatialref.h>

#include "hotspot/error.hpp"
#include "hotspot/grid.hpp"
#include "io/gdal_util.hpp"
#include "io/output_files.hpp"

namespace hotspot {

namespace {

// The cells as the file's type: NaN and infinities as nodata, the rest clamped to the type's range
// (and rounded, for integers).
template <typename T>
std::vector<T> pixelsAs(const std::vector<double>& values, double nodata) {
    constexpr double lowest = std::numeric_limits<T>::lowest(), highest = std::numeric_limits<T>::max();
    std::vector<T> out(values.size());
    for (size_t k = 0; k < values.size(); ++k) {
        double v = std::isfinite(values[k]) ? values[k] : nodata;
        if constexpr (std::is_integral_v<T>) v = std::round(v);
        out[k] = static_cast<T>(std::clamp(v, lowest, highest));
    }
    return out;
}

}  // namespace

void writeGeoTiff(const std::string& path, const Grid& grid, const std::vector<double>& values, const std::string& crs,
                  RasterType type, double nodata, const std::vector<std::pair<std::string, std::string>>& metadata,
                  const std::string& description) {
    const GdalFailureWatch watch(path);  // tiles are written at close; only the error handler sees a failure there
    if (grid.shape != GridShape::Square) throw Error(ErrorKind::Internal, "GeoTIFF output needs a square grid");
    const GDALDataType gdalType = type == RasterType::Float32 ? GDT_Float32 : type == RasterType::Float64 ? GDT_Float64
                                                                                                          : GDT_Int16;
    // The raster and its overviews are made in memory and copied to the GeoTIFF once: overviews
    // built on the GeoTIFF itself would read back and inflate every tile just written.
    // The cells in the file's type, NaN as nodata, in one buffer the in-memory raster uses as its
    // band (DATAPOINTER), where a copy as doubles and the MEM band's own copy took three times the
    // memory (fresh memory is dear on virtual machines: docs/benchmarks.md).
    std::vector<float> asFloat32;
    std::vector<double> asFloat64;
    std::vector<int16_t> asInt16;
    void* pixels = nullptr;
    switch (type) {
        case RasterType::Float32: pixels = (asFloat32 = pixelsAs<float>(values, nodata)).data(); break;
        case RasterType::Float64: pixels = (asFloat64 = pixelsAs<double>(values, nodata)).data(); break;
        case RasterType::Int16: pixels = (asInt16 = pixelsAs<int16_t>(values, nodata)).data(); break;
    }
    GDALDriver* mem = GetGDALDriverManager()->GetDriverByName("MEM");
    GDALDatasetUniquePtr src(mem->Create("", static_cast<int>(grid.cols), static_cast<int>(grid.rows), 0, gdalType, nullptr));
    if (!src) throwOutput("cannot create the raster in memory: " + lastGdalError(), {path});
    char pointer[64] = {};
    CPLPrintPointer(pointer, pixels, sizeof pointer - 1);
    CPLStringList bandOptions;
    bandOptions.SetNameValue("DATAPOINTER", pointer);
    if (src->AddBand(gdalType, bandOptions.List()) != CE_None) throwOutput("cannot create the raster in memory: " + lastGdalError(), {path});
    double transform[6] = {grid.originX, grid.cellSize, 0, grid.originY + static_cast<double>(grid.rows) * grid.cellSize, 0, -grid.cellSize};
    src->SetGeoTransform(transform);
    OGRSpatialReference srs;
    srs.SetFromUserInput(crs.c_str());
    src->SetSpatialRef(&srs);
    for (const auto& [key, value] : metadata) src->SetMetadataItem(key.c_str(), value.c_str());
    GDALRasterBand* band = src->GetRasterBand(1);
    band->SetNoDataValue(nodata);
    band->SetDescription(description.c_str());
    const bool overviews = grid.cols >= 512 && grid.rows >= 512;
    int levels[] = {2, 4, 8, 16};
    const CPLErr err = overviews ? src->BuildOverviews(type == RasterType::Int16 ? "NEAREST" : "AVERAGE", 4, levels, 0, nullptr, nullptr, nullptr)
                                 : CE_None;
    if (err != CE_None || watch.failed()) throwWriteFailure(path, "cannot make the raster: " + watch.message(), watch.diskErrno());
    CPLStringList options;
    options.SetNameValue("TILED", "YES");
    options.SetNameValue("COMPRESS", "DEFLATE");
    // Level 1, not GDAL's 6: half the compression time (a 1010 x 1010 density surface: 0.05 s
    // against 0.10 s) for files 2-8 % larger (docs/benchmarks.md).
    options.SetNameValue("ZLEVEL", "1");
    options.SetNameValue("PREDICTOR", type == RasterType::Int16 ? "2" : "3");
    options.SetNameValue("BIGTIFF", "IF_SAFER");
    if (overviews) options.SetNameValue("COPY_SRC_OVERVIEWS", "YES");
    options.SetNameValue("NUM_THREADS", "ALL_CPUS");
    GDALDriver* driver = GetGDALDriverManager()->GetDriverByName("GTiff");
    GDALDataset* ds = driver->CreateCopy(path.c_str(), src.get(), FALSE, options.List(), nullptr, nullptr);
    if (!ds) throwWriteFailure(path, "cannot write the GeoTIFF: " + lastGdalError(), watch.diskErrno());
    GDALClose(ds);
    if (watch.failed()) throwWriteFailure(path, "cannot write the GeoTIFF: " + watch.message(), watch.diskErrno());
}

}  // namespace hotspot
