#include <cmath>

#include <cpl_string.h>
#include <gdal_priv.h>
#include <ogr_spatialref.h>

#include "hotspot/error.hpp"
#include "hotspot/grid.hpp"
#include "io/gdal_util.hpp"
#include "io/output_files.hpp"

namespace hotspot {

void writeGeoTiff(const std::string& path, const Grid& grid, const std::vector<double>& values, const std::string& crs,
                  RasterType type, double nodata, const std::vector<std::pair<std::string, std::string>>& metadata,
                  const std::string& description) {
    const GdalFailureWatch watch;  // tiles are written at close; only the error handler sees a failure there
    if (grid.shape != GridShape::Square) throw Error(ErrorKind::Internal, "GeoTIFF output needs a square grid");
    GDALDriver* driver = GetGDALDriverManager()->GetDriverByName("GTiff");
    const GDALDataType gdalType = type == RasterType::Float32 ? GDT_Float32 : type == RasterType::Float64 ? GDT_Float64 : GDT_Int16;
    CPLStringList options;
    options.SetNameValue("TILED", "YES");
    options.SetNameValue("COMPRESS", "DEFLATE");
    options.SetNameValue("PREDICTOR", type == RasterType::Int16 ? "2" : "3");
    options.SetNameValue("BIGTIFF", "IF_SAFER");
    GDALDataset* ds = driver->Create(path.c_str(), static_cast<int>(grid.cols), static_cast<int>(grid.rows), 1, gdalType, options.List());
    if (!ds) throwOutput("cannot create GeoTIFF: " + lastGdalError(), {path});
    double transform[6] = {grid.originX, grid.cellSize, 0, grid.originY + static_cast<double>(grid.rows) * grid.cellSize, 0, -grid.cellSize};
    ds->SetGeoTransform(transform);
    OGRSpatialReference srs;
    srs.SetFromUserInput(crs.c_str());
    ds->SetSpatialRef(&srs);
    for (const auto& [key, value] : metadata) ds->SetMetadataItem(key.c_str(), value.c_str());
    GDALRasterBand* band = ds->GetRasterBand(1);
    band->SetNoDataValue(nodata);
    band->SetDescription(description.c_str());
    std::vector<double> buffer(values);
    for (double& v : buffer)
        if (!std::isfinite(v)) v = nodata;
    CPLErr err = band->RasterIO(GF_Write, 0, 0, static_cast<int>(grid.cols), static_cast<int>(grid.rows), buffer.data(),
                                static_cast<int>(grid.cols), static_cast<int>(grid.rows), GDT_Float64, 0, 0, nullptr);
    if (err == CE_None && grid.cols >= 512 && grid.rows >= 512) {
        int levels[] = {2, 4, 8, 16};
        err = ds->BuildOverviews(type == RasterType::Int16 ? "NEAREST" : "AVERAGE", 4, levels, 0, nullptr, nullptr, nullptr);
    }
    GDALClose(ds);
    if (err != CE_None || watch.failed()) throwWriteFailure(path, "cannot write the GeoTIFF: " + watch.message());
}

}  // namespace hotspot
