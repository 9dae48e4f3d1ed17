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

void RoadLayerOptions::setFields(const std::string& spec) {
    size_t start = 0;
    while (start < spec.size()) {
        const size_t comma = std::min(spec.find(',', start), spec.size());
        const std::string_view item = trim(std::string_view(spec).substr(start, comma - start));
        start = comma + 1;
        if (item.empty()) continue;
        const size_t eq = item.find('=');
        const std::string role = toLowerAscii(trim(item.substr(0, eq)));
        const std::string field = eq == std::string_view::npos ? "" : std::string(trim(item.substr(eq + 1)));
        if (field.empty()) throwUsage(fmt::format("'{}' is not role=field", item), {"", 0, "network_fields"});
        if (role == "name") nameField = field;
        else if (role == "class") classField = field;
        else if (role == "number") numberField = field;
        else if (role == "start") startNodeField = field;
        else if (role == "end") endNodeField = field;
        else throwUsage(fmt::format("unknown role '{}' (name, class, number, start, end)", role), {"", 0, "network_fields"});
    }
}

RoadLayerRead readRoadLayer(const RoadLayerOptions& o, const std::string& analysisCrs) {
    DatasetPtr ds = openVector(o.path);
    OGRLayer* layer = pickLayer(*ds, o.path, o.layer);
    OGRFeatureDefn* defn = layer->GetLayerDefn();
    RoadLayerRead out;
    // OSM exports (name, ref, highway), OS Open Roads road_link (name_1, road_number,
    // road_classification, start_node, end_node) and common council layers, unless named.
    const int nameIdx =
        findField(defn, o.nameField, {"name", "name_1", "road_name", "roadname", "name1", "street", "street_name"}, o.path, "`network_fields` name");
    const int numberIdx = findField(defn, o.numberField, {"ref", "road_number", "roadnumber"}, o.path, "`network_fields` number");
    const int classIdx = findField(defn, o.classField, {"highway", "road_class", "roadclass", "class", "roadclassification", "road_classification", "fclass"},
                                   o.path, "`network_fields` class");
    const int startIdx = findField(defn, o.startNodeField, {"start_node", "startnode", "from_node"}, o.path, "`network_fields` start");
    const int endIdx = findField(defn, o.endNodeField, {"end_node", "endnode", "to_node"}, o.path, "`network_fields` end");
    if ((startIdx >= 0) != (endIdx >= 0)) throwInput("the road layer has a start node field but no end node field (or the reverse)", {o.path, 0, "network_fields"});
    auto nameOf = [&](int i) { return i >= 0 ? std::string(defn->GetFieldDefn(i)->GetNameRef()) : std::string(); };
    out.nameField = nameOf(nameIdx);
    out.classField = nameOf(classIdx);
    out.numberField = nameOf(numberIdx);
    out.startNodeField = nameOf(startIdx);
    out.endNodeField = nameOf(endIdx);
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
        const std::string number = numberIdx >= 0 && f->IsFieldSetAndNotNull(numberIdx) ? std::string(trim(f->GetFieldAsString(numberIdx))) : "";
        // The register names a road as "A45 Weedon Road", unless the user chose the name field.
        if (o.nameField.empty() && !number.empty() && name.find(number) == std::string::npos) name = name.empty() ? number : number + " " + name;
        const std::string startNode = startIdx >= 0 && f->IsFieldSetAndNotNull(startIdx) ? f->GetFieldAsString(startIdx) : "";
        const std::string endNode = endIdx >= 0 && f->IsFieldSetAndNotNull(endIdx) ? f->GetFieldAsString(endIdx) : "";
        auto add = [&](const OGRLineString& part) {
            RoadLine line;
            appendLine(part, transform.get(), line);
            line.name = name;
            line.roadClass = roadClass;
            line.number = number;
            line.feature = f->GetFID();
            out.lines.push_back(std::move(line));
        };
        if (type == wkbLineString) {
            add(*linear->toLineString());
            out.lines.back().startNode = startNode;
            out.lines.back().endNode = endNode;
        } else if (type == wkbMultiLineString) {
            // The ids name the ends of the whole feature, not of each part: parts join by coordinates.
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
        out.notes.push_back(fmt::format("{} features excluded by road class ({} without a highway tag); see `exclude_classes`", out.excluded,
                                        excludedNoClass));
    if (out.notLines) out.notes.push_back(fmt::format("{} features are not lines: skipped", out.notLines));
    if (out.empty) out.notes.push_back(fmt::format("{} features have no geometry: skipped", out.empty));
    return out;
}

}  // namespace hotspot
