// Command textparse times Prometheus's scrape parser (model/textparse PromParser) on one body
// the way the scrape loop drives it: Next() per entry and, for each series, Series() plus
// Metric() so the label set is materialized.
package main

import (
	"errors"
	"io"

	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/model/textparse"

	"novabench/benchloop"
)

func parse(body []byte) (int, error) {
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
		_, _, v := p.Series()
		p.Metric(&lset)
		sink += v + float64(lset.Len())
		samples++
	}
	if sink == -1 {
		println(sink)
	}
	return samples, nil
}

func main() {
	o := benchloop.ParseArgs("textparse")
	body := benchloop.ReadBody(o.File)
	benchloop.Run("textparse", o, len(body), func() (int, error) { return parse(body) })
}
