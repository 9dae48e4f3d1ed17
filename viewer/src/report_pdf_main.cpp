// hotspot-report-pdf HTML PDF: prints `hotspot report`'s HTML to an A4 PDF. `hotspot report --pdf`
// runs it on the staged HTML, so the engine itself renders no pixels. QTextDocument does not draw
// SVG, so every inline <svg> figure is rasterised with Qt SVG at print resolution and put in its
// place as an image; Qt's PDF writer embeds the fonts it uses.

#include <cstdio>

#include <QFile>
#include <QFileInfo>
#include <QGuiApplication>
#include <QImage>
#include <QPageLayout>
#include <QPageSize>
#include <QPainter>
#include <QPdfWriter>
#include <QRegularExpression>
#include <QSvgRenderer>
#include <QTextDocument>
#include <QUrl>

namespace {

int fail(const QString& message) {
    std::fprintf(stderr, "hotspot-report-pdf: %s\n", message.toLocal8Bit().constData());
    return 1;
}

}  // namespace

int main(int argc, char** argv) {
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
    QGuiApplication app(argc, argv);
    if (argc != 3) return fail("usage: hotspot-report-pdf REPORT.html OUT.pdf");
    const QString htmlPath = QString::fromLocal8Bit(argv[1]), pdfPath = QString::fromLocal8Bit(argv[2]);
    QFile in(htmlPath);
    if (!in.open(QIODevice::ReadOnly)) return fail(htmlPath + ": cannot be read (" + in.errorString() + ")");
    QString html = QString::fromUtf8(in.readAll());

    // The figures: each inline SVG becomes an image resource of the document.
    constexpr double kPrintScale = 2.5;       // raster pixels per SVG unit (about 240 dpi on A4)
    constexpr double kTextWidthPixels = 640;  // the widest figure, in the document's 96-dpi pixels
    QTextDocument document;
    std::vector<std::pair<QUrl, QImage>> figures;
    static const QRegularExpression svgElement("<svg\\b.*?</svg>", QRegularExpression::DotMatchesEverythingOption);
    QString out;
    qsizetype last = 0;
    for (auto it = svgElement.globalMatch(html); it.hasNext();) {
        const QRegularExpressionMatch m = it.next();
        QSvgRenderer renderer(m.captured(0).toUtf8());
        if (!renderer.isValid()) return fail(htmlPath + QString(": figure %1 is not valid SVG").arg(figures.size() + 1));
        const QSize size = renderer.defaultSize();
        QImage image(QSize(qRound(size.width() * kPrintScale), qRound(size.height() * kPrintScale)), QImage::Format_RGB32);
        image.fill(Qt::white);
        QPainter painter(&image);
        painter.setRenderHint(QPainter::Antialiasing);
        renderer.render(&painter);
        painter.end();
        const QUrl name(QString("figure-%1.png").arg(figures.size() + 1));
        figures.emplace_back(name, image);
        const double width = std::min<double>(size.width(), kTextWidthPixels);
        const double height = width * size.height() / std::max(1, size.width());
        out += html.mid(last, m.capturedStart(0) - last);
        out += QString("<img src=\"%1\" width=\"%2\" height=\"%3\">").arg(name.toString()).arg(qRound(width)).arg(qRound(height));
        last = m.capturedEnd(0);
    }
    out += html.mid(last);
    // QTextDocument knows HTML 4: the HTML5 sectioning elements become blocks, and each section
    // (its h2) starts a page as the browser's print stylesheet does.
    static const QRegularExpression html5Block("<(/?)(nav|header|section|figure|figcaption)\\b");
    out.replace(html5Block, "<\\1div");
    out.replace("<h2>", "<h2 style=\"page-break-before: always\">");

    QPdfWriter writer(pdfPath);
    writer.setPageLayout(QPageLayout(QPageSize(QPageSize::A4), QPageLayout::Portrait, QMarginsF(15, 15, 15, 15), QPageLayout::Millimeter));
    writer.setResolution(300);
    writer.setCreator("hotspot-report-pdf");
    writer.setTitle(QFileInfo(htmlPath).completeBaseName());
    document.setDefaultFont(QFont("DejaVu Sans", 9));
    // Laid out on a page of the text area's shape in document pixels, then scaled to the paper:
    // the figures (at most kTextWidthPixels wide) always fit the width.
    document.setPageSize(QSizeF(kTextWidthPixels + 60, (kTextWidthPixels + 60) * 267.0 / 180.0));
    document.setHtml(out);
    for (const auto& [name, image] : figures) document.addResource(QTextDocument::ImageResource, name, image);
    document.print(&writer);
    // QPdfWriter reports no write errors: a PDF that is missing or empty after printing is one.
    const QFileInfo written(pdfPath);
    if (!written.exists() || written.size() == 0) return fail(pdfPath + ": the PDF could not be written");
    return 0;
}
