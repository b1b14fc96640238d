package capture

import (
	"math/bits"
	"time"
)

// tsResolMicro is the pcapng default if_tsresol (10^-6 s).
const tsResolMicro = 6

// tsConv turns a pcapng 64-bit timestamp into a time.Time for one interface,
// following its if_tsresol (10^-n or, with the high bit set, 2^-n seconds)
// and if_tsoffset (whole seconds added to every timestamp).
type tsConv struct {
	pow2   bool
	exp    uint8  // n in 10^-n or 2^-n
	units  uint64 // 10^n units per second (power of ten, n <= 19)
	nsMul  uint64 // nanoseconds per unit when n <= 9
	nsDiv  uint64 // units per nanosecond when 9 < n <= 28
	offset int64  // if_tsoffset, seconds
}

func newTSConv(resol uint8, offset int64) tsConv {
	c := tsConv{pow2: resol&0x80 != 0, exp: resol & 0x7f, offset: offset}
	if c.pow2 {
		return c
	}
	if c.exp > 19 { // 10^20 overflows uint64; nothing real is that fine
		c.exp = 19
	}
	c.units = pow10(c.exp)
	if c.exp <= 9 {
		c.nsMul = pow10(9 - c.exp)
	} else {
		c.nsDiv = pow10(c.exp - 9)
	}
	return c
}

func pow10(n uint8) uint64 {
	p := uint64(1)
	for ; n > 0; n-- {
		p *= 10
	}
	return p
}

func (c *tsConv) time(ts uint64) time.Time {
	var sec, nsec uint64
	if c.pow2 {
		if c.exp < 64 {
			sec = ts >> c.exp
		}
		frac := ts
		if c.exp < 64 {
			frac = ts & (1<<c.exp - 1)
		}
		hi, lo := bits.Mul64(frac, 1e9)
		nsec = shiftRight128(hi, lo, c.exp)
	} else {
		sec, nsec = ts/c.units, ts%c.units
		if c.nsMul != 0 {
			nsec *= c.nsMul
		} else {
			nsec /= c.nsDiv
		}
	}
	return time.Unix(int64(sec)+c.offset, int64(nsec))
}

func shiftRight128(hi, lo uint64, n uint8) uint64 {
	switch {
	case n == 0:
		return lo
	case n < 64:
		return lo>>n | hi<<(64-n)
	default:
		return hi >> (n - 64)
	}
}

// duration is the interface's tick, rounded to whole nanoseconds (at least 1ns).
func (c *tsConv) duration() time.Duration {
	var ns uint64
	switch {
	case c.pow2 && c.exp < 30:
		ns = 1e9 >> c.exp
	case !c.pow2 && c.exp <= 9:
		ns = c.nsMul
	}
	return time.Duration(max(ns, 1))
}

// finerThanMicro reports whether one tick is shorter than 1µs.
func (c *tsConv) finerThanMicro() bool {
	if c.pow2 {
		return c.exp >= 20 // 2^-20 s ≈ 0.95µs
	}
	return c.exp > 6
}
