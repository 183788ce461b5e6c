package eval

// Boxing an Int into a Value allocates for values Go does not cache
// (above 255); results of arithmetic and list indices are mostly small, so
// a table of preboxed values saves those allocations.

const (
	minCachedInt = -256
	maxCachedInt = 1 << 14
)

var cachedInts = func() []Value {
	t := make([]Value, maxCachedInt-minCachedInt)
	for i := range t {
		t[i] = Int(i + minCachedInt)
	}
	return t
}()

// mkInt returns n as a Value, without allocating for common values.
func mkInt(n int64) Value {
	if n >= minCachedInt && n < maxCachedInt {
		return cachedInts[n-minCachedInt]
	}
	return Int(n)
}
