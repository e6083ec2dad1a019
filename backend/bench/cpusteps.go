package bench

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"time"

	"google.golang.org/protobuf/encoding/protowire"
)

// cpuByLabel reads a CPU profile written by `docsift` (DOCSIFT_CPUPROFILE,
// runtime/pprof's gzipped protocol buffer) and adds up its CPU time by the
// value of one sample label (the product labels its steps "step"); time
// in samples without the label goes under "". It decodes only what it
// needs of the format (profile.proto: sample_type, sample, string_table).
func cpuByLabel(path, key string) (map[string]time.Duration, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil, fmt.Errorf("read the CPU profile %s: %w", path, err)
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		return nil, fmt.Errorf("read the CPU profile %s: %w", path, err)
	}
	type label struct{ key, str int64 }
	type sample struct {
		values []int64
		labels []label
	}
	var (
		types   [][2]int64 // (type, unit) string indexes
		samples []sample
		strs    []string
	)
	err = eachField(raw, func(num protowire.Number, typ protowire.Type, v []byte, _ uint64) error {
		switch {
		case num == 1 && typ == protowire.BytesType: // sample_type
			var vt [2]int64
			err := eachField(v, func(n protowire.Number, _ protowire.Type, _ []byte, x uint64) error {
				if n == 1 || n == 2 {
					vt[n-1] = int64(x)
				}
				return nil
			})
			types = append(types, vt)
			return err
		case num == 2 && typ == protowire.BytesType: // sample
			var s sample
			err := eachField(v, func(n protowire.Number, t protowire.Type, b []byte, x uint64) error {
				switch {
				case n == 2 && t == protowire.BytesType: // packed values
					for len(b) > 0 {
						u, m := protowire.ConsumeVarint(b)
						if m < 0 {
							return protowire.ParseError(m)
						}
						s.values, b = append(s.values, int64(u)), b[m:]
					}
				case n == 2 && t == protowire.VarintType:
					s.values = append(s.values, int64(x))
				case n == 3 && t == protowire.BytesType:
					var l label
					err := eachField(b, func(n protowire.Number, _ protowire.Type, _ []byte, x uint64) error {
						switch n {
						case 1:
							l.key = int64(x)
						case 2:
							l.str = int64(x)
						}
						return nil
					})
					if err != nil {
						return err
					}
					s.labels = append(s.labels, l)
				}
				return nil
			})
			samples = append(samples, s)
			return err
		case num == 6 && typ == protowire.BytesType: // string_table
			strs = append(strs, string(v))
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("decode the CPU profile %s: %w", path, err)
	}
	str := func(i int64) string {
		if i < 0 || int(i) >= len(strs) {
			return ""
		}
		return strs[i]
	}
	cpu := -1
	for i, vt := range types {
		if str(vt[1]) == "nanoseconds" {
			cpu = i
		}
	}
	if cpu < 0 {
		return nil, fmt.Errorf("the profile %s has no CPU time in nanoseconds", path)
	}
	out := map[string]time.Duration{}
	for _, s := range samples {
		if cpu >= len(s.values) {
			continue
		}
		step := ""
		for _, l := range s.labels {
			if str(l.key) == key {
				step = str(l.str)
			}
		}
		out[step] += time.Duration(s.values[cpu])
	}
	return out, nil
}

// eachField calls fn with every field of a protocol buffer message:
// its number and wire type, and its bytes (length-delimited) or value
// (varint, fixed).
func eachField(b []byte, fn func(num protowire.Number, typ protowire.Type, v []byte, x uint64) error) error {
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return protowire.ParseError(n)
		}
		b = b[n:]
		var (
			v []byte
			x uint64
		)
		switch typ {
		case protowire.VarintType:
			x, n = protowire.ConsumeVarint(b)
		case protowire.Fixed64Type:
			x, n = protowire.ConsumeFixed64(b)
		case protowire.Fixed32Type:
			var y uint32
			y, n = protowire.ConsumeFixed32(b)
			x = uint64(y)
		case protowire.BytesType:
			v, n = protowire.ConsumeBytes(b)
		default:
			n = protowire.ConsumeFieldValue(num, typ, b)
		}
		if n < 0 {
			return protowire.ParseError(n)
		}
		b = b[n:]
		if err := fn(num, typ, v, x); err != nil {
			return err
		}
	}
	return nil
}

// ingestSteps names the steps of one document's way in, as the product
// labels them in a CPU profile, in order.
var ingestSteps = []struct{ label, name string }{
	{"upload", "upload"},
	{"commit", "commit"},
	{"extract", "extract"},
	{"extract commit", "index"},
	{"classify", "classify"},
	{"classify commit", "classify commit"},
}

// stepNote prints CPU per document per step from a profile's totals.
func stepNote(by map[string]time.Duration, docs int) string {
	var b bytes.Buffer
	per := func(d time.Duration) string { return fmt.Sprintf("%.2f ms", d.Seconds()*1000/float64(docs)) }
	var total time.Duration
	for _, d := range by {
		total += d
	}
	for _, s := range ingestSteps {
		fmt.Fprintf(&b, "%s %s, ", s.name, per(by[s.label]))
	}
	fmt.Fprintf(&b, "unlabelled (runtime, GC, start-up) %s; profiled CPU %s per doc", per(by[""]), per(total))
	return b.String()
}
