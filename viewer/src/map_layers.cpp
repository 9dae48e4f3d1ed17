#include "map_layers.hpp"

#include <algorithm>
#include <cmath>

#include <QPainter>
#include <QPainterPath>

namespace hotspot::viewer {

std::vector<QColor> densityRamp() { return {QColor(255, 255, 178), QColor(254, 204, 92), QColor(253, 141, 60), QColor(240, 59, 32), QColor(189, 0, 38)}; }

QColor giStarBinColour(int bin) {
    switch (bin) {
        case -3: return QColor(69, 117, 181);
        case -2: return QColor(132, 158, 186);
        case -1: return QColor(192, 204, 190);
        case 1: return QColor(250, 185, 132);
        case 2: return QColor(237, 117, 81);
        case 3: return QColor(214, 47, 39);
        default: return QColor(0, 0, 0, 0);
    }
}

namespace {

size_t classOf(const std::vector<double>& breaks, double v) {
    size_t k = 0;
    while (k + 1 < breaks.size() && v > breaks[k]) ++k;
    return k;
}
}  // namespace

QImage densityImage(const std::vector<double>& values, int64_t cols, int64_t rows, std::vector<double>& breaks) {
    std::vector<double> positive;
    for (double v : values)
        if (v > 0) positive.push_back(v);
    breaks = surfaceClassBreaks(positive);
    QImage image(static_cast<int>(cols), static_cast<int>(rows), QImage::Format_ARGB32);
    image.fill(Qt::transparent);
    const auto ramp = densityRamp();
    for (int64_t r = 0; r < rows; ++r)
        for (int64_t c = 0; c < cols; ++c) {
            const double v = values[static_cast<size_t>(r * cols + c)];
            if (v > 0 && !breaks.empty()) image.setPixelColor(static_cast<int>(c), static_cast<int>(r), ramp[classOf(breaks, v)]);
        }
    return image;
}

namespace {

double distanceToSegment(double px, double py, std::pair<double, double> a, std::pair<double, double> b) {
    const double dx = b.first - a.first, dy = b.second - a.second, len2 = dx * dx + dy * dy;
    const double t = len2 > 0 ? std::clamp(((px - a.first) * dx + (py - a.second) * dy) / len2, 0.0, 1.0) : 0.0;
    return std::hypot(px - a.first - t * dx, py - a.second - t * dy);
}

bool ringContains(const std::vector<std::pair<double, double>>& ring, double x, double y) {
    bool inside = false;
    for (size_t i = 0, j = ring.size() - 1; i < ring.size(); j = i++)
        if ((ring[i].second > y) != (ring[j].second > y) &&
            x < (ring[j].first - ring[i].first) * (y - ring[i].second) / (ring[j].second - ring[i].second) + ring[i].first)
            inside = !inside;
    return inside;
}

// Polygons: even-odd over all rings; lines and points: distance within tolerance.
bool featureHit(const VectorFeature& f, double x, double y, double tolerance) {
    if (f.kind == ShapeKind::Polygon) {
        bool inside = false;
        for (const auto& r : f.parts)
            if (r.size() > 2 && ringContains(r, x, y)) inside = !inside;
        return inside;
    }
    for (const auto& part : f.parts) {
        if (part.size() == 1 && std::hypot(part[0].first - x, part[0].second - y) <= tolerance) return true;
        for (size_t i = 1; i < part.size(); ++i)
            if (distanceToSegment(x, y, part[i - 1], part[i]) <= tolerance) return true;
    }
    return false;
}

QPainterPath pathOf(const VectorFeature& f, const MapView& view) {
    QPainterPath path;
    path.setFillRule(Qt::OddEvenFill);
    for (const auto& part : f.parts) {
        if (part.empty()) continue;
        path.moveTo(view.toScreen(part[0].first, part[0].second));
        for (size_t i = 1; i < part.size(); ++i) path.lineTo(view.toScreen(part[i].first, part[i].second));
        if (f.kind == ShapeKind::Polygon) path.closeSubpath();
    }
    return path;
}

Extent boundsOf(const VectorFeature& f) {
    Extent e{0, 0, -1, -1};
    for (const auto& part : f.parts)
        for (auto [x, y] : part) e = e.united({x, y, x, y});
    return e;
}

bool intersects(const Extent& a, const Extent& b) { return !(a.maxX < b.minX || b.maxX < a.minX || a.maxY < b.minY || b.maxY < a.minY); }

// The box of the positions of cameras or lights (their coverage shape's centre).
template <typename Item, typename ShapeOf>
Extent extentOfPositions(const std::vector<Item>& items, ShapeOf shapeOf) {
    Extent e{0, 0, -1, -1};
    for (const auto& item : items) {
        const CoverageShape s = shapeOf(item);
        e = e.united({s.x, s.y, s.x, s.y});
    }
    return e;
}

QString formatNumber(double v) { return QString::number(v, 'f', v >= 100 ? 0 : 2); }

}  // namespace

// ---------------------------------------------------------------------------------------------
VectorLayer::VectorLayer(VectorData data, VectorStyle style) : m_data(std::move(data)), m_style(std::move(style)) {
    // "ref+name": the values of the fields the layer has, joined (a road's number and its name).
    for (const QString& name : m_style.labelField.split('+', Qt::SkipEmptyParts))
        if (const int i = m_data.fieldIndex(name.trimmed().toStdString()); i >= 0) m_labelFields.push_back(i);
    if (!m_style.rampField.isEmpty()) {
        const int f = m_data.fieldIndex(m_style.rampField.toStdString());
        std::vector<double> positive;
        if (f >= 0)
            for (const auto& feature : m_data.features) {
                const double v = std::atof(feature.values[static_cast<size_t>(f)].c_str());
                if (v > 0) positive.push_back(v);
            }
        m_breaks = surfaceClassBreaks(positive);
        if (m_style.ramp.empty()) m_style.ramp = densityRamp();
    }
}

QColor VectorLayer::colourOf(size_t feature) const {
    const auto& values = m_data.features[feature].values;
    if (!m_style.categoryField.isEmpty()) {
        const int f = m_data.fieldIndex(m_style.categoryField.toStdString());
        if (f >= 0) {
            auto it = m_style.categories.find(QString::fromStdString(values[static_cast<size_t>(f)]));
            if (it != m_style.categories.end()) return it->second;
        }
    }
    if (!m_style.rampField.isEmpty() && !m_breaks.empty()) {
        const int f = m_data.fieldIndex(m_style.rampField.toStdString());
        const double v = f >= 0 ? std::atof(values[static_cast<size_t>(f)].c_str()) : 0;
        if (!(v > 0)) return QColor(0, 0, 0, 0);
        return m_style.ramp[classOf(m_breaks, v)];
    }
    return m_style.fill;
}

void VectorLayer::paint(QPainter& p, const MapView& view) const {
    const Extent visible = view.visible();
    const int widthField = m_style.widthField.isEmpty() ? -1 : m_data.fieldIndex(m_style.widthField.toStdString());
    const bool ramped = !m_style.rampField.isEmpty();
    for (size_t i = 0; i < m_data.features.size(); ++i) {
        const VectorFeature& f = m_data.features[i];
        if (f.parts.empty()) continue;
        const Extent box = boundsOf(f);
        if (!intersects(box, visible)) continue;
        const QColor colour = colourOf(i);
        double width = m_style.strokeWidth;
        if (widthField >= 0) {
            const std::string& cls = f.values[static_cast<size_t>(widthField)];
            width = cls == "trunk" || cls == "motorway" ? 3.0 : cls == "primary"                      ? 2.2
                                                            : cls == "secondary" || cls == "tertiary" ? 1.5
                                                                                                      : 0.9;
        }
        if (f.kind == ShapeKind::Point) {
            p.setPen(QPen(m_style.stroke, 1));
            p.setBrush(colour.alpha() ? colour : m_style.stroke);
            for (const auto& part : f.parts) p.drawEllipse(view.toScreen(part[0].first, part[0].second), m_style.pointRadius, m_style.pointRadius);
        } else if (f.kind == ShapeKind::Line) {
            if (ramped && colour.alpha() == 0) continue;
            p.setPen(QPen(ramped ? colour : m_style.stroke, ramped ? std::max(width, 2.5) : width, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
            p.setBrush(Qt::NoBrush);
            p.drawPath(pathOf(f, view));
        } else {
            p.setPen(QPen(m_style.stroke, width));
            p.setBrush(colour);
            p.drawPath(pathOf(f, view));
        }
    }
}

void VectorLayer::labels(const MapView& view, std::vector<LabelRequest>& out) const {
    if (m_labelFields.empty()) return;
    const Extent visible = view.visible();
    for (size_t i = 0; i < m_data.features.size(); ++i) {
        const VectorFeature& f = m_data.features[i];
        if (f.parts.empty() || f.parts[0].empty()) continue;
        const Extent box = boundsOf(f);
        if (!intersects(box, visible)) continue;
        const QString text = labelText(i);
        if (text.isEmpty()) continue;
        // Lines at their middle vertex, points beside themselves, areas at the centre of the box.
        const auto& first = f.parts[0];
        const auto& middle = first[first.size() / 2];
        if (f.kind == ShapeKind::Polygon)
            out.push_back({text, view.toScreen((box.minX + box.maxX) / 2, (box.minY + box.maxY) / 2), LabelRequest::Area});
        else if (f.kind == ShapeKind::Line)
            out.push_back({text, view.toScreen(middle.first, middle.second), LabelRequest::Line});
        else
            out.push_back({text, view.toScreen(first[0].first, first[0].second), LabelRequest::Point, m_style.pointRadius + 3});
    }
}

QString VectorLayer::labelText(size_t feature) const {
    QString label;
    for (int field : m_labelFields) {
        const QString value = QString::fromStdString(m_data.features[feature].values[static_cast<size_t>(field)]).trimmed();
        if (!value.isEmpty() && !label.contains(value)) label += (label.isEmpty() ? "" : " ") + value;
    }
    return label;
}

int VectorLayer::featureAt(double x, double y, double tolerance) const {
    // Topmost (last drawn) first.
    for (size_t i = m_data.features.size(); i-- > 0;)
        if (featureHit(m_data.features[i], x, y, tolerance)) return static_cast<int>(i);
    return -1;
}

std::optional<Attributes> VectorLayer::identify(double x, double y, double tolerance) const {
    const int i = featureAt(x, y, tolerance);
    if (i < 0) return std::nullopt;
    Attributes a;
    for (size_t f = 0; f < m_data.fields.size(); ++f)
        a.emplace_back(QString::fromStdString(m_data.fields[f]), QString::fromStdString(m_data.features[static_cast<size_t>(i)].values[f]));
    return a;
}

std::vector<LegendEntry> VectorLayer::legend() const {
    std::vector<LegendEntry> out;
    const LegendEntry::Shape shape = m_data.kind == ShapeKind::Point ? LegendEntry::Dot : m_data.kind == ShapeKind::Line ? LegendEntry::Line
                                                                                                                         : LegendEntry::Box;
    if (!m_style.categories.empty()) {
        for (const auto& [value, colour] : m_style.categories) {
            auto label = m_style.categoryLabels.find(value);
            out.push_back({label != m_style.categoryLabels.end() ? label->second : value, colour, m_style.stroke, shape});
        }
    } else if (!m_breaks.empty()) {
        double lower = 0;
        for (size_t k = 0; k < m_breaks.size(); ++k) {
            out.push_back({QString("%1 - %2").arg(formatNumber(lower), formatNumber(m_breaks[k])), m_style.ramp[k], m_style.ramp[k], shape});
            lower = m_breaks[k];
        }
    } else {
        out.push_back({name, m_style.fill, m_style.stroke, shape});
    }
    return out;
}

// ---------------------------------------------------------------------------------------------
CameraLayer::CameraLayer(std::vector<Camera> cameras) : m_cameras(std::move(cameras)) {}

Extent CameraLayer::extent() const {
    return extentOfPositions(m_cameras, [](const Camera& c) { return c.view; });
}

void CameraLayer::paint(QPainter& p, const MapView& view) const {
    const Extent visible = view.visible().expanded(200);
    for (const auto& c : m_cameras) {
        if (!visible.contains(c.view.x, c.view.y)) continue;
        QPolygonF wedge;
        for (auto [x, y] : c.view.ring(5)) wedge << view.toScreen(x, y);
        p.setPen(QPen(QColor(20, 60, 200, 160), 1));
        p.setBrush(QColor(60, 110, 230, 70));
        p.drawPolygon(wedge);
    }
    for (const auto& c : m_cameras) {
        if (!visible.contains(c.view.x, c.view.y)) continue;
        const QPointF at = view.toScreen(c.view.x, c.view.y);
        p.setPen(QPen(Qt::white, 1));
        p.setBrush(markerColour());
        p.drawRect(QRectF(at - QPointF(4, 4), QSizeF(8, 8)));
    }
}

std::optional<Attributes> CameraLayer::identify(double x, double y, double tolerance) const {
    for (const auto& c : m_cameras)
        if (std::hypot(c.view.x - x, c.view.y - y) <= tolerance)
            return Attributes{{"camera_id", QString::fromStdString(c.id)},
                              {"name", QString::fromStdString(c.name)},
                              {"range_m", QString::number(c.view.range)},
                              {"bearing", c.view.isWedge() ? QString::number(c.view.bearing) : QString()},
                              {"fov", c.view.isWedge() ? QString::number(c.view.fieldOfView) : QString()},
                              {"installed", QString::fromStdString(formatMonth(c.installedMonth))}};
    return std::nullopt;
}

std::vector<LegendEntry> CameraLayer::legend() const {
    return {{"CCTV camera", markerColour(), Qt::white, LegendEntry::Box}, {"view (wedge or range)", QColor(60, 110, 230, 70), QColor(20, 60, 200), LegendEntry::Wedge}};
}

// ---------------------------------------------------------------------------------------------
LightLayer::LightLayer(std::vector<Light> lights) : m_lights(std::move(lights)) {}

Extent LightLayer::extent() const {
    return extentOfPositions(m_lights, [](const Light& l) { return l.lit; });
}

void LightLayer::paint(QPainter& p, const MapView& view) const {
    const Extent visible = view.visible().expanded(50);
    const bool circles = view.metresPerPixel < 3;
    for (const auto& l : m_lights) {
        if (!visible.contains(l.lit.x, l.lit.y)) continue;
        const QPointF at = view.toScreen(l.lit.x, l.lit.y);
        if (circles) {
            const double r = l.lit.range / view.metresPerPixel;
            p.setPen(Qt::NoPen);
            p.setBrush(QColor(255, 220, 60, 60));
            p.drawEllipse(at, r, r);
        }
        p.setPen(QPen(QColor(120, 90, 0), 0.8));
        p.setBrush(QColor(255, 200, 0));
        p.drawEllipse(at, 2.2, 2.2);
    }
}

std::optional<Attributes> LightLayer::identify(double x, double y, double tolerance) const {
    for (const auto& l : m_lights)
        if (std::hypot(l.lit.x - x, l.lit.y - y) <= tolerance)
            return Attributes{{"light_id", QString::fromStdString(l.id)}, {"lamp_type", QString::fromStdString(l.lampType)}, {"lit_radius_m", QString::number(l.lit.range)}};
    return std::nullopt;
}

std::vector<LegendEntry> LightLayer::legend() const {
    return {{"street light (lit radius when zoomed in)", QColor(255, 200, 0), QColor(120, 90, 0), LegendEntry::Dot}};
}

// ---------------------------------------------------------------------------------------------
ProjectLayer::ProjectLayer(std::vector<Project> projects) : m_projects(std::move(projects)) {
    for (const auto& pr : m_projects) {
        m_shapes.push_back(featureFromWkb(pr.wkb));
        m_extent = m_extent.united(boundsOf(m_shapes.back()));
    }
}

QColor ProjectLayer::categoryColour(const std::string& category) {
    static const std::map<std::string, QColor> colours = {
        {"CCTV", QColor(30, 90, 220)}, {"ANPR", QColor(0, 150, 170)}, {"Lighting", QColor(250, 190, 0)}, {"Environmental", QColor(40, 160, 60)}, {"Capable guardianship", QColor(140, 80, 190)}, {"Education", QColor(230, 120, 170)}, {"Alley gates", QColor(120, 70, 30)}};
    auto it = colours.find(category);
    return it != colours.end() ? it->second : QColor(90, 90, 90);
}

void ProjectLayer::paint(QPainter& p, const MapView& view) const {
    for (size_t i = 0; i < m_projects.size(); ++i) {
        const VectorFeature& f = m_shapes[i];
        QColor c = categoryColour(m_projects[i].category);
        if (f.kind == ShapeKind::Point) {
            for (const auto& part : f.parts) {
                const QPointF at = view.toScreen(part[0].first, part[0].second);
                p.setPen(QPen(Qt::white, 1.5));
                p.setBrush(c);
                QPolygonF diamond;
                diamond << at + QPointF(0, -7) << at + QPointF(7, 0) << at + QPointF(0, 7) << at + QPointF(-7, 0);
                p.drawPolygon(diamond);
            }
        } else {
            QColor fill = c;
            fill.setAlpha(f.kind == ShapeKind::Polygon ? 45 : 0);
            p.setPen(QPen(c, f.kind == ShapeKind::Line ? 4 : 2, f.kind == ShapeKind::Polygon ? Qt::DashLine : Qt::SolidLine));
            p.setBrush(f.kind == ShapeKind::Polygon ? QBrush(fill) : QBrush(Qt::NoBrush));
            p.drawPath(pathOf(f, view));
        }
    }
}

std::optional<Attributes> ProjectLayer::identify(double x, double y, double tolerance) const {
    for (size_t i = m_projects.size(); i-- > 0;) {
        if (!featureHit(m_shapes[i], x, y, tolerance)) continue;
        const Project& pr = m_projects[i];
        return Attributes{{"id", QString::fromStdString(pr.id)},
                          {"name", QString::fromStdString(pr.name)},
                          {"category", QString::fromStdString(pr.category)},
                          {"round", QString::fromStdString(pr.round)},
                          {"budget_gbp", std::isfinite(pr.budget) ? QString::number(pr.budget, 'f', 0) : QString()},
                          {"start", QString::fromStdString(formatMonth(pr.startMonth))}};
    }
    return std::nullopt;
}

std::vector<LegendEntry> ProjectLayer::legend() const {
    std::vector<LegendEntry> out;
    std::vector<std::string> seen;
    for (const auto& pr : m_projects) {
        if (std::find(seen.begin(), seen.end(), pr.category) != seen.end()) continue;
        seen.push_back(pr.category);
        double budget = 0;
        for (const auto& q : m_projects)
            if (q.category == pr.category && std::isfinite(q.budget)) budget += q.budget;
        out.push_back({QString::fromStdString(pr.category) + (budget > 0 ? QString(" (GBP %1)").arg(budget, 0, 'f', 0) : QString()),
                       categoryColour(pr.category), categoryColour(pr.category), LegendEntry::Box});
    }
    return out;
}

// ---------------------------------------------------------------------------------------------
PointLayer::PointLayer(std::vector<double> x, std::vector<double> y, QColor colour) : m_x(std::move(x)), m_y(std::move(y)), m_colour(colour) {}

Extent PointLayer::extent() const {
    Extent e{0, 0, -1, -1};
    for (size_t i = 0; i < m_x.size(); ++i) e = e.united({m_x[i], m_y[i], m_x[i], m_y[i]});
    return e;
}

void PointLayer::paint(QPainter& p, const MapView& view) const {
    const Extent visible = view.visible();
    size_t inView = 0;
    for (size_t i = 0; i < m_x.size(); ++i) inView += visible.contains(m_x[i], m_y[i]);
    if (inView > 20000) {
        // Level of detail: one pixel per occupied screen pixel, darker where more incidents fall.
        QImage bins(view.width, view.height, QImage::Format_ARGB32_Premultiplied);
        bins.fill(Qt::transparent);
        std::vector<uint16_t> count(static_cast<size_t>(view.width) * static_cast<size_t>(view.height), 0);
        for (size_t i = 0; i < m_x.size(); ++i) {
            const QPointF s = view.toScreen(m_x[i], m_y[i]);
            const int px = static_cast<int>(s.x()), py = static_cast<int>(s.y());
            if (px < 0 || py < 0 || px >= view.width || py >= view.height) continue;
            uint16_t& c = count[static_cast<size_t>(py) * static_cast<size_t>(view.width) + static_cast<size_t>(px)];
            if (c < 65535) ++c;
        }
        for (int py = 0; py < view.height; ++py)
            for (int px = 0; px < view.width; ++px) {
                const uint16_t c = count[static_cast<size_t>(py) * static_cast<size_t>(view.width) + static_cast<size_t>(px)];
                if (!c) continue;
                QColor col = m_colour;
                col.setAlpha(std::min(255, 90 + 40 * c));
                bins.setPixelColor(px, py, col);
            }
        p.drawImage(0, 0, bins);
        return;
    }
    p.setPen(Qt::NoPen);
    p.setBrush(m_colour);
    for (size_t i = 0; i < m_x.size(); ++i)
        if (visible.contains(m_x[i], m_y[i])) p.drawEllipse(view.toScreen(m_x[i], m_y[i]), 1.6, 1.6);
}

std::optional<Attributes> PointLayer::identify(double x, double y, double tolerance) const {
    size_t n = 0;
    for (size_t i = 0; i < m_x.size(); ++i) n += std::hypot(m_x[i] - x, m_y[i] - y) <= tolerance;
    if (n == 0) return std::nullopt;
    return Attributes{{"incidents here", QString::number(n)}};
}

std::vector<LegendEntry> PointLayer::legend() const { return {{"incident", m_colour, m_colour, LegendEntry::Dot}}; }

// ---------------------------------------------------------------------------------------------
RasterLayer::RasterLayer(QImage image, Extent extent, std::vector<LegendEntry> legend, std::vector<double> values, int64_t cols, int64_t rows,
                         QString valueName)
    : m_image(std::move(image)), m_extent(extent), m_legend(std::move(legend)), m_values(std::move(values)), m_cols(cols), m_rows(rows), m_valueName(std::move(valueName)) {}

void RasterLayer::paint(QPainter& p, const MapView& view) const {
    const QRectF target = view.screenRect(m_extent);
    const bool smooth = p.testRenderHint(QPainter::SmoothPixmapTransform);
    p.setRenderHint(QPainter::SmoothPixmapTransform, false);  // cells stay cells
    p.drawImage(target, m_image);
    p.setRenderHint(QPainter::SmoothPixmapTransform, smooth);
}

double RasterLayer::valueAt(double x, double y) const {
    if (!m_extent.contains(x, y) || m_cols == 0) return NAN;
    const auto col = std::min<int64_t>(m_cols - 1, static_cast<int64_t>((x - m_extent.minX) / m_extent.width() * static_cast<double>(m_cols)));
    const auto row = std::min<int64_t>(m_rows - 1, static_cast<int64_t>((m_extent.maxY - y) / m_extent.height() * static_cast<double>(m_rows)));
    return m_values[static_cast<size_t>(row * m_cols + col)];
}

std::optional<Attributes> RasterLayer::identify(double x, double y, double) const {
    const double v = valueAt(x, y);
    if (!std::isfinite(v)) return std::nullopt;
    return Attributes{{m_valueName, QString::number(v, 'g', 6)}};
}

}  // namespace hotspot::viewer
