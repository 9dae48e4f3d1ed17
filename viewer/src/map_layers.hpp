#pragma once
// What the map draws: vector layers with a style, CCTV view wedges, street lights, incident points
// and raster surfaces. Each layer paints itself, lists its legend and answers identify clicks.

#include <map>
#include <memory>
#include <optional>
#include <vector>

#include <QColor>
#include <QImage>
#include <QString>

#include "hotspot/interventions.hpp"
#include "hotspot/vector_data.hpp"
#include "map_view.hpp"

class QPainter;

namespace hotspot::viewer {

using Attributes = std::vector<std::pair<QString, QString>>;

struct LegendEntry {
    enum Shape { Box,
                 Line,
                 Dot,
                 Wedge };
    QString label;
    QColor fill, stroke;
    Shape shape = Box;
};

// A label a layer asks for; renderLayers places them all after the layers are drawn, topmost
// layer first, so no overlay hides them and none is drawn over another.
struct LabelRequest {
    QString text;
    QPointF anchor;  // screen position: a point, a line's middle, an area's centre
    enum Kind { Point,
                Line,
                Area } kind = Point;
    double offset = 6;  // pixels between a point and its label
};

class MapLayer {
public:
    virtual ~MapLayer() = default;
    QString name;
    QString role;  // areas, priority, roads, cctv, lights, interventions, lixels, localities, incidents, surface, sites, generic
    bool visible = true;
    double opacity = 1.0;
    virtual Extent extent() const = 0;
    virtual void paint(QPainter& p, const MapView& view) const = 0;
    // Attributes of the feature at (x, y) within `tolerance` metres, if any.
    virtual std::optional<Attributes> identify(double x, double y, double tolerance) const = 0;
    virtual std::vector<LegendEntry> legend() const = 0;
    virtual void labels(const MapView&, std::vector<LabelRequest>&) const {}
};

struct VectorStyle {
    QColor fill = QColor(0, 0, 0, 0), stroke = QColor(60, 60, 60);
    double strokeWidth = 1;  // pixels
    double pointRadius = 3;  // pixels
    QString labelField;      // drawn at each feature (polygons: at the centre of the box)
    QString categoryField;   // fill by category
    std::map<QString, QColor> categories;
    std::map<QString, QString> categoryLabels;  // legend text of a category value (default: the value)
    QString rampField;                          // stroke/fill by a numeric field, 5 quantile classes
    std::vector<QColor> ramp;
    QString widthField;  // roads: line width by class
};

class VectorLayer : public MapLayer {
public:
    VectorLayer(VectorData data, VectorStyle style);
    Extent extent() const override { return m_data.extent; }
    void paint(QPainter& p, const MapView& view) const override;
    void labels(const MapView& view, std::vector<LabelRequest>& out) const override;
    std::optional<Attributes> identify(double x, double y, double tolerance) const override;
    std::vector<LegendEntry> legend() const override;
    const VectorData& data() const { return m_data; }
    // The feature index at (x, y) (polygons: containing it; points and lines: within tolerance), or -1.
    int featureAt(double x, double y, double tolerance) const;
    // The label drawn at a feature: the values of the label fields it has, joined ("A45 Weedon Road").
    QString labelText(size_t feature) const;

private:
    QColor colourOf(size_t feature) const;
    VectorData m_data;
    VectorStyle m_style;
    std::vector<double> m_breaks;    // ramp class breaks (upper bounds)
    std::vector<int> m_labelFields;  // from style.labelField ("ref+name"), the fields this layer has
};

// CCTV cameras with their view wedges (or circles).
class CameraLayer : public MapLayer {
public:
    explicit CameraLayer(std::vector<Camera> cameras);
    Extent extent() const override;
    void paint(QPainter& p, const MapView& view) const override;
    std::optional<Attributes> identify(double x, double y, double tolerance) const override;
    std::vector<LegendEntry> legend() const override;
    const std::vector<Camera>& cameras() const { return m_cameras; }
    static QColor markerColour() { return QColor(20, 60, 200); }

private:
    std::vector<Camera> m_cameras;
};

// Street lights: a dot each, and the lit circle when zoomed in.
class LightLayer : public MapLayer {
public:
    explicit LightLayer(std::vector<Light> lights);
    Extent extent() const override;
    void paint(QPainter& p, const MapView& view) const override;
    std::optional<Attributes> identify(double x, double y, double tolerance) const override;
    std::vector<LegendEntry> legend() const override;

private:
    std::vector<Light> m_lights;
};

// Interventions (Safer Streets projects, alley gates, ...) coloured by category, labelled with budget.
class ProjectLayer : public MapLayer {
public:
    explicit ProjectLayer(std::vector<Project> projects);
    Extent extent() const override { return m_extent; }
    void paint(QPainter& p, const MapView& view) const override;
    std::optional<Attributes> identify(double x, double y, double tolerance) const override;
    std::vector<LegendEntry> legend() const override;
    const std::vector<Project>& projects() const { return m_projects; }
    const std::vector<VectorFeature>& shapes() const { return m_shapes; }  // parallel to projects()
    static QColor categoryColour(const std::string& category);

private:
    std::vector<Project> m_projects;
    std::vector<VectorFeature> m_shapes;
    Extent m_extent{0, 0, -1, -1};
};

// Points (the incidents of the current selection); above 20,000 in view they are binned per pixel.
class PointLayer : public MapLayer {
public:
    PointLayer(std::vector<double> x, std::vector<double> y, QColor colour);
    Extent extent() const override;
    void paint(QPainter& p, const MapView& view) const override;
    std::optional<Attributes> identify(double x, double y, double tolerance) const override;
    std::vector<LegendEntry> legend() const override;
    size_t size() const { return m_x.size(); }

private:
    std::vector<double> m_x, m_y;
    QColor m_colour;
};

// A grid surface drawn as an image; the legend lists its classes.
class RasterLayer : public MapLayer {
public:
    RasterLayer(QImage image, Extent extent, std::vector<LegendEntry> legend, std::vector<double> values, int64_t cols, int64_t rows,
                QString valueName);
    Extent extent() const override { return m_extent; }
    void paint(QPainter& p, const MapView& view) const override;
    std::optional<Attributes> identify(double x, double y, double tolerance) const override;
    std::vector<LegendEntry> legend() const override { return m_legend; }
    double valueAt(double x, double y) const;  // NaN outside

private:
    QImage m_image;
    Extent m_extent;
    std::vector<LegendEntry> m_legend;
    std::vector<double> m_values;
    int64_t m_cols, m_rows;
    QString m_valueName;
};

// Colour ramps shared by the surfaces and the styles.
std::vector<QColor> densityRamp();  // YlOrRd, 5 classes
QColor giStarBinColour(int bin);    // ArcGIS hot spot colours, transparent for 0
// A grid of values (row 0 north) as an image, one pixel a cell: positive values in the density ramp
// by quantile class, the rest transparent. `breaks` receives the class bounds for the legend.
QImage densityImage(const std::vector<double>& values, int64_t cols, int64_t rows, std::vector<double>& breaks);

}  // namespace hotspot::viewer
