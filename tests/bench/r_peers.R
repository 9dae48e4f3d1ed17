# R peers for the density benchmarks (Debian: r-cran-spatstat, r-cran-spdep), run with
#   Rscript tests/bench/r_peers.R
# The same work as BM_Kde1MQuartic1000x1000 and BM_GiStarQueen/316 in hotspot_bench:
# 1,000,000 clustered points onto a 1000 x 1000 grid; Gi* with queen neighbours + self on 316 x 316.
suppressMessages(library(spatstat))
suppressMessages(library(spdep))
set.seed(1)
n <- 1e6
cx <- runif(200, 0, 50000); cy <- runif(200, 0, 50000)
k <- sample.int(200, n, TRUE)
r <- 600 * sqrt(-2 * log(runif(n))); a <- 2 * pi * runif(n)
x <- pmin(pmax(cx[k] + r * cos(a), 0), 49999); y <- pmin(pmax(cy[k] + r * sin(a), 0), 49999)
X <- ppp(x, y, window = owin(c(0, 50000), c(0, 50000)), check = FALSE)
# spatstat's sigma is the kernel's standard deviation per coordinate (lookup2DkernelInfo("quartic")$sd).
# For the 2-D quartic (3/pi)(1 - r^2)^2 on the unit disc, E[r^2] = 1/4, so each coordinate has
# variance 1/8: a quartic of radius 250 m has sd 250/sqrt(8). (Until 2026-11 this used sqrt(6), a
# radius of about 289 m.) Any sigma costs the same here: density.ppp convolves with an FFT on the grid.
times <- replicate(5, system.time(D <- density(X, sigma = 250 / sqrt(8), kernel = "quartic", dimyx = c(1000, 1000), edge = FALSE))[["elapsed"]])
cat(sprintf("spatstat density.ppp 1e6 points, 1000x1000, quartic: median %.3f s (runs: %s)\n", median(times), paste(times, collapse = ", ")))
side <- 316
t_nb <- system.time({ nb <- include.self(cell2nb(side, side, type = "queen")); lw <- nb2listw(nb, style = "B") })[["elapsed"]]
v <- rpois(side * side, 3)
times <- replicate(3, system.time(G <- localG(v, lw))[["elapsed"]])
cat(sprintf("spdep localG %d cells: median %.3f s (runs: %s); building the neighbour list and weights %.3f s\n",
            side * side, median(times), paste(times, collapse = ", "), t_nb))
