package syntax

import (
	"hash/maphash"
	"sync"
	"sync/atomic"
)

// Symbol is an interned identifier or attribute name. Symbols compare by
// number; the numbering follows first interning, as Nix's symbol table, and
// attribute sets are kept sorted by it.
type Symbol uint32

// NoSymbol is the zero Symbol, never returned by Intern.
const NoSymbol Symbol = 0

// Names are kept in fixed-size chunks that never move, so a name, once
// written, stays where String finds it without a lock. Small chunks waste
// little; the directory of chunks is tiny and copied rarely.
const (
	chunkBits = 10
	chunkSize = 1 << chunkBits
)

type chunk [chunkSize]string

// table is the symbol table. Writers (new symbols) serialise on mu.
// Readers take no lock: they load the chunk directory and the index
// through atomic pointers, which the writer replaces, never mutates in
// place, except for writes past what any reader can reach (a chunk slot
// for a symbol not yet handed out, an empty index slot stored atomically).
// A goroutine holding a symbol got it after its name was written, so
// String sees the name.
type table struct {
	mu     sync.Mutex
	n      uint32                   // next symbol number; under mu
	dir    []*chunk                 // writer's copy of the directory; under mu
	chunks atomic.Pointer[[]*chunk] // published directory, len covers every symbol
	index  atomic.Pointer[[]uint64] // open addressing, see entry
	seed   maphash.Seed
}

// An index slot holds hash<<32 | symbol, 0 when empty (symbol 0 is never
// indexed). Keeping the hash beside the number makes most probes one cache
// line, compares strings only on a full hash match, and lets the index
// grow without rehashing strings. Linear probing; the slot is hash&mask.
func entry(h uint32, s Symbol) uint64 { return uint64(h)<<32 | uint64(s) }

// minIndex is the first index size; it doubles when past 3/4 full, which
// keeps probes short at 8 bytes a slot, 11-21 bytes a symbol.
const minIndex = 1 << 10

var symtab = newTable()

func newTable() *table {
	t := &table{n: 1, dir: []*chunk{newChunk()}, seed: maphash.MakeSeed()}
	dir := t.dir
	t.chunks.Store(&dir)
	ix := make([]uint64, minIndex)
	t.index.Store(&ix)
	return t
}

func (t *table) hash(s string) uint32 { return uint32(maphash.String(t.seed, s)) }

// find returns s's symbol in ix, or NoSymbol and the empty slot where s
// would go.
func (t *table) find(ix []uint64, h uint32, s string) (Symbol, uint32) {
	mask := uint32(len(ix) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		e := atomic.LoadUint64(&ix[i])
		if e == 0 {
			return NoSymbol, i
		}
		if uint32(e>>32) == h && Symbol(uint32(e)).name(t) == s {
			return Symbol(uint32(e)), i
		}
	}
}

func (s Symbol) name(t *table) string {
	return (*t.chunks.Load())[s>>chunkBits][s&(chunkSize-1)]
}

// Intern returns the Symbol for s, creating it on first use.
func Intern(s string) Symbol {
	t := symtab
	h := t.hash(s)
	if sym, _ := t.find(*t.index.Load(), h, s); sym != NoSymbol {
		return sym
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	ix := *t.index.Load()
	sym, slot := t.find(ix, h, s)
	if sym != NoSymbol {
		return sym
	}
	sym = Symbol(t.n)
	if int(sym>>chunkBits) == len(t.dir) {
		t.dir = append(t.dir, newChunk()) // writes only past every published len
		dir := t.dir
		t.chunks.Store(&dir)
	}
	t.dir[sym>>chunkBits][sym&(chunkSize-1)] = s
	t.n++
	if uint64(t.n)*4 > uint64(len(ix))*3 { // t.n-1 symbols are indexed, counting sym
		nix := t.grow(ix) // a new slice header only here: &ix would escape
		_, slot = t.find(nix, h, s)
		nix[slot] = entry(h, sym)
		t.index.Store(&nix)
		return sym
	}
	atomic.StoreUint64(&ix[slot], entry(h, sym))
	return sym
}

// grow returns a copy of ix twice as big, not yet visible to readers.
func (t *table) grow(ix []uint64) []uint64 {
	nix := make([]uint64, 2*len(ix))
	mask := uint32(len(nix) - 1)
	for _, e := range ix {
		if e == 0 {
			continue
		}
		i := uint32(e>>32) & mask
		for nix[i] != 0 {
			i = (i + 1) & mask
		}
		nix[i] = e
	}
	return nix
}

// Lookup returns the Symbol for s if it was ever interned.
func Lookup(s string) (Symbol, bool) {
	t := symtab
	sym, _ := t.find(*t.index.Load(), t.hash(s), s)
	return sym, sym != NoSymbol
}

// String returns the symbol's text.
func (s Symbol) String() string { return s.name(symtab) }

// Bound is above every symbol interned so far, for tables indexed by
// symbol.
func Bound() int { return len(*symtab.chunks.Load()) * chunkSize }

// newChunk returns an empty chunk whose memory has been written once. A
// chunk fills a name at a time; were the collector to scan it first, its
// untouched pages would be mapped to the kernel's zero page and each
// first write would fault again, interrupting every CPU to flush TLBs.
func newChunk() *chunk {
	c := new(chunk)
	for i := 0; i < len(c); i += 4096 / 16 {
		c[i] = ""
	}
	return c
}
