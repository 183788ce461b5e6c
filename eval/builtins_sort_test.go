package eval

import (
	"math/rand"
	"slices"
	"testing"
)

// The sorter must give what a stable sort gives for a consistent
// comparator, whatever the input's runs look like.
func TestSorterStable(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	type item struct{ k, i int }
	for n := 0; n < 300; n++ {
		for _, keys := range []int{2, 10, 1000} {
			items := make([]item, n)
			for i := range items {
				items[i] = item{rng.Intn(keys), i}
			}
			if n%3 == 0 { // long ascending and descending runs
				slices.SortFunc(items[:n/2], func(a, b item) int { return a.k - b.k })
				slices.SortFunc(items[n/2:], func(a, b item) int { return b.k - a.k })
			}
			vals := make([]Value, n)
			byVal := map[Value]item{}
			for i, it := range items {
				v := &String{S: "x"}
				vals[i] = v
				byVal[v] = it
			}
			calls := 0
			s := sorter{less: func(a, b Value) (bool, error) {
				calls++
				return byVal[a].k < byVal[b].k, nil
			}}
			if err := s.sort(vals); err != nil {
				t.Fatal(err)
			}
			want := slices.Clone(items)
			slices.SortStableFunc(want, func(a, b item) int { return a.k - b.k })
			for i, v := range vals {
				if byVal[v] != want[i] {
					t.Fatalf("n=%d keys=%d: position %d has %v, want %v", n, keys, i, byVal[v], want[i])
				}
			}
		}
	}
}

// An inconsistent comparator still yields a permutation of the input.
func TestSorterInconsistent(t *testing.T) {
	rng := rand.New(rand.NewSource(2))
	for n := 0; n < 200; n++ {
		vals := make([]Value, n)
		seen := map[Value]bool{}
		for i := range vals {
			vals[i] = &String{S: "x"}
			seen[vals[i]] = true
		}
		s := sorter{less: func(a, b Value) (bool, error) { return rng.Intn(2) == 0, nil }}
		if err := s.sort(vals); err != nil {
			t.Fatal(err)
		}
		for _, v := range vals {
			if !seen[v] {
				t.Fatalf("n=%d: element lost or duplicated", n)
			}
			delete(seen, v)
		}
	}
}

// genericClosure's key tree keeps one element per key and stays a valid
// red-black tree.
func TestKeyTree(t *testing.T) {
	ev := New(nil, Settings{})
	rng := rand.New(rand.NewSource(3))
	tr := keyTree{ev: ev}
	seen := map[int64]bool{}
	for i := 0; i < 2000; i++ {
		k := int64(rng.Intn(500))
		ok, err := tr.insert(Int(k), Null{})
		if err != nil {
			t.Fatal(err)
		}
		if ok == seen[k] {
			t.Fatalf("key %d: inserted=%v, seen before=%v", k, ok, seen[k])
		}
		seen[k] = true
	}
	var prev Value
	black := -1
	var check func(n *keyNode, depth int)
	check = func(n *keyNode, depth int) {
		if n == nil {
			if black < 0 {
				black = depth
			} else if black != depth {
				t.Fatalf("black heights differ: %d, %d", black, depth)
			}
			return
		}
		if n.red && (n.left != nil && n.left.red || n.right != nil && n.right.red) {
			t.Fatal("red node with a red child")
		}
		if !n.red {
			depth++
		}
		check(n.left, depth)
		if prev != nil && !(prev.(Int) < n.key.(Int)) {
			t.Fatal("keys out of order")
		}
		prev = n.key
		check(n.right, depth)
	}
	check(tr.root, 0)
	if tr.nodes != len(seen) {
		t.Fatalf("%d nodes for %d keys", tr.nodes, len(seen))
	}
}
