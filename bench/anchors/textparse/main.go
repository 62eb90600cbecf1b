// Command textparse times Prometheus's scrape parser (model/textparse PromParser) on one body,
// in one of the two ways the scrape loop drives it:
//
//	steady  Next() per entry and Series() per series: the scrape cache's hit path, where the
//	        raw series bytes are looked up and no label set is built
//	labels  the same plus Metric() per series: the cache-miss path, where the label set is
//	        materialized (one string for the series, sorted labels slicing it)
package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/model/textparse"

	"novabench/benchloop"
)

func parse(body []byte, materialize bool) (int, error) {
	p := textparse.NewPromParser(body)
	var lset labels.Labels
	samples := 0
	sink := 0.0
	for {
		entry, err := p.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return samples, err
		}
		if entry != textparse.EntrySeries {
			continue
		}
		series, _, v := p.Series()
		sink += v + float64(len(series))
		if materialize {
			p.Metric(&lset)
			sink += float64(lset.Len())
		}
		samples++
	}
	if sink == -1 {
		println(sink)
	}
	return samples, nil
}

func main() {
	if len(os.Args) < 2 || (os.Args[1] != "steady" && os.Args[1] != "labels") {
		fmt.Fprintln(os.Stderr, "usage: textparse steady|labels FILE [MIN_SECONDS [MIN_ITERS]]")
		os.Exit(2)
	}
	mode := os.Args[1]
	os.Args = append(os.Args[:1], os.Args[2:]...)
	name := "textparse-" + mode
	o := benchloop.ParseArgs(name)
	body := benchloop.ReadBody(o.File)
	materialize := mode == "labels"
	benchloop.Run(name, o, len(body), func() (int, error) { return parse(body, materialize) })
}
