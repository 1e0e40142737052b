# SPDX-License-Identifier: GPL-2.0
#
# The chart of `make bench`: per medium, each job's median IOPS (or MB/s)
# of every target relative to fio on the backing file (1.0).
#
#   gnuplot -e "dir='build/bench/6.1'" tests/bench/chart.gp
#
# Reads DIR/chart-ram.dat and DIR/chart-virtio.dat (tests/bench/report.py),
# whichever exist; writes DIR/chart.png.

if (!exists("dir")) dir = "."
ram = dir."/chart-ram.dat"
virtio = dir."/chart-virtio.dat"
have_ram = system("test -s '".ram."' && echo 1 || echo 0") + 0
have_virtio = system("test -s '".virtio."' && echo 1 || echo 0") + 0
panels = have_ram + have_virtio
if (panels == 0) { print "chart.gp: no chart data in ".dir; exit status 1 }

set terminal pngcairo size 1400, 520 * panels font "sans,10"
set output dir."/chart.png"
set datafile missing "?"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set key outside right top vertical
set grid ytics
set yrange [0:*]
set xtics rotate by -25 left
set ylabel "median, relative to the file itself"
set arrow 1 from graph 0, first 1 to graph 1, first 1 nohead dt 2 lc rgb "#444444" front

set multiplot layout panels, 1
if (have_ram) {
	set title "ext4 on a RAM disk (brd)"
	plot for [i=2:6] ram using i:xtic(1) title columnheader(i)
}
if (have_virtio) {
	set title "ext4 on a virtio disk"
	plot for [i=2:6] virtio using i:xtic(1) title columnheader(i)
}
unset multiplot
