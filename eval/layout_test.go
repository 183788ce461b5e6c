package eval

import (
	"testing"
	"unsafe"
)

// The sizes of the most numerous objects are part of the evaluator's
// memory budget (see the performance notes in value.go and env.go).
func TestObjectSizes(t *testing.T) {
	for _, c := range []struct {
		name      string
		got, want uintptr
	}{
		{"Thunk", unsafe.Sizeof(Thunk{}), 24},
		{"Env with one slot", unsafe.Sizeof(Env{}), 24},
		{"Attr", unsafe.Sizeof(Attr{}), 24},
		{"String", unsafe.Sizeof(String{}), 32},
		{"Attrs", unsafe.Sizeof(Attrs{}), 24},
		{"layer", unsafe.Sizeof(layer{}), 24},
	} {
		if c.got != c.want {
			t.Errorf("%s is %d bytes, want %d", c.name, c.got, c.want)
		}
	}
}
