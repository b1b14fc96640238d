package model

import (
	"io"
	"runtime"
	"sync/atomic"
)

// inOrder runs work over chunks 0 to n-1 on every core and hands each
// result to take on the caller's goroutine in chunk order, as soon as it
// and those before it are done. At most two chunks per core are done and
// not yet taken, which bounds the memory held. What take returns (a
// buffer it is finished with) is given back to a later work call as
// spare, for reuse; work gets the zero T when there is none. work's
// worker is its goroutine's number, below GOMAXPROCS, for state of its own.
func inOrder[T any](n int, work func(worker, i int, spare T) T, take func(T) T) {
	workers := runtime.GOMAXPROCS(0)
	done := make([]chan T, n)
	for i := range done {
		done[i] = make(chan T, 1)
	}
	ahead := make(chan struct{}, 2*workers)  // chunks done but not yet taken
	free := make(chan T, cap(ahead)+workers) // taken chunks' results, for reuse
	var next atomic.Int64
	for w := range workers {
		go func() {
			for {
				ahead <- struct{}{}
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				var spare T
				select {
				case spare = <-free:
				default:
				}
				done[i] <- work(w, i, spare)
			}
		}()
	}
	for i := range done {
		spare := take(<-done[i])
		select {
		case free <- spare:
		default:
		}
		<-ahead
	}
}

// writeInOrder is inOrder with take writing each chunk's bytes (text) to w
// in order. After a write error the chunks left are not worked on, only
// drained, and the error is returned. text is called on the caller's
// goroutine, in chunk order, only while writes succeed.
func writeInOrder[T any](w io.Writer, n int, work func(worker, i int, spare T) T, text func(*T) []byte) error {
	var err error
	var stop atomic.Bool
	inOrder(n, func(worker, i int, spare T) T {
		if stop.Load() {
			return spare
		}
		return work(worker, i, spare)
	}, func(t T) T {
		if err == nil {
			if _, err = w.Write(text(&t)); err != nil {
				stop.Store(true)
			}
		}
		return t
	})
	return err
}
