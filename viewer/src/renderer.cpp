#include "renderer.hpp"

#include <algorithm>
#include <cmath>

#include <QFileInfo>
#include <QPageSize>
#include <QPainter>
#include <QPainterPath>
#include <QPdfWriter>
#include <QSvgGenerator>

namespace hotspot::viewer {

void renderLayers(QPainter& p, const MapView& view, const LayerList& layers) {
    p.setRenderHint(QPainter::Antialiasing, true);
    for (const auto& layer : layers) {
        if (!layer->visible || layer->opacity <= 0) continue;
        p.save();
        p.setOpacity(layer->opacity);
        layer->paint(p, view);
        p.restore();
    }
    // Labels last, above every layer: the priority areas first (that is what a map for partners is
    // about), then from the topmost layer down.
    std::vector<LabelRequest> requests;
    std::vector<const MapLayer*> order;
    for (auto it = layers.rbegin(); it != layers.rend(); ++it)
        if ((*it)->visible && (*it)->role == "priority") order.push_back(it->get());
    for (auto it = layers.rbegin(); it != layers.rend(); ++it)
        if ((*it)->visible && (*it)->role != "priority") order.push_back(it->get());
    for (const MapLayer* layer : order) layer->labels(view, requests);
    placeLabels(p, requests, QRectF(0, 0, view.width, view.height));
}

std::vector<QRectF> placeLabels(QPainter& p, const std::vector<LabelRequest>& requests, const QRectF& frame) {
    p.save();
    QFont font = p.font();
    font.setPointSizeF(8);
    p.setFont(font);
    const QFontMetricsF metrics(font, p.device());
    std::vector<QRectF> placed;
    QPainterPath halo, text;
    for (const LabelRequest& r : requests) {
        const QRectF size = metrics.boundingRect(r.text);
        const double w = size.width(), h = metrics.height();
        // Candidate boxes: an area's label centred, then just above or below the centre; a point's
        // to the right, left, above and below; a line's along its middle, then above or below.
        std::vector<QPointF> corners;
        const QPointF a = r.anchor;
        if (r.kind == LabelRequest::Point)
            corners = {{a.x() + r.offset, a.y() - h / 2}, {a.x() - r.offset - w, a.y() - h / 2}, {a.x() - w / 2, a.y() - r.offset - h}, {a.x() - w / 2, a.y() + r.offset}};
        else
            corners = {{a.x() - w / 2, a.y() - h / 2}, {a.x() - w / 2, a.y() - 1.5 * h}, {a.x() - w / 2, a.y() + h / 2}};
        for (const QPointF& c : corners) {
            const QRectF box(c, QSizeF(w, h));
            if (!frame.contains(box)) continue;
            if (std::any_of(placed.begin(), placed.end(), [&](const QRectF& other) { return other.intersects(box); })) continue;
            placed.push_back(box);
            QPainterPath path;
            path.addText(QPointF(c.x(), c.y() + metrics.ascent()), font, r.text);
            text.addPath(path);
            break;
        }
    }
    // A white halo under every label, then the text: readable over any surface.
    p.setRenderHint(QPainter::Antialiasing, true);
    p.strokePath(text, QPen(QColor(255, 255, 255, 230), 3, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
    p.fillPath(text, QColor(40, 20, 60));
    p.restore();
    return placed;
}

void drawScaleBar(QPainter& p, const MapView& view, QPointF bottomLeft) {
    const double target = view.width * view.metresPerPixel / 5;
    const double magnitude = std::pow(10.0, std::floor(std::log10(target)));
    double length = magnitude;
    for (double m : {1.0, 2.0, 5.0})
        if (m * magnitude <= target) length = m * magnitude;
    const double px = length / view.metresPerPixel;
    const QString label = length >= 1000 ? QString("%1 km").arg(length / 1000) : QString("%1 m").arg(length);
    p.save();
    p.setPen(QPen(Qt::black, 1));
    p.setBrush(Qt::white);
    p.drawRect(QRectF(bottomLeft - QPointF(0, 6), QSizeF(px, 6)));
    p.setBrush(Qt::black);
    p.drawRect(QRectF(bottomLeft - QPointF(0, 6), QSizeF(px / 2, 6)));
    QFont f = p.font();
    f.setPointSizeF(8);
    p.setFont(f);
    p.drawText(bottomLeft + QPointF(px + 6, 0), label);
    p.restore();
}

void drawNorthArrow(QPainter& p, QPointF top, double size) {
    p.save();
    p.setPen(QPen(Qt::black, 1));
    QPolygonF left, right;
    left << top << top + QPointF(-size / 3, size) << top + QPointF(0, size * 0.75);
    right << top << top + QPointF(size / 3, size) << top + QPointF(0, size * 0.75);
    p.setBrush(Qt::black);
    p.drawPolygon(left);
    p.setBrush(Qt::white);
    p.drawPolygon(right);
    QFont f = p.font();
    f.setPointSizeF(9);
    f.setBold(true);
    p.setFont(f);
    p.drawText(QRectF(top.x() - 10, top.y() + size + 2, 20, 16), Qt::AlignCenter, "N");
    p.restore();
}

double drawLegend(QPainter& p, const LayerList& layers, QRectF area) {
    p.save();
    QFont f = p.font();
    f.setPointSizeF(8);
    double y = area.top();
    const double line = 16;
    // Names and labels wrap onto further lines rather than being cut ("burglary kernel density,
    // 2021-01 to 2021-12" is what the map shows, all of it).
    auto wrapped = [&](double left, const QString& text) {
        const QRectF box(left, y, area.right() - left, area.bottom() - y);
        const QRectF used = p.boundingRect(box, Qt::TextWordWrap | Qt::AlignLeft | Qt::AlignTop, text);
        p.drawText(box, Qt::TextWordWrap | Qt::AlignLeft | Qt::AlignTop, text);
        return std::max(line, used.height() + 3);
    };
    for (auto it = layers.rbegin(); it != layers.rend(); ++it) {
        const MapLayer& layer = **it;
        if (!layer.visible) continue;
        const auto entries = layer.legend();
        if (entries.empty()) continue;
        if (y + line > area.bottom()) break;
        f.setBold(true);
        p.setFont(f);
        p.setPen(Qt::black);
        y += wrapped(area.left(), layer.name);
        f.setBold(false);
        p.setFont(f);
        for (const auto& e : entries) {
            if (y + line > area.bottom()) break;
            const QRectF swatch(area.left() + 4, y + 2, 16, 10);
            p.setPen(QPen(e.stroke, e.shape == LegendEntry::Line ? 3 : 1));
            p.setBrush(e.shape == LegendEntry::Line ? QBrush(Qt::NoBrush) : QBrush(e.fill));
            switch (e.shape) {
                case LegendEntry::Box: p.drawRect(swatch); break;
                case LegendEntry::Line: p.drawLine(swatch.left(), swatch.center().y(), swatch.right(), swatch.center().y()); break;
                case LegendEntry::Dot: p.drawEllipse(swatch.center(), 4, 4); break;
                case LegendEntry::Wedge: p.drawPie(swatch.adjusted(0, -4, 0, 8), 45 * 16, 90 * 16); break;
            }
            p.setPen(Qt::black);
            y += wrapped(area.left() + 26, e.label);
        }
        y += 4;
    }
    p.restore();
    return y - area.top();
}

namespace {

// The inset: the whole study area's outlines, and the main map's frame in red.
void drawOverview(QPainter& p, const LayerList& layers, const MapView& main, const Extent& whole, const QRectF& box) {
    MapView inset;
    inset.width = static_cast<int>(box.width());
    inset.height = static_cast<int>(box.height());
    inset.zoomTo(whole, 0.05);
    p.save();
    p.translate(box.topLeft());
    p.setClipRect(QRectF(0, 0, box.width(), box.height()));
    p.fillRect(QRectF(0, 0, box.width(), box.height()), Qt::white);
    for (const auto& layer : layers)
        if (layer->visible && (layer->role == "areas" || layer->role == "priority" || layer->role == "roads")) layer->paint(p, inset);
    const Extent shown = main.visible();
    p.setPen(QPen(QColor(200, 0, 0), 2));
    p.setBrush(Qt::NoBrush);
    p.drawRect(QRectF(inset.toScreen(shown.minX, shown.maxY), inset.toScreen(shown.maxX, shown.minY)));
    p.restore();
    p.setPen(QPen(QColor(90, 90, 90), 1));
    p.drawRect(box);
}

void paintComposition(QPainter& p, const LayerList& layers, MapView view, const ExportOptions& o, double scale) {
    const double subtitleHeight = o.subtitle.isEmpty() ? 0 : 22 * scale;
    const double titleHeight = 44 * scale + subtitleHeight, legendWidth = 300 * scale, footer = 40 * scale;
    const QRectF page(0, 0, o.width, o.height);
    p.fillRect(page, Qt::white);
    QFont f = p.font();
    // The title at 15 pt, smaller (down to 9 pt) when it would not fit: never cut.
    f.setBold(true);
    for (double size = 15; size >= 9; size -= 1) {
        f.setPointSizeF(size);
        if (QFontMetricsF(f, p.device()).horizontalAdvance(o.title) <= o.width - 24 * scale) break;
    }
    p.setFont(f);
    p.setPen(Qt::black);
    p.drawText(QRectF(12 * scale, 0, o.width - 24 * scale, titleHeight - subtitleHeight), Qt::AlignVCenter | Qt::AlignLeft | Qt::TextWordWrap, o.title);
    if (!o.subtitle.isEmpty()) {
        QFont sf = f;
        sf.setBold(false);
        sf.setPointSizeF(10);
        p.setFont(sf);
        p.setPen(QColor(70, 70, 70));
        p.drawText(QRectF(12 * scale, titleHeight - subtitleHeight - 4 * scale, o.width - 24 * scale, subtitleHeight), Qt::AlignTop | Qt::AlignLeft, o.subtitle);
        p.setFont(f);
    }
    const QRectF mapRect(0, titleHeight, o.width - legendWidth, o.height - titleHeight - footer);
    // The map keeps its centre and scale relative to the frame it is given.
    const double oldWidth = view.width * view.metresPerPixel;
    view.width = static_cast<int>(mapRect.width());
    view.height = static_cast<int>(mapRect.height());
    view.metresPerPixel = oldWidth / view.width;
    p.save();
    p.translate(mapRect.topLeft());
    p.setClipRect(QRectF(0, 0, mapRect.width(), mapRect.height()));
    p.fillRect(QRectF(0, 0, mapRect.width(), mapRect.height()), QColor(246, 245, 240));
    renderLayers(p, view, layers);
    drawScaleBar(p, view, QPointF(16, mapRect.height() - 16));
    drawNorthArrow(p, QPointF(mapRect.width() - 30, 14));
    if (!o.overview.empty()) {
        const double w = 0.22 * mapRect.width(), h = std::min(0.3 * mapRect.height(), w * o.overview.height() / std::max(o.overview.width(), 1.0) + 4);
        drawOverview(p, layers, view, o.overview, QRectF(mapRect.width() - w - 8, mapRect.height() - h - 8, w, h));
    }
    p.restore();
    p.setPen(QPen(QColor(120, 120, 120), 1));
    p.setBrush(Qt::NoBrush);
    p.drawRect(mapRect);
    drawLegend(p, layers, QRectF(mapRect.right() + 10 * scale, titleHeight + 6, legendWidth - 16 * scale, mapRect.height() - 12));
    f.setPointSizeF(7);
    f.setBold(false);
    p.setFont(f);
    p.setPen(QColor(80, 80, 80));
    // The source line wraps onto a second line: a publisher's credit is never cut off.
    p.drawText(QRectF(12 * scale, o.height - footer, o.width - 24 * scale, footer), Qt::AlignVCenter | Qt::AlignLeft | Qt::TextWordWrap,
               o.attribution + QString("  Scale 1:%1 at %2 dpi; British National Grid (EPSG:27700).")
                                   .arg(std::round(view.metresPerPixel / (0.0254 / o.dpi)), 0, 'f', 0)
                                   .arg(o.dpi));
}

}  // namespace

QImage renderMapImage(const LayerList& layers, MapView view, const ExportOptions& o) {
    QImage image(o.width, o.height, QImage::Format_ARGB32_Premultiplied);
    image.setDotsPerMeterX(static_cast<int>(o.dpi / 0.0254));
    image.setDotsPerMeterY(static_cast<int>(o.dpi / 0.0254));
    QPainter p(&image);
    paintComposition(p, layers, view, o, 1.0);
    p.end();
    return image;
}

bool applyPaper(const QString& paper, ExportOptions& o) {
    const QString name = paper.toLower();
    double shortMm = 0, longMm = 0;
    if (name.startsWith("a4-")) shortMm = 210, longMm = 297;
    else if (name.startsWith("a3-")) shortMm = 297, longMm = 420;
    else return false;
    const bool landscape = name.endsWith("-landscape");
    if (!landscape && !name.endsWith("-portrait")) return false;
    const double widthMm = landscape ? longMm : shortMm, heightMm = landscape ? shortMm : longMm;
    o.width = static_cast<int>(std::lround(widthMm / 25.4 * o.dpi));
    o.height = static_cast<int>(std::lround(heightMm / 25.4 * o.dpi));
    return true;
}

bool exportMap(const QString& path, const LayerList& layers, const MapView& view, const ExportOptions& o, QString& error) {
    if (QFileInfo(path).suffix().compare("svg", Qt::CaseInsensitive) == 0) {
        const QString staging = path + ".part.svg";
        {
            QSvgGenerator svg;
            svg.setFileName(staging);
            svg.setSize(QSize(o.width, o.height));
            svg.setViewBox(QRect(0, 0, o.width, o.height));
            svg.setResolution(o.dpi);
            svg.setTitle(o.title);
            svg.setDescription(o.attribution);
            QPainter p;
            if (!p.begin(&svg)) {
                error = "cannot write " + path;
                return false;
            }
            paintComposition(p, layers, view, o, 1.0);
            p.end();
        }
        if (!QFileInfo(staging).exists() || QFileInfo(staging).size() == 0 || std::rename(staging.toStdString().c_str(), path.toStdString().c_str()) != 0) {
            error = "cannot write " + path;
            return false;
        }
        return true;
    }
    if (QFileInfo(path).suffix().compare("pdf", Qt::CaseInsensitive) == 0) {
        QPdfWriter pdf(path);
        pdf.setResolution(o.dpi);
        pdf.setPageSize(QPageSize(QSizeF(o.width * 72.0 / o.dpi, o.height * 72.0 / o.dpi), QPageSize::Point));
        pdf.setPageMargins(QMarginsF(0, 0, 0, 0));
        pdf.setTitle(o.title);
        QPainter p;
        if (!p.begin(&pdf)) {
            error = "cannot write " + path;
            return false;
        }
        ExportOptions sized = o;
        sized.width = pdf.width();
        sized.height = pdf.height();
        paintComposition(p, layers, view, sized, 1.0);
        p.end();
        return true;
    }
    const QImage image = renderMapImage(layers, view, o);
    // Write then rename: an existing map is never half-overwritten.
    const QString staging = path + ".part.png";
    if (!image.save(staging, "PNG")) {
        error = "cannot write " + path;
        return false;
    }
    if (std::rename(staging.toStdString().c_str(), path.toStdString().c_str()) != 0) {
        error = "cannot rename into " + path;
        return false;
    }
    return true;
}

}  // namespace hotspot::viewer
