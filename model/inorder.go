package model

import (
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
