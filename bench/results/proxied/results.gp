set terminal pngcairo size 1200,560 font "sans,10"
set output "bench/results/proxied/results.png"
set title "Lingo's throughput / each client's, median of 3 paired rounds (above 1: Lingo is faster)\nAMD EPYC, 2 cores, PostgreSQL 15.18 (Debian 15.18-0+deb12u1)"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set datafile missing "-"
set logscale y 2
set yrange [0.25:*]
set ylabel "Lingo / client"
set grid ytics
set key outside right top
set xtics rotate by -20
set arrow from graph 0, first 1 to graph 1, first 1 nohead lw 2 dt 2 lc rgb "black"
plot for [i=2:6] "bench/results/proxied/results.dat" using i:xtic(1) title columnhead(i)
