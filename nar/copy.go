package nar

import (
	"io"
)

// countWriter counts bytes on their way to w.
type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// Copy reads one NAR from src, checking it, and writes it to dst,
// returning the number of bytes written. Because NARs are canonical,
// re-encoding what Reader decodes gives back the input byte for byte.
// Nothing after the NAR is read from src if src is a *bufio.Reader.
// On error, dst may have received part of the NAR.
func Copy(dst io.Writer, src io.Reader) (int64, error) {
	cw := &countWriter{w: dst}
	nw := NewWriter(cw)
	nr := NewReader(src)
	for {
		h, err := nr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return cw.n, err
		}
		if err := nw.WriteHeader(h); err != nil {
			return cw.n, err
		}
		if h.Type == TypeRegular {
			if _, err := io.Copy(nw, nr); err != nil {
				return cw.n, err
			}
		}
	}
	err := nw.Close()
	return cw.n, err
}
