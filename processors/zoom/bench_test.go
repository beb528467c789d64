package zoom

import (
	"path/filepath"
	"testing"
)

// BenchmarkProcessor maps one sample of each family (and report) per iteration
// (`go test -bench Processor -benchmem ./processors/zoom`).
func BenchmarkProcessor(b *testing.B) {
	p := mustProcessor(b, nil)
	samples := map[string][]byte{}
	for _, pl := range payloads(b) {
		fam := filepath.Dir(pl.name)
		if _, ok := samples[fam]; !ok || len(pl.raw) > len(samples[fam]) {
			samples[fam] = pl.raw // the largest sample of the family
		}
	}
	for fam, raw := range samples {
		b.Run(fam, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				b.StopTimer()
				ev := inputEvent(b, raw)
				b.StartTimer()
				if _, err := p.Run(ev); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
