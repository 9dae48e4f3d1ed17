#include <cmath>

#include <cpl_error.h>
#include <ogr_spatialref.h>

#include "hotspot/error.hpp"
#include "io/gdal_util.hpp"
#include "io/gpkg_rtree.hpp"
#include "io/output_files.hpp"

namespace hotspot {

VectorWriter::VectorWriter(const std::string& path, const std::string& driver) : m_path(path) {
    ensureGdalRegistered();
    GDALDriver* drv = GetGDALDriverManager()->GetDriverByName(driver.c_str());
    if (!drv) throwOutput("GDAL driver '" + driver + "' is not available", {path});
    m_ds = drv->Create(path.c_str(), 0, 0, 0, GDT_Unknown, nullptr);
    m_geoPackage = driver == "GPKG";
    if (!m_ds) throwOutput("cannot create: " + lastGdalError(), {path});
}

VectorWriter::~VectorWriter() {
    if (m_feature) OGRFeature::DestroyFeature(m_feature);
    if (m_ds) GDALClose(m_ds);
}

void VectorWriter::finishLayer() {
    if (m_inTransaction && m_ds->CommitTransaction() != OGRERR_NONE) throwOutput("cannot commit: " + lastGdalError(), {m_path});
    m_inTransaction = false;
    if (m_feature) {
        OGRFeature::DestroyFeature(m_feature);
        m_feature = nullptr;
    }
    m_layer = nullptr;
}

void VectorWriter::createLayer(const std::string& name, GeometryKind geometry, const std::string& crs,
                               const std::vector<FieldSpec>& fields, const std::string& description) {
    finishLayer();
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
        OGRFieldType t = f.type == FieldType::Integer ? OFTInteger
                         : f.type == FieldType::Integer64 ? OFTInteger64
                         : f.type == FieldType::Real ? OFTReal
                         : f.type == FieldType::Date ? OFTDate
                                                     : OFTString;
        OGRFieldDefn defn(f.name.c_str(), t);
        if (m_layer->CreateField(&defn) != OGRERR_NONE) throwOutput("cannot create field '" + f.name + "': " + lastGdalError(), {m_path});
    }
    m_feature = OGRFeature::CreateFeature(m_layer->GetLayerDefn());
}

void VectorWriter::setString(int field, const std::string& value) { m_feature->SetField(field, value.c_str()); }
void VectorWriter::setInteger(int field, int64_t value) { m_feature->SetField(field, static_cast<GIntBig>(value)); }
void VectorWriter::setReal(int field, double value) { m_feature->SetField(field, value); }
void VectorWriter::setNull(int field) { m_feature->SetFieldNull(field); }

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
    if (std::isnan(x)) {
        m_feature->SetGeometryDirectly(nullptr);
        return;
    }
    m_feature->SetGeometryDirectly(new OGRPoint(x, y));
}

void VectorWriter::setWkb(const std::vector<unsigned char>& wkb) {
    OGRGeometry* g = nullptr;
    if (OGRGeometryFactory::createFromWkb(wkb.data(), nullptr, &g, wkb.size()) != OGRERR_NONE) throwOutput("bad geometry", {m_path});
    if (wkbFlatten(g->getGeometryType()) == wkbPolygon) g = OGRGeometryFactory::forceToMultiPolygon(g);
    m_feature->SetGeometryDirectly(g);
}

void VectorWriter::writeFeature() {
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
    if (!m_ds) return;
    finishLayer();
    GDALDataset* ds = m_ds;
    m_ds = nullptr;
    const GdalFailureWatch watch;
    GDALClose(ds);
    if (watch.failed()) throwWriteFailure(m_path, "cannot finish writing: " + watch.message());
    if (m_geoPackage) addGeoPackageSpatialIndexes(m_path);
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
