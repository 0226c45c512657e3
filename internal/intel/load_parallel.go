package intel

import (
	"sync"

	"github.com/vigil-health/vigil"
)

// LoadParallel is Load with up to workers inputs (files, MISP feed directories) parsed
// at once, for a hunt over many intel files on a machine with several cores. emit is
// called from the calling goroutine only, with the indicators of each input in the
// order Load passes them, so whatever is built from them is the same; the counts of the
// report are the same too, but it may keep more example problems (each input keeps its
// own first examples). One large file is still parsed by one goroutine. Memory holds
// the parsed indicators of at most 2*workers inputs beyond the one being emitted.
func LoadParallel(paths []string, opts Options, workers int, emit func(vigil.Indicator)) (*Report, error) {
	if workers <= 1 {
		return Load(paths, opts, emit)
	}
	rep := &Report{}
	rep.init()
	inputs, walkErr := findInputs(paths, func() { rep.Skipped["file (documentation)"]++ })
	done := make(chan struct{})
	defer close(done)
	results := parseInputs(inputs, opts, workers, done)
	for i := range inputs {
		r := <-results[i]
		for _, ind := range r.inds {
			emit(ind)
		}
		rep.Merge(r.rep)
		if r.err != nil {
			return rep, r.err
		}
	}
	return rep, walkErr
}

// parsed is one input's indicators and report.
type parsed struct {
	inds []vigil.Indicator
	rep  *Report
	err  error
}

// parseInputs parses inputs on workers goroutines and returns one channel per input,
// which receives its result. An input starts only when fewer than 2*workers inputs are
// parsed or being parsed and not yet taken, in order, from the channels. Closing done
// stops it early; the goroutines then end after the inputs they are parsing.
func parseInputs(inputs []input, opts Options, workers int, done <-chan struct{}) []chan parsed {
	results := make([]chan parsed, len(inputs))
	for i := range results {
		results[i] = make(chan parsed, 1)
	}
	next := make(chan int)
	window := make(chan struct{}, 2*workers)
	go func() {
		defer close(next)
		for i := range inputs {
			select {
			case window <- struct{}{}:
			case <-done:
				return
			}
			select {
			case next <- i:
			case <-done:
				return
			}
		}
	}()
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for i := range next {
				results[i] <- parseOne(inputs[i], opts)
			}
		})
	}
	// A slot of the window is freed when the caller takes a result, not when it is
	// parsed: that is what bounds the memory held.
	out := make([]chan parsed, len(inputs))
	for i := range out {
		out[i] = make(chan parsed)
	}
	go func() {
		defer wg.Wait()
		for i := range inputs {
			var r parsed
			select {
			case r = <-results[i]:
			case <-done:
				return
			}
			select {
			case out[i] <- r:
				<-window
			case <-done:
				return
			}
		}
	}()
	return out
}

// parseOne reads one input with a Sink of its own.
func parseOne(in input, opts Options) parsed {
	p := parsed{rep: &Report{}}
	s := NewSink(opts, p.rep, func(ind vigil.Indicator) { p.inds = append(p.inds, ind) })
	p.err = s.loadInput(in)
	return p
}
