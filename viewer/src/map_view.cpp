#include "map_view.hpp"

#include <algorithm>

namespace hotspot::viewer {

Extent MapView::visible() const {
    const double hw = width * metresPerPixel / 2, hh = height * metresPerPixel / 2;
    return {centreX - hw, centreY - hh, centreX + hw, centreY + hh};
}

QRectF MapView::screenRect(const Extent& e) const {
    const QPointF a = toScreen(e.minX, e.maxY), b = toScreen(e.maxX, e.minY);
    return QRectF(a, b).normalized();
}

void MapView::zoomTo(const Extent& e, double margin) {
    if (e.empty()) return;
    centreX = (e.minX + e.maxX) / 2;
    centreY = (e.minY + e.maxY) / 2;
    const double w = std::max(e.width(), 1.0), h = std::max(e.height(), 1.0);
    metresPerPixel = std::max(w / (width * (1 - 2 * margin)), h / (height * (1 - 2 * margin)));
}

void MapView::zoomAt(QPointF anchor, double factor) {
    double x = 0, y = 0;
    toWorld(anchor, x, y);
    metresPerPixel = std::clamp(metresPerPixel / factor, 0.01, 100000.0);
    // Keep (x, y) under the anchor.
    centreX = x - (anchor.x() - width / 2.0) * metresPerPixel;
    centreY = y + (anchor.y() - height / 2.0) * metresPerPixel;
}

}  // namespace hotspot::viewer
