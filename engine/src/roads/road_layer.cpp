// Road lines from any OGR line layer, transformed to the analysis CRS.

#include <algorithm>

#include <fmt/format.h>

#include "hotspot/error.hpp"
#include "hotspot/road_network.hpp"
#include "hotspot/strings.hpp"
#include "io/gdal_util.hpp"

namespace hotspot {

namespace {

int findField(OGRFeatureDefn* defn, const std::string& wanted, std::initializer_list<const char*> candidates, const std::string& path,
              const char* option) {
    if (!wanted.empty()) {
        const int i = defn->GetFieldIndex(wanted.c_str());
        if (i < 0) throwInput("field '" + wanted + "' is not in the road layer", {path, 0, option});
        return i;
    }
    for (const char* name : candidates)
        for (int i = 0; i < defn->GetFieldCount(); ++i)
            if (iequals(defn->GetFieldDefn(i)->GetNameRef(), name)) return i;
    return -1;
}

void appendLine(const OGRLineString& line, OGRCoordinateTransformation* transform, RoadLine& into) {
    into.x.resize(static_cast<size_t>(line.getNumPoints()));
    into.y.resize(into.x.size());
    for (int i = 0; i < line.getNumPoints(); ++i) into.x[static_cast<size_t>(i)] = line.getX(i), into.y[static_cast<size_t>(i)] = line.getY(i);
    if (transform && !into.x.empty()) transform->Transform(static_cast<int>(into.x.size()), into.x.data(), into.y.data());
}

}  // namespace

RoadLayerRead readRoadLayer(const RoadLayerOptions& o, const std::string& analysisCrs) {
    DatasetPtr ds = openVector(o.path);
    OGRLayer* layer = pickLayer(*ds, o.path, o.layer);
    OGRFeatureDefn* defn = layer->GetLayerDefn();
    RoadLayerRead out;
    const int nameIdx = findField(defn, o.nameField, {"name", "road_name", "roadname", "name1", "street", "street_name"}, o.path, "--name-field");
    const int refIdx = o.nameField.empty() ? defn->GetFieldIndex("ref") : -1;
    const int classIdx =
        findField(defn, o.classField, {"highway", "road_class", "roadclass", "class", "roadclassification", "fclass"}, o.path, "--class-field");
    out.nameField = nameIdx >= 0 ? defn->GetFieldDefn(nameIdx)->GetNameRef() : "";
    out.classField = classIdx >= 0 ? defn->GetFieldDefn(classIdx)->GetNameRef() : "";
    const bool osmHighway = classIdx >= 0 && iequals(out.classField, "highway");
    std::vector<std::string> exclude;
    for (const auto& c : o.excludeClasses) exclude.push_back(toLowerAscii(c));
    if (o.defaultExclusions && osmHighway)
        for (const char* c : {"footway", "cycleway", "steps", "path", "pedestrian", "bridleway", "corridor", "track", "proposed",
                              "construction", "platform"})
            exclude.emplace_back(c);
    const auto transform = layerToAnalysisTransform(*layer, o.srs, analysisCrs, o.path, "road layer");
    out.sourceCrs = crsString(layer->GetSpatialRef());
    int64_t excludedNoClass = 0;
    layer->ResetReading();
    for (FeaturePtr f(layer->GetNextFeature()); f; f.reset(layer->GetNextFeature())) {
        ++out.features;
        const std::string roadClass = classIdx >= 0 ? f->GetFieldAsString(classIdx) : "";
        if (osmHighway && o.defaultExclusions && roadClass.empty()) {
            ++out.excluded, ++excludedNoClass;
            continue;
        }
        if (std::find(exclude.begin(), exclude.end(), toLowerAscii(roadClass)) != exclude.end()) {
            ++out.excluded;
            continue;
        }
        const OGRGeometry* g = f->GetGeometryRef();
        if (!g || g->IsEmpty()) {
            ++out.empty;
            continue;
        }
        std::unique_ptr<OGRGeometry> linear(g->hasCurveGeometry() ? g->getLinearGeometry() : g->clone());
        const auto type = wkbFlatten(linear->getGeometryType());
        std::string name = nameIdx >= 0 ? f->GetFieldAsString(nameIdx) : "";
        if (refIdx >= 0 && f->IsFieldSetAndNotNull(refIdx)) {
            const std::string ref = f->GetFieldAsString(refIdx);
            name = name.empty() ? ref : ref + " " + name;
        }
        auto add = [&](const OGRLineString& part) {
            RoadLine line;
            appendLine(part, transform.get(), line);
            line.name = name;
            line.roadClass = roadClass;
            line.feature = f->GetFID();
            out.lines.push_back(std::move(line));
        };
        if (type == wkbLineString) {
            add(*linear->toLineString());
        } else if (type == wkbMultiLineString) {
            for (const OGRLineString* part : *linear->toMultiLineString()) add(*part);
        } else {
            ++out.notLines;
        }
    }
    if (out.lines.empty())
        throwInput(fmt::format("the road layer '{}' has no line features to build a network from ({} features, {} excluded by class, {} not lines)",
                               layer->GetName(), out.features, out.excluded, out.notLines),
                   {o.path, 0, "geometry"});
    if (out.excluded)
        out.notes.push_back(fmt::format("{} features excluded by road class ({} without a highway tag); see --exclude-classes", out.excluded,
                                        excludedNoClass));
    if (out.notLines) out.notes.push_back(fmt::format("{} features are not lines: skipped", out.notLines));
    if (out.empty) out.notes.push_back(fmt::format("{} features have no geometry: skipped", out.empty));
    return out;
}

}  // namespace hotspot
