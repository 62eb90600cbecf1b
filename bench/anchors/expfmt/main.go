// Command expfmt times client_golang's text parser (prometheus/common expfmt.TextParser), which
// builds whole MetricFamily protobufs, on one body.
package main

import (
	"bytes"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"

	"novabench/benchloop"
)

// samplesOf counts the exposition lines a family came from, so the count matches the others.
func samplesOf(f *dto.MetricFamily) int {
	n := 0
	for _, m := range f.GetMetric() {
		switch f.GetType() {
		case dto.MetricType_HISTOGRAM:
			n += len(m.GetHistogram().GetBucket()) + 2
		case dto.MetricType_SUMMARY:
			n += len(m.GetSummary().GetQuantile()) + 2
		default:
			n++
		}
	}
	return n
}

func parse(body []byte) (int, error) {
	var p expfmt.TextParser
	families, err := p.TextToMetricFamilies(bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	samples := 0
	for _, f := range families {
		samples += samplesOf(f)
	}
	return samples, nil
}

func main() {
	o := benchloop.ParseArgs("expfmt")
	body := benchloop.ReadBody(o.File)
	benchloop.Run("expfmt", o, len(body), func() (int, error) { return parse(body) })
}
