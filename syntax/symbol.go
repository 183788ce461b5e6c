package syntax

import "sync"

// Symbol is an interned identifier or attribute name. Symbols compare by
// number; the numbering follows first interning, as Nix's symbol table, and
// attribute sets are kept sorted by it.
type Symbol uint32

// NoSymbol is the zero Symbol, never returned by Intern.
const NoSymbol Symbol = 0

var symtab = struct {
	sync.RWMutex
	ids   map[string]Symbol
	names []string
}{ids: map[string]Symbol{}, names: []string{""}}

// Intern returns the Symbol for s, creating it on first use.
func Intern(s string) Symbol {
	symtab.RLock()
	id, ok := symtab.ids[s]
	symtab.RUnlock()
	if ok {
		return id
	}
	symtab.Lock()
	defer symtab.Unlock()
	if id, ok := symtab.ids[s]; ok {
		return id
	}
	id = Symbol(len(symtab.names))
	symtab.names = append(symtab.names, s)
	symtab.ids[s] = id
	return id
}

// Lookup returns the Symbol for s if it was ever interned.
func Lookup(s string) (Symbol, bool) {
	symtab.RLock()
	id, ok := symtab.ids[s]
	symtab.RUnlock()
	return id, ok
}

// String returns the symbol's text.
func (s Symbol) String() string {
	symtab.RLock()
	defer symtab.RUnlock()
	return symtab.names[s]
}
