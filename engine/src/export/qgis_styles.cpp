// QGIS QML styles for the layers the engine writes: hotspot bins, zones, densities, CCTV-ready
// categories. Stored in a GeoPackage's layer_styles table (QGIS loads the default style when the
// layer is opened) and written as .qml beside shapefiles and GeoTIFFs.

#include <ctime>
#include <set>

#include <fmt/format.h>

#include "hotspot/error.hpp"
#include "hotspot/export.hpp"
#include "hotspot/grid.hpp"
#include "hotspot/strings.hpp"
#include "core/sql_quoting.hpp"
#include "io/gdal_util.hpp"
#include "io/output_files.hpp"
#include "io/sqlite_db.hpp"

namespace hotspot {

namespace {

struct Class {
    std::string value;  // categorized: the value; graduated: "lower:upper"
    std::string label;
    std::string color;  // "r,g,b,a"
};

std::string symbol(int index, const std::string& geometry, const std::string& color) {
    if (geometry == "point")
        return fmt::format(R"(<symbol type="marker" name="{}" alpha="1" clip_to_extent="1" force_rhr="0"><layer class="SimpleMarker" enabled="1" pass="0" locked="0"><Option type="Map"><Option name="color" value="{}" type="QString"/><Option name="name" value="circle" type="QString"/><Option name="size" value="1.6" type="QString"/><Option name="outline_style" value="no" type="QString"/></Option></layer></symbol>)",
                           index, color);
    if (geometry == "line")
        return fmt::format(R"(<symbol type="line" name="{}" alpha="1" clip_to_extent="1" force_rhr="0"><layer class="SimpleLine" enabled="1" pass="0" locked="0"><Option type="Map"><Option name="line_color" value="{}" type="QString"/><Option name="line_width" value="0.8" type="QString"/></Option></layer></symbol>)",
                           index, color);
    return fmt::format(R"(<symbol type="fill" name="{}" alpha="1" clip_to_extent="1" force_rhr="0"><layer class="SimpleFill" enabled="1" pass="0" locked="0"><Option type="Map"><Option name="color" value="{}" type="QString"/><Option name="outline_color" value="80,80,80,255" type="QString"/><Option name="outline_width" value="0.1" type="QString"/><Option name="style" value="solid" type="QString"/></Option></layer></symbol>)",
                       index, color);
}

std::string header() { return "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n<qgis version=\"3.28.0\" styleCategories=\"Symbology|Labeling\">\n"; }

std::string categorized(const std::string& field, const std::string& geometry, const std::vector<Class>& classes, const std::string& labelField = {}) {
    std::string cats, syms;
    for (size_t i = 0; i < classes.size(); ++i) {
        cats += fmt::format(R"(<category render="true" symbol="{}" value="{}" label="{}"/>)", i, xmlEscape(classes[i].value), xmlEscape(classes[i].label));
        syms += symbol(static_cast<int>(i), geometry, classes[i].color);
    }
    std::string labels;
    if (!labelField.empty())
        labels = fmt::format(R"(<labeling type="simple"><settings><text-style fieldName="{}" fontSize="9" textColor="20,20,20,255"><text-buffer bufferDraw="1" bufferSize="1" bufferColor="255,255,255,255"/></text-style><placement placement="1"/></settings></labeling>)",
                             labelField);
    return header() + fmt::format(R"(<renderer-v2 type="categorizedSymbol" attr="{}" forceraster="0" symbollevels="0" enableorderby="0"><categories>{}</categories><symbols>{}</symbols></renderer-v2>)", field, cats, syms) +
           labels + "\n</qgis>\n";
}

std::string graduated(const std::string& field, const std::string& geometry, const std::vector<Class>& classes, const std::string& labelField = {}) {
    std::string ranges, syms;
    for (size_t i = 0; i < classes.size(); ++i) {
        const auto colon = classes[i].value.find(':');
        ranges += fmt::format(R"(<range render="true" symbol="{}" lower="{}" upper="{}" label="{}"/>)", i, classes[i].value.substr(0, colon),
                              classes[i].value.substr(colon + 1), xmlEscape(classes[i].label));
        syms += symbol(static_cast<int>(i), geometry, classes[i].color);
    }
    std::string labels;
    if (!labelField.empty())
        labels = fmt::format(R"(<labeling type="simple"><settings><text-style fieldName="{}" fontSize="9" textColor="20,20,20,255"><text-buffer bufferDraw="1" bufferSize="1" bufferColor="255,255,255,255"/></text-style><placement placement="1"/></settings></labeling>)",
                             labelField);
    return header() + fmt::format(R"(<renderer-v2 type="graduatedSymbol" attr="{}" graduatedMethod="GraduatedColor" forceraster="0" symbollevels="0" enableorderby="0"><ranges>{}</ranges><symbols>{}</symbols></renderer-v2>)", field, ranges, syms) +
           labels + "\n</qgis>\n";
}

std::string single(const std::string& geometry, const std::string& color, const std::string& labelField = {}) {
    std::string labels;
    if (!labelField.empty())
        labels = fmt::format(R"(<labeling type="simple"><settings><text-style fieldName="{}" fontSize="9" textColor="20,20,20,255"><text-buffer bufferDraw="1" bufferSize="1" bufferColor="255,255,255,255"/></text-style><placement placement="1"/></settings></labeling>)",
                             labelField);
    return header() + fmt::format(R"(<renderer-v2 type="singleSymbol" forceraster="0" symbollevels="0" enableorderby="0"><symbols>{}</symbols></renderer-v2>)", symbol(0, geometry, color)) +
           labels + "\n</qgis>\n";
}

// Gi* confidence bins with the ArcGIS colours (FDR-corrected, see docs/methods.md).
std::vector<Class> binClasses() {
    return {{"-3", "Cold spot, 99% confidence", "69,117,181,255"}, {"-2", "Cold spot, 95% confidence", "145,191,219,255"}, {"-1", "Cold spot, 90% confidence", "224,243,248,255"}, {"0", "Not significant", "247,247,247,255"}, {"1", "Hot spot, 90% confidence", "254,224,144,255"}, {"2", "Hot spot, 95% confidence", "252,141,89,255"}, {"3", "Hot spot, 99% confidence", "215,48,39,255"}};
}

}  // namespace

std::string qmlForLayer(const std::string& layer, const std::string& geometry) {
    if (layer == "hotspot_cells" || layer == "gistar_areas") return categorized("gi_bin", "polygon", binClasses(), layer == "gistar_areas" ? "name" : "");
    if (layer == "hotspot_zones")
        return categorized("kind", "polygon", {{"hot", "Hot spot zone", "215,48,39,180"}, {"cold", "Cold spot zone", "69,117,181,180"}});
    if (layer == "emerging_hotspots") {
        const char* names[] = {"New hot spot", "Consecutive hot spot", "Intensifying hot spot", "Persistent hot spot", "Diminishing hot spot",
                               "Sporadic hot spot", "Oscillating hot spot", "Historical hot spot"};
        const char* colours[] = {"165,0,38,255", "215,48,39,255", "244,109,67,255", "253,174,97,255", "254,224,144,255", "255,191,191,255",
                                 "231,212,232,255", "191,191,191,255"};
        std::vector<Class> c;
        for (int i = 0; i < 8; ++i) c.push_back({names[i], names[i], colours[i]});
        c.push_back({"No pattern detected", "No pattern detected", "247,247,247,120"});
        return categorized("pattern", "polygon", c);
    }
    if (layer.rfind("areas_", 0) == 0)
        return graduated("incidents", "polygon",
                         {{"0:100", "0 - 100", "255,255,204,200"}, {"100:500", "100 - 500", "161,218,180,200"}, {"500:1000", "500 - 1,000", "65,182,196,200"}, {"1000:5000", "1,000 - 5,000", "44,127,184,200"}, {"5000:1000000000", "5,000 or more", "37,52,148,200"}},
                         "name");
    if (layer == "incidents")
        return categorized("group_name", "point",
                           {{"burglary", "Burglary", "228,26,28,255"}, {"asb", "Anti-social behaviour", "55,126,184,255"}, {"violence", "Violence", "152,78,163,255"}, {"vehicle", "Vehicle crime", "255,127,0,255"}, {"shoplifting", "Shoplifting", "166,86,40,255"}, {"theft", "Theft", "247,129,191,255"}, {"criminal_damage", "Criminal damage", "77,175,74,255"}, {"", "Other", "153,153,153,255"}});
    if (layer == "moran_cells" || layer == "moran_areas")  // ArcGIS Cluster and Outlier Analysis colours
        return categorized("class", "polygon",
                           {{"HH", "High-high cluster", "215,48,39,220"}, {"HL", "High-low outlier", "252,141,89,220"}, {"LH", "Low-high outlier", "145,191,219,220"}, {"LL", "Low-low cluster", "69,117,181,220"}, {"not significant", "Not significant", "247,247,247,120"}, {"no neighbours", "No neighbours", "200,200,200,120"}},
                           layer == "moran_areas" ? "name" : "");
    // Road outputs: collisions by severity, casualties by road-user group, localities by rank.
    if (layer == "road_incidents")
        return categorized("severity", "point",
                           {{"fatal", "Fatal collision", "0,0,0,255"}, {"serious", "Serious collision", "215,25,28,255"}, {"slight", "Slight collision", "253,174,97,255"}, {"unknown", "Collision, severity unknown", "171,171,171,255"}, {"", "Complaint / road issue", "44,123,182,255"}});
    if (layer == "road_casualties")
        return categorized("road_user_group", "point",
                           {{"pedestrian", "Pedestrian", "228,26,28,255"}, {"pedal_cycle", "Cyclist", "77,175,74,255"}, {"motorcycle", "Motorcyclist", "152,78,163,255"}, {"car_occupant", "Car occupant", "55,126,184,255"}, {"goods_vehicle", "Goods vehicle occupant", "255,127,0,255"}, {"bus", "Bus occupant", "166,86,40,255"}, {"other", "Other road user", "153,153,153,255"}});
    if (layer == "road_localities")
        return graduated("rank", "point",
                         {{"1:10", "Rank 1 - 10", "165,0,38,255"}, {"10:25", "Rank 11 - 25", "215,48,39,255"}, {"25:50", "Rank 26 - 50", "244,109,67,255"}, {"50:100", "Rank 51 - 100", "253,174,97,255"}, {"100:1000000000", "Rank 101 and below", "254,224,144,255"}},
                         "locality_id");
    if (layer == "road_locality_extents")
        return categorized("source", "polygon",
                           {{"cluster", "Cluster site", "215,48,39,90"}, {"cluster+peak", "Cluster site and density peak", "165,0,38,110"}, {"peak", "Density peak", "253,174,97,90"}});
    // Interventions: coverage, lit areas, recommended sites, treated areas and buffers.
    if (layer == "coverage_hotspots")  // coverage's hotspot_cells (a `dark` field, no gi_bin): dark hot spots stand out
        return categorized("dark", "polygon", {{"1", "Dark hot spot (no light near)", "70,20,110,220"}, {"0", "Lit hot spot", "240,120,40,190"}});
    if (layer == "coverage_priority")
        return graduated("share_pct", "polygon",
                         {{"0:25", "0 - 25 % of incidents in CCTV view", "254,240,217,180"}, {"25:50", "25 - 50 %", "253,204,138,180"}, {"50:75", "50 - 75 %", "252,141,89,180"}, {"75:100.0001", "75 - 100 %", "215,48,31,180"}},
                         "name");
    if (layer == "camera_coverage") return single("polygon", "60,110,230,70");
    if (layer == "light_coverage") return single("polygon", "255,220,60,90");
    if (layer == "recommended_coverage") return single("polygon", "0,170,90,70");
    if (layer == "recommended_sites") return single("point", "0,120,60,255", "rank");
    if (layer == "treated_areas") return single("polygon", "60,110,230,80", "name");
    if (layer == "buffer_rings") return single("polygon", "240,150,40,60");
    (void)geometry;
    return {};
}

std::string qmlGraduatedLines(const std::string& field, const std::vector<double>& breaks, const std::string& unit) {
    static const char* kColours[] = {"255,255,178,255", "254,204,92,255", "253,141,60,255", "240,59,32,255", "189,0,38,255"};
    std::vector<Class> classes = {{"0:0", "0 (none)", "200,200,200,255"}};
    double lower = 0;
    for (size_t i = 0; i < breaks.size(); ++i) {
        if (!(breaks[i] > lower)) continue;
        classes.push_back({fmt::format("{:.17g}:{:.17g}", lower, breaks[i]), fmt::format("{:.3g} - {:.3g} {}", lower, breaks[i], unit),
                           kColours[std::min<size_t>(i, 4)]});
        lower = breaks[i];
    }
    return graduated(field, "line", classes);
}

std::string qmlForSurface(const std::vector<double>& values, const std::string& unit) {
    // The viewer's classes and YlOrRd ramp (surfaceClassBreaks), as discrete colours: a value takes
    // the colour of the first class whose upper bound it does not exceed; 0 is transparent.
    static const char* kRamp[] = {"#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026"};
    const std::vector<double> breaks = surfaceClassBreaks(values);
    if (breaks.empty()) return "";
    std::string items = R"(<item value="0" color="#ffffff" label="0" alpha="0"/>)";
    double lower = 0;
    for (size_t k = 0; k < breaks.size(); ++k) {
        // The top class is open ("inf", as QGIS writes it): the maximum, stored as Float32 in the
        // GeoTIFF, may round above its double value and would otherwise fall outside every class.
        const std::string upper = k + 1 == breaks.size() ? std::string("inf") : fmt::format("{:.17g}", breaks[k]);
        items += fmt::format(R"(<item value="{}" color="{}" label="{}" alpha="255"/>)", upper, kRamp[k],
                             xmlEscape(fmt::format("{:.3g} - {:.3g}{}", lower, breaks[k], unit.empty() ? "" : " " + unit)));
        lower = breaks[k];
    }
    return header() + fmt::format(R"(<pipe><rasterrenderer type="singlebandpseudocolor" band="1" opacity="0.8" alphaBand="-1" classificationMin="0" classificationMax="{:.17g}"><rastershader><colorrampshader colorRampType="DISCRETE" classificationMode="3" clip="0">{}</colorrampshader></rastershader></rasterrenderer></pipe>)", breaks.back(), items) +
           "\n</qgis>\n";
}

std::string qmlForRaster(const std::string& fileName, const std::vector<double>& values, const std::string& unit) {
    if (fileName.find("bin") != std::string::npos) {
        std::string entries;
        for (const auto& c : binClasses()) {
            int r, g, b, a;
            std::sscanf(c.color.c_str(), "%d,%d,%d,%d", &r, &g, &b, &a);
            entries += fmt::format(R"(<paletteEntry value="{}" color="#{:02x}{:02x}{:02x}" label="{}" alpha="255"/>)", c.value, r, g, b, xmlEscape(c.label));
        }
        return header() + R"(<pipe><rasterrenderer type="paletted" band="1" opacity="0.85" alphaBand="-1"><colorPalette>)" + entries +
               "</colorPalette></rasterrenderer></pipe>\n</qgis>\n";
    }
    // z-scores and changes diverge around 0 on a fixed scale (|z| 3 is significant at any data).
    const bool diverging = fileName.find("_z") != std::string::npos || fileName.find("change") != std::string::npos;
    if (diverging) {
        const std::string items =
            R"(<item value="-3" color="#4575b4" label="-3" alpha="255"/><item value="0" color="#f7f7f7" label="0" alpha="255"/><item value="3" color="#d73027" label="3" alpha="255"/>)";
        return header() + fmt::format(R"(<pipe><rasterrenderer type="singlebandpseudocolor" band="1" opacity="0.8" alphaBand="-1" classificationMin="-3" classificationMax="3"><rastershader><colorrampshader colorRampType="INTERPOLATED" classificationMode="1" clip="0">{}</colorrampshader></rastershader></rasterrenderer></pipe>)", items) +
               "\n</qgis>\n";
    }
    // Densities, counts and rates: classes from the data, as the viewer draws them.
    return qmlForSurface(values, unit);
}

int writeGeoPackageStyles(const std::string& gpkgPath) { return writeGeoPackageStyles(gpkgPath, {}); }

int writeGeoPackageStyles(const std::string& gpkgPath, const std::map<std::string, std::string>& qmlByLayer) {
    // Straight through SQLite: opening the file with GDAL to list its layers took longer than
    // the rest (GDAL reads every layer's definition).
    checkInputPath(gpkgPath);
    SqliteDatabase db(gpkgPath);
    std::vector<std::pair<std::string, std::string>> layers;  // name, geometry column
    std::set<std::string> coverageHotspots;                   // hotspot_cells of `coverage` (dark / lit), not of `gistar`
    {
        SqliteStatement features(db,
                                 "SELECT c.table_name, g.column_name FROM gpkg_contents c JOIN gpkg_geometry_columns g ON "
                                 "lower(g.table_name) = lower(c.table_name) WHERE c.data_type = 'features' ORDER BY c.rowid");
        while (features.step()) layers.emplace_back(features.textAt(0), features.textAt(1));
    }
    for (const auto& [name, column] : layers) {
        if (name != "hotspot_cells") continue;
        std::set<std::string> fields;
        SqliteStatement info(db, "PRAGMA table_info(" + sqlIdentifier(name) + ")");
        while (info.step()) fields.insert(info.textAt(1));
        if (fields.count("dark") && !fields.count("gi_bin")) coverageHotspots.insert(name);
    }
    const std::string what = "cannot write layer_styles";
    // One transaction: a commit (and its sync) per statement was most of the time.
    db.exec("BEGIN", what);
    // The table QGIS reads (same columns as QGIS creates), registered as a GeoPackage attribute table.
    db.exec(
        "CREATE TABLE IF NOT EXISTS layer_styles (id INTEGER PRIMARY KEY AUTOINCREMENT, f_table_catalog TEXT(256), "
        "f_table_schema TEXT(256), f_table_name TEXT(256), f_geometry_column TEXT(256), styleName TEXT(30), styleQML TEXT, "
        "styleSLD TEXT, useAsDefault BOOLEAN, description TEXT, owner TEXT(30), ui TEXT(30), update_time DATETIME DEFAULT "
        "(strftime('%Y-%m-%dT%H:%M:%fZ','now')))",
        what);

    db.exec("INSERT OR IGNORE INTO gpkg_contents (table_name, data_type, identifier) VALUES ('layer_styles', 'attributes', 'layer_styles')", what);
    SqliteStatement remove(db, "DELETE FROM layer_styles WHERE f_table_name = ?");
    SqliteStatement insert(db,
                           "INSERT INTO layer_styles (f_table_catalog, f_table_schema, f_table_name, f_geometry_column, styleName, styleQML, "
                           "styleSLD, useAsDefault, description, owner, ui) VALUES ('', '', ?, ?, ?, ?, '', 1, 'hotspot engine default style', '', NULL)");
    int styled = 0;
    for (const auto& [name, geomColumn] : layers) {
        const auto own = qmlByLayer.find(name);
        const std::string qml = own != qmlByLayer.end() ? own->second : qmlForLayer(coverageHotspots.count(name) ? "coverage_hotspots" : name, "");
        if (qml.empty()) continue;
        remove.bind(1, name).run();
        const std::string styleName = name + " (hotspot)";
        insert.bind(1, name).bind(2, geomColumn).bind(3, styleName).bind(4, qml).run();
        ++styled;
    }
    db.exec("COMMIT", what);
    return styled;
}

}  // namespace hotspot
