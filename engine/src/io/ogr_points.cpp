// Incidents from any OGR point layer (GeoPackage, Shapefile, GeoJSON, FlatGeobuf ...).

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <optional>

#include <fmt/format.h>

#include "hotspot/error.hpp"
#include "hotspot/strings.hpp"
#include "io/gdal_util.hpp"
#include "io/readers.hpp"

namespace hotspot {

void readOgrFile(const std::string& spec, const IngestOptions& options, ReadBatch& into) {
    // "source|layername=NAME" picks a layer per input (e.g. a PostGIS table); else --layer.
    std::string path = spec, layerName = options.layer;
    if (auto bar = spec.find("|layername="); bar != std::string::npos) {
        path = spec.substr(0, bar);
        layerName = spec.substr(bar + 11);
    }
    // Council case lists come as spreadsheets: their first row is the header (no OGR_XLSX_HEADERS
    // environment variable needed), and their coordinates, if any, are columns.
    const std::string ext = toLowerAscii(std::filesystem::path(path).extension().string());
    const bool spreadsheet = ext == ".xlsx" || ext == ".ods" || ext == ".xls";
    const char* const headersForced[] = {"HEADERS=FORCE", nullptr};
    DatasetPtr ds = openVector(path, spreadsheet && ext != ".xls" ? headersForced : nullptr);
    OGRLayer* layer = pickLayer(*ds, path, layerName);
    const ColumnMapping& given = options.mapping;
    std::string sourceCrs = crsString(layer->GetSpatialRef());
    if (sourceCrs.empty()) {
        if (!given.srs.empty()) sourceCrs = given.srs;
        else if (!given.x.empty())
            throwUsage("x/y columns are mapped but no `srs` was given for them", {path, 0, "srs"});
        else if (!given.lon.empty()) sourceCrs = "EPSG:4326";
        else if (layer->GetGeomType() == wkbNone && !given.address.empty()) sourceCrs = options.analysisCrs;  // addresses only: no coordinates to transform
        else throwInput("layer '" + std::string(layer->GetName()) + "' has no coordinate reference system; give one with `srs`", {path, 0, "crs"});
    }
    const uint32_t fileIndex = into.addFile(spec, InputFormat::Ogr, sourceCrs);
    struct {
        IncidentTable table;
        std::vector<Reject> rejects;
        FileStats stats;
    } r;
    OGRFeatureDefn* defn = layer->GetLayerDefn();
    ColumnMapping m = options.mapping;
    // The incidents layer written by `hotspot geocode` maps itself.
    if (m.category.empty() && m.month.empty() && m.date.empty() && defn->GetFieldIndex("group_name") >= 0 &&
        defn->GetFieldIndex("category") >= 0 && defn->GetFieldIndex("month") >= 0 && defn->GetFieldIndex("source_id") >= 0) {
        m.category = "category";
        m.month = "month";
        m.id = "source_id";
        if (defn->GetFieldIndex("weight") >= 0) m.weight = "weight";
    }
    if (!options.categoryField.empty()) {
        if (defn->GetFieldIndex(options.categoryField.c_str()) < 0)
            throwInput("field '" + options.categoryField + "' (`category_field`) is not in layer '" + layer->GetName() + "'", {path, 0, options.categoryField});
        m.category = options.categoryField;
    }
    auto fieldIndex = [&](const std::string& name, const char* role) {
        if (name.empty()) return -1;
        int i = defn->GetFieldIndex(name.c_str());
        if (i < 0) throwInput(fmt::format("field '{}' (mapped as {}) is not in layer '{}'", name, role, layer->GetName()), {path, 0, name});
        return i;
    };
    const int fId = fieldIndex(m.id, "id"), fCategory = fieldIndex(m.category, "category"), fDate = fieldIndex(m.date, "date"),
              fMonth = fieldIndex(m.month, "month"), fWeight = fieldIndex(m.weight, "weight"),
              fAddress = fieldIndex(m.address, "address"), fLocality = fieldIndex(m.locality, "locality");
    // Coordinates in columns (spreadsheets, tables without geometry): x/y in --srs, or lon/lat. A
    // layer with geometry is located by it (a mapping shared with CSV inputs names no field here).
    const bool noGeometry = defn->GetGeomFieldCount() == 0;
    const int fX = noGeometry ? fieldIndex(!m.x.empty() ? m.x : m.lon, "x") : -1, fY = noGeometry ? fieldIndex(!m.y.empty() ? m.y : m.lat, "y") : -1;
    std::vector<std::pair<int, size_t>> attributes;
    for (int i = 0; i < defn->GetFieldCount() && options.keepAttributes; ++i) {
        if (i == fId || i == fCategory || i == fDate || i == fMonth || i == fWeight || i == fAddress || i == fLocality || i == fX || i == fY) continue;
        const char* name = defn->GetFieldDefn(i)->GetNameRef();
        if (!options.onlyAttributes.empty() &&
            std::none_of(options.onlyAttributes.begin(), options.onlyAttributes.end(), [&](const std::string& wanted) { return iequals(wanted, name); }))
            continue;
        attributes.emplace_back(i, r.table.attributeIndex(defn->GetFieldDefn(i)->GetNameRef()));
    }
    auto text = [](OGRFeature& f, int i) -> std::string {
        if (i < 0 || !f.IsFieldSetAndNotNull(i)) return {};
        return std::string(trim(f.GetFieldAsString(i)));
    };
    layer->ResetReading();
    int64_t ordinal = 0;
    for (FeaturePtr f(layer->GetNextFeature()); f; f.reset(layer->GetNextFeature())) {
        ++ordinal;
        ++r.stats.rows;
        const int64_t line = f->GetFID() >= 0 ? f->GetFID() : ordinal;  // "line" is the feature id for layers
        auto reject = [&](const std::string& field, const std::string& reason) {
            r.rejects.push_back(Reject{fileIndex, line, field, reason, ""});
        };
        std::string category = text(*f, fCategory);
        if (fCategory >= 0 && category.empty()) {
            reject(m.category, "empty category");
            continue;
        }
        int32_t month = kNoMonth;
        int day = 0;
        if (fMonth >= 0 || fDate >= 0) {
            const int fWhen = fDate >= 0 ? fDate : fMonth;
            const OGRFieldType type = defn->GetFieldDefn(fWhen)->GetType();
            int year = 0, mon = 0, dd = 0, hh = 0, mi = 0, tz = 0;
            float ss = 0;
            std::optional<std::pair<int32_t, int>> parsed;
            std::string value = text(*f, fWhen);
            if ((type == OFTDate || type == OFTDateTime) && f->IsFieldSetAndNotNull(fWhen) &&
                f->GetFieldAsDateTime(fWhen, &year, &mon, &dd, &hh, &mi, &ss, &tz) && year > 0)
                parsed = parseDate(fmt::format("{:04d}-{:02d}-{:02d}", year, mon, dd));  // a date cell
            else parsed = parseDate(value);
            if (!parsed && spreadsheet) parsed = excelSerialDate(value);  // a date cell read as its serial number
            if (!parsed) {
                reject(fDate >= 0 ? m.date : m.month, fmt::format("'{}' is not a date or month", value));
                continue;
            }
            month = parsed->first;
            day = parsed->second;
        }
        double px = NAN, py = NAN;
        const OGRGeometry* g = f->GetGeometryRef();
        if (fX >= 0) {
            const std::string tx = text(*f, fX), ty = text(*f, fY);
            if (!tx.empty() || !ty.empty()) {
                char* end = nullptr;
                px = std::strtod(tx.c_str(), &end);
                const bool okX = !tx.empty() && *end == '\0';
                py = std::strtod(ty.c_str(), &end);
                const bool okY = !ty.empty() && *end == '\0';
                if (!okX || !okY || !std::isfinite(px) || !std::isfinite(py)) {
                    reject(okX ? m.y + m.lat : m.x + m.lon, fmt::format("'{}' is not a number", okX ? ty : tx));
                    continue;
                }
            }
        } else if (g && !g->IsEmpty()) {
            auto type = wkbFlatten(g->getGeometryType());
            if (type == wkbPoint) {
                px = g->toPoint()->getX();
                py = g->toPoint()->getY();
            } else if (type == wkbMultiPoint && g->toMultiPoint()->getNumGeometries() == 1) {
                px = g->toMultiPoint()->getGeometryRef(0)->getX();
                py = g->toMultiPoint()->getGeometryRef(0)->getY();
            } else {
                reject("geometry", fmt::format("geometry is a {}, expected a point", OGRGeometryTypeToName(type)));
                continue;
            }
            if (!std::isfinite(px) || !std::isfinite(py)) {
                reject("geometry", "point coordinates are not finite");
                continue;
            }
        }
        std::string address = text(*f, fAddress);
        LocationSource source = LocationSource::Coordinates;
        if (!std::isfinite(px)) {
            if (address.empty()) {
                reject("geometry", "no geometry and no address");
                continue;
            }
            source = LocationSource::Pending;
        }
        float weight = 1.0f;
        if (fWeight >= 0) {
            double w = f->IsFieldSetAndNotNull(fWeight) ? f->GetFieldAsDouble(fWeight) : -1;
            if (!std::isfinite(w) || w < 0) {
                reject(m.weight, "weight is missing or negative");
                continue;
            }
            weight = static_cast<float>(w);
        }
        IncidentTable& t = r.table;
        t.sourceId.push(text(*f, fId));
        t.x.push_back(NAN);
        t.y.push_back(NAN);
        t.srcX.push_back(px);
        t.srcY.push_back(py);
        t.month.push_back(month);
        t.day.push_back(static_cast<int8_t>(day));
        t.weight.push_back(weight);
        t.category.push(category);
        auto group = options.categories->groupOf(category);
        t.group.push_back(group ? *group : kNoGroup);
        t.location.push(address);
        t.locality.push(text(*f, fLocality));
        t.fileIndex.push_back(fileIndex);
        t.line.push_back(line);
        t.locationSource.push_back(static_cast<uint8_t>(source));
        t.matchScore.push_back(source == LocationSource::Coordinates ? 1.0f : 0.0f);
        for (auto& [field, slot] : attributes) t.attributes[slot].values.push(text(*f, field));
    }
    FileStats& stats = into.files[fileIndex];
    stats.rows = r.stats.rows;
    stats.accepted = static_cast<int64_t>(r.table.size());
    stats.rejected = static_cast<int64_t>(r.rejects.size());
    into.firstRow[fileIndex] = into.table.size();
    into.rowCount[fileIndex] = r.table.size();
    into.table.append(r.table);
    for (auto& rej : r.rejects) into.rejects.push_back(std::move(rej));
}

}  // namespace hotspot
