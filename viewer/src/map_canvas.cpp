#include "map_canvas.hpp"

#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QWheelEvent>

#include "session.hpp"

namespace hotspot::viewer {

MapCanvas::MapCanvas(QWidget* parent) : QWidget(parent) {
    setMouseTracking(true);
    setFocusPolicy(Qt::StrongFocus);
    setMinimumSize(400, 300);
}

void MapCanvas::setSession(Session* session) {
    m_session = session;
    zoomToFull();
}

void MapCanvas::zoomToFull() {
    if (!m_session) return;
    m_view = m_session->initialView(width(), height());
    refresh();
}

void MapCanvas::refresh() {
    m_cacheValid = false;
    update();
}

void MapCanvas::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.fillRect(rect(), QColor(246, 245, 240));
    if (!m_session) return;
    if (!m_cacheValid || m_cache.size() != size()) {
        m_view.width = width();
        m_view.height = height();
        m_cache = QImage(size(), QImage::Format_ARGB32_Premultiplied);
        m_cache.fill(Qt::transparent);
        QPainter cp(&m_cache);
        renderLayers(cp, m_view, m_session->layers);
        m_cacheValid = true;
    }
    p.drawImage(m_dragOffset, m_cache);
    drawScaleBar(p, m_view, QPointF(16, height() - 16));
    drawNorthArrow(p, QPointF(width() - 30, 12));
}

void MapCanvas::resizeEvent(QResizeEvent*) {
    const double span = m_view.width * m_view.metresPerPixel;
    m_view.width = width();
    m_view.height = height();
    if (m_view.width > 0 && span > 0) m_view.metresPerPixel = span / m_view.width;
    refresh();
}

void MapCanvas::wheelEvent(QWheelEvent* e) {
    const double steps = e->angleDelta().y() / 120.0;
    m_view.zoomAt(e->position(), std::pow(1.25, steps));
    refresh();
}

void MapCanvas::mousePressEvent(QMouseEvent* e) {
    if (e->button() != Qt::LeftButton) return;
    m_pressAt = e->pos();
    m_dragging = true;
}

void MapCanvas::mouseMoveEvent(QMouseEvent* e) {
    double x = 0, y = 0;
    m_view.toWorld(e->position() - QPointF(m_dragOffset), x, y);
    emit cursorMoved(x, y);
    if (m_dragging && (e->buttons() & Qt::LeftButton)) {
        m_dragOffset = e->pos() - m_pressAt;
        update();
    }
}

void MapCanvas::mouseReleaseEvent(QMouseEvent* e) {
    if (!m_dragging) return;
    m_dragging = false;
    const QPoint moved = e->pos() - m_pressAt;
    m_dragOffset = {};
    if (moved.manhattanLength() < 4) {
        double x = 0, y = 0;
        m_view.toWorld(e->position(), x, y);
        emit clicked(x, y, 6 * m_view.metresPerPixel);
        update();
        return;
    }
    m_view.panPixels(moved.x(), moved.y());
    refresh();
}

void MapCanvas::keyPressEvent(QKeyEvent* e) {
    switch (e->key()) {
        case Qt::Key_Left: m_view.panPixels(60, 0); break;
        case Qt::Key_Right: m_view.panPixels(-60, 0); break;
        case Qt::Key_Up: m_view.panPixels(0, 60); break;
        case Qt::Key_Down: m_view.panPixels(0, -60); break;
        case Qt::Key_Plus:
        case Qt::Key_Equal: m_view.zoomAt(QPointF(width() / 2.0, height() / 2.0), 1.5); break;
        case Qt::Key_Minus: m_view.zoomAt(QPointF(width() / 2.0, height() / 2.0), 1 / 1.5); break;
        case Qt::Key_Home: zoomToFull(); return;
        default: QWidget::keyPressEvent(e); return;
    }
    refresh();
}

}  // namespace hotspot::viewer
