package eval

import "testing"

// Tabs in messages are expanded by the running column of the whole
// message, as Nix's logger does; goldens with tabs would depend on the
// length of the checkout path, so the rule is tested here.
func TestFilterTerminal(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"a\tb", "a       b"},
		{"abcdefgh\tx", "abcdefgh        x"},
		{"ab\ncd\te", "ab\ncd    e"},
		{"x\r\ay", "xy"},
		{"\x1b[31mred\x1b[0m", "red"},
	} {
		if got := FilterTerminal(c.in); got != c.want {
			t.Errorf("FilterTerminal(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
