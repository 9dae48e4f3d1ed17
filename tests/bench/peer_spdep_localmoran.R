# Whole-process peer of `hotspot moran` on a grid (tests/bench/peers.sh): read the points CSV,
# count them into the same square cells, local Moran's I with queen neighbours, row-standardised
# (spdep::localmoran, its default conditional moments), global Moran's I (moran.test), write every
# cell's count, Ii and Z as CSV.
#   Rscript tests/bench/peer_spdep_localmoran.R POINTS.csv OUT_DIR [CELL=50]
args <- commandArgs(trailingOnly = TRUE)
cell <- if (length(args) > 2) as.numeric(args[3]) else 50
suppressMessages(library(spdep))
p <- read.csv(args[1], colClasses = c("numeric", "numeric"))
x0 <- floor(min(p$x) / cell) * cell; y0 <- floor(min(p$y) / cell) * cell
cols <- ceiling((max(p$x) - x0) / cell); rows <- ceiling((max(p$y) - y0) / cell)
col <- pmin(floor((p$x - x0) / cell), cols - 1); row <- pmin(floor((y0 + rows * cell - p$y) / cell), rows - 1)
counts <- tabulate(row * cols + col + 1, nbins = rows * cols)  # row-major from the north, as cell2nb
lw <- nb2listw(cell2nb(rows, cols, type = "queen"), style = "W")
lm <- localmoran(counts, lw)
g <- moran.test(counts, lw)
dir.create(args[2], showWarnings = FALSE, recursive = TRUE)
write.csv(data.frame(cell = seq_along(counts) - 1, incidents = counts, Ii = lm[, 1], Z = lm[, 4]), file.path(args[2], "moran.csv"), row.names = FALSE)
write.csv(data.frame(I = g$estimate[[1]], Z = g$statistic[[1]]), file.path(args[2], "moran_global.csv"), row.names = FALSE)
