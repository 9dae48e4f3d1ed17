#include "main_window.hpp"

#include <algorithm>
#include <cmath>

#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDockWidget>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QLineEdit>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QPainter>
#include <QProgressBar>
#include <QPushButton>
#include <QSlider>
#include <QSpinBox>
#include <QStatusBar>
#include <QTableWidget>
#include <QTimer>
#include <QTreeWidget>
#include <QVBoxLayout>
#include <QtConcurrent>

#include "hotspot/crs.hpp"
#include "hotspot/error.hpp"
#include "map_canvas.hpp"

namespace hotspot::viewer {

MainWindow::MainWindow(std::unique_ptr<Session> session) {
    m_canvas = new MapCanvas(this);
    m_canvas->setObjectName("map");
    setCentralWidget(m_canvas);
    buildDocks();
    auto* file = menuBar()->addMenu("&File");
    file->addAction("&Open project...", QKeySequence::Open, this, &MainWindow::openProjectDialog);
    file->addAction("&Add layer...", this, &MainWindow::addLayerDialog);
    file->addAction("&Export map (PNG, PDF)...", QKeySequence("Ctrl+E"), this, &MainWindow::exportMapDialog);
    file->addSeparator();
    file->addAction("&Quit", QKeySequence::Quit, qApp, &QApplication::quit);
    auto* view = menuBar()->addMenu("&View");
    view->addAction("Zoom to &full extent", QKeySequence("Home"), m_canvas, &MapCanvas::zoomToFull);
    m_coordinates = new QLabel(this);
    m_timing = new QLabel(this);
    m_timing->setObjectName("timing");
    m_busy = new QProgressBar(this);
    m_busy->setRange(0, 0);
    m_busy->setMaximumWidth(120);
    m_busy->hide();
    statusBar()->addWidget(m_coordinates, 1);
    statusBar()->addPermanentWidget(m_timing);
    statusBar()->addPermanentWidget(m_busy);
    m_openProgress = new QProgressBar(this);
    m_openProgress->setObjectName("openProgress");
    m_openProgress->setRange(0, 100);
    m_openProgress->setMinimumWidth(260);
    m_openProgress->hide();
    m_cancelOpenButton = new QPushButton("Cancel", this);
    m_cancelOpenButton->setObjectName("cancelOpen");
    m_cancelOpenButton->hide();
    statusBar()->addPermanentWidget(m_openProgress);
    statusBar()->addPermanentWidget(m_cancelOpenButton);
    connect(m_cancelOpenButton, &QPushButton::clicked, this, [this] {
        if (m_cancelOpen) m_cancelOpen->store(true);
        m_cancelOpenButton->setEnabled(false);
        m_cancelOpenButton->setText("Cancelling...");
    });
    connect(&m_openWatcher, &QFutureWatcher<OpenResult>::finished, this, &MainWindow::finishOpening);
    auto toLonLat = std::make_shared<CoordinateTransformer>("EPSG:27700", "EPSG:4326");
    connect(m_canvas, &MapCanvas::cursorMoved, this, [this, toLonLat](double x, double y) {
        double lon = x, lat = y;
        toLonLat->transformPoint(lon, lat);
        m_coordinates->setText(QString("BNG %1, %2   lat/lon %3, %4").arg(x, 0, 'f', 0).arg(y, 0, 'f', 0).arg(lat, 0, 'f', 5).arg(lon, 0, 'f', 5));
    });
    connect(m_canvas, &MapCanvas::clicked, this, &MainWindow::showIdentify);
    connect(&m_watcher, &QFutureWatcher<Surface>::finished, this, [this] {
        m_busy->hide();
        if (m_pendingGeneration != m_generation) return;  // a newer request is on its way
        Surface s = m_watcher.result();
        if (const std::string why = s.emptyReason(); !why.empty()) statusBar()->showMessage(QString::fromStdString(why));
        m_timing->setText(QString("%1: %2 incidents in %3 ms").arg(toString(s.request.method)).arg(s.ledger.counted).arg(s.seconds * 1000, 0, 'f', 0));
        m_timing->setToolTip(QString::fromStdString(s.ledger.format()));  // where every incident read went
        m_session->setSurface(std::move(s));
        fillLayerTree();
        updateLegend();
        m_canvas->refresh();
    });
    resize(1400, 900);
    setSession(std::move(session));
}

void MainWindow::setSession(std::unique_ptr<Session> session) {
    m_session = std::move(session);
    setWindowTitle("hotspot-viewer - " + QString::fromStdString(m_session->project.title));
    m_canvas->setSession(m_session.get());
    fillLayerTree();
    fillAnalysisControls();
    updateLegend();
}

void MainWindow::buildDocks() {
    // Layers: visibility, order, opacity.
    auto* layersDock = new QDockWidget("Layers", this);
    auto* layersBox = new QWidget(layersDock);
    auto* lv = new QVBoxLayout(layersBox);
    m_layers = new QTreeWidget(layersBox);
    m_layers->setHeaderHidden(true);
    lv->addWidget(m_layers);
    auto* buttons = new QHBoxLayout;
    auto* up = new QPushButton("Up", layersBox);
    auto* down = new QPushButton("Down", layersBox);
    buttons->addWidget(up);
    buttons->addWidget(down);
    lv->addLayout(buttons);
    m_opacity = new QSlider(Qt::Horizontal, layersBox);
    m_opacity->setRange(0, 100);
    lv->addWidget(new QLabel("Opacity of the selected layer", layersBox));
    lv->addWidget(m_opacity);
    layersDock->setWidget(layersBox);
    addDockWidget(Qt::LeftDockWidgetArea, layersDock);
    // The tree lists layers top first; index in the session = count - 1 - row.
    auto selectedLayer = [this]() -> int {
        auto* item = m_layers->currentItem();
        return item ? static_cast<int>(m_session->layers.size()) - 1 - m_layers->indexOfTopLevelItem(item) : -1;
    };
    connect(m_layers, &QTreeWidget::itemChanged, this, [this](QTreeWidgetItem* item) {
        if (m_updatingControls) return;
        const int i = static_cast<int>(m_session->layers.size()) - 1 - m_layers->indexOfTopLevelItem(item);
        m_session->layers[static_cast<size_t>(i)]->visible = item->checkState(0) == Qt::Checked;
        updateLegend();
        m_canvas->refresh();
    });
    connect(m_layers, &QTreeWidget::currentItemChanged, this, [this, selectedLayer] {
        const int i = selectedLayer();
        if (i >= 0) m_opacity->setValue(static_cast<int>(m_session->layers[static_cast<size_t>(i)]->opacity * 100));
    });
    connect(m_opacity, &QSlider::valueChanged, this, [this, selectedLayer](int v) {
        const int i = selectedLayer();
        if (i < 0) return;
        m_session->layers[static_cast<size_t>(i)]->opacity = v / 100.0;
        m_canvas->refresh();
    });
    // Double-click: zoom to the layer.
    connect(m_layers, &QTreeWidget::itemDoubleClicked, this, [this, selectedLayer] {
        const int i = selectedLayer();
        if (i < 0) return;
        const Extent e = m_session->layers[static_cast<size_t>(i)]->extent();
        if (e.empty()) return;
        m_canvas->view().zoomTo(e.width() > 0 || e.height() > 0 ? e : e.expanded(250));
        m_canvas->refresh();
    });
    auto move = [this, selectedLayer](int by) {
        const int i = selectedLayer(), j = i + by;
        if (i < 0 || j < 0 || j >= static_cast<int>(m_session->layers.size())) return;
        std::swap(m_session->layers[static_cast<size_t>(i)], m_session->layers[static_cast<size_t>(j)]);
        fillLayerTree();
        m_layers->setCurrentItem(m_layers->topLevelItem(static_cast<int>(m_session->layers.size()) - 1 - j));
        updateLegend();
        m_canvas->refresh();
    };
    connect(up, &QPushButton::clicked, this, [move] { move(+1); });
    connect(down, &QPushButton::clicked, this, [move] { move(-1); });

    auto* legendDock = new QDockWidget("Legend", this);
    m_legend = new QLabel(legendDock);
    m_legend->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    legendDock->setWidget(m_legend);
    addDockWidget(Qt::LeftDockWidgetArea, legendDock);

    // Analysis: group, period, method; every change recomputes off the UI thread.
    auto* analysisDock = new QDockWidget("Analysis", this);
    auto* analysisBox = new QWidget(analysisDock);
    auto* form = new QFormLayout(analysisBox);
    m_group = new QComboBox(analysisBox);
    m_group->setObjectName("group");
    m_method = new QComboBox(analysisBox);
    m_method->addItem("Kernel density", "kde");
    m_method->addItem("Gi* hot spots (FDR)", "gistar");
    m_method->addItem("Counts", "counts");
    m_from = new QSlider(Qt::Horizontal, analysisBox);
    m_to = new QSlider(Qt::Horizontal, analysisBox);
    m_period = new QLabel(analysisBox);
    m_bandwidth = new QDoubleSpinBox(analysisBox);
    m_bandwidth->setRange(25, 5000);
    m_bandwidth->setSuffix(" m");
    m_cell = new QDoubleSpinBox(analysisBox);
    m_cell->setRange(5, 1000);
    m_cell->setSuffix(" m");
    form->addRow("Group", m_group);
    form->addRow("Method", m_method);
    form->addRow("From", m_from);
    form->addRow("To", m_to);
    form->addRow("Period", m_period);
    form->addRow("Bandwidth", m_bandwidth);
    form->addRow("Cell", m_cell);
    // A click on an incident draws its near-repeat zone instead of identifying.
    m_nearRepeat = new QCheckBox("Click an incident for its near-repeat zone", analysisBox);
    m_nearRepeat->setObjectName("nearRepeat");
    form->addRow(m_nearRepeat);
    connect(m_nearRepeat, &QCheckBox::toggled, this, [this](bool on) {
        if (on) return;
        auto& layers = m_session->layers;
        for (auto it = layers.begin(); it != layers.end();) it = (*it)->role == "near_repeat" ? layers.erase(it) : it + 1;
        fillLayerTree();
        updateLegend();
        m_canvas->refresh();
    });
    analysisDock->setWidget(analysisBox);
    addDockWidget(Qt::RightDockWidgetArea, analysisDock);
    auto* debounce = new QTimer(this);
    debounce->setSingleShot(true);
    debounce->setInterval(120);
    connect(debounce, &QTimer::timeout, this, &MainWindow::recompute);
    auto changed = [this, debounce] {
        if (m_updatingControls) return;
        if (m_from->value() > m_to->value()) m_to->setValue(m_from->value());
        const AnalysisRequest r = requestFromControls();
        m_period->setText(QString::fromStdString(formatMonth(r.from) + " to " + formatMonth(r.to)));
        debounce->start();
    };
    connect(m_group, &QComboBox::currentIndexChanged, this, changed);
    connect(m_method, &QComboBox::currentIndexChanged, this, changed);
    connect(m_from, &QSlider::valueChanged, this, changed);
    connect(m_to, &QSlider::valueChanged, this, changed);
    connect(m_bandwidth, &QDoubleSpinBox::valueChanged, this, changed);
    connect(m_cell, &QDoubleSpinBox::valueChanged, this, changed);

    // Sites: N and a radius, picked on the current kernel density.
    auto* sitesDock = new QDockWidget("New CCTV sites", this);
    auto* sitesBox = new QWidget(sitesDock);
    auto* sf = new QFormLayout(sitesBox);
    m_sites = new QSpinBox(sitesBox);
    m_sites->setRange(1, 200);
    m_sites->setValue(10);
    m_radius = new QDoubleSpinBox(sitesBox);
    m_radius->setRange(10, 1000);
    m_radius->setValue(100);
    m_radius->setSuffix(" m");
    auto* go = new QPushButton("Recommend sites", sitesBox);
    sf->addRow("Sites", m_sites);
    sf->addRow("Radius", m_radius);
    sf->addRow(go);
    sitesDock->setWidget(sitesBox);
    addDockWidget(Qt::RightDockWidgetArea, sitesDock);
    connect(go, &QPushButton::clicked, this, &MainWindow::recommendSites);

    auto* identifyDock = new QDockWidget("Identify", this);
    m_identify = new QTableWidget(0, 2, identifyDock);
    m_identify->setObjectName("identify");
    m_identify->setHorizontalHeaderLabels({"Field", "Value"});
    m_identify->horizontalHeader()->setStretchLastSection(true);
    identifyDock->setWidget(m_identify);
    addDockWidget(Qt::RightDockWidgetArea, identifyDock);
}

void MainWindow::fillLayerTree() {
    m_updatingControls = true;
    m_layers->clear();
    for (auto it = m_session->layers.rbegin(); it != m_session->layers.rend(); ++it) {
        auto* item = new QTreeWidgetItem(m_layers, {(*it)->name});
        item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
        item->setCheckState(0, (*it)->visible ? Qt::Checked : Qt::Unchecked);
    }
    m_updatingControls = false;
}

void MainWindow::fillAnalysisControls() {
    m_updatingControls = true;
    m_group->clear();
    m_group->addItem("all groups", -1);
    for (size_t g = 0; g < m_session->incidents.groups.size(); ++g) m_group->addItem(QString::fromStdString(m_session->incidents.groups[g]), static_cast<int>(g));
    const AnalysisRequest r = m_session->surface ? m_session->surface->request : m_session->initialRequest();
    m_group->setCurrentIndex(r.group + 1);
    m_method->setCurrentIndex(static_cast<int>(r.method));
    for (QSlider* s : {m_from, m_to}) s->setRange(m_session->incidents.firstMonth, m_session->incidents.lastMonth);
    m_from->setValue(r.from);
    m_to->setValue(r.to);
    m_period->setText(QString::fromStdString(formatMonth(r.from) + " to " + formatMonth(r.to)));
    m_bandwidth->setValue(r.bandwidth);
    m_cell->setValue(r.cell);
    m_updatingControls = false;
}

AnalysisRequest MainWindow::requestFromControls() const {
    AnalysisRequest r;
    r.group = m_group->currentData().toInt();
    r.method = static_cast<SurfaceMethod>(m_method->currentIndex());
    r.from = m_from->value();
    r.to = m_to->value();
    r.bandwidth = m_bandwidth->value();
    r.cell = m_cell->value();
    return r;
}

void MainWindow::recompute() {
    if (m_session->incidents.x.empty()) return;
    const AnalysisRequest r = requestFromControls();
    m_pendingGeneration = ++m_generation;
    m_busy->show();
    const IncidentSet* incidents = &m_session->incidents;
    m_watcher.setFuture(QtConcurrent::run([incidents, r] { return computeSurface(*incidents, r); }));
}

void MainWindow::recommendSites() {
    if (!m_session->surface || m_session->surface->request.method != SurfaceMethod::Kde) {
        QMessageBox::information(this, "Sites", "Choose the kernel density method first: sites cover the density.");
        return;
    }
    try {
        const SiteRecommendation rec = viewer::recommendSites(*m_session->surface, m_sites->value(), m_radius->value(), m_session->cameras());
        m_session->setSites(rec, m_radius->value());
        fillLayerTree();
        updateLegend();
        m_canvas->refresh();
        statusBar()->showMessage(QString("%1 sites cover %2 % of the demand not already under CCTV")
                                     .arg(rec.picks.size())
                                     .arg(rec.picks.empty() || rec.totalDemand <= 0 ? 0.0 : 100 * rec.picks.back().cumulative / rec.totalDemand, 0, 'f', 1),
                                 8000);
    } catch (const Error& e) {
        QMessageBox::warning(this, "Sites", QString::fromStdString(e.what()));
    }
}

void MainWindow::showIdentify(double x, double y, double tolerance) {
    if (m_nearRepeat->isChecked()) {
        try {
            if (const auto zone = m_session->showNearRepeatZone(x, y, tolerance)) {
                statusBar()->showMessage(QString::fromStdString(zone->describe()));
                fillLayerTree();
                updateLegend();
                m_canvas->refresh();
            } else {
                statusBar()->showMessage("No incident of the current selection here: click on one for its near-repeat zone");
            }
        } catch (const Error& e) {
            QMessageBox::warning(this, "Near-repeat zone", QString::fromStdString(e.message()));
        }
        return;
    }
    m_identify->setRowCount(0);
    const auto hit = m_session->identify(x, y, tolerance);
    if (!hit) return;
    m_identify->insertRow(0);
    m_identify->setItem(0, 0, new QTableWidgetItem("layer"));
    m_identify->setItem(0, 1, new QTableWidgetItem(hit->layer));
    for (const auto& [field, value] : hit->attributes) {
        const int row = m_identify->rowCount();
        m_identify->insertRow(row);
        m_identify->setItem(row, 0, new QTableWidgetItem(field));
        m_identify->setItem(row, 1, new QTableWidgetItem(value));
    }
}

void MainWindow::updateLegend() {
    QImage image(300, 900, QImage::Format_ARGB32_Premultiplied);
    image.fill(Qt::white);
    QPainter p(&image);
    const double used = drawLegend(p, m_session->layers, QRectF(6, 6, 288, 888));
    p.end();
    m_legend->setPixmap(QPixmap::fromImage(image.copy(0, 0, 300, static_cast<int>(used) + 12)));
}

void MainWindow::exportMapDialog() {
    const QString path = QFileDialog::getSaveFileName(this, "Export map", "map.png", "PNG image (*.png);;PDF (*.pdf)");
    if (path.isEmpty()) return;
    ExportOptions o;
    o.attribution = QString::fromStdString(m_session->project.mapAttribution());
    bool ok = false;
    o.title = QInputDialog::getText(this, "Export map", "Title", QLineEdit::Normal, QString::fromStdString(m_session->project.title), &ok);
    if (!ok) return;
    o.width = QInputDialog::getInt(this, "Export map", "Width (pixels)", 1600, 400, 12000, 100, &ok);
    if (!ok) return;
    o.height = QInputDialog::getInt(this, "Export map", "Height (pixels)", 1100, 300, 12000, 100, &ok);
    if (!ok) return;
    o.dpi = QInputDialog::getInt(this, "Export map", "Resolution (dpi)", 150, 30, 1200, 10, &ok);
    if (!ok) return;
    QString error;
    if (!exportMap(path, m_session->layers, m_canvas->view(), o, error)) QMessageBox::warning(this, "Export", error);
}

MainWindow::~MainWindow() {
    // A project still opening is cancelled and waited for: its worker reports to this window.
    if (m_cancelOpen) m_cancelOpen->store(true);
    m_openWatcher.waitForFinished();
    if (m_openPending && m_openWatcher.future().resultCount() > 0) delete m_openWatcher.result().session;  // never handed over
    m_watcher.waitForFinished();
}

void MainWindow::openProjectDialog() {
    const QString path = QFileDialog::getOpenFileName(this, "Open project", {}, "hotspot project (*.json)");
    if (path.isEmpty()) return;
    try {
        openProject(ProjectFile::load(path.toStdString()));
    } catch (const Error& e) {
        QMessageBox::warning(this, "Open project", QString::fromStdString(e.what()));
    }
}

void MainWindow::openProject(const ProjectFile& project) {
    if (opening()) return;  // one at a time; Cancel first
    auto cancel = std::make_shared<std::atomic<bool>>(false);
    m_cancelOpen = cancel;
    m_openPending = true;
    m_openProgress->setValue(0);
    m_openProgress->setFormat("Opening %p%");
    m_openProgress->show();
    m_cancelOpenButton->setText("Cancel");
    m_cancelOpenButton->setEnabled(true);
    m_cancelOpenButton->show();
    m_openWatcher.setFuture(QtConcurrent::run([this, project, cancel] {
        // The engine calls this from its threads; the bar is updated on the UI thread. Returning
        // false makes the engine stop with Error(Cancelled) and discard what it staged.
        Progress progress([this, cancel](const std::string& stage, double fraction) {
            const int percent = static_cast<int>(std::lround(std::clamp(fraction, 0.0, 1.0) * 100));
            QMetaObject::invokeMethod(
                this, [this, stage = QString::fromStdString(stage), percent] { showOpenProgress(stage, percent); }, Qt::QueuedConnection);
            return !cancel->load();
        });
        OpenResult out;
        try {
            out.session = Session::open(project, progress).release();
        } catch (const Error& e) {
            out.cancelled = e.kind() == ErrorKind::Cancelled;
            out.error = e.what();
        } catch (const std::exception& e) {
            out.error = e.what();
        }
        return out;
    }));
}

void MainWindow::showOpenProgress(const QString& stage, int percent) {
    if (!opening()) return;  // a late report from a finished worker
    m_openProgress->setValue(percent);
    m_openProgress->setFormat(stage + " %p%");
}

void MainWindow::finishOpening() {
    const OpenResult r = m_openWatcher.result();
    m_openPending = false;
    std::unique_ptr<Session> session(r.session);
    m_openProgress->hide();
    m_cancelOpenButton->hide();
    if (r.cancelled) {
        statusBar()->showMessage("Opening the project was cancelled: the map still shows the previous project");
        return;
    }
    if (!session) {
        statusBar()->showMessage(QString::fromStdString("The project could not be opened: " + r.error));
        if (isVisible()) QMessageBox::warning(this, "Open project", QString::fromStdString(r.error));
        return;
    }
    setSession(std::move(session));
}

void MainWindow::addLayerDialog() {
    const QString path = QFileDialog::getOpenFileName(this, "Add layer", {}, "Layers (*.gpkg *.geojson *.shp *.fgb *.csv *.tif *.kml);;All files (*)");
    if (path.isEmpty()) return;
    try {
        ProjectFile added = ProjectFile::fromFiles({path.toStdString()});
        added.crs = m_session->project.crs;
        auto loaded = Session::open(added);
        for (auto& l : loaded->layers) m_session->layers.push_back(l);
        fillLayerTree();
        updateLegend();
        m_canvas->refresh();
    } catch (const Error& e) {
        QMessageBox::warning(this, "Add layer", QString::fromStdString(e.what()));
    }
}

}  // namespace hotspot::viewer
