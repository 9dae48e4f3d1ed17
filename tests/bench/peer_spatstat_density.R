# Whole-process peer of `hotspot density` (tests/bench/peers.sh): read the points CSV, quartic
# kernel density with spatstat on the same 50 m grid, write the surface as a raster (ESRI BIL:
# raw Float32 plus a .hdr, which GDAL and QGIS read; spatstat has no GeoTIFF writer).
#   Rscript tests/bench/peer_spatstat_density.R POINTS.csv OUT_DIR [CELL=50] [RADIUS=250]
args <- commandArgs(trailingOnly = TRUE)
cell <- if (length(args) > 2) as.numeric(args[3]) else 50
radius <- if (length(args) > 3) as.numeric(args[4]) else 250
suppressMessages(library(spatstat))
p <- read.csv(args[1], colClasses = c("numeric", "numeric"))
# The engine's grid: the points' extent grown by the kernel radius, aligned to multiples of the cell.
x0 <- floor((min(p$x) - radius) / cell) * cell; y0 <- floor((min(p$y) - radius) / cell) * cell
cols <- ceiling((max(p$x) + radius - x0) / cell); rows <- ceiling((max(p$y) + radius - y0) / cell)
X <- ppp(p$x, p$y, window = owin(c(x0, x0 + cols * cell), c(y0, y0 + rows * cell)), check = FALSE)
# A quartic of radius R has sd R / sqrt(8) per coordinate (lookup2DkernelInfo("quartic")$sd).
D <- density(X, sigma = radius / sqrt(8), kernel = "quartic", dimyx = c(rows, cols), edge = FALSE)
dir.create(args[2], showWarnings = FALSE, recursive = TRUE)
v <- D$v[nrow(D$v):1, ] * 1e6  # rows from the north; per km2 like the engine
con <- file(file.path(args[2], "density.bil"), "wb"); writeBin(as.vector(t(v)), con, size = 4); close(con)
writeLines(c("BYTEORDER I", "LAYOUT BIL", sprintf("NROWS %d", rows), sprintf("NCOLS %d", cols), "NBANDS 1", "NBITS 32",
             "PIXELTYPE FLOAT", sprintf("ULXMAP %.3f", x0 + cell / 2), sprintf("ULYMAP %.3f", y0 + rows * cell - cell / 2),
             sprintf("XDIM %g", cell), sprintf("YDIM %g", cell)), file.path(args[2], "density.hdr"))
