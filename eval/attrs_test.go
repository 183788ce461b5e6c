package eval

import (
	"fmt"
	"math/rand"
	"testing"

	"github.com/cairn-nix/cairn/syntax"
)

// Chains of // (layered, collapsed and flattened sets) against a map.
func TestUpdateChains(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	syms := make([]syntax.Symbol, 3000)
	for i := range syms {
		syms[i] = syntax.Intern(fmt.Sprintf("updateChainAttr%d", i))
	}
	model := map[syntax.Symbol]int64{}
	var base []Attr
	for i := 0; i < 2000; i++ {
		base = append(base, Attr{Name: syms[i], Value: Int(i)})
		model[syms[i]] = int64(i)
	}
	set := NewAttrs(base)
	for step := 0; step < 2000; step++ {
		n := 1 + rng.Intn(layerMax)
		if step%97 == 0 {
			n = layerMax + 1 + rng.Intn(100) // a big right operand: merged
		}
		var top []Attr
		for range n {
			s := syms[rng.Intn(len(syms))]
			v := int64(rng.Intn(1 << 20))
			top = append(top, Attr{Name: s, Value: Int(v)})
		}
		upd := NewAttrs(top)
		for _, at := range upd.All() {
			model[at.Name] = int64(at.Value.(Int))
		}
		set = Update(set, upd)
		if set.Len() != len(model) {
			t.Fatalf("step %d: Len %d, want %d", step, set.Len(), len(model))
		}
		if step%50 == 25 {
			// Names in order from a chain not flattened yet.
			order := New(nil, Settings{}).lexOrder(set)
			if len(order) != len(model) {
				t.Fatalf("step %d: lexOrder has %d, want %d", step, len(order), len(model))
			}
			for i, at := range order {
				if i > 0 && order[i-1].Name.String() >= at.Name.String() || int64(at.Value.(Int)) != model[at.Name] {
					t.Fatalf("step %d: lexOrder wrong at %s", step, at.Name)
				}
			}
		}
		if step%50 == 0 {
			all := set.All()
			if len(all) != len(model) {
				t.Fatalf("step %d: All has %d, want %d", step, len(all), len(model))
			}
			for i, at := range all {
				if i > 0 && all[i-1].Name >= at.Name {
					t.Fatalf("step %d: All not sorted", step)
				}
				if int64(at.Value.(Int)) != model[at.Name] {
					t.Fatalf("step %d: %s = %v, want %d", step, at.Name, at.Value, model[at.Name])
				}
			}
		}
		for range 20 {
			s := syms[rng.Intn(len(syms))]
			at, ok := set.Get(s)
			want, in := model[s]
			if ok != in || ok && int64(at.Value.(Int)) != want {
				t.Fatalf("step %d: Get(%s) = %v %v, want %d %v", step, s, at, ok, want, in)
			}
		}
	}
}

func TestLexOrder(t *testing.T) {
	rng := rand.New(rand.NewSource(2))
	for _, n := range []int{0, 1, 5, 300, 5000} {
		var list []Attr
		seen := map[string]bool{}
		for len(list) < n {
			b := make([]byte, rng.Intn(12))
			for i := range b {
				b[i] = "abk01\\xff"[rng.Intn(6)]
			}
			if seen[string(b)] {
				continue
			}
			seen[string(b)] = true
			list = append(list, Attr{Name: syntax.Intern(string(b))})
		}
		a := NewAttrs(list)
		order := New(nil, Settings{}).lexOrder(a)
		for i := 1; i < len(order); i++ {
			if order[i-1].Name.String() >= order[i].Name.String() {
				t.Fatalf("n=%d: %q before %q", n, order[i-1].Name, order[i].Name)
			}
		}
		if len(order) != n {
			t.Fatalf("n=%d: %d in order", n, len(order))
		}
	}
}
