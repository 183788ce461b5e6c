package syntax

import (
	"fmt"
	"math/rand"
	"strings"
	"sync"
	"testing"
)

const benchNames = 300000

// swapTable installs an empty symbol table and returns a func restoring the
// old one; only for tests and benchmarks that run alone.
func swapTable() func() {
	old := symtab
	symtab = newTable()
	return func() { symtab = old }
}

// names returns n distinct names, freshly allocated so that lookups cannot
// win by comparing string pointers.
func names(prefix string, n int) []string {
	s := make([]string, n)
	for i := range s {
		s[i] = strings.Clone(fmt.Sprintf("%s%d", prefix, i))
	}
	return s
}

func TestSymbolOrder(t *testing.T) {
	defer swapTable()()
	for i, s := range []string{"a", "b", "a", "", "c", "b"} {
		want := []Symbol{1, 2, 1, 3, 4, 2}[i]
		if got := Intern(s); got != want {
			t.Fatalf("Intern(%q) = %d, want %d", s, got, want)
		}
	}
	if s, ok := Lookup("c"); !ok || s != 4 || s.String() != "c" || NoSymbol.String() != "" {
		t.Fatalf("Lookup(c) = %d, %v", s, ok)
	}
	if _, ok := Lookup("d"); ok {
		t.Fatal("Lookup(d) found a symbol never interned")
	}
	ns := names("k", 5000)
	for i, n := range ns {
		if got := Intern(n); got != Symbol(i+5) {
			t.Fatalf("Intern(%q) = %d, want %d", n, got, i+5)
		}
	}
	for i, n := range ns { // after the index has grown
		if s, ok := Lookup(n); !ok || s != Symbol(i+5) || s.String() != n {
			t.Fatalf("Lookup(%q) = %d, %v", n, s, ok)
		}
	}
}

// TestSymbolConcurrent interns overlapping names from several goroutines
// while others print symbols; run it with -race.
func TestSymbolConcurrent(t *testing.T) {
	defer swapTable()()
	const workers, n = 4, 20000
	ns := names("c", n)
	got := make([][]Symbol, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got[w] = make([]Symbol, n)
			for i := range n {
				j := (i*7 + w*n/workers) % n
				s := Intern(ns[j])
				got[w][j] = s
				if s.String() != ns[j] {
					t.Errorf("%d.String() = %q, want %q", s, s.String(), ns[j])
					return
				}
				if l, ok := Lookup(ns[(j+1)%n]); ok && l.String() != ns[(j+1)%n] {
					t.Errorf("Lookup(%q) = %d", ns[(j+1)%n], l)
				}
			}
		}()
	}
	wg.Wait()
	seen := make([]bool, n+1)
	for j := range n {
		s := got[0][j]
		for w := 1; w < workers; w++ {
			if got[w][j] != s {
				t.Fatalf("%q interned as %d and %d", ns[j], s, got[w][j])
			}
		}
		if s == NoSymbol || int(s) > n || seen[s] {
			t.Fatalf("%q interned as %d: numbers are not 1..%d", ns[j], s, n)
		}
		seen[s] = true
	}
}

// BenchmarkInternMiss interns benchNames new names into an empty table per
// op: the cost of building the table, as evaluating a big attrset does.
func BenchmarkInternMiss(b *testing.B) {
	ns := names("k", benchNames)
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		restore := swapTable()
		b.StartTimer()
		for _, n := range ns {
			Intern(n)
		}
		b.StopTimer()
		restore()
		b.StartTimer()
	}
}

// BenchmarkInternMissParallel: per op, one new name, from every P at once.
func BenchmarkInternMissParallel(b *testing.B) {
	defer swapTable()()
	var mu sync.Mutex
	w := 0
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		mu.Lock()
		w++
		prefix := fmt.Sprintf("w%d_", w)
		mu.Unlock()
		var buf []byte
		for i := 0; pb.Next(); i++ {
			buf = fmt.Appendf(buf[:0], "%s%d", prefix, i)
			Intern(string(buf))
		}
	})
}

// hitSetup interns benchNames names and returns fresh copies of them in a
// random order, with their symbols.
func hitSetup(b *testing.B) ([]string, []Symbol, func()) {
	restore := swapTable()
	ns := names("k", benchNames)
	for _, n := range ns {
		Intern(n)
	}
	q := names("k", benchNames)
	rand.New(rand.NewSource(1)).Shuffle(len(q), func(i, j int) { q[i], q[j] = q[j], q[i] })
	syms := make([]Symbol, len(q))
	for i, n := range q {
		syms[i] = Intern(n)
	}
	b.ReportAllocs()
	b.ResetTimer()
	return q, syms, restore
}

func BenchmarkInternHit(b *testing.B) {
	q, _, restore := hitSetup(b)
	defer restore()
	for i := 0; b.Loop(); i++ {
		Intern(q[i%len(q)])
	}
}

func BenchmarkInternHitParallel(b *testing.B) {
	q, _, restore := hitSetup(b)
	defer restore()
	b.RunParallel(func(pb *testing.PB) {
		for i := rand.Intn(len(q)); pb.Next(); i++ {
			Intern(q[i%len(q)])
		}
	})
}

func BenchmarkLookupMiss(b *testing.B) {
	_, _, restore := hitSetup(b)
	defer restore()
	m := names("m", 4096)
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		Lookup(m[i%len(m)])
	}
}

func BenchmarkSymbolString(b *testing.B) {
	_, syms, restore := hitSetup(b)
	defer restore()
	n := 0
	for i := 0; b.Loop(); i++ {
		n += len(syms[i%len(syms)].String())
	}
}

func BenchmarkSymbolStringParallel(b *testing.B) {
	_, syms, restore := hitSetup(b)
	defer restore()
	b.RunParallel(func(pb *testing.PB) {
		n := 0
		for i := rand.Intn(len(syms)); pb.Next(); i++ {
			n += len(syms[i%len(syms)].String())
		}
	})
}
