package eval

import (
	"slices"
	"testing"
)

func TestContextBuilder(t *testing.T) {
	var b ContextBuilder
	b.Add(Context{"b", "d"})
	if got := b.Context(); !slices.Equal(got, Context{"b", "d"}) {
		t.Fatalf("one context: %v", got)
	}
	b.Add(Context{"a", "d"})
	first := b.Context()
	if !slices.Equal(first, Context{"a", "b", "d"}) {
		t.Fatalf("two contexts: %v", first)
	}
	for i := 0; i < 200; i++ {
		b.Add(Context{"c", "a"[:1], "e"})
	}
	if got := b.Context(); !slices.Equal(got, Context{"a", "b", "c", "d", "e"}) {
		t.Fatalf("many contexts: %v", got)
	}
	if !slices.Equal(first, Context{"a", "b", "d"}) {
		t.Fatalf("a context handed out changed: %v", first)
	}
}
