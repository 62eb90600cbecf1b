// Package benchloop times one parse of a whole exposition body, repeatedly, and prints the
// result line that bench/parse.sh reads. Every harness (Go, Python, C++) prints the same line.
package benchloop

import (
	"fmt"
	"os"
	"sort"
	"strconv"
	"syscall"
	"time"
)

// cpuSeconds is the process's user+system CPU time, all threads (the GC's included). CPU
// time rather than wall time keeps the numbers steady on a machine shared with other work.
func cpuSeconds() float64 {
	var u syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &u); err != nil {
		panic(err)
	}
	return float64(u.Utime.Nano()+u.Stime.Nano()) / 1e9
}

// Options come from the command line: FILE [MIN_SECONDS [MIN_ITERS]].
type Options struct {
	File       string
	MinSeconds float64
	MinIters   int
}

// ParseArgs reads Options from os.Args, exiting with a usage line when FILE is missing.
func ParseArgs(name string) Options {
	o := Options{MinSeconds: 1.0, MinIters: 3}
	if len(os.Args) < 2 {
		fmt.Fprintf(os.Stderr, "usage: %s FILE [MIN_SECONDS [MIN_ITERS]]\n", name)
		os.Exit(2)
	}
	o.File = os.Args[1]
	if len(os.Args) > 2 {
		o.MinSeconds, _ = strconv.ParseFloat(os.Args[2], 64)
	}
	if len(os.Args) > 3 {
		o.MinIters, _ = strconv.Atoi(os.Args[3])
	}
	return o
}

// ReadBody reads the whole file; the slice keeps one spare byte of capacity because
// textparse appends a newline, and that copy is not the parser's work.
func ReadBody(path string) []byte {
	raw, err := os.ReadFile(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	body := make([]byte, len(raw), len(raw)+1)
	copy(body, raw)
	return body
}

// Run calls parse once untimed (warm-up), then until both MinSeconds and MinIters are reached,
// (wall time) and prints: RESULT parser=P bytes=B samples=N iters=K best_s=T median_s=T
// wall_s=T mbps=M sps=S, where best_s and median_s are CPU seconds, wall_s the best wall time,
// and MB/s and samples/s come from the best CPU time (MB is 10^6 bytes).
func Run(parser string, o Options, size int, parse func() (int, error)) {
	samples, err := parse()
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: %s: %v\n", parser, o.File, err)
		os.Exit(1)
	}
	var times []float64
	total, bestWall := 0.0, 0.0
	for total < o.MinSeconds || len(times) < o.MinIters {
		start, startCPU := time.Now(), cpuSeconds()
		n, err := parse()
		elapsed, wall := cpuSeconds()-startCPU, time.Since(start).Seconds()
		if err != nil || n != samples {
			fmt.Fprintf(os.Stderr, "%s: unstable parse: %d samples, %v\n", parser, n, err)
			os.Exit(1)
		}
		if bestWall == 0 || wall < bestWall {
			bestWall = wall
		}
		times = append(times, elapsed)
		total += wall
	}
	sort.Float64s(times)
	best, median := times[0], times[len(times)/2]
	fmt.Printf("RESULT parser=%s bytes=%d samples=%d iters=%d best_s=%.6f median_s=%.6f wall_s=%.6f mbps=%.2f sps=%.0f\n",
		parser, size, samples, len(times), best, median, bestWall, float64(size)/best/1e6, float64(samples)/best)
}
